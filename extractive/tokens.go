package extractive

import (
	"strings"
	"unicode"
)

// words splits s into lowercased word tokens: runs of letters and digits,
// keeping inner apostrophes, hyphens and dots between digits ("3.5").
func words(s string) []string {
	var out []string
	rs := []rune(s)
	for i := 0; i < len(rs); {
		if !isWordRune(rs[i]) {
			i++
			continue
		}
		j := i + 1
		for j < len(rs) {
			if isWordRune(rs[j]) {
				j++
				continue
			}
			if j+1 < len(rs) && isWordRune(rs[j+1]) && isInnerMark(rs[j], rs[j-1], rs[j+1]) {
				j += 2
				continue
			}
			break
		}
		out = append(out, strings.ToLower(string(rs[i:j])))
		i = j
	}
	return out
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func isInnerMark(r, before, after rune) bool {
	switch r {
	case '\'', '’', '-':
		return true
	case '.', ',':
		return unicode.IsDigit(before) && unicode.IsDigit(after)
	}
	return false
}

// term normalises a lowercased token for matching: possessives and simple
// plural or verb endings are removed ("talks" and "talk", "sanctions" and
// "sanction"). It is deliberately light: precision matters more than recall.
func term(w string) string {
	w = strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "’s")
	n := len(w)
	switch {
	case n > 5 && strings.HasSuffix(w, "ies"):
		return w[:n-3] + "y"
	case n > 4 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is"):
		return w[:n-1]
	}
	return w
}

// contentTerms returns the normalised non-stopword terms of s.
func contentTerms(s string) []string {
	ws := words(s)
	out := ws[:0]
	for _, w := range ws {
		if stopwords[w] || len(w) < 2 && !unicode.IsDigit(rune(w[0])) {
			continue
		}
		out = append(out, term(w))
	}
	return out
}

var stopwords = setOf(
	"a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are", "as", "at",
	"be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "did", "do",
	"does", "doing", "down", "during", "each", "even", "few", "for", "from", "further", "had", "has", "have", "having",
	"he", "her", "here", "hers", "herself", "him", "himself", "his", "how", "however", "i", "if", "in", "into", "is",
	"it", "it's", "its", "itself", "just", "like", "made", "make", "many", "may", "me", "might", "more", "most", "much",
	"must", "my", "myself", "new", "no", "nor", "not", "now", "of", "off", "on", "once", "one", "only", "or", "other",
	"our", "ours", "ourselves", "out", "over", "own", "said", "same", "say", "says", "she", "should", "since", "so",
	"some", "still", "such", "than", "that", "the", "their", "theirs", "them", "themselves", "then", "there", "these",
	"they", "this", "those", "though", "through", "to", "too", "under", "until", "up", "upon", "us", "very", "was",
	"we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would", "yet",
	"you", "your", "yours", "told", "according", "around", "told", "get", "got", "going", "well", "back", "way",
	"mr", "mrs", "ms", "dr", "don't", "didn't", "won't", "can't", "isn't", "wasn't", "there's", "that's", "he's",
	"she's", "they're", "we're", "i'm", "year", "years", "time", "people", "two", "three", "first", "last", "next",
)
