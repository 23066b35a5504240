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
	for _, title := range []float64{0, 0.05, 0.1} {
		for _, pos := range []float64{0, 0.05, 0.1} {
			for _, decay := range []float64{0.3, 1} {
				for _, lambda := range []float64{0.8, 0.85, 0.9} {
					for _, minWords := range []float64{8, 12, 16} {
						out = append(out, extractive.Tuning{Centroid: 1, Title: title, Position: pos,
							PositionDecay: decay, MMRLambda: lambda, MinWords: minWords})
					}
				}
			}
		}
	}
	return out
}

// tuneScore is what tuning maximises: the mean F1 (ROUGE-1, -2, -L) of
// summaries as long as the reference and of three-sentence summaries, the
// bot's default.
func tuneScore(docs []doc, t *extractive.Tuning) (ours, lead float64) {
	for _, n := range []int{0, 3} {
		rs, _ := evaluate(docs, n, t)
		ours += objective(rs) / 2
		lead += leadObjective(rs) / 2
	}
	return ours, lead
}

// runTune grid-searches on one half of the articles and scores the best
// parameters on the other half, both ways round, so that the reported gain
// over lead-N is measured on articles the parameters were not chosen on.
func runTune(w io.Writer, samples []sample) error {
	for _, s := range samples {
		fmt.Fprintf(w, "== %s\n", s.name)
		if err := tuneSample(w, s.docs); err != nil {
			return err
		}
	}
	return nil
}

func tuneSample(w io.Writer, docs []doc) error {
	var folds [2][]doc
	for i, d := range docs {
		folds[i%2] = append(folds[i%2], d)
	}
	g := grid()
	for f := 0; f < 2; f++ {
		train, test := folds[f], folds[1-f]
		best, bestScore := g[0], -1.0
		for _, t := range g {
			if s, _ := tuneScore(train, &t); s > bestScore {
				best, bestScore = t, s
			}
		}
		tuned, lead := tuneScore(test, &best)
		def, _ := tuneScore(test, nil)
		fmt.Fprintf(w, "fold %d: best on train %+v (train %.4f); held-out: tuned %.4f, default %.4f, lead-N %.4f\n",
			f, best, bestScore, tuned, def, lead)
	}
	type ranked struct {
		t     extractive.Tuning
		score float64
	}
	all := make([]ranked, 0, len(g))
	for _, t := range g {
		s, _ := tuneScore(docs, &t)
		all = append(all, ranked{t, s})
	}
	sort.SliceStable(all, func(a, b int) bool { return all[a].score > all[b].score })
	def, lead := tuneScore(docs, nil)
	fmt.Fprintf(w, "all articles: default %.4f; lead-N %.4f; best parameter sets:\n", def, lead)
	for _, r := range all[:min(8, len(all))] {
		fmt.Fprintf(w, "  %.4f %+v\n", r.score, r.t)
	}
	return nil
}

func leadObjective(rs []result) float64 {
	m, _ := mean(rs, func(result) bool { return true }, lead)
	return (m.r1.F1 + m.r2.F1 + m.rl.F1) / 3
}
