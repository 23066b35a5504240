// Package summarize turns a news document into a Brief: headline, summary and
// key facts whose quotes are checked against the article.
package summarize

import "time"

// Length is how long a summary should be.
type Length string

const (
	Short    Length = "short"
	Standard Length = "standard"
	Detailed Length = "detailed"
)

// Options changes what a Brief contains; every field is part of the cache key.
type Options struct {
	Length Length
	// Guild attributes LLM usage for budgets; it is not part of the cache key.
	Guild string `json:"-"`
	// Progress, when set, is told each time a part of the article has been
	// read: done of parts. It is not part of the cache key.
	Progress func(done, parts int) `json:"-"`
	// Waiting, when set, is called once if the Brief is not ready after
	// WaitingAfter (0: DefaultWaitingAfter), so that the CLI or the bot can
	// say it is still working. It is never called for a cached or offline
	// Brief. It runs on its own goroutine, and it has returned before Brief
	// returns: a "still waiting" message never lands after the answer.
	Waiting      func()        `json:"-"`
	WaitingAfter time.Duration `json:"-"`
}

// DefaultWaitingAfter is when Options.Waiting is called by default: a few
// seconds, past which a person starts to wonder whether anything happens.
const DefaultWaitingAfter = 3 * time.Second

// Fact is one key fact with the article's words that support it.
type Fact struct {
	Text  string `json:"text"`
	Quote string `json:"quote"`
	// Verified is true when Quote was found in the article and the numbers,
	// dates and names of Text are in Quote or the sentences around it.
	// Unverified facts are never shown as facts; they are kept only for
	// --json, with the Reason.
	Verified bool   `json:"verified"`
	Reason   string `json:"reason,omitempty"`
}

// Brief is what geobrief answers with.
type Brief struct {
	DocID         string   `json:"doc_id"`
	Headline      string   `json:"headline"`
	Summary       string   `json:"summary"`
	Facts         []Fact   `json:"facts"`
	People        []string `json:"people"`
	Places        []string `json:"places"`
	Organizations []string `json:"organizations"`
	Meta          Meta     `json:"meta"`
}

// Meta says how a Brief was made.
type Meta struct {
	Model string `json:"model"`
	// Offline is true when the extractive summarizer made the Brief, either
	// because no LLM is configured or because the LLM is down (Fallback).
	Offline  bool `json:"offline"`
	Fallback bool `json:"fallback,omitempty"`
	// FallbackReason says, for a Fallback Brief, why the LLM could not
	// answer, in words fit to show: "the LLM endpoint is unavailable", "the
	// LLM gave no answer within 30s", "today's LLM token budget is spent",
	// "the model's answer was unusable".
	FallbackReason   string    `json:"fallback_reason,omitempty"`
	Cached           bool      `json:"cached"`
	PromptTokens     int       `json:"prompt_tokens"`
	CompletionTokens int       `json:"completion_tokens"`
	Parts            int       `json:"parts"`
	FactsVerified    int       `json:"facts_verified"`
	FactsGiven       int       `json:"facts_given"`
	PromptVersion    string    `json:"prompt_version"`
	CreatedAt        time.Time `json:"created_at"`
	// SummaryDropped lists the sentences of the model's summary that stated
	// a number, date or name the article does not contain; they are not in
	// Summary. SummaryReplaced is true when that was every sentence, and the
	// offline summary's sentences, taken from the article, stand in.
	SummaryDropped  []DroppedSentence `json:"summary_dropped,omitempty"`
	SummaryReplaced bool              `json:"summary_replaced,omitempty"`
}

// DroppedSentence is a summary sentence left out, and why.
type DroppedSentence struct {
	Sentence string `json:"sentence"`
	Reason   string `json:"reason"`
}

// VerifiedFacts returns only the facts the article was found to back.
func (b Brief) VerifiedFacts() []Fact {
	var out []Fact
	for _, f := range b.Facts {
		if f.Verified {
			out = append(out, f)
		}
	}
	return out
}
