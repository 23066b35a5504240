// Command evalsummary measures the offline extractive summarizer against the
// lead-N baseline (the first N sentences) on a corpus with reference
// summaries, laid out as article/<topic>/<name>.txt (headline on the first
// line, then the body) and summary/<topic>/<name>.txt (the reference).
//
//	go run ./cmd/evalsummary -corpus ../shared/corpus/bbc-news-summary
//
// By default both systems return as many sentences as the reference has
// (-n 0); -n 3 gives every summary three sentences instead. The output is
// deterministic: two runs print the same table, timings aside.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	corpusDir := flag.String("corpus", "", "corpus folder holding article/ and summary/")
	n := flag.Int("n", 0, "sentences per summary; 0 matches each reference's sentence count")
	tune := flag.Bool("tune", false, "grid-search the ranking parameters (2-fold cross-validation, scored at reference length and at 3 sentences); ignores -n")
	flag.Parse()
	if *corpusDir == "" {
		fmt.Fprintln(os.Stderr, "evalsummary: -corpus is required")
		flag.Usage()
		os.Exit(2)
	}
	if err := run(os.Stdout, *corpusDir, *n, *tune); err != nil {
		fmt.Fprintln(os.Stderr, "evalsummary:", err)
		os.Exit(1)
	}
}

func run(w io.Writer, dir string, n int, tune bool) error {
	docs, err := loadCorpus(dir)
	if err != nil {
		return err
	}
	if len(docs) == 0 {
		return fmt.Errorf("no articles with summaries under %s", dir)
	}
	if tune {
		return runTune(w, docs)
	}
	return report(w, docs, n)
}
