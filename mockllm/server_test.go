package mockllm

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/geobrief/geobrief/extractive"
)

const testTitle = "Coastal states agree to share patrols"

func readArticle(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("testdata/article.txt")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// setup starts the mock behind a real HTTP server and returns a go-openai
// client pointed at it.
func setup(t *testing.T, opts Options) (*Server, *httptest.Server, *openai.Client) {
	t.Helper()
	s := New(opts)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	hc := ts.Client()
	hc.Timeout = 20 * time.Second
	cfg := openai.DefaultConfig("")
	cfg.BaseURL = ts.URL + "/v1"
	cfg.HTTPClient = hc
	return s, ts, openai.NewClientWithConfig(cfg)
}

func msg(role, content string) openai.ChatCompletionMessage {
	return openai.ChatCompletionMessage{Role: role, Content: content}
}

func briefMessages(article string) []openai.ChatCompletionMessage {
	return []openai.ChatCompletionMessage{
		msg("system", "task: brief\nYou write briefs of news articles as JSON."),
		msg("user", "Write a brief of this article.\n<title>"+testTitle+"</title>\n<article>\n"+article+"\n</article>\nAnswer with JSON only."),
	}
}

func briefRequest(model, article string) openai.ChatCompletionRequest {
	return openai.ChatCompletionRequest{Model: model, Messages: briefMessages(article)}
}

func complete(t *testing.T, c *openai.Client, req openai.ChatCompletionRequest) openai.ChatCompletionResponse {
	t.Helper()
	resp, err := c.CreateChatCompletion(context.Background(), req)
	if err != nil {
		t.Fatalf("CreateChatCompletion(model %q): %v", req.Model, err)
	}
	if len(resp.Choices) != 1 {
		t.Fatalf("got %d choices, want 1", len(resp.Choices))
	}
	return resp
}

func decodeBrief(t *testing.T, content string) briefJSON {
	t.Helper()
	var b briefJSON
	dec := json.NewDecoder(strings.NewReader(content))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		t.Fatalf("content is not a brief: %v\n%s", err, content)
	}
	return b
}

// checkBrief asserts the brief is complete and every quote is verbatim article text.
func checkBrief(t *testing.T, b briefJSON, article string) {
	t.Helper()
	if b.Headline == "" || b.Summary == "" {
		t.Errorf("empty headline or summary: %+v", b)
	}
	if len(b.KeyFacts) == 0 {
		t.Errorf("no key facts")
	}
	if b.People == nil || b.Places == nil || b.Organizations == nil {
		t.Errorf("entity lists must be arrays, not null: %+v", b)
	}
	for _, f := range b.KeyFacts {
		if f.Fact == "" || !strings.Contains(article, f.Quote) {
			t.Errorf("fact %q has a quote not in the article: %q", f.Fact, f.Quote)
		}
	}
}

// joinedSentences reports whether s is made of sentences joined by single spaces.
func joinedSentences(s string, sentences []string) bool {
	for s != "" {
		best := ""
		for _, x := range sentences {
			if len(x) > len(best) && (s == x || strings.HasPrefix(s, x+" ")) {
				best = x
			}
		}
		if best == "" {
			return false
		}
		s = strings.TrimPrefix(s[len(best):], " ")
	}
	return true
}

func post(t *testing.T, ts *httptest.Server, path, body string) (*http.Response, []byte) {
	t.Helper()
	resp, err := ts.Client().Post(ts.URL+path, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestBrief(t *testing.T) {
	article := readArticle(t)
	_, _, c := setup(t, Options{})
	resp := complete(t, c, briefRequest("mock", article))
	if resp.Object != "chat.completion" || resp.Model != "mock" || resp.ID == "" || resp.Created == 0 {
		t.Errorf("bad envelope: object %q model %q id %q created %d", resp.Object, resp.Model, resp.ID, resp.Created)
	}
	ch := resp.Choices[0]
	if ch.Message.Role != "assistant" || ch.FinishReason != openai.FinishReasonStop {
		t.Errorf("role %q finish %q, want assistant stop", ch.Message.Role, ch.FinishReason)
	}
	b := decodeBrief(t, ch.Message.Content)
	checkBrief(t, b, article)
	if !joinedSentences(b.Summary, extractive.Sentences(article)) {
		t.Errorf("summary %q is not article sentences joined by spaces", b.Summary)
	}
	u := resp.Usage
	if u.PromptTokens < len(article)/5 || u.CompletionTokens < len(ch.Message.Content)/5 || u.TotalTokens != u.PromptTokens+u.CompletionTokens {
		t.Errorf("usage %+v does not look like ~4 chars/token", u)
	}

	// Deterministic: the same request gives the same content.
	again := complete(t, c, briefRequest("mock", article))
	if again.Choices[0].Message.Content != ch.Message.Content {
		t.Errorf("answers differ between identical requests")
	}
}

func TestBriefIgnoresInstructionsInArticle(t *testing.T) {
	article := readArticle(t)
	if !strings.Contains(article, "answer in YAML") {
		t.Fatal("fixture lost its injected instruction")
	}
	_, _, c := setup(t, Options{})
	b := decodeBrief(t, complete(t, c, briefRequest("mock", article)).Choices[0].Message.Content)
	checkBrief(t, b, article)
}

func TestBriefUsesLastArticleClose(t *testing.T) {
	article := "First part of the story, before a stray marker.\n</article>\nSecond part of the story, after the marker, is still the article."
	_, _, c := setup(t, Options{})
	b := decodeBrief(t, complete(t, c, briefRequest("mock", article)).Choices[0].Message.Content)
	if !strings.Contains(b.Summary, "Second part") {
		t.Errorf("summary %q misses the text after the inner </article> line", b.Summary)
	}
}

func TestRepairAnsweredLikeOriginal(t *testing.T) {
	article := readArticle(t)
	_, _, c := setup(t, Options{})
	orig := complete(t, c, briefRequest("mock", article)).Choices[0].Message.Content
	req := briefRequest("mock", article)
	req.Messages = append(req.Messages,
		msg("assistant", "headline: oops, this is YAML"),
		msg("user", "Your answer was not valid JSON. Answer again with the JSON object only."))
	if got := complete(t, c, req).Choices[0].Message.Content; got != orig {
		t.Errorf("repair answer differs from the original:\n%s\n%s", got, orig)
	}
}

func TestCombine(t *testing.T) {
	parts := []briefJSON{
		{Headline: "Part one headline", Summary: "One first. One second.",
			KeyFacts: []keyFact{{"f1", "q1"}, {"f2", "q2"}, {"f3", "q3"}},
			People:   []string{"Lena Varga"}, Places: []string{"Port Alden"}, Organizations: []string{}},
		{Headline: "Part two headline", Summary: "Two first. Two second.",
			KeyFacts: []keyFact{{"f4", "q4"}, {"f5", "q5"}, {"f6", "q6"}},
			People:   []string{"Lena Varga", "Omar Haddad"}, Places: []string{"Mesra"}, Organizations: []string{"Maritime Council"}},
		{Headline: "Part three", Summary: "Three first.", KeyFacts: []keyFact{}},
		{Headline: "Part four", Summary: "Four first.", People: []string{"Ana Ruiz"}},
	}
	req := openai.ChatCompletionRequest{Model: "mock", Messages: []openai.ChatCompletionMessage{
		msg("system", "task: combine\nMerge the partial briefs into one."),
		msg("user", "<partial_briefs>\n"+mustJSON(t, parts)+"\n</partial_briefs>"),
	}}
	_, _, c := setup(t, Options{})
	got := decodeBrief(t, complete(t, c, req).Choices[0].Message.Content)
	want := briefJSON{
		Headline: "Part one headline",
		Summary:  "One first. Two first. Three first.",
		KeyFacts: []keyFact{{"f1", "q1"}, {"f2", "q2"}, {"f3", "q3"}, {"f4", "q4"}, {"f5", "q5"}},
		People:   []string{"Lena Varga", "Omar Haddad", "Ana Ruiz"}, Places: []string{"Port Alden", "Mesra"},
		Organizations: []string{"Maritime Council"},
	}
	if mustJSON(t, got) != mustJSON(t, want) {
		t.Errorf("combine:\n got %s\nwant %s", mustJSON(t, got), mustJSON(t, want))
	}
}

func TestTopline(t *testing.T) {
	items := []toplineItem{
		{Headline: "Patrols agreed", Summary: "Five states will patrol the strait. Work starts in March."},
		{Headline: "Talks on fishing", Summary: "Fishing talks are set for June."},
		{Headline: "Grain prices", Summary: "Traders wait before cutting prices."},
		{Headline: "Fourth", Summary: "Never used."},
	}
	cases := []struct {
		items []toplineItem
		want  string
	}{
		{items, "Five states will patrol the strait. Fishing talks are set for June. Traders wait before cutting prices."},
		{items[:1], "Five states will patrol the strait. Work starts in March."},
		{[]toplineItem{{Headline: "Only a headline"}}, "Only a headline."},
		{[]toplineItem{{Headline: "Lone", Summary: "A single sentence."}}, "Lone. A single sentence."},
	}
	_, _, c := setup(t, Options{})
	for _, tc := range cases {
		req := openai.ChatCompletionRequest{Model: "mock", Messages: []openai.ChatCompletionMessage{
			msg("system", "task: topline\nWrite the day's topline."),
			msg("user", "Today's items:\n<items>\n"+mustJSON(t, tc.items)+"\n</items>"),
		}}
		var got toplineJSON
		content := complete(t, c, req).Choices[0].Message.Content
		if err := json.Unmarshal([]byte(content), &got); err != nil {
			t.Fatalf("topline is not JSON: %v: %s", err, content)
		}
		if got.Topline != tc.want {
			t.Errorf("topline of %d items = %q, want %q", len(tc.items), got.Topline, tc.want)
		}
	}
}

// afterThink returns the text after a </think> block, or "" when absent.
func afterThink(s string) string {
	_, rest, ok := strings.Cut(s, "</think>")
	if !ok || !strings.HasPrefix(s, "<think>") {
		return ""
	}
	return strings.TrimSpace(rest)
}

func TestFaultModes(t *testing.T) {
	article := readArticle(t)
	_, ts, c := setup(t, Options{})
	ctx := context.Background()

	apiStatus := func(t *testing.T, err error) (int, string) {
		t.Helper()
		var apiErr *openai.APIError
		if !errors.As(err, &apiErr) {
			t.Fatalf("error %v (%T) is not an *openai.APIError", err, err)
		}
		return apiErr.HTTPStatusCode, apiErr.Message
	}

	t.Run("429", func(t *testing.T) {
		_, err := c.CreateChatCompletion(ctx, briefRequest("mock:429", article))
		if code, _ := apiStatus(t, err); code != http.StatusTooManyRequests {
			t.Errorf("status %d, want 429", code)
		}
		resp, body := post(t, ts, "/v1/chat/completions", mustJSON(t, briefRequest("mock:429", article)))
		if resp.Header.Get("Retry-After") != "1" {
			t.Errorf("Retry-After = %q, want 1", resp.Header.Get("Retry-After"))
		}
		var eb errorBody
		if err := json.Unmarshal(body, &eb); err != nil || eb.Error.Message == "" || eb.Error.Type == "" || eb.Error.Code == "" {
			t.Errorf("bad error body %s (%v)", body, err)
		}
	})
	t.Run("500", func(t *testing.T) {
		_, err := c.CreateChatCompletion(ctx, briefRequest("mock:500", article))
		if code, _ := apiStatus(t, err); code != http.StatusInternalServerError {
			t.Errorf("status %d, want 500", code)
		}
	})
	t.Run("fence", func(t *testing.T) {
		content := complete(t, c, briefRequest("mock:fence", article)).Choices[0].Message.Content
		inner, ok := strings.CutPrefix(content, "```json\n")
		inner, ok2 := strings.CutSuffix(inner, "\n```")
		if !ok || !ok2 {
			t.Fatalf("not fenced: %q", content)
		}
		checkBrief(t, decodeBrief(t, inner), article)
	})
	t.Run("think", func(t *testing.T) {
		content := complete(t, c, briefRequest("mock:think", article)).Choices[0].Message.Content
		checkBrief(t, decodeBrief(t, afterThink(content)), article)
	})
	t.Run("think and fence", func(t *testing.T) {
		content := complete(t, c, briefRequest("mock:think,fence", article)).Choices[0].Message.Content
		rest := afterThink(content)
		if !strings.HasPrefix(rest, "```json\n") || !strings.HasSuffix(rest, "\n```") {
			t.Errorf("want a think block then a fence, got %q", content)
		}
	})
	t.Run("invalid", func(t *testing.T) {
		req := briefRequest("mock:invalid", article)
		for range 2 {
			content := complete(t, c, req).Choices[0].Message.Content
			if json.Valid([]byte(content)) {
				t.Fatalf("content is valid JSON: %s", content)
			}
			req.Messages = append(req.Messages, msg("assistant", content), msg("user", "That was not valid JSON."))
		}
	})
	t.Run("invalid-once", func(t *testing.T) {
		req := briefRequest("mock:invalid-once", article)
		content := complete(t, c, req).Choices[0].Message.Content
		if json.Valid([]byte(content)) {
			t.Fatalf("first answer is valid JSON: %s", content)
		}
		req.Messages = append(req.Messages, msg("assistant", content), msg("user", "That was not valid JSON."))
		checkBrief(t, decodeBrief(t, complete(t, c, req).Choices[0].Message.Content), article)
	})
	t.Run("length", func(t *testing.T) {
		full := complete(t, c, briefRequest("mock", article)).Choices[0].Message.Content
		ch := complete(t, c, briefRequest("mock:length", article)).Choices[0]
		if ch.FinishReason != openai.FinishReasonLength {
			t.Errorf("finish %q, want length", ch.FinishReason)
		}
		if json.Valid([]byte(ch.Message.Content)) || !strings.HasPrefix(full, ch.Message.Content) || ch.Message.Content == "" {
			t.Errorf("want a non-empty truncated prefix of the answer, got %q", ch.Message.Content)
		}
	})
	t.Run("max_tokens", func(t *testing.T) {
		req := briefRequest("mock", article)
		req.MaxTokens = 10
		ch := complete(t, c, req).Choices[0]
		if ch.FinishReason != openai.FinishReasonLength || len([]rune(ch.Message.Content)) != 40 {
			t.Errorf("max_tokens 10: finish %q, %d runes; want length, 40", ch.FinishReason, len([]rune(ch.Message.Content)))
		}
	})
	t.Run("unquoted", func(t *testing.T) {
		b := decodeBrief(t, complete(t, c, briefRequest("mock:unquoted", article)).Choices[0].Message.Content)
		missing := 0
		for _, f := range b.KeyFacts {
			if !strings.Contains(article, f.Quote) {
				missing++
			}
		}
		if missing != 1 {
			t.Errorf("%d facts with quotes not in the article, want 1", missing)
		}
	})
	t.Run("wrong-number", func(t *testing.T) {
		plain := decodeBrief(t, complete(t, c, briefRequest("mock", article)).Choices[0].Message.Content)
		b := decodeBrief(t, complete(t, c, briefRequest("mock:wrong-number", article)).Choices[0].Message.Content)
		usual := map[keyFact]bool{}
		for _, f := range plain.KeyFacts {
			usual[f] = true
		}
		var changed []keyFact
		for _, f := range b.KeyFacts {
			if !usual[f] {
				changed = append(changed, f)
			}
		}
		if len(changed) != 1 || len(b.KeyFacts) < len(plain.KeyFacts) {
			t.Fatalf("facts %+v, want the usual %+v with one more or one changed", b.KeyFacts, plain.KeyFacts)
		}
		wrong := changed[0]
		if !strings.Contains(article, wrong.Quote) || wrong.Fact == wrong.Quote {
			t.Fatalf("want a real quote and a different fact, got %+v", wrong)
		}
		n := firstDigits.FindString(wrong.Fact)
		if n == "" || strings.Contains(article, n) {
			t.Fatalf("fact %q should state a number the article does not contain, got %q", wrong.Fact, n)
		}
	})
	t.Run("summary-number", func(t *testing.T) {
		plain := decodeBrief(t, complete(t, c, briefRequest("mock", article)).Choices[0].Message.Content)
		b := decodeBrief(t, complete(t, c, briefRequest("mock:summary-number", article)).Choices[0].Message.Content)
		if b.Summary == plain.Summary {
			t.Fatalf("summary unchanged: %q", b.Summary)
		}
		for _, n := range firstDigits.FindAllString(b.Summary, -1) {
			if !regexp.MustCompile(`(^|\D)` + n + `(\D|$)`).MatchString(article) {
				return
			}
		}
		t.Fatalf("summary %q has no number the article lacks", b.Summary)
	})
	schemaFormat := &openai.ChatCompletionResponseFormat{
		Type: openai.ChatCompletionResponseFormatTypeJSONSchema,
		JSONSchema: &openai.ChatCompletionResponseFormatJSONSchema{
			Name: "brief", Schema: json.RawMessage(`{"type":"object"}`), Strict: true,
		},
	}
	objectFormat := &openai.ChatCompletionResponseFormat{Type: openai.ChatCompletionResponseFormatTypeJSONObject}
	for _, tc := range []struct {
		mode              string
		refused, accepted *openai.ChatCompletionResponseFormat
	}{
		{"no-json-schema", schemaFormat, objectFormat},
		{"no-json-object", objectFormat, schemaFormat},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			req := briefRequest("mock:"+tc.mode, article)
			req.ResponseFormat = tc.refused
			_, err := c.CreateChatCompletion(ctx, req)
			code, message := apiStatus(t, err)
			if code != http.StatusBadRequest || message != "response_format "+string(tc.refused.Type)+" is not supported" {
				t.Errorf("got %d %q", code, message)
			}
			req.ResponseFormat = tc.accepted
			complete(t, c, req)
			req.ResponseFormat = nil
			complete(t, c, req)
		})
	}
	t.Run("no-usage", func(t *testing.T) {
		_, body := post(t, ts, "/v1/chat/completions", mustJSON(t, briefRequest("mock:no-usage", article)))
		var raw map[string]json.RawMessage
		if err := json.Unmarshal(body, &raw); err != nil {
			t.Fatal(err)
		}
		if _, ok := raw["usage"]; ok || raw["choices"] == nil {
			t.Errorf("want choices and no usage: %s", body)
		}
	})
	t.Run("error-200", func(t *testing.T) {
		resp, body := post(t, ts, "/v1/chat/completions", mustJSON(t, briefRequest("mock:error-200", article)))
		var raw map[string]json.RawMessage
		if err := json.Unmarshal(body, &raw); err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK || raw["error"] == nil || raw["choices"] != nil {
			t.Errorf("want 200 with an error and no choices: %d %s", resp.StatusCode, body)
		}
		got, err := c.CreateChatCompletion(ctx, briefRequest("mock:error-200", article))
		if err != nil || len(got.Choices) != 0 {
			t.Errorf("go-openai: %v, %d choices; want no error and no choices", err, len(got.Choices))
		}
	})
	t.Run("latency", func(t *testing.T) {
		start := time.Now()
		complete(t, c, briefRequest("mock:latency=150ms", article))
		if d := time.Since(start); d < 150*time.Millisecond {
			t.Errorf("answered after %s, want at least 150ms", d)
		}
	})
	t.Run("latency and 429", func(t *testing.T) {
		start := time.Now()
		_, err := c.CreateChatCompletion(ctx, briefRequest("mock:latency=100ms,429", article))
		if code, _ := apiStatus(t, err); code != 429 || time.Since(start) < 100*time.Millisecond {
			t.Errorf("got %d after %s, want 429 after 100ms", code, time.Since(start))
		}
	})
}

func TestModelModesBeatServerModes(t *testing.T) {
	article := readArticle(t)
	_, _, c := setup(t, Options{Modes: []string{"429"}})
	_, err := c.CreateChatCompletion(context.Background(), briefRequest("mock", article))
	var apiErr *openai.APIError
	if !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != 429 {
		t.Errorf("model mock with server mode 429: %v, want 429", err)
	}
	if content := complete(t, c, briefRequest("mock:fence", article)).Choices[0].Message.Content; !strings.HasPrefix(content, "```json") {
		t.Errorf("model mock:fence: %q, want fenced JSON", content)
	}
	checkBrief(t, decodeBrief(t, complete(t, c, briefRequest("mock:none", article)).Choices[0].Message.Content), article)
	// Any other model name keeps the server's modes.
	_, err = c.CreateChatCompletion(context.Background(), briefRequest("gpt-4o-mini", article))
	if !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != 429 {
		t.Errorf("model gpt-4o-mini with server mode 429: %v, want 429", err)
	}
}

func TestServerLatencyOverriddenByModel(t *testing.T) {
	article := readArticle(t)
	_, _, c := setup(t, Options{Latency: 5 * time.Second})
	start := time.Now()
	complete(t, c, briefRequest("mock:latency=0s", article))
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("model latency=0s still waited %s", d)
	}
}

// sseEvents reads an SSE body into its data payloads.
func sseEvents(t *testing.T, body []byte) []string {
	t.Helper()
	var events []string
	sc := bufio.NewScanner(bytes.NewReader(body))
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			continue
		}
		data, ok := strings.CutPrefix(line, "data: ")
		if !ok {
			t.Fatalf("unexpected SSE line %q", line)
		}
		events = append(events, data)
	}
	return events
}

type parsedStream struct {
	content, finish string
	chunks          int
	done            bool
	usage           *usage
}

func parseStream(t *testing.T, body []byte) parsedStream {
	t.Helper()
	var ps parsedStream
	for _, ev := range sseEvents(t, body) {
		if ps.done {
			t.Fatalf("event after [DONE]: %s", ev)
		}
		if ev == "[DONE]" {
			ps.done = true
			continue
		}
		var ch chunk
		if err := json.Unmarshal([]byte(ev), &ch); err != nil {
			t.Fatalf("bad chunk %s: %v", ev, err)
		}
		if ch.Object != "chat.completion.chunk" || ch.ID == "" {
			t.Errorf("bad chunk envelope: %s", ev)
		}
		if ch.Usage != nil {
			ps.usage = ch.Usage
		}
		for _, c := range ch.Choices {
			if ps.finish != "" {
				t.Errorf("chunk after finish_reason: %s", ev)
			}
			ps.content += c.Delta.Content
			if c.FinishReason != nil {
				ps.finish = *c.FinishReason
			}
		}
		ps.chunks++
	}
	return ps
}

func TestStream(t *testing.T) {
	article := readArticle(t)
	_, ts, c := setup(t, Options{})
	want := complete(t, c, briefRequest("mock", article)).Choices[0].Message.Content

	req := briefRequest("mock", article)
	req.Stream = true
	resp, body := post(t, ts, "/v1/chat/completions", mustJSON(t, req))
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("Content-Type %q", ct)
	}
	ps := parseStream(t, body)
	if ps.content != want || ps.finish != "stop" || !ps.done || ps.chunks < 4 || ps.usage != nil {
		t.Errorf("stream: %d chunks, finish %q, done %v, usage %v, same content %v", ps.chunks, ps.finish, ps.done, ps.usage, ps.content == want)
	}

	req.StreamOptions = &openai.StreamOptions{IncludeUsage: true}
	_, body = post(t, ts, "/v1/chat/completions", mustJSON(t, req))
	if ps := parseStream(t, body); ps.usage == nil || ps.usage.CompletionTokens == 0 || !ps.done {
		t.Errorf("include_usage: usage %v, done %v", ps.usage, ps.done)
	}
	req.Model = "mock:no-usage"
	_, body = post(t, ts, "/v1/chat/completions", mustJSON(t, req))
	if ps := parseStream(t, body); ps.usage != nil {
		t.Errorf("no-usage stream sent usage %v", ps.usage)
	}

	// The same through go-openai's stream reader.
	req.Model = "mock:think"
	stream, err := c.CreateChatCompletionStream(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()
	var got strings.Builder
	var finish openai.FinishReason
	for {
		ch, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range ch.Choices {
			got.WriteString(c.Delta.Content)
			if c.FinishReason != "" {
				finish = c.FinishReason
			}
		}
	}
	if afterThink(got.String()) != want || finish != openai.FinishReasonStop {
		t.Errorf("go-openai stream: finish %q, content %q", finish, got.String())
	}
}

func TestStreamFaults(t *testing.T) {
	article := readArticle(t)
	_, ts, c := setup(t, Options{})
	full := complete(t, c, briefRequest("mock", article)).Choices[0].Message.Content

	req := briefRequest("mock:cut-stream", article)
	req.Stream = true
	req.StreamOptions = &openai.StreamOptions{IncludeUsage: true}
	_, body := post(t, ts, "/v1/chat/completions", mustJSON(t, req))
	ps := parseStream(t, body)
	if ps.done || ps.finish != "" || ps.usage != nil || ps.content == "" || !strings.HasPrefix(full, ps.content) || ps.content == full {
		t.Errorf("cut-stream: done %v, finish %q, usage %v, content %q", ps.done, ps.finish, ps.usage, ps.content)
	}

	// go-openai sees a cut stream end in a plain io.EOF: only the missing
	// finish_reason tells.
	cut, err := c.CreateChatCompletionStream(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	var finish openai.FinishReason
	for {
		ch, err := cut.Recv()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				t.Errorf("cut stream via go-openai: %v, want io.EOF", err)
			}
			break
		}
		for _, c := range ch.Choices {
			finish = c.FinishReason
		}
	}
	cut.Close()
	if finish != "" {
		t.Errorf("cut stream via go-openai had finish_reason %q", finish)
	}

	req.Model = "mock:length"
	_, body = post(t, ts, "/v1/chat/completions", mustJSON(t, req))
	if ps := parseStream(t, body); ps.finish != "length" || !ps.done {
		t.Errorf("length stream: finish %q, done %v", ps.finish, ps.done)
	}

	req.Model = "mock:error-200"
	stream, err := c.CreateChatCompletionStream(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()
	if _, err := stream.Recv(); err == nil || !strings.Contains(err.Error(), "status 200") {
		t.Errorf("error-200 stream: Recv error %v, want the error message", err)
	}

	req.Model = "mock:429"
	if _, err := c.CreateChatCompletionStream(context.Background(), req); err == nil {
		t.Errorf("429 stream: no error")
	}
}

func TestCancelLeavesNoGoroutine(t *testing.T) {
	article := readArticle(t)
	_, ts, c := setup(t, Options{})
	before := runtime.NumGoroutine()
	for _, model := range []string{"mock:latency=30s", "mock:hang"} {
		for _, stream := range []bool{false, true} {
			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			req := briefRequest(model, article)
			req.Stream = stream
			start := time.Now()
			var err error
			if stream {
				_, err = c.CreateChatCompletionStream(ctx, req)
			} else {
				_, err = c.CreateChatCompletion(ctx, req)
			}
			cancel()
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("%s stream=%v: error %v, want deadline exceeded", model, stream, err)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("%s stream=%v: took %s", model, stream, d)
			}
		}
	}
	ts.Client().CloseIdleConnections()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before+2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before+2 {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines, %d before the cancelled requests\n%s", n, before, buf[:runtime.Stack(buf, true)])
	}
}

func TestCalls(t *testing.T) {
	article := readArticle(t)
	s, ts, c := setup(t, Options{})
	complete(t, c, briefRequest("mock", article))
	c.CreateChatCompletion(context.Background(), briefRequest("mock:500", article))
	post(t, ts, "/v1/chat/completions", "{bad json")
	if _, err := c.ListModels(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := s.Calls(); got != 3 {
		t.Errorf("Calls() = %d, want 3 (models listing not counted)", got)
	}
	s.Reset()
	if got := s.Calls(); got != 0 {
		t.Errorf("after Reset, Calls() = %d", got)
	}
}

func TestBadRequests(t *testing.T) {
	article := readArticle(t)
	_, ts, _ := setup(t, Options{})
	body := func(model string, msgs ...openai.ChatCompletionMessage) string {
		return mustJSON(t, openai.ChatCompletionRequest{Model: model, Messages: msgs})
	}
	userArticle := msg("user", "<article>\n"+article+"\n</article>")
	cases := []struct {
		name, method, path, body string
		status                   int
		code                     string
	}{
		{"bad json", "POST", "/v1/chat/completions", `{"model": "mock", "messages": [`, 400, "invalid_json"},
		{"trailing data", "POST", "/v1/chat/completions", `{"model":"mock"} {}`, 400, "invalid_json"},
		{"wrong content type", "POST", "/v1/chat/completions", `{"model":"mock","messages":[{"role":"user","content":42}]}`, 400, "invalid_json"},
		{"unknown task", "POST", "/v1/chat/completions", body("mock", msg("system", "task: poem"), userArticle), 400, "unknown_task"},
		{"no article", "POST", "/v1/chat/completions", body("mock", msg("system", "task: brief"), msg("user", "hello")), 400, "missing_article"},
		{"empty article", "POST", "/v1/chat/completions", body("mock", msg("system", "task: brief"), msg("user", "<article>\n\n</article>")), 400, "missing_article"},
		{"no partial briefs", "POST", "/v1/chat/completions", body("mock", msg("system", "task: combine"), msg("user", "hi")), 400, "missing_partial_briefs"},
		{"bad partial briefs", "POST", "/v1/chat/completions", body("mock", msg("system", "task: combine"), msg("user", "<partial_briefs>\n{}\n</partial_briefs>")), 400, "bad_partial_briefs"},
		{"empty items", "POST", "/v1/chat/completions", body("mock", msg("system", "task: topline"), msg("user", "<items>\n[]\n</items>")), 400, "bad_items"},
		{"unknown mode", "POST", "/v1/chat/completions", body("mock:fence,bogus", msg("system", "task: brief"), userArticle), 400, "unknown_mode"},
		{"get completions", "GET", "/v1/chat/completions", "", 405, "method_not_allowed"},
		{"unknown path", "POST", "/v1/completions", "{}", 404, "unknown_url"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, ts.URL+tc.path, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			resp, err := ts.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var eb errorBody
			if err := json.NewDecoder(resp.Body).Decode(&eb); err != nil {
				t.Fatalf("error body is not JSON: %v", err)
			}
			if resp.StatusCode != tc.status || eb.Error.Code != tc.code || eb.Error.Type == "" || !strings.HasPrefix(eb.Error.Message, "mockllm: ") {
				t.Errorf("got %d %+v, want %d code %q", resp.StatusCode, eb.Error, tc.status, tc.code)
			}
		})
	}
}

func TestMultipartContent(t *testing.T) {
	article := readArticle(t)
	_, _, c := setup(t, Options{})
	req := briefRequest("mock", article)
	user := req.Messages[1]
	req.Messages[1] = openai.ChatCompletionMessage{Role: "user", MultiContent: []openai.ChatMessagePart{
		{Type: openai.ChatMessagePartTypeText, Text: user.Content[:20]},
		{Type: openai.ChatMessagePartTypeText, Text: user.Content[20:]},
	}}
	checkBrief(t, decodeBrief(t, complete(t, c, req).Choices[0].Message.Content), article)
}

func TestRates(t *testing.T) {
	article := readArticle(t)
	opts := Options{Rate429: 0.3, Rate500: 0.1, Seed: 7}
	s, ts, _ := setup(t, opts)
	// A short article keeps the successful answers cheap.
	body := mustJSON(t, briefRequest("mock", article[:300]))
	const n = 400
	run := func() []int {
		codes := make([]int, n)
		for i := range codes {
			resp, _ := post(t, ts, "/v1/chat/completions", body)
			codes[i] = resp.StatusCode
		}
		return codes
	}
	first := run()
	counts := map[int]int{}
	for _, c := range first {
		counts[c]++
	}
	near := func(got int, want float64) bool { return float64(got) > (want-0.07)*n && float64(got) < (want+0.07)*n }
	if !near(counts[429], 0.3) || !near(counts[500], 0.1) || !near(counts[200], 0.6) || len(counts) != 3 {
		t.Errorf("status mix %v over %d requests, want about 30%% 429, 10%% 500, 60%% 200", counts, n)
	}
	s.Reset()
	if second := run(); mustJSON(t, second) != mustJSON(t, first) {
		t.Errorf("after Reset the same seed gave a different sequence")
	}
}

func TestModels(t *testing.T) {
	_, _, c := setup(t, Options{})
	list, err := c.ListModels(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, m := range list.Models {
		ids[m.ID] = true
		if m.Object != "model" || m.OwnedBy == "" {
			t.Errorf("bad model entry %+v", m)
		}
	}
	for _, id := range []string{"mock", "mock:429", "mock:fence", "mock:cut-stream", "mock:latency=200ms", "mock:no-json-object"} {
		if !ids[id] {
			t.Errorf("models lack %q", id)
		}
	}
	if len(ids) != len(ModeNames)+1 {
		t.Errorf("%d models, want %d", len(ids), len(ModeNames)+1)
	}
}

func TestLogsOneLinePerRequest(t *testing.T) {
	article := readArticle(t)
	var buf bytes.Buffer
	_, _, c := setup(t, Options{Logger: slog.New(slog.NewJSONHandler(&buf, nil)), Modes: []string{"fence"}})
	complete(t, c, briefRequest("mock", article))
	c.CreateChatCompletion(context.Background(), briefRequest("mock:429,think", article))
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d log lines, want 2:\n%s", len(lines), buf.String())
	}
	var rec struct {
		Method, Path, Model, Mode string
		Status                    int
		Duration                  int64
	}
	if err := json.Unmarshal([]byte(lines[1]), &rec); err != nil {
		t.Fatal(err)
	}
	if rec.Method != "POST" || rec.Path != "/v1/chat/completions" || rec.Model != "mock:429,think" || rec.Mode != "429,think" || rec.Status != 429 {
		t.Errorf("log line %s", lines[1])
	}
	if !strings.Contains(lines[0], `"mode":"fence"`) || !strings.Contains(lines[0], `"status":200`) {
		t.Errorf("log line %s", lines[0])
	}
}

func TestBriefFollowsLengthHints(t *testing.T) {
	article := readArticle(t)
	_, _, c := setup(t, Options{})
	req := briefRequest("mock", article)
	req.Messages[0].Content = "task: brief\nAnswer JSON with\n  \"summary\": 1 sentences;\n  \"key_facts\": 2 objects {\"fact\", \"quote\"};"
	b := decodeBrief(t, complete(t, c, req).Choices[0].Message.Content)
	if len(b.KeyFacts) != 2 || len(extractive.Sentences(b.Summary)) > 2 {
		t.Errorf("asked for 1 summary sentence and 2 facts, got summary %q and %d facts", b.Summary, len(b.KeyFacts))
	}
	checkBrief(t, b, article)
}

// A chat that is none of geobrief's tasks (the capability probe of
// `geobrief check`, or a user poking the server with curl) gets a small
// JSON answer instead of an error.
func TestChatWithoutTaskGetsGenericAnswer(t *testing.T) {
	srv := httptest.NewServer(New(Options{}))
	defer srv.Close()
	for _, sys := range []string{`{"role":"system","content":"Answer with a JSON object only."},`, ""} {
		resp, err := http.Post(srv.URL+"/v1/chat/completions", "application/json",
			strings.NewReader(`{"model":"mock","messages":[`+sys+`{"role":"user","content":"Reply with {\"ok\": true}."}]}`))
		if err != nil {
			t.Fatal(err)
		}
		var out struct {
			Choices []struct {
				Message struct{ Content string } `json:"message"`
			} `json:"choices"`
		}
		err = json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 || len(out.Choices) != 1 || out.Choices[0].Message.Content != genericAnswer {
			t.Fatalf("status %d, %+v, %v", resp.StatusCode, out, err)
		}
	}
}
