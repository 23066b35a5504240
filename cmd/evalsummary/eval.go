package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/geobrief/geobrief/extractive"
	"github.com/geobrief/geobrief/rouge"
)

// doc is one article of the corpus with its reference summary.
type doc struct {
	topic, name   string
	title, body   string
	reference     string
	refSentences  int
	bodySentences []string
}

// loadCorpus reads article/<topic>/*.txt and the matching summary files, in
// sorted order so that every run sees the same sequence.
func loadCorpus(dir string) ([]doc, error) {
	articles, err := filepath.Glob(filepath.Join(dir, "article", "*", "*.txt"))
	if err != nil {
		return nil, fmt.Errorf("cannot list articles: %w", err)
	}
	sort.Strings(articles)
	var docs []doc
	for _, a := range articles {
		topic := filepath.Base(filepath.Dir(a))
		name := filepath.Base(a)
		ref, err := os.ReadFile(filepath.Join(dir, "summary", topic, name))
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("cannot read summary of %s/%s: %w", topic, name, err)
		}
		raw, err := os.ReadFile(a)
		if err != nil {
			return nil, fmt.Errorf("cannot read article %s/%s: %w", topic, name, err)
		}
		title, body, _ := strings.Cut(string(raw), "\n")
		d := doc{
			topic: topic, name: name,
			title: strings.TrimSpace(title), body: body,
			reference:     string(ref),
			bodySentences: extractive.Sentences(body),
		}
		d.refSentences = len(extractive.Sentences(d.reference))
		docs = append(docs, d)
	}
	return docs, nil
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
		r := result{topic: d.topic, ours: score(s.Summary, d.reference), lead: score(lead, d.reference)}
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

func report(w io.Writer, docs []doc, n int) error {
	rs, spent := evaluate(docs, n, nil)
	mode := "sentences per summary = reference's sentence count (same for lead-N)"
	if n > 0 {
		mode = fmt.Sprintf("sentences per summary = %d (lead-%d baseline)", n, n)
	}
	fmt.Fprintf(w, "%d articles; %s\n\n", len(docs), mode)

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
		}{{"offline", ours}, {"lead-N", lead}} {
			m, c := mean(rs, keep, sys.pick)
			fmt.Fprintf(tw, "%s\t%d\t%s\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t\n",
				topic, c, sys.name, m.r1.F1, m.r1.Recall, m.r2.F1, m.r2.Recall, m.rl.F1, m.rl.Recall)
		}
	}
	row("all", func(result) bool { return true })
	for _, t := range topics {
		row(t, func(r result) bool { return r.topic == t })
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	wins, ties := 0, 0
	bad := 0
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
	}
	fmt.Fprintf(w, "\noffline beats lead-N on %d articles, ties on %d, loses on %d (mean of R1, R2, RL F1)\n",
		wins, ties, len(rs)-wins-ties)
	fmt.Fprintf(w, "summary sentences not verbatim in their article: %d\n", bad)
	fmt.Fprintf(w, "Summarize time: %v total, %v per article (varies between runs)\n",
		spent.Round(time.Microsecond), (spent / time.Duration(len(rs))).Round(time.Microsecond))
	return nil
}
