package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/geobrief/geobrief/discordfmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/geobrief/geobrief/corpus"
	"github.com/geobrief/geobrief/discord/discordfake"
	"github.com/geobrief/geobrief/llm"
	"github.com/geobrief/geobrief/summarize"
)

func TestRegistersCommandsOnce(t *testing.T) {
	t.Parallel()
	h := setupE2E(t, nil)
	var puts []discordfake.Request
	for _, r := range h.f.Requests() {
		if r.Method == http.MethodPut {
			puts = append(puts, r)
		}
	}
	if len(puts) != 1 || puts[0].Path != "/api/v9/applications/"+h.f.AppID+"/guilds/700000000000000001/commands" {
		t.Fatalf("PUTs: %+v", puts)
	}
	var cmds []discordgo.ApplicationCommand
	if err := puts[0].Decode(&cmds); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range cmds {
		names = append(names, c.Name)
		if c.Name == "summarize" || c.Name == "facts" {
			if a := c.Options[0]; a.Name != "article" || !a.Autocomplete || !a.Required {
				t.Errorf("%s article option: %+v", c.Name, a)
			}
		}
	}
	slices.Sort(names)
	if want := []string{"facts", "help", "search", "summarize"}; !slices.Equal(names, want) {
		t.Errorf("registered %v, want %v", names, want)
	}
	if !strings.HasPrefix(puts[0].Header.Get("Authorization"), "Bot ") {
		t.Errorf("authorization %q", puts[0].Header.Get("Authorization"))
	}
	ids := h.f.Identifies()
	if len(ids) != 1 || !strings.Contains(string(ids[0]), `"intents":0`) {
		t.Errorf("identify: %s", ids)
	}

	// A second start with the same definitions skips the PUT.
	b2, err := New(Config{Token: "t", GuildID: "700000000000000001", APIURL: h.f.URL(), Logger: h.b.log}, h.lib, h.sum)
	if err != nil {
		t.Fatal(err)
	}
	if err := b2.Open(h.ctx); err != nil {
		t.Fatal(err)
	}
	defer b2.Close(context.Background())
	n := 0
	for _, r := range h.f.Requests() {
		if r.Method == http.MethodPut {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d PUTs after a restart with unchanged commands, want 1", n)
	}
}

func TestGlobalRegistrationWithoutGuild(t *testing.T) {
	t.Parallel()
	h := setupE2E(t, func(c *Config, _ *fakeBriefer) { c.GuildID = "" })
	if _, err := h.f.WaitFor(h.ctx, func(r discordfake.Request) bool {
		return r.Method == http.MethodPut && r.Path == "/api/v9/applications/"+h.f.AppID+"/commands"
	}); err != nil {
		t.Fatal(err)
	}
}

func TestSummarizeEndToEnd(t *testing.T) {
	t.Parallel()
	h := setupE2E(t, nil)
	in := h.slash("summarize", "u1", opt("article", "2024-05-sahel-elections"), opt("length", "short"))
	cb, ed := h.dispatch(in)
	typ, _ := callbackData(t, cb)
	if typ != 5 {
		t.Fatalf("callback type %d, want 5", typ)
	}
	if !ed.Time.After(cb.Time) {
		t.Error("edit before the deferral")
	}
	m := decodeMessage(t, ed)
	if len(m.Embeds) != 1 {
		t.Fatalf("embeds: %+v", m)
	}
	e := m.Embeds[0]
	if e.Title != "Headline for 2024-05-sahel-elections" || e.Description != "Voters went to the polls. Turnout was high." {
		t.Errorf("title/description: %q / %q", e.Title, e.Description)
	}
	if len(e.Fields) != 1 || e.Fields[0].Name != "Turnout was 61%." || !strings.Contains(e.Fields[0].Value, "turnout reached 61 percent") {
		t.Errorf("fields (verified facts only): %+v", e.Fields)
	}
	if e.URL != "https://example.org/2024-05-sahel-elections" || e.Author == nil || !strings.Contains(e.Author.Name, "Wire · 2 May 2024") {
		t.Errorf("source: url %q author %+v", e.URL, e.Author)
	}
	for _, want := range []string{"ID 2024-05-sahel-elections", "model mock-1", "fresh", "facts verified 1/2", "1 part"} {
		if !strings.Contains(e.Footer.Text, want) {
			t.Errorf("footer %q lacks %q", e.Footer.Text, want)
		}
	}
	if m.AllowedMentions == nil || m.AllowedMentions.Parse == nil || len(m.AllowedMentions.Parse) != 0 {
		t.Errorf("allowed_mentions: %s", ed.Body)
	}
	if !strings.Contains(string(ed.Body), `"allowed_mentions":{"parse":[]`) {
		t.Errorf("edit body lacks an empty parse list: %s", ed.Body)
	}
}

func TestLengthOptionReachesBriefer(t *testing.T) {
	t.Parallel()
	got := make(chan summarize.Options, 1)
	h := setup(t, func(_ *Config, s *fakeBriefer) {
		s.run = func(_ context.Context, doc corpus.Document, o summarize.Options) (summarize.Brief, error) {
			got <- o
			return sampleBrief(doc), nil
		}
	})
	h.dispatch(h.slash("summarize", "u1", opt("article", "far"), opt("length", "detailed")))
	if o := <-got; o.Length != summarize.Detailed || o.Guild != "700000000000000001" || o.Progress == nil {
		t.Errorf("options %+v", o)
	}
}

func TestFreeTextOffersCloseMatches(t *testing.T) {
	t.Parallel()
	h := setup(t, nil)
	_, ed := h.dispatch(h.slash("summarize", "u1", opt("article", "sahel votes")))
	m := decodeMessage(t, ed)
	if !strings.Contains(m.Content, "Title of 2024-05-sahel-elections") {
		t.Errorf("content should say which document was used: %q", m.Content)
	}
	if ids := buttonIDs(m.Components); !slices.Equal(ids, []string{"sum:sahel-2", "sum:sahel-3"}) {
		t.Errorf("buttons %v", ids)
	}

	// A clear winner gets no buttons.
	_, ed = h.dispatch(h.slash("summarize", "u2", opt("article", "far")))
	if m := decodeMessage(t, ed); len(m.Components) != 0 || m.Content != "" {
		t.Errorf("exact ID: content %q components %v", m.Content, m.Components)
	}
	if n := h.b.metrics.interactions.get("summarize", "ok"); n != 2 {
		t.Errorf("summarize/ok counted %d times, want 2", n)
	}
}

func TestButtonSummarizes(t *testing.T) {
	t.Parallel()
	h := setup(t, nil)
	in := h.interaction(3, map[string]any{"custom_id": "sum:sahel-3", "component_type": 2}, "u1")
	cb, ed := h.dispatch(in)
	if typ, _ := callbackData(t, cb); typ != 5 {
		t.Fatalf("callback type %d", typ)
	}
	if m := decodeMessage(t, ed); len(m.Embeds) != 1 || m.Embeds[0].Title != "Headline for sahel-3" {
		t.Errorf("edit %s", ed.Body)
	}
}

func TestAutocomplete(t *testing.T) {
	t.Parallel()
	h := setup(t, func(_ *Config, s *fakeBriefer) { s.delay = time.Hour }) // never used
	focused := func(cmd, value string) map[string]any {
		return h.interaction(4, map[string]any{"id": "1", "name": cmd, "type": 1, "options": []map[string]any{
			{"name": "article", "type": 3, "value": value, "focused": true},
		}}, "u1")
	}
	cb, _ := h.dispatch(focused("summarize", ""))
	typ, m := callbackData(t, cb)
	if typ != 8 || len(m.Choices) != 25 {
		t.Fatalf("empty input: type %d, %d choices", typ, len(m.Choices))
	}
	for _, c := range m.Choices {
		if n := len([]rune(c["name"].(string))); n > 100 {
			t.Errorf("choice name of %d characters", n)
		}
		if !strings.HasPrefix(c["value"].(string), "recent-") {
			t.Errorf("value %v is not a document ID", c["value"])
		}
	}

	cb, _ = h.dispatch(focused("facts", "sahel"))
	_, m = callbackData(t, cb)
	if len(m.Choices) != 3 || m.Choices[0]["value"] != "2024-05-sahel-elections" || m.Choices[0]["name"] != "Sahel votes · 2024-05-02" {
		t.Errorf("typed input choices %v", m.Choices)
	}
}

func TestSearchHelpFacts(t *testing.T) {
	t.Parallel()
	h := setup(t, nil)
	_, ed := h.dispatch(h.slash("search", "u1", opt("query", "sahel")))
	m := decodeMessage(t, ed)
	if len(m.Embeds) != 1 || !strings.Contains(m.Embeds[0].Description, "1. **Sahel votes** · 2 May 2024 · `2024-05-sahel-elections`") {
		t.Errorf("search embed %s", ed.Body)
	}
	if ids := buttonIDs(m.Components); len(ids) != 3 || ids[0] != "sum:2024-05-sahel-elections" {
		t.Errorf("search buttons %v", ids)
	}
	_, ed = h.dispatch(h.slash("search", "u1", opt("query", "nothing")))
	if m := decodeMessage(t, ed); !strings.Contains(m.Content, "No document matches") {
		t.Errorf("empty search: %q", m.Content)
	}

	_, ed = h.dispatch(h.slash("help", "u1"))
	if m := decodeMessage(t, ed); len(m.Embeds) != 1 || !strings.Contains(m.Embeds[0].Description, "/summarize") {
		t.Errorf("help %s", ed.Body)
	}

	_, ed = h.dispatch(h.slash("facts", "u1", opt("article", "far")))
	m = decodeMessage(t, ed)
	if len(m.Embeds) != 1 || m.Embeds[0].Title != "Key facts: Title of far" || len(m.Embeds[0].Fields) != 1 {
		t.Errorf("facts %s", ed.Body)
	}
}

func TestUserFacingErrors(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	fail := map[string]error{}
	h := setup(t, func(_ *Config, s *fakeBriefer) {
		s.run = func(_ context.Context, doc corpus.Document, _ summarize.Options) (summarize.Brief, error) {
			mu.Lock()
			defer mu.Unlock()
			if doc.ID == "sahel-3" {
				panic("boom")
			}
			if err := fail[doc.ID]; err != nil {
				return summarize.Brief{}, err
			}
			return sampleBrief(doc), nil
		}
	})
	fail["far"] = fmt.Errorf("summarize: %w", llm.ErrBusy)
	fail["sahel-2"] = fmt.Errorf("summarize: %w", llm.ErrUnavailable)
	fail["2024-05-sahel-elections"] = fmt.Errorf("summarize: %w", llm.ErrBudgetExhausted)
	// Failures that trying again cannot fix.
	fail["bad-key"] = fmt.Errorf("summarize: %w", &llm.StatusError{Code: 401})
	fail["bad-request"] = fmt.Errorf("summarize: %w", &llm.StatusError{Code: 400, Message: "max_tokens too large"})
	fail["unusable"] = fmt.Errorf("summarize: %w twice (no JSON object in the answer)", llm.ErrUnusableAnswer)
	fail["unknown"] = errors.New("summarize: a prompt that would not render")
	// And ones it can.
	fail["rate-limited"] = fmt.Errorf("summarize: %w", &llm.StatusError{Code: 429})
	fail["slow"] = fmt.Errorf("summarize: no answer: %w", context.DeadlineExceeded)
	for _, id := range []string{"bad-key", "bad-request", "unusable", "unknown", "rate-limited", "slow"} {
		h.lib.docs[id] = corpus.Document{ID: id, Title: id, Body: "body"}
	}
	tests := []struct{ article, want string }{
		{"no such thing", "Try `/search query:no such thing`"},
		{"far", msgBusy},
		{"sahel-2", msgUnavailable},
		{"2024-05-sahel-elections", msgBudget},
		{"sahel-3", msgInternal},
		{"bad-key", msgSettings},
		{"bad-request", msgSettings},
		{"unusable", msgUnusable},
		{"unknown", msgOperator},
		{"rate-limited", msgUnavailable},
		{"slow", msgTimeout},
	}
	for n, tt := range tests {
		_, ed := h.dispatch(h.slash("summarize", fmt.Sprint("user", n), opt("article", tt.article)))
		m := decodeMessage(t, ed)
		if !strings.Contains(m.Content, tt.want) || len(m.Embeds) != 0 {
			t.Errorf("%s: got %q, want %q", tt.article, m.Content, tt.want)
		}
		if m.AllowedMentions == nil {
			t.Errorf("%s: error message without allowed_mentions", tt.article)
		}
	}
	if n := h.b.metrics.interactions.get("summarize", "panic"); n != 1 {
		t.Errorf("panic counted %d times", n)
	}
	// Still serving after the panic.
	_, ed := h.dispatch(h.slash("help", "u9"))
	if len(decodeMessage(t, ed).Embeds) != 1 {
		t.Error("no help after a panic")
	}
}

func TestHugeDocumentFitsAndMentionsNeverParse(t *testing.T) {
	t.Parallel()
	h := setupE2E(t, func(_ *Config, s *fakeBriefer) {
		s.run = func(_ context.Context, doc corpus.Document, _ summarize.Options) (summarize.Brief, error) {
			long := strings.Repeat("@everyone <@&123456> said words here. ", 800)
			var facts []summarize.Fact
			for range 40 {
				facts = append(facts, summarize.Fact{Text: long[:900], Quote: long[:3000], Verified: true})
			}
			return summarize.Brief{Headline: long[:1000], Summary: long, Facts: facts,
				Meta: summarize.Meta{Model: strings.Repeat("m", 3000), Parts: 9, FactsGiven: 40, FactsVerified: 40}}, nil
		}
	})
	h.lib.docs["far"] = corpus.Document{ID: "far", Title: strings.Repeat("@here title ", 100), Source: strings.Repeat("src ", 200), URL: "https://example.org/far"}
	_, ed := h.dispatch(h.slash("summarize", "u1", opt("article", "far")))
	m := decodeMessage(t, ed)
	if len(m.Embeds) != 1 {
		t.Fatalf("no embed: %.300s", ed.Body)
	}
	for _, p := range discordfmt.Check(m.Content, m.Embeds) {
		t.Error(p)
	}
	if len(m.Embeds[0].Fields) == 0 {
		t.Error("every fact was dropped")
	}
	// The fake answers 400 like Discord for anything over a limit: none.
	for _, r := range h.f.Requests() {
		if r.Method == http.MethodPatch {
			if msg := decodeMessage(t, r); msg.AllowedMentions == nil || len(msg.AllowedMentions.Parse) != 0 {
				t.Errorf("PATCH without an empty parse list: %.200s", r.Body)
			}
		}
	}
}

func TestEveryMessageDisablesMentions(t *testing.T) {
	t.Parallel()
	h := setupE2E(t, func(c *Config, _ *fakeBriefer) { c.UserRatePerMinute = 1 })
	h.dispatch(h.slash("summarize", "u1", opt("article", "far")))
	h.dispatch(h.slash("summarize", "u1", opt("article", "far"))) // rate limited
	h.dispatch(h.slash("search", "u1", opt("query", "@everyone")))
	h.dispatch(h.slash("help", "u1"))
	checked := 0
	for _, r := range h.f.Requests() {
		body := r.Body
		if strings.HasSuffix(r.Path, "/callback") {
			var cb struct {
				Type int             `json:"type"`
				Data json.RawMessage `json:"data"`
			}
			_ = json.Unmarshal(r.Body, &cb)
			if cb.Type == 8 {
				continue // autocomplete results are not messages
			}
			body = cb.Data
		} else if !strings.Contains(r.Path, "/webhooks/") && !strings.Contains(r.Path, "/messages") {
			continue
		}
		checked++
		if !strings.Contains(string(body), `"allowed_mentions":{"parse":[]`) {
			t.Errorf("%s %s without an empty parse list: %.200s", r.Method, r.Path, body)
		}
	}
	if checked < 7 {
		t.Errorf("checked only %d messages", checked)
	}
}

func TestPerUserRateLimit(t *testing.T) {
	t.Parallel()
	h := setup(t, func(c *Config, _ *fakeBriefer) { c.UserRatePerMinute = 2 })
	for range 2 {
		if cb, _ := h.dispatch(h.slash("summarize", "u1", opt("article", "far"))); !strings.Contains(string(cb.Body), `"type":5`) {
			t.Fatalf("allowed summary: %s", cb.Body)
		}
	}
	cb, _ := h.dispatch(h.slash("summarize", "u1", opt("article", "far")))
	typ, m := callbackData(t, cb)
	if typ != 4 || m.Flags != int(discordgo.MessageFlagsEphemeral) || !strings.Contains(m.Content, "2 summaries a minute") {
		t.Errorf("third summary: type %d flags %d %q", typ, m.Flags, m.Content)
	}
	// Others and other commands are not limited.
	if cb, _ := h.dispatch(h.slash("summarize", "u2", opt("article", "far"))); !strings.Contains(string(cb.Body), `"type":5`) {
		t.Errorf("another user: %s", cb.Body)
	}
	if cb, _ := h.dispatch(h.slash("help", "u1")); !strings.Contains(string(cb.Body), `"type":5`) {
		t.Errorf("help: %s", cb.Body)
	}
}

func TestShutdownDrains(t *testing.T) {
	t.Parallel()
	started, release := make(chan struct{}), make(chan struct{})
	h := setupE2E(t, func(_ *Config, s *fakeBriefer) {
		s.run = func(_ context.Context, doc corpus.Document, _ summarize.Options) (summarize.Brief, error) {
			close(started)
			<-release
			return sampleBrief(doc), nil
		}
	})
	in := h.slash("summarize", "u1", opt("article", "far"))
	if err := h.f.Dispatch(h.ctx, in); err != nil {
		t.Fatal(err)
	}
	<-started
	// Close with no deadline: it must wait for the summary in flight.
	closed := make(chan error, 1)
	go func() { closed <- h.b.Close(context.Background()) }()
	close(release)
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	ed, err := h.f.WaitEdit(context.Background(), in["token"].(string), nil) // already there
	if err != nil {
		t.Fatal(err)
	}
	if m := decodeMessage(t, ed); len(m.Embeds) != 1 {
		t.Errorf("in-flight summary not finished: %s", ed.Body)
	}
	if err := h.f.WaitConnected(ctxDone()); err == nil {
		t.Error("gateway still connected after Close")
	}
}

func TestShutdownTimeoutCancels(t *testing.T) {
	t.Parallel()
	h := setupE2E(t, func(_ *Config, s *fakeBriefer) { s.delay = time.Hour })
	in := h.slash("summarize", "u1", opt("article", "far"))
	if err := h.f.Dispatch(h.ctx, in); err != nil {
		t.Fatal(err)
	}
	if _, err := h.f.WaitCallback(h.ctx, in["id"].(string)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_ = h.b.Close(ctx) // returns: the hour-long summary was cancelled
	ed, err := h.f.WaitEdit(context.Background(), in["token"].(string), nil)
	if err != nil {
		t.Fatal(err)
	}
	if m := decodeMessage(t, ed); m.Content != msgRestarting {
		t.Errorf("cancelled interaction answered %q", m.Content)
	}
}

// ctxDone returns an already cancelled context.
func ctxDone() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

func TestConfigErrors(t *testing.T) {
	t.Parallel()
	lib, sum := testLibrary(), &fakeBriefer{}
	if _, err := New(Config{}, lib, sum); err == nil || !strings.Contains(err.Error(), "DISCORD_TOKEN") {
		t.Errorf("no token: %v", err)
	}
	if _, err := New(Config{Token: "t", APIURL: "ftp://x"}, lib, sum); err == nil || !strings.Contains(err.Error(), "DISCORD_API_URL") {
		t.Errorf("bad API URL: %v", err)
	}
}

// Recorded payloads, fed straight through the router.
func TestRecordedPayloads(t *testing.T) {
	t.Parallel()
	h := setup(t, nil)
	tests := []struct {
		file     string
		callback int
		check    func(t *testing.T, m message)
	}{
		{"summarize_command.json", 5, func(t *testing.T, m message) {
			if len(m.Embeds) != 1 || m.Embeds[0].Title != "Headline for 2024-05-sahel-elections" {
				t.Errorf("summarize: %+v", m)
			}
		}},
		{"autocomplete_empty.json", 8, func(t *testing.T, m message) {
			if len(m.Choices) != 25 {
				t.Errorf("%d choices", len(m.Choices))
			}
		}},
		{"autocomplete_typed.json", 8, func(t *testing.T, m message) {
			if len(m.Choices) != 3 {
				t.Errorf("%d choices", len(m.Choices))
			}
		}},
		{"button_summarize.json", 5, func(t *testing.T, m message) {
			if len(m.Embeds) != 1 {
				t.Errorf("button: %+v", m)
			}
		}},
		{"search_dm.json", 5, func(t *testing.T, m message) {
			if len(buttonIDs(m.Components)) != 3 {
				t.Errorf("search in a DM: %+v", m)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			var in map[string]any
			if err := json.Unmarshal(raw, &in); err != nil {
				t.Fatal(err)
			}
			cb, ed := h.dispatch(in)
			typ, m := callbackData(t, cb)
			if typ != tt.callback {
				t.Fatalf("callback type %d, want %d", typ, tt.callback)
			}
			if typ == 5 {
				if !strings.HasPrefix(ed.Path, "/api/v9/webhooks/100000000000000001/") {
					t.Errorf("edit path %s", ed.Path)
				}
				m = decodeMessage(t, ed)
			}
			tt.check(t, m)
		})
	}
}

func TestRunStopsOnCancel(t *testing.T) {
	t.Parallel()
	f := discordfake.New()
	defer f.Close()
	b, err := New(Config{Token: "t", APIURL: f.URL(), Logger: discardLogger()}, testLibrary(), &fakeBriefer{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	wctx, wcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer wcancel()
	if err := f.WaitConnected(wctx); err != nil {
		t.Fatal(err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return")
	}
}

// A handler that panics after setting progress: the error answer is the
// last edit, not a progress line scheduled before the panic.
func TestPanicAfterProgressIsTheLastEdit(t *testing.T) {
	t.Parallel()
	h := setup(t, func(c *Config, s *fakeBriefer) {
		c.ProgressInterval = 150 * time.Millisecond
		s.run = func(_ context.Context, _ corpus.Document, o summarize.Options) (summarize.Brief, error) {
			o.Progress(1, 3) // due at once, on the test clock
			o.Progress(2, 3)
			panic("boom")
		}
	})
	clk := newTestClock()
	h.b.clock = clk
	in := h.slash("summarize", "u1", opt("article", "far"))
	_, ed := h.dispatch(in)
	if m := decodeMessage(t, ed); m.Content != msgInternal {
		t.Fatalf("answer %q, want %q", m.Content, msgInternal)
	}
	clk.advance(time.Hour) // past every progress edit that was scheduled
	_, last := h.await(in)
	if m := decodeMessage(t, last); m.Content != msgInternal {
		t.Errorf("last edit %q overwrote the error answer", m.Content)
	}
}

// Every llm.Kind has its own wording, and only the kinds llm.Temporary
// calls temporary tell the user to try again soon.
func TestUserMessagePerLLMKind(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		kind llm.Kind
		want string
	}{
		{fmt.Errorf("x: %w", llm.ErrBusy), llm.KindBusy, msgBusy},
		{fmt.Errorf("x: %w", llm.ErrCircuitOpen), llm.KindUnavailable, msgUnavailable},
		{fmt.Errorf("x: %w", &llm.StatusError{Code: 503}), llm.KindUnavailable, msgUnavailable},
		{fmt.Errorf("x: %w", context.DeadlineExceeded), llm.KindTimeout, msgTimeout},
		{fmt.Errorf("x: %w", context.Canceled), llm.KindCanceled, msgRestarting},
		{fmt.Errorf("x: %w", llm.ErrBudgetExhausted), llm.KindBudgetSpent, msgBudget},
		{fmt.Errorf("x: %w", &llm.StatusError{Code: 403}), llm.KindBadCredentials, msgSettings},
		{fmt.Errorf("x: %w", &llm.StatusError{Code: 404}), llm.KindRejected, msgSettings},
		{fmt.Errorf("x: %w", llm.ErrUnusableAnswer), llm.KindUnusable, msgUnusable},
		{errors.New("x: something odd"), llm.KindOther, msgOperator},
	}
	for _, tt := range tests {
		if k := llm.Classify(tt.err); k != tt.kind {
			t.Fatalf("%v: classified %v, the test expects %v", tt.err, k, tt.kind)
		}
		got := userMessage(tt.err)
		if got != tt.want {
			t.Errorf("%v (%v): got %q, want %q", tt.err, tt.kind, got, tt.want)
		}
		saysRetry := strings.Contains(got, "Try again in") || strings.Contains(got, "Try again later") || strings.HasPrefix(got, "That took too long. Try again")
		if saysRetry != llm.Temporary(tt.err) {
			t.Errorf("%v: %q says try again = %v, but llm.Temporary = %v", tt.kind, got, saysRetry, llm.Temporary(tt.err))
		}
	}
	if !strings.Contains(userMessage(fmt.Errorf("x: %w", llm.ErrBudgetExhausted)), "tomorrow") {
		t.Error("a spent budget does not say tomorrow")
	}
}

// An offline fallback Brief says in its footer why the LLM was not used.
func TestFallbackFooterSaysWhy(t *testing.T) {
	t.Parallel()
	h := setup(t, func(_ *Config, s *fakeBriefer) {
		s.run = func(_ context.Context, doc corpus.Document, _ summarize.Options) (summarize.Brief, error) {
			b := sampleBrief(doc)
			b.Meta = summarize.Meta{Offline: true, Fallback: true, FallbackReason: "the LLM endpoint is unavailable", Parts: 1}
			if doc.ID == "far" {
				b.Meta.FallbackReason = ""
			}
			return b, nil
		}
	})
	for _, tt := range []struct{ id, want string }{
		{"sahel-2", "offline summary: the LLM endpoint is unavailable"},
		{"far", "offline summary (LLM unavailable)"},
	} {
		_, ed := h.dispatch(h.slash("summarize", "u-"+tt.id, opt("article", tt.id)))
		m := decodeMessage(t, ed)
		if len(m.Embeds) != 1 || !strings.Contains(m.Embeds[0].Footer.Text, tt.want) {
			t.Errorf("%s: got %+v, want a footer with %q", tt.id, m.Embeds, tt.want)
		}
	}
}
