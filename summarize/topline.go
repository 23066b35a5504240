package summarize

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"

	"github.com/geobrief/geobrief/extractive"
)

// ToplineItem is what a digest's top line is written from: an item's Brief,
// never the full article again.
type ToplineItem struct {
	Headline string `json:"headline"`
	Summary  string `json:"summary"`
}

// Topline writes the 2-3 sentences above a digest's items. Offline, or when
// fallback is on and the LLM cannot write it (as for Brief), it is the first
// sentences of the first items' summaries. It has Config.Timeout to finish.
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
	tctx, cancel := s.withDeadline(ctx)
	defer cancel()
	line, err := askJSON(tctx, s, t, "topline", data, toplineSchema, guild, parseTopline)
	if err != nil {
		err = s.deadlineError(tctx, err)
		if reason, ok := s.fallbackReason(ctx, err); ok {
			s.log.Warn("writing the offline top line", slog.String("reason", reason), slog.Any("error", err))
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
