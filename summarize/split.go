package summarize

import (
	"encoding/json"
	"strings"

	"github.com/geobrief/geobrief/batch"
	"github.com/geobrief/geobrief/extractive"
)

// splitArticle cuts text into parts of at most limit bytes, at paragraph
// boundaries when it can, else at sentences, else at spaces. Every byte of
// the article lands in exactly one part: nothing is truncated.
func splitArticle(text string, limit int) []string {
	text = strings.TrimSpace(text)
	if len(text) <= limit {
		return []string{text}
	}
	var units []string
	for _, para := range strings.Split(text, "\n") {
		para = strings.TrimSpace(para)
		if para == "" {
			continue
		}
		if len(para) <= limit {
			units = append(units, para)
			continue
		}
		for _, sent := range extractive.Sentences(para) {
			units = append(units, splitWords(sent, limit)...)
		}
	}
	var parts []string
	for _, group := range batch.Pack(units, func(u string) int { return len(u) }, batch.Limit{Max: limit, Sep: 1}) {
		parts = append(parts, strings.Join(group, "\n"))
	}
	return parts
}

// splitWords cuts one over-long sentence at spaces (or, for a run with no
// space at all, at the limit on a rune boundary).
func splitWords(s string, limit int) []string {
	var out []string
	for len(s) > limit {
		cut := strings.LastIndexByte(s[:limit], ' ')
		if cut <= 0 {
			cut = limit
			for cut > 0 && !runeStart(s[cut]) {
				cut--
			}
		}
		out = append(out, strings.TrimSpace(s[:cut]))
		s = strings.TrimSpace(s[cut:])
	}
	if s != "" {
		out = append(out, s)
	}
	return out
}

func runeStart(b byte) bool { return b&0xC0 != 0x80 }

// batchBriefs groups partial briefs so each combine request fits the
// context. A batch always holds at least two briefs, so every round of
// combining makes progress.
func batchBriefs(briefs []modelBrief, limit int) [][]modelBrief {
	size := func(b modelBrief) int {
		js, _ := json.Marshal(b)
		return len(js)
	}
	return batch.Pack(briefs, size, batch.Limit{Max: limit, MinItems: 2})
}
