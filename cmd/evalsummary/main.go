// Command evalsummary measures the offline extractive summarizer against the
// lead baseline (the first sentences of the article) on samples with
// reference summaries, and prints ROUGE-1/2/L F1 and recall for both systems
// from the same run.
//
//	go run ./cmd/evalsummary                       # every sample under ../shared/corpus
//	go run ./cmd/evalsummary -corpus ../shared/corpus/cnndm-dev
//
// A sample is a folder holding article/ and summary/ with the same file
// names, either article/<topic>/<name>.txt (headline on the first line, then
// the body: the BBC sample) or article/<name>.txt (the body alone:
// CNN/Daily Mail). For each sample it prints two tables: three-sentence
// summaries against lead-3 (the standard comparison, and the bot's default
// length), then summaries as long as each reference (in sentences) against
// lead-N of the same length. -n N replaces both with one table at N
// sentences. The output is deterministic: two runs print the same tables,
// timings aside.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/geobrief/geobrief/extractive"
)

func main() {
	root := flag.String("samples", "../shared/corpus", "folder whose sub-folders holding article/ and summary/ are all evaluated")
	corpusDir := flag.String("corpus", "", "evaluate this one sample instead of every sample under -samples")
	n := flag.Int("n", -1, "sentences per summary; 0 matches each reference's sentence count; default: both 3 and 0")
	topics := flag.Bool("topics", false, "also print a row per topic (sub-folder of article/)")
	tuning := flag.String("tuning", "", "ranking parameters as JSON (fields of extractive.Tuning; unset fields take the defaults) instead of the defaults")
	tune := flag.Bool("tune", false, "grid-search the ranking parameters on every sample (2-fold cross-validation, scored at reference length and at 3 sentences); ignores -n")
	flag.Parse()
	t := extractive.DefaultTuning()
	if *tuning != "" {
		if err := json.Unmarshal([]byte(*tuning), &t); err != nil {
			fmt.Fprintln(os.Stderr, "evalsummary: cannot read -tuning:", err)
			os.Exit(2)
		}
	}
	if err := run(os.Stdout, *root, *corpusDir, *n, *topics, *tune, &t); err != nil {
		fmt.Fprintln(os.Stderr, "evalsummary:", err)
		os.Exit(1)
	}
}

// sample is one evaluation set, loaded.
type sample struct {
	name string
	docs []doc
}

func run(w io.Writer, root, corpusDir string, n int, topics, tune bool, t *extractive.Tuning) error {
	dirs := []string{corpusDir}
	if corpusDir == "" {
		var err error
		if dirs, err = findSamples(root); err != nil {
			return err
		}
		if len(dirs) == 0 {
			return fmt.Errorf("no folder under %s holds article/ and summary/", root)
		}
	}
	var samples []sample
	for _, dir := range dirs {
		docs, err := loadCorpus(dir)
		if err != nil {
			return err
		}
		if len(docs) == 0 {
			return fmt.Errorf("no articles with summaries under %s", dir)
		}
		samples = append(samples, sample{filepath.Base(dir), docs})
	}
	if tune {
		return runTune(w, samples)
	}
	lengths := []int{3, 0}
	if n >= 0 {
		lengths = []int{n}
	}
	for _, s := range samples {
		for _, k := range lengths {
			if err := report(w, s.name, s.docs, k, topics, t); err != nil {
				return err
			}
		}
	}
	return nil
}
