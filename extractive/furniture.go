package extractive

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Page furniture is text a page puts around an article that is not the
// article: photo captions, "Scroll down for video", bylines, "Read more"
// links and share prompts. Page extractors keep much of it, and on
// newspaper sites captions are glued without a full stop to the sentence
// after them ("... Scroll down for video Short and sweet: Julia revealed ...
// Ever since ..."), so one unit from Sentences may hold captions and then a
// real sentence. piece is one part of such a unit.
type piece struct {
	text      string // verbatim substring of the unit
	furniture bool
}

// splitFurniture cuts one unit from Sentences into pieces: the furniture
// glued at its front and what real sentence follows. A unit without
// furniture comes back whole.
func splitFurniture(s string) []piece {
	var out []piece
	rest := s
	// A prompt glued to the front: "Scroll down for video Ministers met ...".
	for _, p := range gluedPrompts {
		if len(rest) > len(p) && strings.EqualFold(rest[:len(p)], p) && rest[len(p)] == ' ' {
			out = append(out, piece{rest[:len(p)], true})
			rest = strings.TrimSpace(rest[len(p):])
			break
		}
	}
	// Captions have no full stop; where a caption ends and the next caption
	// or the sentence begins, a word without final punctuation is followed
	// by a capitalised word that usually starts a sentence ("decades Ever
	// since", "spread As for"). Everything before the last such seam that
	// does not end a sentence is caption text.
	cut := lastSeam(rest)
	if cut > 0 {
		out = append(out, piece{strings.TrimSpace(rest[:cut]), true})
		rest = strings.TrimSpace(rest[cut:])
	}
	if rest != "" {
		// What is left is furniture if it still looks like a caption: a
		// label ("Colourful: Kites ...") or no full stop after earlier
		// furniture.
		out = append(out, piece{rest, isFurniture(rest) || len(out) > 0 && !endsSentence(rest)})
	}
	return out
}

// gluedPrompts are page prompts that appear glued to the next text.
var gluedPrompts = []string{"Scroll down for video", "Scroll down for videos", "Scroll down to watch the video",
	"Scroll down for more", "Video:", "Watch the video", "Advertisement"}

// isFurniture reports a whole unit that is page furniture.
func isFurniture(s string) bool {
	low := strings.ToLower(strings.TrimSpace(s))
	for _, p := range furniturePrefixes {
		if strings.HasPrefix(low, p) {
			return true
		}
	}
	for _, p := range gluedPrompts {
		if strings.EqualFold(strings.TrimRight(s, ".!:"), p) {
			return true
		}
	}
	if strings.HasPrefix(low, "(") && strings.HasSuffix(low, ")") && len(low) < 80 {
		return true // "(With inputs from Reuters)", "(File photo)"
	}
	for _, c := range positionCues {
		if strings.Contains(low, c) {
			return true
		}
	}
	return isByline(s) || isCaptionLabel(s) || strings.Contains(low, "published:") && strings.Contains(low, "updated:")
}

// positionCues place a person in a photo: "Tim Sherwood (left) and his
// assistant", "(from left to right)". Article prose points at photos with
// "(pictured)", which is left alone: it also marks article sentences.
var positionCues = []string{"(left)", "(right)", "(centre)", "(center)", "(from left", "(left to right", "(l-r)",
	"(second left)", "(second right)", "(far left)", "(far right)", "(inset)", "(top)", "(bottom)", "(above)",
	"(below)", "(top left)", "(top right)", "(bottom left)", "(bottom right)"}

// furniturePrefixes open attributions, links and prompts, never article text.
var furniturePrefixes = []string{
	"(with inputs", "with inputs from", "(reporting by", "reporting by", "editing by", "additional reporting",
	"(additional reporting", "writing by", "copyright", "all rights reserved", "click here", "read more",
	"read more:", "see also:", "related:", "related articles", "more on this", "follow us", "follow @",
	"like us on facebook", "subscribe", "sign up", "share this", "share on", "share or comment", "share with",
	"tweet this", "email this", "join the conversation", "comments (", "download the app", "advertisement",
	"image caption", "image source", "media caption", "image copyright", "getty images", "photo:", "file photo",
	"pictured:", "picture:", "photograph:", "video:", "watch:", "listen:", "last updated", "updated:", "published:",
	"scroll down", "your browser does not support",
}

// isByline reports "By Jane Smith", "By JANE SMITH and JOHN DOE for
// MailOnline", "By Daily Mail Reporter": "By" and then only names.
func isByline(s string) bool {
	ws := strings.Fields(strings.TrimRight(strings.TrimSpace(s), "."))
	if len(ws) < 2 || len(ws) > 12 || ws[0] != "By" && ws[0] != "BY" {
		return false
	}
	for _, w := range ws[1:] {
		switch strings.ToLower(strings.Trim(w, ",|")) {
		case "and", "for", "of", "in", "the", "&", "|", "":
			continue
		}
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) && r != '@' {
			return false
		}
	}
	return true
}

// isCaptionLabel reports a caption that opens with a short label and a
// colon and has no full stop: "Colourful: Kites of all shapes filled the
// sky". Speech ("He said:
// 'We will'") is told apart by its verb, its comma or the quote after the
// colon; a caption's text starts with a capital letter.
func isCaptionLabel(s string) bool {
	if endsSentence(s) {
		return false // "Joshua Reynolds: The Creation of Celebrity opens ...": a sentence
	}
	label, text, ok := strings.Cut(s, ": ")
	if !ok || label == "" || strings.ContainsAny(label, ",;\"'‘’“”()") {
		return false
	}
	ws := strings.Fields(label)
	if len(ws) > 5 {
		return false
	}
	r, _ := utf8.DecodeRuneInString(label)
	t, _ := utf8.DecodeRuneInString(text)
	if !unicode.IsUpper(r) || !unicode.IsUpper(t) {
		return false
	}
	for _, w := range ws {
		if speechVerbs[strings.ToLower(w)] {
			return false
		}
	}
	return true
}

var speechVerbs = setOf("said", "says", "say", "told", "tells", "added", "adds", "adding", "asked", "asks", "replied",
	"explained", "wrote", "writes", "tweeted", "posted", "warned", "insisted", "declared", "announced", "stated",
	"claimed", "argued", "noted", "continued", "concluded", "answered", "commented", "revealed", "read", "reads",
	"saying", "telling", "explaining", "quipped", "joked", "admitted", "texted", "messaged", "stressed", "urged")

// lastSeam returns the byte offset in s of the last seam after which a new
// sentence starts without a full stop before it, or 0 when there is none.
// The text before a seam never ends a sentence, so it is caption text.
func lastSeam(s string) int {
	fields := fieldSpans(s)
	seam := 0
	for k := 1; k < len(fields); k++ {
		prev, cur := s[fields[k-1].start:fields[k-1].end], s[fields[k].start:fields[k].end]
		if isSeam(prev, cur, fields, k, s) {
			seam = fields[k].start
		}
	}
	return seam
}

// isSeam decides whether a sentence starts at word k (cur) although prev
// has no final punctuation.
func isSeam(prev, cur string, fields []span, k int, s string) bool {
	// The cheap test first: most words are not capitalised openers.
	if r, _ := utf8.DecodeRuneInString(cur); !unicode.IsUpper(r) {
		return false
	}
	word := strings.TrimRightFunc(cur, func(r rune) bool { return !unicode.IsLetter(r) })
	if !seamOpeners[strings.ToLower(word)] {
		return false
	}
	core := strings.TrimRightFunc(prev, isCloser)
	last, _ := utf8.DecodeLastRuneInString(core)
	if last == utf8.RuneError || !unicode.IsLetter(last) && !unicode.IsDigit(last) && last != ')' {
		return false // "said," "Spc." "—": punctuation belongs to the sentence
	}
	bare := strings.Trim(prev, "'\"‘’“”()")
	if pw := strings.ToLower(bare); isLowerJoiner(pw) || seamBlockers[pw] || honorifics[bare] || titles[bare] {
		return false // "told The Times", "the May issue", "President Trump"
	}
	if k+1 < len(fields) && !pronouns[strings.ToLower(word)] {
		// "at The Hague", "Suddenly Last Summer", "The Places In Between":
		// a capitalised word after the opener makes it part of a name.
		n, _ := utf8.DecodeRuneInString(s[fields[k+1].start:fields[k+1].end])
		if unicode.IsUpper(n) {
			return false
		}
	}
	return true
}

// seamOpeners are capitalised words that, after a word without final
// punctuation, start a new sentence: function words, pronouns and the
// words captions and prompts begin with. "I" and "May" are left out: they
// are capitalised mid-sentence.
var seamOpeners = setOf("the", "a", "an", "it", "its", "he", "she", "they", "we", "you", "his", "her", "their", "our",
	"this", "these", "those", "there", "but", "and", "so", "yet", "however", "meanwhile", "in", "on", "at", "for", "as",
	"after", "before", "when", "while", "if", "since", "although", "though", "some", "many", "most", "both", "all",
	"what", "why", "how", "where", "ever", "now", "then", "earlier", "later", "last", "according", "despite", "during",
	"asked", "speaking", "pictured", "scroll", "from", "with", "by", "officials", "police", "authorities")

// pronouns start sentences whatever follows them ("It Was", "He Said" do
// not occur inside names).
var pronouns = setOf("he", "she", "it", "they", "we", "you", "his", "her", "their", "our", "its")

// seamBlockers are words after which a capitalised word continues the
// sentence ("told The Times", "starring The Rock").
var seamBlockers = setOf("told", "said", "says", "tells", "called", "named", "dubbed", "titled", "reported", "read",
	"watched", "see", "saw", "starring", "star", "joined", "visited", "like", "than", "about", "into", "onto", "via",
	"between", "against", "during", "as", "is", "was", "are", "were", "be", "been", "not", "to")

// fieldSpans returns the byte spans of the space-separated fields of s.
func fieldSpans(s string) []span {
	var out []span
	start := -1
	for i, r := range s {
		if unicode.IsSpace(r) {
			if start >= 0 {
				out = append(out, span{start, i})
				start = -1
			}
		} else if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		out = append(out, span{start, len(s)})
	}
	return out
}
