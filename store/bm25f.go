package store

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Ranking of Search. FTS5 finds the candidates; the final order is BM25F
// computed here, over every query word, with title and body as separate
// fields: each field's term frequency is normalised by that field's length,
// weighted, and the sum saturates once (Robertson and Zaragoza, "The
// Probabilistic Relevance Framework: BM25 and Beyond", 2009). The values were
// tuned with cmd/searcheval on the development set; see BENCHMARKS.md.
const (
	bm25K1     = 1.2
	titleB     = 0.75
	bodyB      = 0.4
	titleBoost = 5.0 // weight of a title occurrence against a body one
	// nameBoost multiplies the IDF of a word the query capitalises inside a
	// sentence ("what did Peskov say"): readers name the story's people and
	// places, and those words tell stories apart.
	nameBoost = 2.0
	// pairBoost is added, per query word, to the term frequency of a field
	// for each place where two query words follow each other in the query's
	// order ("prisoner exchange"), a cheap proximity signal.
	pairBoost = 1.0
	// coordPow scales a score by the share of the query's IDF that the
	// document holds, to this power: a document with every word of a
	// question beats one repeating a single word in its title (Lucene's
	// old coordination factor, softened). 0.5 was best of 0, 0.5, 1, 2.
	coordPow = 0.5
)

// The lead of a news article (its first words) says what the story is about:
// a word among the first leadWords of the body counts leadBoost more. This is
// what puts the Peskov article first for "what did Peskov say": another
// article names him once too, further down. Small, since articles of one
// story share their leads (at 1.0 over 50 words AllSides headlines lost more
// than questions gained).
const (
	leadWords = 40
	leadBoost = 0.2
)

// queryTerm is one distinct word of a query, as matched against text.
type queryTerm struct {
	key string  // foldWord form
	idf float64 // with the name boost applied
}

// corpusStats are the figures BM25 needs about the whole index.
type corpusStats struct {
	docs              int64
	avgTitle, avgBody float64
}

// idf is the BM25 inverse document frequency in the form that stays
// positive (Lucene's): with the plain Robertson form a word in more than
// half of a small corpus ("Peskov" in the default documents) weighs
// nothing, or less than nothing.
func idf(docs, df int64) float64 {
	return math.Log(1 + (float64(docs)-float64(df)+0.5)/(float64(df)+0.5))
}

// fieldCounts are the occurrences of each query term in one field, and the
// field's length in words.
type fieldCounts struct {
	tf     []float64
	length int
}

// countTerms tokenizes text like queryWords and counts the occurrences of
// each term (by index into terms), crediting adjacent pairs in query order.
func countTerms(text string, index map[string]int, nterms int, lead int) fieldCounts {
	fc := fieldCounts{tf: make([]float64, nterms)}
	prev := -1
	var buf []byte
	for i := 0; i < len(text); {
		// Skip separators; ASCII, most of the text, without decoding.
		if c := text[i]; c < utf8.RuneSelf {
			if asciiWord[c] == 0 {
				i++
				continue
			}
		} else if r, size := utf8.DecodeRuneInString(text[i:]); !isWordRune(r) {
			i += size
			continue
		}
		buf = buf[:0]
		for i < len(text) {
			if c := text[i]; c < utf8.RuneSelf {
				if asciiWord[c] == 0 {
					break
				}
				buf = append(buf, asciiWord[c])
				i++
				continue
			}
			r, size := utf8.DecodeRuneInString(text[i:])
			if !isWordRune(r) {
				break
			}
			buf = appendFolded(buf, r)
			i += size
		}
		fc.length++
		t, ok := index[string(stem(buf))]
		if !ok {
			prev = -1
			continue
		}
		fc.tf[t]++
		if fc.length <= lead {
			fc.tf[t] += leadBoost
		}
		if prev >= 0 && t == prev+1 {
			fc.tf[t] += pairBoost
			fc.tf[prev] += pairBoost
		}
		prev = t
	}
	return fc
}

// asciiWord maps an ASCII byte to itself lowercased when it is part of a
// word (a letter or digit), to 0 when it separates words.
var asciiWord = func() (t [utf8.RuneSelf]byte) {
	for c := range t {
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
			t[c] = byte(c)
		case 'A' <= c && c <= 'Z':
			t[c] = byte(c) + 'a' - 'A'
		}
	}
	return t
}()

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Mn, r)
}

// bm25f scores a document from the counts of its title and body.
func bm25f(terms []queryTerm, title, body fieldCounts, st corpusStats) float64 {
	normT := 1 - titleB + titleB*float64(title.length)/max(st.avgTitle, 1)
	normB := 1 - bodyB + bodyB*float64(body.length)/max(st.avgBody, 1)
	var score, found, all float64
	for i, t := range terms {
		tf := titleBoost*title.tf[i]/normT + body.tf[i]/normB
		all += t.idf
		if tf > 0 {
			score += t.idf * tf / (bm25K1 + tf)
			found += t.idf
		}
	}
	if all > 0 {
		score *= math.Pow(found/all, coordPow)
	}
	return score
}

// foldWord lowercases a query word, removes its diacritics and stems it the
// way countTerms treats the words of a document.
func foldWord(w string) string {
	var buf []byte
	for _, r := range w {
		buf = appendFolded(buf, r)
	}
	return string(stem(buf))
}

// appendFolded appends r lowercased and without diacritics. Combining marks
// are dropped; precomposed Latin letters lose their accent.
func appendFolded(buf []byte, r rune) []byte {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return append(buf, byte(r))
	}
	if unicode.Is(unicode.Mn, r) {
		return buf
	}
	r = unicode.ToLower(r)
	if 0xC0 <= r && r < 0x180 {
		if b := latinBase[r-0xC0]; b != '.' {
			return append(buf, b)
		}
	}
	return utf8.AppendRune(buf, r)
}

// latinBase maps U+00C0..U+017F to the nearest ASCII letter, '.' where there
// is none (×, ÷, ß and the like keep their own form).
const latinBase = "aaaaaaaceeeeiiii.nooooo.ouuuuy.." + // U+00C0-00DF
	"aaaaaaaceeeeiiii.nooooo.ouuuuy.y" + // U+00E0-00FF
	"aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii..jjkkklllllllll" + // U+0100-0141
	"lnnnnnnnnnoooooo..rrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzz." // U+0142-017F

// stem strips common English inflections so that "sanctions", "sanctioned"
// and "sanction" meet, and "countries" meets "country". It is lighter than
// the Porter stemmer of the FTS index; it only has to treat query words and
// document words the same way. It may reuse w's storage.
func stem(w []byte) []byte {
	n := len(w)
	switch {
	case n > 4 && hasSuffix(w, "sses"):
		w = w[:n-2]
	case n > 4 && hasSuffix(w, "ies"):
		w = append(w[:n-3], 'i')
	case n > 3 && hasSuffix(w, "s") && !hasSuffix(w, "ss") && !hasSuffix(w, "us") && !hasSuffix(w, "is"):
		w = w[:n-1]
	}
	n = len(w)
	switch {
	case n > 5 && hasSuffix(w, "ing"):
		w = w[:n-3]
	case n > 4 && hasSuffix(w, "ed"):
		w = w[:n-2]
	}
	n = len(w)
	switch {
	case n > 2 && w[n-1] == 'y':
		w[n-1] = 'i'
	case n > 4 && w[n-1] == 'e':
		w = w[:n-1]
	}
	return w
}

func hasSuffix(w []byte, s string) bool {
	return len(w) >= len(s) && string(w[len(w)-len(s):]) == s
}

// nameWords returns the words of the raw query capitalised where a sentence
// would not capitalise them: not the query's first word, and not
// when the whole query is capitalised like a headline or typed in capitals.
func nameWords(query string) map[string]bool {
	fields := strings.FieldsFunc(query, func(r rune) bool { return !isWordRune(r) })
	names := map[string]bool{}
	upper := 0
	for i, f := range fields {
		r, _ := utf8.DecodeRuneInString(f)
		if i > 0 && unicode.IsUpper(r) {
			names[foldWord(f)] = true
			upper++
		}
	}
	// A headline in title case or a query in capitals names nothing in
	// particular: boosting every word changes nothing but the scale.
	if len(fields) > 1 && upper >= len(fields)-1 {
		return nil
	}
	return names
}
