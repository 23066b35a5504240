package mockllm

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/geobrief/geobrief/extractive"
)

// The prompt contract. The first line of the system message names the task;
// the user message holds the input between marker lines.
const (
	taskBrief   = "brief"
	taskCombine = "combine"
	taskTopline = "topline"
	// taskStory and taskStoryCombine are story briefs: several sources at
	// once (story.go).
	taskStory        = "story"
	taskStoryCombine = "story_combine"
)

// How much the mock asks of the extractive summarizer for one brief.
const (
	briefSentences = 3
	briefFacts     = 5
	combineParts   = 3 // parts whose first summary sentence the merged summary takes
	combineFacts   = 5
	toplineMax     = 3 // sentences of a topline
	factMaxRunes   = 200
	maxHint        = 12 // largest count a prompt may ask for
)

// inventedQuote is the quote of the fact added by the "unquoted" mode. It is
// made to be absent from any article; see unquotedFact.
const inventedQuote = "The mock model made this sentence up and it appears nowhere in the article."

// briefJSON is the answer to the brief and combine tasks.
type briefJSON struct {
	Headline      string    `json:"headline"`
	Summary       string    `json:"summary"`
	KeyFacts      []keyFact `json:"key_facts"`
	People        []string  `json:"people"`
	Places        []string  `json:"places"`
	Organizations []string  `json:"organizations"`
}

type keyFact struct {
	Fact  string `json:"fact"`
	Quote string `json:"quote"`
}

type toplineJSON struct {
	Topline string `json:"topline"`
}

type toplineItem struct {
	Headline string `json:"headline"`
	Summary  string `json:"summary"`
}

// promptError is a request the mock cannot answer; it becomes a 400.
type promptError struct {
	code string
	msg  string
}

func (e *promptError) Error() string { return e.msg }

func badPrompt(code, format string, args ...any) error {
	return &promptError{code: code, msg: "mockllm: " + fmt.Sprintf(format, args...)}
}

// answer builds the JSON answer to the conversation. A repair request (the
// same conversation plus an assistant answer and a complaint) is answered
// like the original task, because the input is searched in every user
// message from the last one back.
// genericAnswer is the reply to a chat without a task line.
const genericAnswer = `{"ok": true}`

// factFaults are the modes that make the answer's content wrong while its
// JSON stays valid: the hallucinations geobrief must catch.
type factFaults struct {
	unquoted      bool // a fact whose quote is not in the article
	wrongNumber   bool // a fact whose quote is real but whose number is not
	summaryNumber bool // a summary stating a number the article does not
	wrongSource   bool // a story fact quoting one source under another's id
}

func answer(msgs []chatMessage, faults factFaults) (string, error) {
	task, system, err := findTask(msgs)
	var pe *promptError
	if errors.As(err, &pe) && pe.code == "missing_task" {
		// A chat that is none of geobrief's tasks, such as the capability
		// probe of `geobrief check`: answer like a small obliging model.
		return genericAnswer, nil
	}
	if err != nil {
		return "", err
	}
	switch task {
	case taskBrief:
		return answerBrief(msgs, lengthHints(system), faults)
	case taskCombine:
		return answerCombine(msgs, faults)
	case taskStory:
		return answerStory(msgs, lengthHints(system), faults)
	case taskStoryCombine:
		return answerStoryCombine(msgs, lengthHints(system), faults)
	default:
		return answerTopline(msgs)
	}
}

// findTask returns the task named by the first system message, and that message.
func findTask(msgs []chatMessage) (task, system string, err error) {
	const want = `the first line of the system message must be "task: brief", "task: combine", "task: topline", "task: story" or "task: story_combine"`
	for _, m := range msgs {
		if m.Role != "system" && m.Role != "developer" {
			continue
		}
		first, _, _ := strings.Cut(strings.TrimLeft(m.Content, " \t\r\n"), "\n")
		key, value, ok := strings.Cut(first, ":")
		if !ok || !strings.EqualFold(strings.TrimSpace(key), "task") {
			return "", "", badPrompt("missing_task", "no task line: %s", want)
		}
		task := strings.ToLower(strings.TrimSpace(value))
		switch task {
		case taskBrief, taskCombine, taskTopline, taskStory, taskStoryCombine:
			return task, m.Content, nil
		}
		return "", "", badPrompt("unknown_task", "unknown task %q: %s", strings.TrimSpace(value), want)
	}
	return "", "", badPrompt("missing_task", "no system message: %s", want)
}

// block finds the text between a line that is exactly open and the LAST line
// that is exactly close (surrounding spaces ignored), searching the user
// messages from the last one back. before is the text ahead of the open line.
func block(msgs []chatMessage, open, close string) (inner, before string, ok bool) {
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Role != "user" {
			continue
		}
		if inner, before, ok := blockIn(msgs[i].Content, open, close); ok {
			return inner, before, true
		}
	}
	return "", "", false
}

func blockIn(text, open, close string) (inner, before string, ok bool) {
	start, end := -1, -1 // start of the line after open; start of the close line
	openAt := -1
	for pos := 0; pos <= len(text); {
		next := strings.IndexByte(text[pos:], '\n')
		lineEnd := len(text)
		if next >= 0 {
			lineEnd = pos + next
		}
		line := strings.TrimSpace(text[pos:lineEnd])
		switch {
		case start < 0 && line == open:
			openAt, start = pos, lineEnd+1
		case start >= 0 && line == close:
			end = pos
		}
		if next < 0 {
			break
		}
		pos = lineEnd + 1
	}
	if start < 0 || end < 0 || start > end {
		return "", "", false
	}
	return strings.TrimRight(text[start:end], "\r\n"), text[:openAt], true
}

func findTitle(text string) string {
	for line := range strings.Lines(text) {
		line = strings.TrimSpace(line)
		if t, ok := strings.CutPrefix(line, "<title>"); ok {
			if t, ok := strings.CutSuffix(t, "</title>"); ok {
				return strings.TrimSpace(t)
			}
		}
	}
	return ""
}

// Counts a brief prompt may ask for, as in `"summary": 3 sentences` and
// `"key_facts": 5 objects`. They are hints beyond the contract: without them
// the mock uses briefSentences and briefFacts.
var (
	summaryHint = regexp.MustCompile(`"summary":\s*(\d+)`)
	factsHint   = regexp.MustCompile(`"key_facts":\s*(\d+)`)
)

// lengthHints reads the counts the system message asks for.
func lengthHints(system string) extractive.Options {
	opts := extractive.Options{SummarySentences: briefSentences, Facts: briefFacts}
	read := func(re *regexp.Regexp, dst *int) {
		if m := re.FindStringSubmatch(system); m != nil {
			if n, err := strconv.Atoi(m[1]); err == nil && n >= 1 && n <= maxHint {
				*dst = n
			}
		}
	}
	read(summaryHint, &opts.SummarySentences)
	read(factsHint, &opts.Facts)
	return opts
}

func answerBrief(msgs []chatMessage, opts extractive.Options, faults factFaults) (string, error) {
	article, before, ok := block(msgs, "<article>", "</article>")
	if !ok || strings.TrimSpace(article) == "" {
		return "", badPrompt("missing_article", "task brief needs the article between a line <article> and a line </article> in a user message")
	}
	title := findTitle(before)
	sum := extractive.Summarize(title, article, opts)
	b := briefJSON{
		Headline:      sum.Headline,
		Summary:       strings.Join(sum.Summary, " "),
		KeyFacts:      make([]keyFact, 0, len(sum.Facts)+1),
		People:        nonNil(sum.People),
		Places:        nonNil(sum.Places),
		Organizations: nonNil(sum.Organizations),
	}
	if b.Headline == "" {
		b.Headline = title
	}
	facts := sum.Facts
	if len(facts) == 0 {
		// A part of two sentences has none left over once the summary has
		// taken them; a real model would still name facts, so the summary
		// sentences serve (as in geobrief's offline Brief).
		facts = sum.Summary
	}
	for _, s := range facts {
		b.KeyFacts = append(b.KeyFacts, keyFact{Fact: shorten(s), Quote: s})
	}
	if faults.unquoted {
		b.KeyFacts = append(b.KeyFacts, unquotedFact(article))
	}
	if faults.wrongNumber {
		b.KeyFacts = withWrongNumber(b.KeyFacts, extractive.Sentences(article), article)
	}
	if faults.summaryNumber {
		b.Summary = changeSummaryNumber(b.Summary, article)
	}
	return string(marshal(b)), nil
}

func answerCombine(msgs []chatMessage, faults factFaults) (string, error) {
	raw, _, ok := block(msgs, "<partial_briefs>", "</partial_briefs>")
	if !ok {
		return "", badPrompt("missing_partial_briefs", "task combine needs a JSON array of partial briefs between a line <partial_briefs> and a line </partial_briefs> in a user message")
	}
	var parts []briefJSON
	if err := json.Unmarshal([]byte(raw), &parts); err != nil {
		return "", badPrompt("bad_partial_briefs", "task combine: the partial briefs are not a JSON array of briefs: %v", err)
	}
	if len(parts) == 0 {
		return "", badPrompt("bad_partial_briefs", "task combine: the partial briefs array is empty")
	}
	out := briefJSON{KeyFacts: []keyFact{}, People: []string{}, Places: []string{}, Organizations: []string{}}
	out.Headline = parts[0].Headline
	var firsts []string
	var seen [3]map[string]bool
	for i := range seen {
		seen[i] = map[string]bool{}
	}
	var allText strings.Builder
	for i, p := range parts {
		if out.Headline == "" {
			out.Headline = p.Headline
		}
		if i < combineParts {
			if s := firstSentence(p.Summary); s != "" {
				firsts = append(firsts, s)
			}
		}
		for _, f := range p.KeyFacts {
			if len(out.KeyFacts) < combineFacts {
				out.KeyFacts = append(out.KeyFacts, f)
			}
			allText.WriteString(f.Quote + "\n")
		}
		allText.WriteString(p.Summary + "\n")
		out.People = union(out.People, p.People, seen[0])
		out.Places = union(out.Places, p.Places, seen[1])
		out.Organizations = union(out.Organizations, p.Organizations, seen[2])
	}
	out.Summary = strings.Join(firsts, " ")
	if faults.unquoted {
		out.KeyFacts = append(out.KeyFacts, unquotedFact(allText.String()))
	}
	if faults.wrongNumber {
		var quotes []string
		for _, p := range parts {
			for _, f := range p.KeyFacts {
				quotes = append(quotes, f.Quote)
			}
		}
		out.KeyFacts = withWrongNumber(out.KeyFacts, quotes, allText.String())
	}
	if faults.summaryNumber {
		out.Summary = changeSummaryNumber(out.Summary, allText.String())
	}
	return string(marshal(out)), nil
}

func answerTopline(msgs []chatMessage) (string, error) {
	raw, _, ok := block(msgs, "<items>", "</items>")
	if !ok {
		return "", badPrompt("missing_items", "task topline needs a JSON array of {\"headline\",\"summary\"} between a line <items> and a line </items> in a user message")
	}
	var items []toplineItem
	if err := json.Unmarshal([]byte(raw), &items); err != nil {
		return "", badPrompt("bad_items", "task topline: the items are not a JSON array of {\"headline\",\"summary\"}: %v", err)
	}
	if len(items) == 0 {
		return "", badPrompt("bad_items", "task topline: the items array is empty")
	}
	// One sentence per item (its summary's first, else its headline), then,
	// when there were fewer than two items, more of the first summary.
	var out []string
	for _, it := range items {
		if len(out) == toplineMax {
			break
		}
		s := firstSentence(it.Summary)
		if s == "" {
			s = asSentence(it.Headline)
		}
		if s != "" {
			out = append(out, s)
		}
	}
	if len(out) < 2 {
		for _, s := range extractive.Sentences(items[0].Summary) {
			if len(out) == 2 {
				break
			}
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	if len(out) < 2 {
		if h := asSentence(items[0].Headline); h != "" && !slices.Contains(out, h) {
			out = append([]string{h}, out...)
		}
	}
	return string(marshal(toplineJSON{Topline: strings.Join(out, " ")})), nil
}

// unquotedFact is a fact whose quote is not in text.
func unquotedFact(text string) keyFact {
	q := inventedQuote
	for strings.Contains(text, q) {
		q = "Truly, " + q
	}
	return keyFact{Fact: "Officials agreed on a further measure the article never mentions.", Quote: q}
}

// withWrongNumber adds the classic hallucination to facts: a real quote, and
// a fact that repeats it with its first number changed ("sentenced to 12
// years" becomes "sentenced to 31 years"). The quote is the first candidate
// sentence with a digit that no fact quotes yet (a second fact on one quote
// would be dropped as a repeat); failing that, the first fact quoting a
// number is replaced; failing that, a fact adds a number to a sentence.
func withWrongNumber(facts []keyFact, candidates []string, text string) []keyFact {
	quoted := map[string]bool{}
	for _, f := range facts {
		quoted[f.Quote] = true
	}
	for _, q := range candidates {
		if !quoted[q] && firstDigits.MatchString(q) {
			return append(facts, keyFact{Fact: changeNumber(q, text), Quote: q})
		}
	}
	for i, f := range facts {
		if firstDigits.MatchString(f.Quote) {
			out := slices.Clone(facts)
			out[i] = keyFact{Fact: changeNumber(f.Quote, text), Quote: f.Quote}
			return out
		}
	}
	for _, q := range candidates {
		if !quoted[q] {
			return append(facts, keyFact{Fact: strings.TrimRight(q, ".") + ", " + otherNumber("12", text) + " years ago.", Quote: q})
		}
	}
	return facts
}

// changeNumber changes the first number of s to one text lacks. The fact is
// not shortened: cutting it could cut the changed number off.
func changeNumber(s, text string) string {
	loc := firstDigits.FindStringIndex(s)
	return s[:loc[0]] + otherNumber(s[loc[0]:loc[1]], text) + s[loc[1]:]
}

// changeSummaryNumber changes the first number of the summary to one the
// text does not contain, or adds a sentence with such a number.
func changeSummaryNumber(summary, text string) string {
	if loc := firstDigits.FindStringIndex(summary); loc != nil {
		return summary[:loc[0]] + otherNumber(summary[loc[0]:loc[1]], text) + summary[loc[1]:]
	}
	return strings.TrimSpace(summary + " Officials said " + otherNumber("4217", text) + " people attended.")
}

var firstDigits = regexp.MustCompile(`\d+`)

// otherNumber returns a number unlike digits that text does not contain as
// a word: 2n+7, repeated until it is absent (12 becomes 31).
func otherNumber(digits, text string) string {
	n, err := strconv.Atoi(digits)
	if err != nil || n > 1e9 {
		n = 12
	}
	for {
		n = 2*n + 7
		s := strconv.Itoa(n)
		if !regexp.MustCompile(`(^|\D)` + s + `(\D|$)`).MatchString(text) {
			return s
		}
	}
}

// shorten lightly shortens a sentence for the fact field: very long ones are
// cut at a word boundary.
func shorten(s string) string {
	if utf8.RuneCountInString(s) <= factMaxRunes {
		return s
	}
	cut := []rune(s)[:factMaxRunes]
	t := string(cut)
	if i := strings.LastIndexByte(t, ' '); i > factMaxRunes/2 {
		t = t[:i]
	}
	return strings.TrimRight(t, " ,;:") + "…"
}

func firstSentence(s string) string {
	if ss := extractive.Sentences(s); len(ss) > 0 {
		return ss[0]
	}
	return strings.TrimSpace(s)
}

func asSentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.ContainsAny(s[len(s)-1:], ".!?") {
		return s
	}
	return s + "."
}

func union(dst, src []string, seen map[string]bool) []string {
	for _, s := range src {
		s = strings.TrimSpace(s)
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		dst = append(dst, s)
	}
	return dst
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// hasAssistant reports whether the conversation already holds an assistant
// answer, which makes it a repair request.
func hasAssistant(msgs []chatMessage) bool {
	for _, m := range msgs {
		if m.Role == "assistant" {
			return true
		}
	}
	return false
}
