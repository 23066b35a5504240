package summarize

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/geobrief/geobrief/extractive"
	"github.com/geobrief/geobrief/llm"
)

// ToplineItem is what a digest's top line is written from: an item's Brief,
// never the full article again.
type ToplineItem struct {
	Headline string `json:"headline"`
	Summary  string `json:"summary"`
}

// Topline writes the 2-3 sentences above a digest's items. Offline (or when
// the LLM is down and fallback is on) it is the first sentences of the
// first items' summaries.
func (s *Summarizer) Topline(ctx context.Context, items []ToplineItem, guild string) (string, error) {
	if len(items) == 0 {
		return "", nil
	}
	if s.llm == nil {
		return offlineTopline(items), nil
	}
	js, err := json.MarshalIndent(items, "", " ")
	if err != nil {
		return "", fmt.Errorf("topline: encode items: %w", err)
	}
	data := struct{ Items string }{neutralize(string(js), "items")}
	t := &tally{}
	line, err := askJSON(ctx, s, t, "topline", data, toplineSchema, guild, parseTopline)
	if err != nil {
		if s.cfg.FallbackOffline && errors.Is(err, llm.ErrUnavailable) {
			return offlineTopline(items), nil
		}
		return "", fmt.Errorf("topline: %w", err)
	}
	return line, nil
}

func offlineTopline(items []ToplineItem) string {
	var parts []string
	for _, it := range items {
		if len(parts) == 3 {
			break
		}
		if sents := extractive.Sentences(it.Summary); len(sents) > 0 {
			parts = append(parts, sents[0])
		}
	}
	return strings.Join(parts, " ")
}
