package llm

import (
	"strings"
	"unicode/utf8"
)

// stripThink removes a leading <think>...</think> block, which reasoning
// models (DeepSeek-R1, Qwen3, ...) put before the answer on servers that do
// not split it into reasoning_content. Some chat templates open the block in
// the prompt, so the answer holds only the closing tag: that is stripped too.
func stripThink(s string) string {
	t := strings.TrimLeft(s, " \t\r\n")
	const open, closing = "<think>", "</think>"
	if strings.HasPrefix(t, open) {
		i := strings.Index(t, closing)
		if i < 0 {
			return "" // cut off while still thinking
		}
		return strings.TrimLeft(t[i+len(closing):], " \t\r\n")
	}
	if i := strings.Index(t, closing); i >= 0 && !strings.Contains(t[:i], open) {
		return strings.TrimLeft(t[i+len(closing):], " \t\r\n")
	}
	return s
}

// estimateTokens follows the usual rule of thumb: about 4 characters a token.
func estimateTokens(s string) int {
	n := utf8.RuneCountInString(s)
	return (n + 3) / 4
}

// estimateUsage stands in when the server reports no usage.
func estimateUsage(msgs []Message, answer string) Usage {
	u := Usage{Estimated: true}
	for _, m := range msgs {
		u.PromptTokens += estimateTokens(m.Content)
	}
	u.CompletionTokens = estimateTokens(answer)
	return u
}
