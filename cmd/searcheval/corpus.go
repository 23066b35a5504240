package main

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/geobrief/geobrief/corpus"
)

// evalDoc is one document of the development corpus with what the queries
// are derived from.
type evalDoc struct {
	doc corpus.Document
	// sub names the sub-corpus: "bbc", "cnndm" or "allsides".
	sub string
	// headline is the document's own headline, "" when the corpus has none
	// (CNN/Daily Mail articles carry no title line).
	headline string
	// summary holds the sentences of the reference summary, if any.
	summary []string
	// story is the AllSides story the article covers, "" elsewhere.
	story string
}

// The sub-corpora, read as one corpus. IDs are prefixed with the sub-corpus
// (and the BBC topic), since file names repeat across folders.
func loadCorpus(root string) ([]evalDoc, error) {
	var all []evalDoc
	for _, load := range []func(string) ([]evalDoc, error){loadBBC, loadCNNDM, loadAllSides} {
		docs, err := load(root)
		if err != nil {
			return nil, err
		}
		all = append(all, docs...)
	}
	return all, nil
}

// loadBBC reads bbc-news-summary: article/<topic>/NNN.txt with the headline
// on the first line, summary/<topic>/NNN.txt one sentence per line.
func loadBBC(root string) ([]evalDoc, error) {
	dir := filepath.Join(root, "bbc-news-summary")
	names, err := fs.Glob(os.DirFS(dir), "article/*/*.txt")
	if err != nil || len(names) == 0 {
		return nil, fmt.Errorf("no articles in %s (err %v)", dir, err)
	}
	var docs []evalDoc
	for _, name := range names {
		topic := path.Base(path.Dir(name))
		d, err := parse(filepath.Join(dir, name), "bbc-"+topic+"-"+path.Base(name))
		if err != nil {
			return nil, err
		}
		sum, err := os.ReadFile(filepath.Join(dir, "summary", topic, path.Base(name)))
		if err != nil {
			return nil, fmt.Errorf("summary of %s: %w", name, err)
		}
		docs = append(docs, evalDoc{doc: d, sub: "bbc", headline: d.Title, summary: lines(string(sum))})
	}
	return docs, nil
}

// loadCNNDM reads cnndm-dev: article/NNNN.txt without a title line and
// summary/NNNN.txt, one highlight per line.
func loadCNNDM(root string) ([]evalDoc, error) {
	dir := filepath.Join(root, "cnndm-dev")
	names, err := fs.Glob(os.DirFS(dir), "article/*.txt")
	if err != nil || len(names) == 0 {
		return nil, fmt.Errorf("no articles in %s (err %v)", dir, err)
	}
	var docs []evalDoc
	for _, name := range names {
		d, err := parse(filepath.Join(dir, name), "cnndm-"+path.Base(name))
		if err != nil {
			return nil, err
		}
		sum, err := os.ReadFile(filepath.Join(dir, "summary", path.Base(name)))
		if err != nil {
			return nil, fmt.Errorf("summary of %s: %w", name, err)
		}
		docs = append(docs, evalDoc{doc: d, sub: "cnndm", summary: lines(string(sum))})
	}
	return docs, nil
}

// loadAllSides reads allsides-dev: articles/<id>.md with front matter; the
// title is the headline and there is no summary.
func loadAllSides(root string) ([]evalDoc, error) {
	dir := filepath.Join(root, "allsides-dev")
	names, err := fs.Glob(os.DirFS(dir), "articles/*.md")
	if err != nil || len(names) == 0 {
		return nil, fmt.Errorf("no articles in %s (err %v)", dir, err)
	}
	// A question about an event is answered by any article of its story.
	raw, err := os.ReadFile(filepath.Join(dir, "labels.json"))
	if err != nil {
		return nil, fmt.Errorf("allsides-dev: %w", err)
	}
	var stories map[string]string
	if err := json.Unmarshal(raw, &stories); err != nil {
		return nil, fmt.Errorf("allsides-dev: labels.json: %w", err)
	}
	var docs []evalDoc
	for _, name := range names {
		d, err := parse(filepath.Join(dir, name), "allsides-"+path.Base(name))
		if err != nil {
			return nil, err
		}
		story, ok := stories[strings.TrimSuffix(path.Base(name), ".md")]
		if !ok {
			return nil, fmt.Errorf("allsides-dev: %s has no story in labels.json", name)
		}
		docs = append(docs, evalDoc{doc: d, sub: "allsides", headline: d.Title, story: story})
	}
	return docs, nil
}

// parse reads one file as the corpus loader would, under the given file name.
// Every document gets the same Added time, so that no ranking step can use
// the order in which the folders were read.
func parse(file, name string) (corpus.Document, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return corpus.Document{}, err
	}
	// Fields the parser ignores do not matter for ranking.
	d, _, err := corpus.ParseFile(name, raw, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		return corpus.Document{}, fmt.Errorf("%s: %w", file, err)
	}
	return d, nil
}

func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}
