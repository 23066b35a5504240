package stories

import (
	"maps"
	"math"
	"slices"
)

// Vocabulary counts in how many documents each word or name occurs, which
// makes its weight: a word in every article ("government") says little, a
// name in a handful says much.
type Vocabulary struct {
	ids   map[string]int32
	terms []string
	dfs   []int32
	n     int
}

func newVocabulary() *Vocabulary { return &Vocabulary{ids: map[string]int32{}} }

// NewVocabulary counts the documents' words as Grouper would (title and the
// first leadWords words of the text), for a grouping that must not depend
// on the order documents arrive in.
func NewVocabulary(docs []Doc, leadWords int) *Vocabulary {
	v := newVocabulary()
	for _, d := range docs {
		v.add(features(d.Title, lead(d.Text, leadWords)))
	}
	return v
}

func (v *Vocabulary) clone() *Vocabulary {
	return &Vocabulary{ids: maps.Clone(v.ids), terms: slices.Clone(v.terms), dfs: slices.Clone(v.dfs), n: v.n}
}

func (v *Vocabulary) id(term string) int32 {
	if i, ok := v.ids[term]; ok {
		return i
	}
	i := int32(len(v.terms))
	v.ids[term] = i
	v.terms = append(v.terms, term)
	v.dfs = append(v.dfs, 0)
	return i
}

// add counts one more document with these terms.
func (v *Vocabulary) add(counts map[string]float64) {
	v.n++
	// In sorted order, so that terms get the same numbers on every run and
	// sums over them come out the same to the last bit.
	for _, t := range slices.Sorted(maps.Keys(counts)) {
		v.dfs[v.id(t)]++
	}
}

// intern turns counts into features sorted by term number.
func (v *Vocabulary) intern(counts map[string]float64) []feat {
	fs := make([]feat, 0, len(counts))
	for _, t := range slices.Sorted(maps.Keys(counts)) {
		fs = append(fs, feat{term: v.id(t), tf: float32(counts[t])})
	}
	slices.SortFunc(fs, func(a, b feat) int { return int(a.term - b.term) })
	return fs
}

func (v *Vocabulary) df(t int32) int32 { return max(v.dfs[t], 1) }

// idf is the inverse document frequency, smoothed so that it stays
// positive and finite for a word seen once or never.
func (v *Vocabulary) idf(t int32) float64 {
	return math.Log(1 + float64(max(v.n, 1))/float64(v.df(t)))
}
