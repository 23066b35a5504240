// Package rouge measures how much of a reference summary a candidate summary
// recovers: ROUGE-N (n-gram overlap) and ROUGE-L (longest common
// subsequence), over lowercased word tokens.
package rouge

import (
	"strings"
	"unicode"
)

// Scores are the precision, recall and F1 of one comparison, each in [0, 1].
type Scores struct {
	Precision, Recall, F1 float64
}

func newScores(match, candTotal, refTotal int) Scores {
	var s Scores
	if candTotal > 0 {
		s.Precision = float64(match) / float64(candTotal)
	}
	if refTotal > 0 {
		s.Recall = float64(match) / float64(refTotal)
	}
	if s.Precision+s.Recall > 0 {
		s.F1 = 2 * s.Precision * s.Recall / (s.Precision + s.Recall)
	}
	return s
}

// Tokens lowercases s and splits it into runs of letters and digits;
// everything else separates tokens.
func Tokens(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// N returns ROUGE-N: the clipped count of n-grams shared by candidate and
// reference, over the candidate's n-grams (precision) and the reference's
// (recall). n below 1 is treated as 1.
func N(candidate, reference string, n int) Scores {
	if n < 1 {
		n = 1
	}
	cand := ngrams(Tokens(candidate), n)
	ref := ngrams(Tokens(reference), n)
	candTotal, refTotal, match := 0, 0, 0
	for _, c := range cand {
		candTotal += c
	}
	for g, c := range ref {
		refTotal += c
		match += min(c, cand[g])
	}
	return newScores(match, candTotal, refTotal)
}

func ngrams(toks []string, n int) map[string]int {
	m := map[string]int{}
	for i := 0; i+n <= len(toks); i++ {
		m[strings.Join(toks[i:i+n], " ")]++
	}
	return m
}

// L returns ROUGE-L: the length of the longest common subsequence of the
// two token sequences over the candidate's length (precision) and the
// reference's (recall).
func L(candidate, reference string) Scores {
	c, r := Tokens(candidate), Tokens(reference)
	return newScores(lcs(c, r), len(c), len(r))
}

// lcs is the classic dynamic programme, keeping two rows.
func lcs(a, b []string) int {
	if len(a) < len(b) {
		a, b = b, a
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			if a[i-1] == b[j-1] {
				cur[j] = prev[j-1] + 1
			} else {
				cur[j] = max(prev[j], cur[j-1])
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
