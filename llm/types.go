// Package llm talks to any OpenAI-compatible chat endpoint and survives what
// real providers do: slow answers, rate limits, outages and quirks.
package llm

// Message is one chat message.
type Message struct {
	Role    string // "system", "user" or "assistant"
	Content string
}

// Schema asks for structured output. Name is a short identifier such as
// "brief"; JSON is a JSON Schema document.
type Schema struct {
	Name string
	JSON []byte
}

// Request is one chat completion to make.
type Request struct {
	Messages []Message
	// Schema, when set, asks for JSON output of that shape. The client picks
	// the strongest JSON mode the server accepts (json_schema, json_object,
	// then plain text) and remembers what the server refused.
	Schema *Schema
	// MaxTokens caps the answer; 0 leaves it to the server.
	MaxTokens int
	// Temperature is always sent, zero included.
	Temperature float32
	// Guild attributes token usage for budgets; empty for the command line.
	Guild string
}

// Usage is the token count of one answer.
type Usage struct {
	PromptTokens     int
	CompletionTokens int
	// Estimated is true when the server did not report usage and the counts
	// were estimated from the text.
	Estimated bool
}

// Total is prompt plus completion tokens.
func (u Usage) Total() int { return u.PromptTokens + u.CompletionTokens }

// Response is the answer to a Request.
type Response struct {
	Content      string
	FinishReason string // "stop", "length", ...
	Model        string
	Usage        Usage
}
