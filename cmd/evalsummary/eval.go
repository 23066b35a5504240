package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/geobrief/geobrief/extractive"
	"github.com/geobrief/geobrief/rouge"
)

// doc is one article of a sample with its reference summary.
type doc struct {
	topic, name   string
	title, body   string
	reference     string
	refSentences  int
	bodySentences []string
}

// isSample reports whether dir holds an article/ and a summary/ folder.
func isSample(dir string) bool {
	for _, sub := range []string{"article", "summary"} {
		if fi, err := os.Stat(filepath.Join(dir, sub)); err != nil || !fi.IsDir() {
			return false
		}
	}
	return true
}

// findSamples lists the folders directly under root that are samples, in
// name order.
func findSamples(root string) ([]string, error) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, fmt.Errorf("cannot list samples in %s: %w", root, err)
	}
	var out []string
	for _, e := range entries {
		if dir := filepath.Join(root, e.Name()); e.IsDir() && isSample(dir) {
			out = append(out, dir)
		}
	}
	return out, nil
}

// loadCorpus reads a sample in sorted order so that every run sees the same
// sequence. Two layouts are read: article/<topic>/<name>.txt (the BBC
// sample) and article/<name>.txt (CNN/Daily Mail; its topic is the sample's
// name), each with summary/ mirroring article/.
func loadCorpus(dir string) ([]doc, error) {
	var articles []string
	err := filepath.WalkDir(filepath.Join(dir, "article"), func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !e.IsDir() && strings.HasSuffix(p, ".txt") {
			articles = append(articles, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("cannot list articles of %s: %w", dir, err)
	}
	sort.Strings(articles)
	var docs []doc
	for _, a := range articles {
		rel, err := filepath.Rel(filepath.Join(dir, "article"), a)
		if err != nil {
			return nil, fmt.Errorf("cannot place %s: %w", a, err)
		}
		topic := filepath.Dir(rel)
		if topic == "." {
			topic = filepath.Base(dir)
		}
		ref, err := os.ReadFile(filepath.Join(dir, "summary", rel))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("cannot read summary of %s: %w", rel, err)
		}
		raw, err := os.ReadFile(a)
		if err != nil {
			return nil, fmt.Errorf("cannot read article %s: %w", rel, err)
		}
		title, body := splitHeadline(string(raw))
		d := doc{
			topic: topic, name: rel,
			title: title, body: body,
			reference:     string(ref),
			bodySentences: extractive.Sentences(body),
		}
		d.refSentences = len(extractive.Sentences(d.reference))
		docs = append(docs, d)
	}
	return docs, nil
}

// splitHeadline takes the first line as the headline when more lines
// follow: BBC files open with the headline and give one sentence a line,
// while CNN/Daily Mail files are the body alone, on one line.
func splitHeadline(raw string) (title, body string) {
	first, rest, ok := strings.Cut(raw, "\n")
	if !ok || strings.TrimSpace(rest) == "" {
		return "", raw
	}
	return strings.TrimSpace(first), rest
}

// scores are the ROUGE results of one summary.
type scores struct {
	r1, r2, rl rouge.Scores
}

func score(candidate []string, reference string) scores {
	c := strings.Join(candidate, "\n")
	return scores{r1: rouge.N(c, reference, 1), r2: rouge.N(c, reference, 2), rl: rouge.L(c, reference)}
}

// length returns how many sentences both systems produce for d.
func (d doc) length(n int) int {
	if n > 0 {
		return n
	}
	return max(d.refSentences, 1)
}

// result holds one article's scores for both systems.
type result struct {
	topic       string
	ours, lead  scores
	notVerbatim int
	sentences   int  // returned by the offline summarizer
	leansBack   bool // the summary opens with a sentence leaning on the one before
}

func evaluate(docs []doc, n int, t *extractive.Tuning) ([]result, time.Duration) {
	out := make([]result, 0, len(docs))
	var spent time.Duration
	for _, d := range docs {
		k := d.length(n)
		start := time.Now()
		s := extractive.Summarize(d.title, d.body, extractive.Options{SummarySentences: k, Facts: -1, Tuning: t})
		spent += time.Since(start)
		lead := d.bodySentences[:min(k, len(d.bodySentences))]
		r := result{topic: d.topic, ours: score(s.Summary, d.reference), lead: score(lead, d.reference), sentences: len(s.Summary)}
		r.leansBack = len(s.Summary) > 0 && extractive.LeansBack(s.Summary[0])
		for _, x := range s.Summary {
			if !strings.Contains(d.body, x) {
				r.notVerbatim++
			}
		}
		out = append(out, r)
	}
	return out, spent
}

// mean averages the scores of the results that keep returns true for.
func mean(rs []result, keep func(result) bool, pick func(result) scores) (m scores, count int) {
	for _, r := range rs {
		if !keep(r) {
			continue
		}
		s := pick(r)
		count++
		m.r1.F1 += s.r1.F1
		m.r1.Recall += s.r1.Recall
		m.r2.F1 += s.r2.F1
		m.r2.Recall += s.r2.Recall
		m.rl.F1 += s.rl.F1
		m.rl.Recall += s.rl.Recall
	}
	if count > 0 {
		f := 1 / float64(count)
		m.r1.F1 *= f
		m.r1.Recall *= f
		m.r2.F1 *= f
		m.r2.Recall *= f
		m.rl.F1 *= f
		m.rl.Recall *= f
	}
	return m, count
}

func ours(r result) scores { return r.ours }
func lead(r result) scores { return r.lead }

// objective is what tuning maximises: the mean of the three F1 scores.
func objective(rs []result) float64 {
	m, _ := mean(rs, func(result) bool { return true }, ours)
	return (m.r1.F1 + m.r2.F1 + m.rl.F1) / 3
}

// report prints, for one sample, the offline summarizer beside lead-N at
// the given length (n > 0) or at each reference's length (n == 0).
func report(w io.Writer, name string, docs []doc, n int, byTopic bool, t *extractive.Tuning) error {
	rs, spent := evaluate(docs, n, t)
	mode := "sentences per summary = reference's sentence count (baseline lead-N, same count)"
	base := "lead-N"
	if n > 0 {
		base = fmt.Sprintf("lead-%d", n)
		mode = fmt.Sprintf("sentences per summary = %d (baseline %s)", n, base)
	}
	fmt.Fprintf(w, "== %s: %d articles; %s\n", name, len(docs), mode)

	var topics []string
	seen := map[string]bool{}
	for _, d := range docs {
		if !seen[d.topic] {
			seen[d.topic] = true
			topics = append(topics, d.topic)
		}
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "topic\tarticles\tsystem\tR1 F1\tR1 rec\tR2 F1\tR2 rec\tRL F1\tRL rec\t")
	row := func(topic string, keep func(result) bool) {
		for _, sys := range []struct {
			name string
			pick func(result) scores
		}{{"offline", ours}, {base, lead}} {
			m, c := mean(rs, keep, sys.pick)
			fmt.Fprintf(tw, "%s\t%d\t%s\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t\n",
				topic, c, sys.name, m.r1.F1, m.r1.Recall, m.r2.F1, m.r2.Recall, m.rl.F1, m.rl.Recall)
		}
	}
	row("all", func(result) bool { return true })
	if byTopic && len(topics) > 1 {
		for _, t := range topics {
			row(t, func(r result) bool { return r.topic == t })
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	wins, ties := 0, 0
	bad, sents, leaning := 0, 0, 0
	for _, r := range rs {
		a := r.ours.r1.F1 + r.ours.r2.F1 + r.ours.rl.F1
		b := r.lead.r1.F1 + r.lead.r2.F1 + r.lead.rl.F1
		switch {
		case a > b+1e-12:
			wins++
		case a > b-1e-12:
			ties++
		}
		bad += r.notVerbatim
		sents += r.sentences
		if r.leansBack {
			leaning++
		}
	}
	fmt.Fprintf(w, "offline beats %s on %d articles, ties on %d, loses on %d (mean of R1, R2, RL F1)\n",
		base, wins, ties, len(rs)-wins-ties)
	fmt.Fprintf(w, "offline sentences per summary: %.2f; not verbatim in their article: %d; summaries opening with a sentence that leans on the one before: %d\n",
		float64(sents)/float64(max(len(rs), 1)), bad, leaning)
	fmt.Fprintf(w, "Summarize time: %v total, %v per article (varies between runs)\n\n",
		spent.Round(time.Microsecond), (spent / time.Duration(max(len(rs), 1))).Round(time.Microsecond))
	return nil
}
