package summarize

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A fact can quote the article faithfully and still say something else:
// "she was sentenced to 31 years" quoting "she was sentenced to 12 years".
// The checkable details of a text are what such a fact gets wrong: its
// numbers (with unit and scale), its dates and the names it mentions. This
// file finds them; support.go decides whether a quote backs them.

type detailKind int

const (
	detailNumber detailKind = iota
	detailDate
	detailName
)

// detail is one checkable claim of a text.
type detail struct {
	kind detailKind
	text string // as written, for the reason shown in --json
	// value and unit of a number. unit is canonical ("year", "usd",
	// "percent", "ord" for ordinals) or "" when the number has none.
	value float64
	unit  string
	// words of a name or date, canonical lower case, surname last. initial
	// means the first word started a sentence, where capitals prove nothing,
	// so it is matched whatever its case.
	words   []string
	initial bool
}

// word is one token of a text.
type word struct {
	raw     string // as written, without surrounding punctuation or a possessive
	lower   string // strings.ToLower(raw)
	cap     bool   // starts with an upper-case letter
	initial bool   // first word of a sentence, a clause after ":" or a quotation
	stop    bool   // punctuation follows it: a name or a unit search ends here
	joiner  string // what joined it to the next word as written: "-", "/" or "" for space
}

// tokenize splits s into words. Hyphens, slashes and colons split words
// ("12-year", "Russian-American", "10:30"); a comma only splits when it is
// not a thousands separator ("20,000").
func tokenize(s string) []word {
	out := make([]word, 0, len(s)/6) // about one word per six bytes of English
	initial := true
	// "\r" ends a line for the sentence splitter too.
	for _, line := range strings.FieldsFunc(foldDetailRunes(s), func(r rune) bool { return r == '\n' || r == '\r' }) {
		out, initial = tokenizeLine(line, out, initial)
		// A line break ends names and units like punctuation does: lines are
		// headings, paragraphs or sentences, which the sentence splitter
		// may cut apart.
		if len(out) > 0 {
			out[len(out)-1].stop = true
		}
	}
	return out
}

func tokenizeLine(line string, out []word, initial bool) ([]word, bool) {
	for _, chunk := range strings.Fields(line) {
		pieces := splitPieces(chunk)
		if len(pieces) == 0 && len(out) > 0 {
			// A dash or slash standing alone breaks the clause.
			out[len(out)-1].stop = true
		}
		for _, p := range pieces {
			w, st := trimWord(p.text)
			if p.sep == ':' {
				st.stop, st.endsSentence = true, true
			}
			if w.raw == "" {
				// Punctuation standing alone (" ! ", " , ") ends what the
				// word before it started, as if it were attached.
				if st.stop && len(out) > 0 {
					out[len(out)-1].stop = true
				}
				if st.endsSentence {
					initial = true
				}
				continue
			}
			w.initial = initial || st.opened
			w.stop = st.stop
			if p.sep != 0 && p.sep != ':' {
				w.joiner = string(p.sep)
			}
			initial = st.endsSentence
			out = append(out, splitCommas(w)...)
		}
	}
	return out, initial
}

// piece is part of a whitespace-separated chunk and the separator after it.
type piece struct {
	text string
	sep  rune
}

func splitPieces(chunk string) []piece {
	var out []piece
	start := 0
	for i, r := range chunk {
		if r != '-' && r != '/' && r != ':' && r != '|' {
			continue
		}
		if i > start {
			out = append(out, piece{chunk[start:i], r})
		} else if len(out) > 0 && r == ':' {
			out[len(out)-1].sep = r
		}
		start = i + 1
	}
	if start < len(chunk) {
		out = append(out, piece{text: chunk[start:]})
	}
	return out
}

var thousands = regexp.MustCompile(`^[^,]*\d{1,3}(,\d{3})+(\.\d+)?[^,]*$`)

// splitCommas splits "Moscow,Kyiv" but keeps "20,000" whole.
func splitCommas(w word) []word {
	if !strings.Contains(w.raw, ",") || thousands.MatchString(w.raw) {
		return []word{w}
	}
	var out []word
	parts := strings.Split(w.raw, ",")
	for i, p := range parts {
		if p == "" {
			continue
		}
		sub := newWord(p)
		sub.initial = w.initial && i == 0
		sub.stop = i < len(parts)-1 || w.stop
		out = append(out, sub)
	}
	return out
}

func newWord(raw string) word {
	r, _ := utf8.DecodeRuneInString(raw)
	return word{raw: raw, lower: strings.ToLower(raw), cap: unicode.IsUpper(r)}
}

type trimState struct {
	stop, endsSentence, opened bool
}

const (
	leadPunct  = `"'([{<*_`
	trailPunct = `"')]}>.,;:!?*_…`
)

// trimWord strips punctuation and a possessive from a piece and says what
// the punctuation means.
func trimWord(p string) (word, trimState) {
	var st trimState
	lead := strings.TrimLeft(p, leadPunct)
	st.opened = len(lead) < len(p) && strings.ContainsAny(p[:len(p)-len(lead)], `"'`)
	core := strings.TrimRight(lead, trailPunct)
	tail := lead[len(core):]
	if tail != "" {
		st.stop = true
		st.endsSentence = strings.ContainsAny(tail, ".!?:…")
	}
	// "U.S." keeps its last dot. It may still end a sentence, so the next
	// word stays initial: that only makes its check more lenient.
	if strings.HasSuffix(tail, ".") && strings.Contains(core, ".") && !strings.ContainsAny(core, "0123456789") {
		core += "."
	}
	core = strings.TrimSuffix(core, "'s")
	core = strings.TrimSuffix(core, "'")
	if core == "" {
		return word{}, st
	}
	return newWord(core), st
}

// foldDetailRunes folds quote marks and dashes as normalize does, keeping case.
func foldDetailRunes(s string) string {
	return strings.Map(func(r rune) rune {
		if f, ok := fold(r); ok {
			return f
		}
		return r
	}, s)
}

// Numbers written as words. "one" counts in a fact only before a scale or a
// unit ("one million", "one year"): "one of the envoys" claims nothing.
var numberWords = map[string]float64{
	"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
	"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
	"seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
	"fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "dozen": 12,
}

// Ordinals. "first" is left out of facts: "for the first time", "first
// steps" are idioms more often than counts. Articles may still use it.
var ordinalWords = map[string]float64{
	"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
	"ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
	"fifteenth": 15, "twentieth": 20,
}

var scaleWords = map[string]float64{
	"hundred": 1e2, "thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "mln": 1e6,
	"billion": 1e9, "bn": 1e9, "trillion": 1e12, "tn": 1e12, "trn": 1e12,
}

// unitWords maps the words that give a number its meaning to one spelling:
// "12-year term" and "12 years" say the same; "12 months" does not.
var unitWords = map[string]string{
	"year": "year", "years": "year", "yr": "year", "yrs": "year",
	"month": "month", "months": "month", "week": "week", "weeks": "week",
	"day": "day", "days": "day", "hour": "hour", "hours": "hour",
	"minute": "minute", "minutes": "minute", "seconds": "second",
	"decade": "decade", "decades": "decade", "century": "century", "centuries": "century",
	"percent": "percent", "pct": "percent", "%": "percent", "percentage": "percent",
	"km": "km", "kilometre": "km", "kilometres": "km", "kilometer": "km", "kilometers": "km",
	"mile": "mile", "miles": "mile", "metre": "metre", "metres": "metre", "meter": "metre", "meters": "metre",
	"tonne": "tonne", "tonnes": "tonne", "ton": "tonne", "tons": "tonne",
	"barrel": "barrel", "barrels": "barrel",
	"dollar": "usd", "dollars": "usd", "usd": "usd",
	"pound": "gbp", "pounds": "gbp", "sterling": "gbp", "gbp": "gbp",
	"euro": "eur", "euros": "eur", "eur": "eur",
	"rouble": "rub", "roubles": "rub", "ruble": "rub", "rubles": "rub",
	"yuan": "cny", "yen": "jpy",
}

var currencySigns = map[string]string{"$": "usd", "us$": "usd", "£": "gbp", "€": "eur", "¥": "jpy"}

// numberToken reads "12", "20,000", "$4.5bn", "15%", "1990s", "12th".
var numberToken = regexp.MustCompile(`^(us\$|\$|£|€|¥)?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(%|bn|b|mn|m|k|tn|trn|s|st|nd|rd|th)?$`)

// number is one number of a text.
type number struct {
	value float64
	unit  string
	text  string
}

// looksNumeric is a cheap test before numberToken: a digit or a currency
// sign first.
func looksNumeric(lower string) bool {
	if lower == "" {
		return false
	}
	c := lower[0]
	return c >= '0' && c <= '9' || strings.HasPrefix(lower, "$") || strings.HasPrefix(lower, "us$") ||
		strings.HasPrefix(lower, "£") || strings.HasPrefix(lower, "€") || strings.HasPrefix(lower, "¥")
}

func isNumberWord(w word) bool {
	if looksNumeric(w.lower) && numberToken.MatchString(w.lower) {
		return true
	}
	_, ok := numberWords[w.lower]
	return ok
}

// scanNumbers finds the numbers of ws. A fact (lenient false) counts only
// numbers that claim something; an article (lenient true) also counts "one"
// alone, "first", and "a year" or "an hour", so that every fact number a
// faithful paraphrase can write is found.
func scanNumbers(ws []word, lenient bool) []number {
	var out []number
	for i := 0; i < len(ws); i++ {
		n, end, ok := readNumber(ws, i, lenient)
		if !ok {
			continue
		}
		out = append(out, n)
		i = end - 1
	}
	return out
}

// readNumber reads the number starting at ws[i]; end is the index after its
// value and scale (not its unit, which may be read past).
func readNumber(ws []word, i int, lenient bool) (number, int, bool) {
	w := ws[i]
	var (
		value    float64
		unit     string
		scaled   bool
		ordinal  bool
		wordForm bool
	)
	end := i + 1
	var m []string
	if looksNumeric(w.lower) {
		m = numberToken.FindStringSubmatch(w.lower)
	}
	if m != nil {
		v, err := strconv.ParseFloat(strings.ReplaceAll(m[2], ",", "")+m[3], 64)
		if err != nil {
			return number{}, 0, false
		}
		value, unit = v, currencySigns[m[1]]
		switch m[4] {
		case "%":
			unit = "percent"
		case "bn", "b":
			value, scaled = value*1e9, true
		case "mn", "m":
			value, scaled = value*1e6, true
		case "k":
			value, scaled = value*1e3, true
		case "tn", "trn":
			value, scaled = value*1e12, true
		case "st", "nd", "rd", "th":
			unit, ordinal = "ord", true
		}
	} else if v, ok := numberWords[w.lower]; ok {
		value, wordForm = v, true
		// "twenty-five": tens then units.
		if v >= 20 && v < 100 && int(v)%10 == 0 && !w.stop && end < len(ws) {
			if u, ok := numberWords[ws[end].lower]; ok && u < 10 {
				value += u
				end++
			}
		}
	} else if v, ok := ordinalWords[w.lower]; ok {
		// "one second" is a duration, not the second of something.
		if w.lower == "second" && i > 0 && isNumberWord(ws[i-1]) && !ws[i-1].stop {
			return number{}, 0, false
		}
		if w.lower == "first" && !lenient {
			return number{}, 0, false
		}
		value, unit, ordinal = v, "ord", true
	} else if lenient && (w.lower == "a" || w.lower == "an") && !w.stop && end < len(ws) {
		next := ws[end].lower
		if _, ok := scaleWords[next]; ok && next != "m" && next != "k" {
			value, wordForm = 1, true
		} else if u, ok := unitWords[next]; ok && u != "usd" && u != "gbp" && u != "eur" {
			return number{value: 1, unit: u, text: w.raw + " " + ws[end].raw}, end + 1, true
		} else {
			return number{}, 0, false
		}
	} else {
		return number{}, 0, false
	}
	// Scale words: "4.5 billion", "20 thousand", "two hundred thousand".
	for !ordinal && !ws[end-1].stop && end < len(ws) {
		s, ok := scaleWords[ws[end].lower]
		if !ok || (scaled && s < 1e3) {
			break
		}
		value *= s
		scaled = true
		end++
	}
	if wordForm && value == 1 && !scaled && !lenient {
		// A lone "one" counts only when a unit follows at once.
		if end >= len(ws) || ws[end-1].stop {
			return number{}, 0, false
		}
		if _, ok := unitWords[ws[end].lower]; !ok {
			return number{}, 0, false
		}
	}
	last := end - 1
	if unit == "" {
		if u, at := findUnit(ws, end); u != "" {
			unit, last = u, at
		}
	}
	return number{value: value, unit: unit, text: asWritten(ws[i : last+1])}, end, true
}

// findUnit looks for the unit of a number in the few words after it: "12
// years", "12 more years", "12 to 15 years", "15 per cent", "4.5bn dollars".
// It stops at punctuation and at another number, unless that number ends a
// range ("12 to 15 years").
func findUnit(ws []word, from int) (string, int) {
	if from > 0 && ws[from-1].stop {
		return "", 0
	}
	for j, seen := from, 0; j < len(ws) && seen < 3; j, seen = j+1, seen+1 {
		w := ws[j]
		if w.lower == "per" && j+1 < len(ws) && ws[j+1].lower == "cent" {
			return "percent", j + 1
		}
		if u, ok := unitWords[w.lower]; ok {
			return u, j
		}
		if isNumberWord(w) {
			if j > from && (ws[j-1].lower == "to" || ws[j-1].lower == "and" || ws[j-1].lower == "or") {
				seen--
			} else {
				return "", 0
			}
		}
		if w.stop {
			return "", 0
		}
	}
	return "", 0
}

// sameValue compares numbers that went through different spellings
// ("4.5bn" and "4,500 million").
func sameValue(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b))
}

// Dates are matched as names, but under one spelling.
var dateWords = map[string]string{
	"january": "january", "jan": "january", "february": "february", "feb": "february",
	"march": "march", "april": "april", "apr": "april", "may": "may", "june": "june",
	"july": "july", "august": "august", "aug": "august", "september": "september",
	"sept": "september", "sep": "september", "october": "october", "oct": "october",
	"november": "november", "nov": "november", "december": "december", "dec": "december",
	"monday": "monday", "tuesday": "tuesday", "wednesday": "wednesday", "thursday": "thursday",
	"friday": "friday", "saturday": "saturday", "sunday": "sunday",
}

// titleWords come before names and are not names: "President Donald
// Trump" names Trump, and "Mr Putin" is the article's "Vladimir Putin".
var titleWords = set("mr", "mrs", "ms", "miss", "dr", "prof", "sir", "lord", "lady", "president",
	"vice", "prime", "minister", "secretary", "general", "gen", "lt", "col", "colonel", "senator",
	"sen", "rep", "governor", "gov", "king", "queen", "prince", "princess", "pope", "chancellor",
	"ambassador", "envoy", "special", "chief", "foreign", "deputy", "state", "st", "saint")

// commonInitial are words that start sentences without being names. Words
// the article itself writes in lower case are also common (see
// factChecker.common); this list covers what a paraphrase adds.
var commonInitial = set("a", "an", "the", "this", "that", "these", "those", "there", "here", "it",
	"its", "he", "she", "they", "we", "i", "you", "his", "her", "their", "our", "my", "your", "in",
	"on", "at", "by", "for", "from", "with", "without", "after", "before", "during", "since",
	"until", "while", "when", "where", "why", "how", "what", "who", "whom", "whose", "which", "as",
	"if", "but", "and", "or", "so", "yet", "also", "however", "meanwhile", "still", "both", "each",
	"every", "all", "some", "many", "most", "more", "other", "another", "such", "no", "not", "nor",
	"according", "despite", "although", "though", "because", "then", "now", "today", "yesterday",
	"tomorrow", "last", "next", "earlier", "later", "over", "under", "about", "among", "between",
	"within", "into", "to", "of", "do", "does", "did", "is", "are", "was", "were", "be", "been",
	"has", "have", "had", "will", "would", "can", "could", "should", "may", "might", "must", "just",
	"only", "even", "once", "again", "instead", "amid", "against", "along", "around", "across",
	"toward", "towards", "upon", "via", "like", "unlike", "new", "several", "few", "any", "none",
	"neither", "either", "whether", "let", "one", "two", "first", "separately", "overall", "ahead",
	"further", "already", "nobody", "someone", "everyone", "per", "above", "below", "beyond",
	"besides", "following", "asked", "speaking", "having", "being", "given", "faced", "based",
	"officials", "talks", "relations", "negotiators", "diplomats", "leaders", "ties", "sanctions",
	"tensions", "progress", "efforts", "video", "footage", "critics", "analysts", "observers",
	"sources", "reports", "mr", "mrs", "ms", "dr", "president", "prime", "minister", "secretary",
	"envoy", "special")

// commonSuffixes mark sentence-initial words that are almost never names.
var commonSuffixes = []string{"ing", "ed", "ly", "tions", "sions", "tion", "sion", "ment", "ments", "ness", "ities"}

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// canonicalName is a name word in the form names are compared in: lower
// case, without dots ("U.S." is "us"), months and weekdays spelled out.
func canonicalName(lower string) string {
	s := strings.ReplaceAll(lower, ".", "")
	if d, ok := dateWords[s]; ok {
		return d
	}
	return s
}

// extractDetails finds the checkable details of a text: its numbers, its
// dates and the names it mentions. common reports whether a capitalised
// word that starts a sentence is an ordinary word rather than a name.
func extractDetails(s string, common func(lower string) bool) []detail {
	ws := tokenize(s)
	var out []detail
	for _, n := range scanNumbers(ws, false) {
		out = append(out, detail{kind: detailNumber, text: n.text, value: n.value, unit: n.unit})
	}
	var run []word
	flush := func() {
		if len(run) > 0 {
			out = append(out, nameDetail(run))
			run = nil
		}
	}
	for _, w := range ws {
		if !isNameWord(w) {
			flush()
			continue
		}
		name := canonicalName(w.lower)
		if _, ok := dateWords[strings.ReplaceAll(w.lower, ".", "")]; ok && !(w.initial && common(w.lower)) {
			flush()
			out = append(out, detail{kind: detailDate, text: w.raw, words: []string{name}, initial: w.initial})
			continue
		}
		switch {
		case name == "":
		case w.initial && common(w.lower):
			flush()
		case titleWords[name] && !isAcronym(w.raw):
			// A title never ends a name but may start one: "President Trump".
			flush()
		default:
			if w.initial {
				flush()
			}
			run = append(run, w)
		}
		if w.stop {
			flush()
		}
	}
	flush()
	return out
}

// isNameWord reports a capitalised word that is not a number.
func isNameWord(w word) bool {
	if !w.cap || looksNumeric(w.lower) && numberToken.MatchString(w.lower) {
		return false
	}
	// At least one letter: "U.S." is a name, "." is not.
	return strings.IndexFunc(w.raw, unicode.IsLetter) >= 0
}

func isAcronym(raw string) bool {
	letters := 0
	for _, r := range raw {
		if unicode.IsLetter(r) {
			if !unicode.IsUpper(r) {
				return false
			}
			letters++
		}
	}
	return letters >= 2
}

func nameDetail(run []word) detail {
	d := detail{kind: detailName, initial: run[0].initial, text: asWritten(run)}
	for _, w := range run {
		d.words = append(d.words, canonicalName(w.lower))
	}
	return d
}

// asWritten joins words back the way the text wrote them: "12-year",
// "Russian-American".
func asWritten(ws []word) string {
	var b strings.Builder
	for i, w := range ws {
		b.WriteString(w.raw)
		if i < len(ws)-1 {
			if w.joiner != "" {
				b.WriteString(w.joiner)
			} else {
				b.WriteByte(' ')
			}
		}
	}
	return b.String()
}
