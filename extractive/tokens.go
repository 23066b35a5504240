package extractive

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// words splits s into lowercased word tokens: runs of letters and digits,
// keeping inner apostrophes, hyphens and dots or commas between digits
// ("don't", "well-known", "3.5", "10,000").
func words(s string) []string {
	out := make([]string, 0, len(s)/6+1)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isWordRune(r) {
			i += size
			continue
		}
		start, prev := i, r
		i += size
		for i < len(s) {
			r, size = utf8.DecodeRuneInString(s[i:])
			if isWordRune(r) {
				prev = r
				i += size
				continue
			}
			next, nsize := utf8.DecodeRuneInString(s[i+size:])
			if nsize > 0 && isWordRune(next) && isInnerMark(r, prev, next) {
				prev = next
				i += size + nsize
				continue
			}
			break
		}
		out = append(out, lower(s[start:i]))
	}
	return out
}

// lower is strings.ToLower without an allocation for lowercase ASCII.
func lower(w string) string {
	for i := 0; i < len(w); i++ {
		if c := w[i]; c >= 'A' && c <= 'Z' || c >= 0x80 {
			return strings.ToLower(w)
		}
	}
	return w
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
func contentTerms(s string) []string { return contentWords(words(s)) }

// contentWords filters and normalises lowercased tokens in place.
func contentWords(ws []string) []string {
	out := make([]string, 0, len(ws))
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
