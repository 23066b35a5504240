package llm

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"sort"
	"strings"
)

// Models lists the model IDs the endpoint serves (GET /models).
func (c *Client) Models(ctx context.Context) ([]string, error) {
	ex := &exchange{}
	actx, cancel := context.WithTimeout(withExchange(ctx, ex), c.cfg.Timeout)
	defer cancel()
	list, err := c.api.ListModels(actx)
	if err != nil {
		return nil, fmt.Errorf("llm: cannot list models: %w", c.statusFrom(err, ex, ""))
	}
	ids := make([]string, 0, len(list.Models))
	for _, m := range list.Models {
		ids = append(ids, m.ID)
	}
	sort.Strings(ids)
	return ids, nil
}

// Capabilities is what Probe found out about the endpoint.
type Capabilities struct {
	Models     []string // empty if the endpoint does not list them
	JSONSchema bool     // accepts response_format json_schema
	JSONObject bool     // accepts response_format json_object
	Streaming  bool     // streams a complete answer
}

// Probe checks the endpoint with a few tiny requests, for `geobrief check`.
// It fails only when a plain completion fails; unsupported features come
// back as false. In auto JSON mode the client then starts from the best mode
// found. Probe bypasses budgets, the breaker and the retries.
func (c *Client) Probe(ctx context.Context) (Capabilities, error) {
	var caps Capabilities
	models, err := c.Models(ctx)
	var se *StatusError
	switch {
	case err == nil:
		caps.Models = models
	case errors.As(err, &se) && (se.Code == 401 || se.Code == 403):
		return caps, err
	default:
		c.log.Info("llm: probe: no model list", slog.String("error", err.Error()))
	}

	req := Request{
		Messages: []Message{
			{Role: "system", Content: "Answer with a JSON object only."},
			{Role: "user", Content: `Reply with {"ok": true}.`},
		},
		MaxTokens: 16,
	}
	if _, err := c.completeOnce(ctx, req, JSONModeNone); err != nil {
		return caps, fmt.Errorf("llm: probe: a plain completion failed: %w", err)
	}
	req.Schema = &Schema{Name: "probe", JSON: []byte(`{"type":"object","properties":{"ok":{"type":"boolean"}},"required":["ok"]}`)}
	accepted := func(mode string) bool {
		_, err := c.completeOnce(ctx, req, mode)
		if err != nil {
			c.log.Info("llm: probe: JSON mode not usable", slog.String("mode", mode), slog.String("error", err.Error()))
		}
		return err == nil
	}
	caps.JSONSchema = accepted(JSONModeSchema)
	caps.JSONObject = accepted(JSONModeObject)
	switch {
	case caps.JSONSchema:
		c.json.set(JSONModeSchema)
	case caps.JSONObject:
		c.json.set(JSONModeObject)
	default:
		c.json.set(JSONModeNone)
	}

	req.Schema = nil
	if _, _, err := c.streamOnce(ctx, req, JSONModeNone, func(string) {}); err != nil {
		c.log.Info("llm: probe: streaming not usable", slog.String("error", err.Error()))
	} else {
		caps.Streaming = true
	}
	return caps, nil
}

// BaseURLWarning returns advice when baseURL looks wrong for an
// OpenAI-compatible API (no /v1-style path, missing scheme), or "" when it
// looks fine.
func BaseURLWarning(baseURL string) string {
	s := strings.TrimSpace(baseURL)
	if s == "" {
		return "OPENAI_BASE_URL is empty: try https://api.openai.com/v1 or http://localhost:11434/v1 (Ollama)"
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return fmt.Sprintf("OPENAI_BASE_URL %q is not an http(s) URL: try http://localhost:11434/v1", s)
	}
	path := strings.TrimRight(u.Path, "/")
	if strings.HasSuffix(path, "/chat/completions") {
		return fmt.Sprintf("OPENAI_BASE_URL should stop before /chat/completions: try %s",
			u.Scheme+"://"+u.Host+strings.TrimSuffix(path, "/chat/completions"))
	}
	for _, seg := range strings.Split(path, "/") {
		if len(seg) >= 2 && seg[0] == 'v' && seg[1] >= '0' && seg[1] <= '9' {
			return "" // /v1, /api/v1 (OpenRouter), /v1beta/openai ...
		}
	}
	return fmt.Sprintf("OPENAI_BASE_URL has no /v1: try %s", u.Scheme+"://"+u.Host+path+"/v1")
}
