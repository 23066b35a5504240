package main

import (
	"fmt"
	"io"
	"sort"

	"github.com/geobrief/geobrief/extractive"
)

// grid lists the parameter sets that -tune tries. Centroid stays 1: the
// score is only compared within an article, so one weight can be fixed.
func grid() []extractive.Tuning {
	var out []extractive.Tuning
	for _, pos := range []float64{0, 0.5, 1, 2} {
		for _, decay := range []float64{0.6, 1} {
			if pos == 0 && decay != 1 {
				continue
			}
			for _, fwd := range []float64{0, 2, 3, 5} {
				for _, bwd := range []float64{0, 2, 3} {
					for _, lambda := range []float64{0.7, 0.85} {
						out = append(out, extractive.Tuning{Centroid: 1, Position: pos, PositionDecay: decay,
							Forward: fwd, Backward: bwd, MMRLambda: lambda, MinWords: 8, DanglingPenalty: 0.1})
					}
				}
			}
		}
	}
	return out
}

// tuneScore is the mean F1 (ROUGE-1, -2, -L) of three-sentence summaries,
// the bot's default and the standard length of news highlights, for the
// offline summarizer and for lead-3.
func tuneScore(docs []doc, t *extractive.Tuning) (ours, lead float64) {
	rs, _ := evaluate(docs, 3, t)
	return objective(rs), leadObjective(rs)
}

// runTune scores every parameter set on every sample and ranks them by the
// smallest margin over lead-3 across samples, so that a set that wins on one
// sample by losing on the other is not chosen. Each sample is also split in
// two halves (even and odd articles) and the set chosen on one half is
// scored on the other, so that the margin is not only fitted.
func runTune(w io.Writer, samples []sample) error {
	g := grid()
	type ranked struct {
		t        extractive.Tuning
		ours     []float64
		lead     []float64
		minDelta float64
	}
	rank := func(sets []extractive.Tuning, pick func(sample) []doc) []ranked {
		out := make([]ranked, 0, len(sets))
		for _, t := range sets {
			r := ranked{t: t, minDelta: 1e9}
			for _, s := range samples {
				o, l := tuneScore(pick(s), &t)
				r.ours = append(r.ours, o)
				r.lead = append(r.lead, l)
				r.minDelta = min(r.minDelta, o-l)
			}
			out = append(out, r)
		}
		sort.SliceStable(out, func(a, b int) bool { return out[a].minDelta > out[b].minDelta })
		return out
	}
	half := func(f int) func(sample) []doc {
		return func(s sample) []doc {
			var out []doc
			for i, d := range s.docs {
				if i%2 == f {
					out = append(out, d)
				}
			}
			return out
		}
	}
	print := func(label string, r ranked) {
		fmt.Fprintf(w, "%s %+.4f", label, r.minDelta)
		for i, s := range samples {
			fmt.Fprintf(w, "  %s %.4f (lead-3 %.4f)", s.name, r.ours[i], r.lead[i])
		}
		fmt.Fprintf(w, "  %+v\n", r.t)
	}
	for f := 0; f < 2; f++ {
		best := rank(g, half(f))[0]
		print(fmt.Sprintf("fold %d: best on its half, train", f), best)
		print(fmt.Sprintf("fold %d: same set on the other half", f), rank([]extractive.Tuning{best.t}, half(1-f))[0])
		print(fmt.Sprintf("fold %d: default on the other half", f), rank([]extractive.Tuning{extractive.DefaultTuning()}, half(1-f))[0])
	}
	all := func(s sample) []doc { return s.docs }
	print("all articles: default", rank([]extractive.Tuning{extractive.DefaultTuning()}, all)[0])
	fmt.Fprintln(w, "best parameter sets on all articles (smallest margin over lead-3 across samples, mean F1 at 3 sentences):")
	for _, r := range rank(g, all)[:min(10, len(g))] {
		print(" ", r)
	}
	return nil
}

func leadObjective(rs []result) float64 {
	m, _ := mean(rs, func(result) bool { return true }, lead)
	return (m.r1.F1 + m.r2.F1 + m.rl.F1) / 3
}
