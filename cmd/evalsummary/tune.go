package main

import (
	"fmt"
	"io"

	"github.com/geobrief/geobrief/extractive"
)

// grid lists the parameter sets that -tune tries. Centroid stays 1: the
// score is only compared within an article, so one weight can be fixed.
func grid() []extractive.Tuning {
	var out []extractive.Tuning
	for _, title := range []float64{0, 0.25, 0.5, 1} {
		for _, pos := range []float64{0, 0.25, 0.5, 1, 2} {
			for _, decay := range []float64{0.3, 0.5, 1, 2} {
				for _, lambda := range []float64{0.6, 0.8, 0.9, 1} {
					out = append(out, extractive.Tuning{Centroid: 1, Title: title, Position: pos, PositionDecay: decay, MMRLambda: lambda})
				}
			}
		}
	}
	return out
}

// runTune grid-searches on one half of the articles and scores the best
// parameters on the other half, both ways round, so that the reported gain
// over lead-N is measured on articles the parameters were not chosen on.
func runTune(w io.Writer, docs []doc, n int) error {
	var folds [2][]doc
	for i, d := range docs {
		folds[i%2] = append(folds[i%2], d)
	}
	g := grid()
	for f := 0; f < 2; f++ {
		train, test := folds[f], folds[1-f]
		best, bestScore := g[0], -1.0
		for _, t := range g {
			rs, _ := evaluate(train, n, &t)
			if s := objective(rs); s > bestScore {
				best, bestScore = t, s
			}
		}
		rs, _ := evaluate(test, n, &best)
		def, _ := evaluate(test, n, nil)
		fmt.Fprintf(w, "fold %d: best on train %+v (train %.4f); held-out: tuned %.4f, default %.4f, lead-N %.4f\n",
			f, best, bestScore, objective(rs), objective(def), leadObjective(rs))
	}
	best, bestScore := g[0], -1.0
	for _, t := range g {
		rs, _ := evaluate(docs, n, &t)
		if s := objective(rs); s > bestScore {
			best, bestScore = t, s
		}
	}
	rs, _ := evaluate(docs, n, nil)
	fmt.Fprintf(w, "all articles: best %+v (%.4f); default %.4f; lead-N %.4f\n", best, bestScore, objective(rs), leadObjective(rs))
	return nil
}

func leadObjective(rs []result) float64 {
	m, _ := mean(rs, func(result) bool { return true }, lead)
	return (m.r1.F1 + m.r2.F1 + m.rl.F1) / 3
}
