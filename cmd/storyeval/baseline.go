package main

import (
	"math"
	"strings"
	"time"
	"unicode"
)

// baseline is the single-pass TF-IDF clustering the issue measures against:
// each document, in date order, joins the cluster whose centroid is most
// similar (cosine of TF-IDF over title and body, IDF over all documents)
// among the clusters active within the window, if that similarity reaches
// the threshold; otherwise it starts a cluster.
func baseline(docs []evalDoc, threshold float64, window time.Duration) map[string]string {
	vecs := tfidf(docs)
	type cluster struct {
		id       string
		centroid map[string]float64
		last     time.Time
	}
	var clusters []*cluster
	got := map[string]string{}
	for i, d := range docs {
		var best *cluster
		bestSim := threshold
		for _, c := range clusters {
			if d.Time.Sub(c.last) > window {
				continue
			}
			if s := cosine(vecs[i], c.centroid); s >= bestSim {
				best, bestSim = c, s
			}
		}
		if best == nil {
			best = &cluster{id: d.ID, centroid: map[string]float64{}}
			clusters = append(clusters, best)
		}
		for t, w := range vecs[i] {
			best.centroid[t] += w
		}
		if d.Time.After(best.last) {
			best.last = d.Time
		}
		got[d.ID] = best.id
	}
	return got
}

func tfidf(docs []evalDoc) []map[string]float64 {
	tfs := make([]map[string]float64, len(docs))
	df := map[string]int{}
	for i, d := range docs {
		tf := map[string]float64{}
		for _, w := range strings.FieldsFunc(strings.ToLower(d.Title+" "+d.Text), func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r)
		}) {
			tf[w]++
		}
		for w := range tf {
			df[w]++
		}
		tfs[i] = tf
	}
	n := float64(len(docs))
	for _, tf := range tfs {
		var norm float64
		for w, c := range tf {
			tf[w] = c * math.Log(n/float64(df[w]))
			norm += tf[w] * tf[w]
		}
		norm = math.Sqrt(norm)
		for w := range tf {
			if norm > 0 {
				tf[w] /= norm
			}
		}
	}
	return tfs
}

func cosine(a, b map[string]float64) float64 {
	if len(a) > len(b) {
		a, b = b, a
	}
	var dot, nb float64
	for t, w := range a {
		dot += w * b[t]
	}
	for _, w := range b {
		nb += w * w
	}
	if nb == 0 {
		return 0
	}
	return dot / math.Sqrt(nb) // a is unit length
}
