package summarize

import (
	"encoding/json"
	"strings"
	"testing"
)

const goodJSON = `{"headline":"H","summary":"S.","key_facts":[{"fact":"F","quote":"Q q q"}],"people":[],"places":["Oman"],"organizations":[]}`

func TestParseBriefToleratesRealModelQuirks(t *testing.T) {
	cases := map[string]string{
		"plain":           goodJSON,
		"code fence":      "```json\n" + goodJSON + "\n```",
		"bare fence":      "```\n" + goodJSON + "\n```",
		"think block":     "<think>The user wants JSON. {not this}</think>\n" + goodJSON,
		"prose around":    "Sure! Here is the brief:\n" + goodJSON + "\nLet me know if you need more.",
		"braces in prose": "I filled in {headline} and {summary}:\n" + goodJSON,
		"trailing comma":  `{"headline":"H","summary":"S.","key_facts":[{"fact":"F","quote":"Q q q",},],"people":[],}`,
		"brace in text":   `{"headline":"H {x}","summary":"S \"}\" here.","key_facts":[{"fact":"F","quote":"Q q q"}]}`,
		"missing lists":   `{"headline":"H","summary":"S.","key_facts":[{"fact":"F","quote":"Q q q"}]}`,
		"fact from quote": `{"headline":"H","summary":"S.","key_facts":[{"fact":"","quote":"Q q q"}]}`,
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			b, err := parseBrief(in)
			if err != nil {
				t.Fatalf("parseBrief: %v", err)
			}
			if !strings.HasPrefix(b.Headline, "H") || b.Summary == "" || len(b.KeyFacts) != 1 || b.KeyFacts[0].Quote != "Q q q" || b.KeyFacts[0].Fact == "" {
				t.Fatalf("parsed %+v", b)
			}
		})
	}
}

func TestParseBriefRejectsUnusableAnswers(t *testing.T) {
	cases := map[string]string{
		"no json":        "I cannot help with that.",
		"cut off":        `{"headline":"H","summary":"S.","key_facts":[{"fact":"F","quo`,
		"unclosed think": "<think>still thinking " + goodJSON,
		"empty headline": `{"headline":"","summary":"S.","key_facts":[{"fact":"F","quote":"Q"}]}`,
		"no facts":       `{"headline":"H","summary":"S.","key_facts":[]}`,
		"empty facts":    `{"headline":"H","summary":"S.","key_facts":[{"fact":" ","quote":""}]}`,
		"wrong type":     `{"headline":"H","summary":["S."],"key_facts":[{"fact":"F","quote":"Q"}]}`,
		"yaml not json":  "headline: H\nsummary: S.",
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			if b, err := parseBrief(in); err == nil {
				t.Fatalf("want an error, got %+v", b)
			}
		})
	}
}

func TestParseTopline(t *testing.T) {
	got, err := parseTopline("```json\n{\"topline\": \" Two stories. \",}\n```")
	if err != nil || got != "Two stories." {
		t.Fatalf("got %q, %v", got, err)
	}
	if _, err := parseTopline(`{"topline": ""}`); err == nil {
		t.Fatal("empty topline accepted")
	}
}

// FuzzExtractJSON: whatever a model sends, extraction never panics, and what
// it returns starts and ends like an object.
func FuzzExtractJSON(f *testing.F) {
	for _, s := range []string{goodJSON, "```json\n{}\n```", "<think>{</think>{\"a\":1,}", `{"a":"\"}"}`, "{", "}{", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := extractJSON(s)
		if err != nil {
			return
		}
		if len(out) < 2 || out[0] != '{' || out[len(out)-1] != '}' {
			t.Fatalf("extracted %q from %q", out, s)
		}
		// Valid JSON in means the same value out.
		var in map[string]any
		if json.Unmarshal([]byte(s), &in) == nil && strings.HasPrefix(strings.TrimSpace(s), "{") {
			var got map[string]any
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("valid object %q became invalid %q: %v", s, out, err)
			}
		}
	})
}

// A broken answer whose inner key fact is valid JSON on its own: the
// fragment is not taken for the answer, and the repair request names the
// real problem.
func TestBrokenObjectIsNotReplacedByItsFragment(t *testing.T) {
	_, err := parseBrief(`{"headline" "H", "summary": "S.", "key_facts": [{"fact": "F", "quote": "Q q q"}]}`)
	if err == nil || !strings.Contains(err.Error(), "invalid JSON") {
		t.Fatalf("err = %v, want the syntax error", err)
	}
}

// The brace matcher and the comma remover read strings with one scanner:
// an escaped quote does not end a string, and what is inside one is kept.
func TestOneStringScanner(t *testing.T) {
	in := `{"a":"x\",}\\","b":[1,],"c":"{",}`
	if end, ok := matchingBrace(in, 0); !ok || end != len(in)-1 {
		t.Fatalf("matchingBrace = %d, %v; want %d", end, ok, len(in)-1)
	}
	if got, want := string(dropTrailingCommas(in)), `{"a":"x\",}\\","b":[1],"c":"{"}`; got != want {
		t.Fatalf("dropTrailingCommas = %s, want %s", got, want)
	}
}
