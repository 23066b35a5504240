package stories

import (
	"hash/fnv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// word is one word of a text as written, and whether it opens a sentence
// (where a capital letter says nothing about names).
type word struct {
	text  string
	start bool
	// endsRun is set when punctuation follows the word, which ends a name.
	endsRun bool
}

// words splits text into words of letters and digits, keeping apostrophes
// and hyphens inside a word ("Biden's", "G-7") and dropping a possessive 's.
func words(text string) []word {
	var out []word
	start := true
	i := 0
	for i < len(text) {
		r, size := decode(text, i)
		if !isWordRune(r) {
			if r == '.' || r == '!' || r == '?' || r == ':' || r == '\n' {
				start = true
			}
			if len(out) > 0 && !unicode.IsSpace(r) {
				out[len(out)-1].endsRun = true
			}
			i += size
			continue
		}
		j := i
		for j < len(text) {
			r, size := decode(text, j)
			if isWordRune(r) || ((r == '\'' || r == '’' || r == '-') && j+size < len(text) && isWordRuneAt(text, j+size)) {
				j += size
				continue
			}
			break
		}
		// One apostrophe, so that "Ma’Khia" and "Ma'Khia" are one word.
		w := strings.ReplaceAll(text[i:j], "’", "'")
		w = strings.TrimSuffix(w, "'s")
		out = append(out, word{text: w, start: start})
		start = false
		i = j
	}
	return out
}

func decode(s string, i int) (rune, int) {
	if c := s[i]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeRuneInString(s[i:])
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func isWordRuneAt(s string, i int) bool { r, _ := decode(s, i); return isWordRune(r) }

func isCapitalised(w string) bool {
	r, _ := decode(w, 0)
	return unicode.IsUpper(r)
}

// features are what a document is compared on: counts of lowercased content
// words (title words count double, since a headline says what the event is)
// and of names, each a run of capitalised words ("name:joe biden") counted
// apart from its words, since a shared full name says more than two shared
// words.
func features(title, lead string) map[string]float64 {
	f := map[string]float64{}
	for _, w := range words(title) {
		if lw := strings.ToLower(w.text); isContent(lw) {
			f[lw] += titleWeight
		}
	}
	ws := words(lead)
	// Words the text also writes in lower case are ordinary words when
	// capitalised at a sentence start ("Officials said").
	lower := map[string]bool{}
	for _, w := range ws {
		if !isCapitalised(w.text) {
			lower[w.text] = true
		}
	}
	for i := 0; i < len(ws); {
		lw := strings.ToLower(ws[i].text)
		if isContent(lw) {
			f[lw]++
		}
		if !isCapitalised(ws[i].text) || (ws[i].start && (lower[lw] || stopwords[lw])) {
			i++
			continue
		}
		j := i + 1
		for j < len(ws) && !ws[j-1].endsRun {
			if connectors[ws[j].text] && j+1 < len(ws) && !ws[j].endsRun && isCapitalised(ws[j+1].text) {
				j++ // "Port of Valdora" is one name
				continue
			}
			if !isCapitalised(ws[j].text) {
				break
			}
			if l := strings.ToLower(ws[j].text); isContent(l) {
				f[l]++
			}
			j++
		}
		name := make([]string, 0, j-i)
		for _, w := range ws[i:j] {
			if l := strings.ToLower(w.text); !stopwords[l] {
				name = append(name, l)
			}
		}
		if len(name) > 0 {
			f["name:"+strings.Join(name, " ")] += nameWeight
		}
		i = j
	}
	return f
}

// connectors are the lower-case words that may stand inside a name.
var connectors = map[string]bool{"of": true, "for": true, "de": true, "al": true, "bin": true, "van": true, "von": true}

const (
	titleWeight = 2
	nameWeight  = 1
)

func isContent(lw string) bool { return len(lw) > 1 && !stopwords[lw] }

// stopwords are function words and reporting verbs, which say nothing
// about which event an article is about.
var stopwords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a an the and or but nor so yet if then than that this these those
		of in on at to for from by with about as into onto over under after before during since until
		while between among against through without within upon via per
		is are was were be been being am has have had having do does did done will would shall should
		can could may might must not no it its it's he him his she her hers they them their theirs we us
		our ours you your yours i me my mine who whom whose which what when where why how all any both
		each few more most other some such only own same too very just also there here up down out off
		again further once said says say told tells according new one two three mr mrs ms dr
		monday tuesday wednesday thursday friday saturday sunday week weeks today yesterday tomorrow
		year years day days month months last next first`) {
		m[w] = true
	}
	return m
}()

// The MinHash signature of a text's word shingles estimates the Jaccard
// similarity of two texts' shingle sets by the share of equal slots; a
// republished wire story keeps nearly all its shingles, a rewrite few.
const (
	shingleWords = 4
	minhashSlots = 64
	bandRows     = 4 // rows per LSH band: minhashSlots/bandRows bands
)

type signature [minhashSlots]uint32

// minhash returns the signature of text's word shingles, and false when the
// text is too short for shingles to mean anything.
func minhash(text string) (signature, bool) {
	var sig signature
	ws := words(text)
	if len(ws) < 2*shingleWords {
		return sig, false
	}
	for i := range sig {
		sig[i] = ^uint32(0)
	}
	h := fnv.New64a()
	for i := 0; i+shingleWords <= len(ws); i++ {
		h.Reset()
		for _, w := range ws[i : i+shingleWords] {
			h.Write([]byte(strings.ToLower(w.text)))
			h.Write([]byte{0})
		}
		x := h.Sum64()
		for s := range sig {
			// A cheap family of hash functions: mix x with a per-slot
			// constant (splitmix64 finaliser).
			v := x + uint64(s+1)*0x9e3779b97f4a7c15
			v = (v ^ (v >> 30)) * 0xbf58476d1ce4e5b9
			v = (v ^ (v >> 27)) * 0x94d049bb133111eb
			v ^= v >> 31
			if u := uint32(v); u < sig[s] {
				sig[s] = u
			}
		}
	}
	return sig, true
}

// similarity estimates the Jaccard similarity of the two texts' shingles.
func (a *signature) similarity(b *signature) float64 {
	same := 0
	for i := range a {
		if a[i] == b[i] {
			same++
		}
	}
	return float64(same) / minhashSlots
}

// bands are the keys under which a signature is filed for finding copies:
// two signatures share a key when they agree on every row of a band.
func (a *signature) bands() []uint64 {
	out := make([]uint64, 0, minhashSlots/bandRows)
	for b := 0; b < minhashSlots; b += bandRows {
		h := uint64(b) * 0x9e3779b97f4a7c15
		for _, v := range a[b : b+bandRows] {
			h = (h ^ uint64(v)) * 0x100000001b3
		}
		out = append(out, h)
	}
	return out
}
