package summarize

import (
	"encoding/json"
	"strings"

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
	var cur strings.Builder
	for _, u := range units {
		if cur.Len() > 0 && cur.Len()+1+len(u) > limit {
			parts = append(parts, cur.String())
			cur.Reset()
		}
		if cur.Len() > 0 {
			cur.WriteByte('\n')
		}
		cur.WriteString(u)
	}
	if cur.Len() > 0 {
		parts = append(parts, cur.String())
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
	var batches [][]modelBrief
	var cur []modelBrief
	size := 0
	for _, b := range briefs {
		js, _ := json.Marshal(b)
		if len(cur) >= 2 && size+len(js) > limit {
			batches = append(batches, cur)
			cur, size = nil, 0
		}
		cur = append(cur, b)
		size += len(js)
	}
	if len(cur) == 1 && len(batches) > 0 {
		// A lone brief joins the previous batch rather than being combined alone.
		batches[len(batches)-1] = append(batches[len(batches)-1], cur[0])
	} else if len(cur) > 0 {
		batches = append(batches, cur)
	}
	return batches
}
