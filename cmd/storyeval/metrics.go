package main

import (
	"maps"
	"slices"
)

// scores are the clustering figures against the labels.
type scores struct {
	bP, bR, bF float64 // B-cubed precision, recall, F1
	pP, pR, pF float64 // pairwise precision, recall, F1
}

// score compares a clustering (document -> cluster) with the truth
// (document -> story) over the documents of truth. B-cubed: per document,
// the share of its cluster from its story (precision) and the share of its
// story in its cluster (recall), averaged. Pairwise: over pairs of
// documents, those put together that belong together.
func score(got, truth map[string]string) scores {
	type key struct{ c, s string }
	both := map[key]int{}
	inCluster := map[string]int{}
	inStory := map[string]int{}
	for d, s := range truth {
		c := got[d]
		both[key{c, s}]++
		inCluster[c]++
		inStory[s]++
	}
	var sc scores
	n := float64(len(truth))
	// In sorted order: summed in a map's order the averages differ in the
	// last bits from run to run, and tuning, which keeps the first of tied
	// settings, would then pick a different one of them on each run.
	for _, d := range slices.Sorted(maps.Keys(truth)) {
		s := truth[d]
		c := got[d]
		k := float64(both[key{c, s}])
		sc.bP += k / float64(inCluster[c]) / n
		sc.bR += k / float64(inStory[s]) / n
	}
	sc.bF = f1(sc.bP, sc.bR)
	pairs := func(m int) float64 { return float64(m*(m-1)) / 2 }
	var tp, predicted, actual float64
	for _, k := range both {
		tp += pairs(k)
	}
	for _, k := range inCluster {
		predicted += pairs(k)
	}
	for _, k := range inStory {
		actual += pairs(k)
	}
	if predicted > 0 {
		sc.pP = tp / predicted
	}
	if actual > 0 {
		sc.pR = tp / actual
	}
	sc.pF = f1(sc.pP, sc.pR)
	return sc
}

func f1(p, r float64) float64 {
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}
