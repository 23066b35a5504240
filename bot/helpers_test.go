package bot

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/geobrief/geobrief/app"
	"github.com/geobrief/geobrief/bot/discordfake"
	"github.com/geobrief/geobrief/corpus"
	"github.com/geobrief/geobrief/store"
	"github.com/geobrief/geobrief/summarize"
)

// fakeLibrary is a tiny in-memory Library.
type fakeLibrary struct {
	mu     sync.Mutex
	docs   map[string]corpus.Document
	hits   map[string][]store.Hit // query -> hits, for Search and Autocomplete
	recent []store.Hit
	calls  []string
}

var _ Library = (*fakeLibrary)(nil)

func (l *fakeLibrary) note(s string) {
	l.mu.Lock()
	l.calls = append(l.calls, s)
	l.mu.Unlock()
}

func (l *fakeLibrary) Search(_ context.Context, q string, limit int) ([]store.Hit, error) {
	l.note("search:" + q)
	h := l.hits[q]
	return h[:min(limit, len(h))], nil
}

func (l *fakeLibrary) Autocomplete(_ context.Context, in string, limit int) ([]store.Hit, error) {
	l.note("autocomplete:" + in)
	h := l.hits[in]
	return h[:min(limit, len(h))], nil
}

func (l *fakeLibrary) Recent(_ context.Context, limit int) ([]store.Hit, error) {
	l.note("recent")
	return l.recent[:min(limit, len(l.recent))], nil
}

// Find takes an ID, else the first hit of the query, with the other hits
// as alternatives (the real ranking is app's, tested there).
func (l *fakeLibrary) Find(_ context.Context, ref string) (app.Match, error) {
	l.note("document:" + ref)
	if d, ok := l.docs[ref]; ok {
		return app.Match{Doc: d}, nil
	}
	l.note("search:" + ref)
	hits := l.hits[ref]
	if len(hits) == 0 {
		return app.Match{}, &app.NoMatchError{Query: ref}
	}
	d, ok := l.docs[hits[0].ID]
	if !ok {
		return app.Match{}, &app.NoMatchError{Query: ref}
	}
	return app.Match{Doc: d, Others: hits[1:]}, nil
}

// fakeBriefer answers with brief (or err) after delay; run, when set,
// replaces it.
type fakeBriefer struct {
	delay time.Duration
	run   func(ctx context.Context, doc corpus.Document, opts summarize.Options) (summarize.Brief, error)
}

var _ Briefer = (*fakeBriefer)(nil)

func (f *fakeBriefer) Brief(ctx context.Context, doc corpus.Document, opts summarize.Options) (summarize.Brief, error) {
	if f.delay > 0 {
		select {
		case <-time.After(f.delay):
		case <-ctx.Done():
			return summarize.Brief{}, ctx.Err()
		}
	}
	if f.run != nil {
		return f.run(ctx, doc, opts)
	}
	return sampleBrief(doc), nil
}

func sampleBrief(doc corpus.Document) summarize.Brief {
	return summarize.Brief{
		DocID:    doc.ID,
		Headline: "Headline for " + doc.ID,
		Summary:  "Voters went to the polls. Turnout was high.",
		Facts: []summarize.Fact{
			{Text: "Turnout was 61%.", Quote: "turnout reached 61 percent", Verified: true},
			{Text: "Made-up fact.", Quote: "not in the article", Verified: false},
		},
		Meta: summarize.Meta{Model: "mock-1", Parts: 1, FactsVerified: 1, FactsGiven: 2},
	}
}

func testLibrary() *fakeLibrary {
	pub := time.Date(2024, 5, 2, 0, 0, 0, 0, time.UTC)
	docs := map[string]corpus.Document{}
	for _, id := range []string{"2024-05-sahel-elections", "sahel-2", "sahel-3", "far"} {
		docs[id] = corpus.Document{ID: id, Title: "Title of " + id, Source: "Wire", URL: "https://example.org/" + id, Published: pub, Body: "body"}
	}
	hits := []store.Hit{
		{ID: "2024-05-sahel-elections", Title: "Sahel votes", Published: pub, Score: 10},
		{ID: "sahel-2", Title: "Sahel two", Score: 9},
		{ID: "sahel-3", Title: "Sahel three", Score: 8.5},
	}
	var recent []store.Hit
	for i := range 40 {
		recent = append(recent, store.Hit{ID: "recent-" + strings.Repeat("x", i%3) + string(rune('a'+i%26)), Title: strings.Repeat("Long title ", 20), Added: pub})
	}
	return &fakeLibrary{
		docs:   docs,
		hits:   map[string][]store.Hit{"sahel": hits, "sahel votes": hits, "far": {{ID: "far", Title: "Far", Score: 3}, {ID: "sahel-2", Score: 1}}},
		recent: recent,
	}
}

type harness struct {
	t   *testing.T
	b   *Bot
	f   *discordfake.Server
	lib *fakeLibrary
	sum *fakeBriefer
	ctx context.Context
}

// setup starts a fake Discord and a bot connected to it. Change cfg with
// opt before New runs.
func setup(t *testing.T, opt func(*Config, *fakeBriefer)) *harness {
	t.Helper()
	f := discordfake.New()
	t.Cleanup(f.Close)
	cfg := Config{
		Token:            "test-token",
		GuildID:          "700000000000000001",
		APIURL:           f.URL(),
		Logger:           slog.New(slog.NewTextHandler(io.Discard, nil)),
		ProgressInterval: 50 * time.Millisecond,
	}
	sum := &fakeBriefer{}
	if opt != nil {
		opt(&cfg, sum)
	}
	lib := testLibrary()
	b, err := New(cfg, lib, sum)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	if err := b.Open(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close(context.Background()) })
	return &harness{t: t, b: b, f: f, lib: lib, sum: sum, ctx: ctx}
}

// interaction builds an INTERACTION_CREATE payload.
func (h *harness) interaction(typ int, data map[string]any, user string) map[string]any {
	id := h.f.NewID()
	return map[string]any{
		"id": id, "application_id": h.f.AppID, "type": typ, "token": "tok-" + id,
		"guild_id": "700000000000000001", "channel_id": "710000000000000001", "version": 1,
		"member": map[string]any{"user": map[string]any{"id": user, "username": user}},
		"data":   data,
	}
}

func (h *harness) slash(name, user string, opts ...map[string]any) map[string]any {
	if opts == nil {
		opts = []map[string]any{}
	}
	return h.interaction(2, map[string]any{"id": "1", "name": name, "type": 1, "options": opts}, user)
}

func opt(name string, value any) map[string]any {
	return map[string]any{"name": name, "type": 3, "value": value}
}

// dispatch sends in and returns its callback and the final edit (the first
// one that is not a progress line), or fails.
func (h *harness) dispatch(in map[string]any) (callback, edit discordfake.Request) {
	h.t.Helper()
	if err := h.f.Dispatch(h.ctx, in); err != nil {
		h.t.Fatal(err)
	}
	return h.await(in)
}

func (h *harness) await(in map[string]any) (callback, edit discordfake.Request) {
	h.t.Helper()
	cb, err := h.f.WaitCallback(h.ctx, in["id"].(string))
	if err != nil {
		h.t.Fatal(err)
	}
	var resp struct {
		Type int `json:"type"`
	}
	_ = cb.Decode(&resp)
	if resp.Type != 5 {
		return cb, discordfake.Request{}
	}
	ed, err := h.f.WaitEdit(h.ctx, in["token"].(string), func(r discordfake.Request) bool {
		return !strings.Contains(string(r.Body), "parts of the article")
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return cb, ed
}

// message is the part of a message body tests look at.
type message struct {
	Content         string                      `json:"content"`
	Embeds          []*discordgo.MessageEmbed   `json:"embeds"`
	Components      []map[string]any            `json:"components"`
	Flags           int                         `json:"flags"`
	AllowedMentions *struct{ Parse []string }   `json:"allowed_mentions"`
	Choices         []map[string]any            `json:"choices"`
	Extra           map[string]*json.RawMessage `json:"-"`
}

func decodeMessage(t *testing.T, r discordfake.Request) message {
	t.Helper()
	var m message
	if err := r.Decode(&m); err != nil {
		t.Fatalf("%s %s: %v", r.Method, r.Path, err)
	}
	return m
}

func callbackData(t *testing.T, r discordfake.Request) (int, message) {
	t.Helper()
	var cb struct {
		Type int             `json:"type"`
		Data json.RawMessage `json:"data"`
	}
	if err := r.Decode(&cb); err != nil {
		t.Fatal(err)
	}
	var m message
	if len(cb.Data) > 0 {
		if err := json.Unmarshal(cb.Data, &m); err != nil {
			t.Fatal(err)
		}
	}
	return cb.Type, m
}

// buttonIDs lists the custom_id of every button in components.
func buttonIDs(rows []map[string]any) []string {
	var ids []string
	for _, row := range rows {
		cs, _ := row["components"].([]any)
		for _, c := range cs {
			if m, ok := c.(map[string]any); ok {
				ids = append(ids, m["custom_id"].(string))
			}
		}
	}
	return ids
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
