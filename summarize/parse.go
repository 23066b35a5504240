package summarize

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// extractJSON finds the JSON object in a model's answer. Real models wrap it
// in code fences, put a <think> block or a sentence of prose before it, and
// leave trailing commas; none of that should cost a repair request.
func extractJSON(answer string) ([]byte, error) {
	s := stripThink(answer)
	start := strings.IndexByte(s, '{')
	if start < 0 {
		return nil, errors.New("no JSON object in the answer")
	}
	end, ok := matchingBrace(s, start)
	if !ok {
		return nil, errors.New("the JSON object is not closed (answer cut off?)")
	}
	first := dropTrailingCommas(s[start : end+1])
	if json.Valid(first) {
		return first, nil
	}
	// Prose before the answer may hold braces of its own ("I filled in
	// {headline} and the rest:"); the object is then a later one. Later
	// candidates start after the end of the one before, never inside it: a
	// valid fragment of a broken answer (one key fact) is not the answer.
	// The candidates are capped: each costs a scan, and a broken answer full
	// of braces must not cost quadratic time.
	for from, tries := end+1, 0; ; tries++ {
		i := strings.IndexByte(s[from:], '{')
		if i < 0 || tries == maxJSONCandidates {
			// None parses: the first one's error is the one to repair.
			return first, nil
		}
		start = from + i
		end, ok := matchingBrace(s, start)
		if !ok {
			return first, nil
		}
		if obj := dropTrailingCommas(s[start : end+1]); json.Valid(obj) {
			return obj, nil
		}
		from = end + 1
	}
}

const maxJSONCandidates = 16

// stripThink removes reasoning blocks that some models (DeepSeek R1, Qwen3)
// print before the answer. An unclosed block means the answer never came.
func stripThink(s string) string {
	for {
		i := strings.Index(s, "<think>")
		if i < 0 {
			return s
		}
		j := strings.Index(s[i:], "</think>")
		if j < 0 {
			return s[:i]
		}
		s = s[:i] + s[i+j+len("</think>"):]
	}
}

// stringScanner follows JSON string literals through text one byte at a
// time, so that the brace matcher and the comma remover below agree on
// what is inside a string.
type stringScanner struct {
	inString, escaped bool
}

// outside takes the next byte and reports whether it is outside every
// string literal. A string's quotes count as inside it.
func (sc *stringScanner) outside(c byte) bool {
	switch {
	case sc.escaped:
		sc.escaped = false
	case sc.inString && c == '\\':
		sc.escaped = true
	case c == '"':
		sc.inString = !sc.inString
	case !sc.inString:
		return true
	}
	return false
}

// matchingBrace returns the index of the brace closing the one at start,
// skipping braces inside JSON strings.
func matchingBrace(s string, start int) (int, bool) {
	var sc stringScanner
	depth := 0
	for i := start; i < len(s); i++ {
		if !sc.outside(s[i]) {
			continue
		}
		switch s[i] {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return i, true
			}
		}
	}
	return 0, false
}

// dropTrailingCommas removes a comma that directly precedes a closing brace
// or bracket, outside strings.
func dropTrailingCommas(s string) []byte {
	var sc stringScanner
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if sc.outside(c) && c == ',' {
			j := i + 1
			for j < len(s) && strings.IndexByte(" \t\r\n", s[j]) >= 0 {
				j++
			}
			if j < len(s) && (s[j] == '}' || s[j] == ']') {
				continue
			}
		}
		out = append(out, c)
	}
	return out
}

// decodeAnswer finds the JSON object in a model's answer and decodes it
// into T, the shape the prompt asked for; on error T is zero. The error says
// what is wrong in words a model can act on in a repair request.
func decodeAnswer[T any](answer string) (T, error) {
	var v T
	raw, err := extractJSON(answer)
	if err != nil {
		return v, err
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		var zero T // a half-decoded answer is not returned
		return zero, fmt.Errorf("invalid JSON: %w", err)
	}
	return v, nil
}

// trimHeadlineSummary trims the two fields every brief the model writes must
// have, single-document or story, and says which one is missing.
func trimHeadlineSummary(headline, summary *string) error {
	*headline = strings.TrimSpace(*headline)
	*summary = strings.TrimSpace(*summary)
	switch {
	case *headline == "":
		return errors.New(`"headline" is missing or empty`)
	case *summary == "":
		return errors.New(`"summary" is missing or empty`)
	}
	return nil
}

// modelBrief is the JSON shape the prompts ask for.
type modelBrief struct {
	Headline      string      `json:"headline"`
	Summary       string      `json:"summary"`
	KeyFacts      []modelFact `json:"key_facts"`
	People        []string    `json:"people"`
	Places        []string    `json:"places"`
	Organizations []string    `json:"organizations"`
}

type modelFact struct {
	Fact  string `json:"fact"`
	Quote string `json:"quote"`
}

// parseBrief extracts and validates a brief from a model's answer. The
// error says what is wrong in words a model can act on in a repair request.
func parseBrief(answer string) (modelBrief, error) {
	b, err := decodeAnswer[modelBrief](answer)
	if err != nil {
		return b, err
	}
	if err := trimHeadlineSummary(&b.Headline, &b.Summary); err != nil {
		return b, err
	}
	if len(b.KeyFacts) == 0 {
		return b, errors.New(`"key_facts" is missing or empty`)
	}
	facts := b.KeyFacts[:0]
	for _, f := range b.KeyFacts {
		f.Fact, f.Quote = strings.TrimSpace(f.Fact), strings.TrimSpace(f.Quote)
		if f.Fact == "" && f.Quote == "" {
			continue
		}
		if f.Fact == "" {
			f.Fact = f.Quote
		}
		facts = append(facts, f)
	}
	if len(facts) == 0 {
		return b, errors.New(`every entry of "key_facts" is empty`)
	}
	b.KeyFacts = facts
	return b, nil
}

// parseTopline extracts the digest top line from a model's answer.
func parseTopline(answer string) (string, error) {
	v, err := decodeAnswer[struct {
		Topline string `json:"topline"`
	}](answer)
	if err != nil {
		return "", err
	}
	if strings.TrimSpace(v.Topline) == "" {
		return "", errors.New(`"topline" is missing or empty`)
	}
	return strings.TrimSpace(v.Topline), nil
}
