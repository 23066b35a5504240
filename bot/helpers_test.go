package bot

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/geobrief/geobrief/app"
	"github.com/geobrief/geobrief/corpus"
	"github.com/geobrief/geobrief/discord"
	"github.com/geobrief/geobrief/discord/discordfake"
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
	f   *discordfake.Server // nil: interactions go straight to the handler
	rec *recorder           // when f is nil
	lib *fakeLibrary
	sum *fakeBriefer
	ctx context.Context
}

// testConfig is the bot's Config in tests; opt changes it before New.
func testConfig(opt func(*Config, *fakeBriefer)) (Config, *fakeBriefer) {
	cfg := Config{
		Token:            "test-token",
		GuildID:          "700000000000000001",
		Logger:           discardLogger(),
		ProgressInterval: 50 * time.Millisecond,
	}
	sum := &fakeBriefer{}
	if opt != nil {
		opt(&cfg, sum)
	}
	return cfg, sum
}

// setup builds the bot without a transport: dispatch hands interactions
// straight to HandleInteraction with a recording Responder, and returns
// once they are answered.
func setup(t *testing.T, opt func(*Config, *fakeBriefer)) *harness {
	t.Helper()
	cfg, sum := testConfig(opt)
	lib := testLibrary()
	b, err := NewHandler(cfg, lib, sum)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close(context.Background()) })
	return &harness{t: t, b: b, rec: &recorder{appID: "100000000000000001"}, lib: lib, sum: sum, ctx: context.Background()}
}

// setupE2E starts a fake Discord and a bot connected to it.
func setupE2E(t *testing.T, opt func(*Config, *fakeBriefer)) *harness {
	t.Helper()
	f := discordfake.New()
	t.Cleanup(f.Close)
	cfg, sum := testConfig(opt)
	cfg.APIURL = f.URL()
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
	id := strconv.FormatInt(nextID.Add(1), 10)
	return map[string]any{
		"id": id, "application_id": "100000000000000001", "type": typ, "token": "tok-" + id,
		"guild_id": "700000000000000001", "channel_id": "710000000000000001", "version": 1,
		"member": map[string]any{"user": map[string]any{"id": user, "username": user}},
		"data":   data,
	}
}

var nextID atomic.Int64

func (h *harness) slash(name, user string, opts ...map[string]any) map[string]any {
	if opts == nil {
		opts = []map[string]any{}
	}
	return h.interaction(2, map[string]any{"id": "1", "name": name, "type": 1, "options": opts}, user)
}

func opt(name string, value any) map[string]any {
	return map[string]any{"name": name, "type": 3, "value": value}
}

// decodeInteraction reads a payload as the transport would.
func decodeInteraction(t testing.TB, in map[string]any) *discordgo.Interaction {
	t.Helper()
	raw, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var i discordgo.Interaction
	if err := json.Unmarshal(raw, &i); err != nil {
		t.Fatal(err)
	}
	return &i
}

// dispatch sends in and returns its callback and the final edit, or fails.
func (h *harness) dispatch(in map[string]any) (callback, edit discordfake.Request) {
	h.t.Helper()
	if h.f == nil {
		h.b.HandleInteraction(decodeInteraction(h.t, in), h.rec.responder(in["id"].(string), in["token"].(string)))
		return h.await(in)
	}
	if err := h.f.Dispatch(h.ctx, in); err != nil {
		h.t.Fatal(err)
	}
	return h.await(in)
}

// requests are the requests the bot made so far.
func (h *harness) requests() []discordfake.Request {
	if h.f == nil {
		return h.rec.requests()
	}
	return h.f.Requests()
}

func (h *harness) await(in map[string]any) (callback, edit discordfake.Request) {
	h.t.Helper()
	if h.f == nil {
		cb, ok := h.rec.find(func(r discordfake.Request) bool {
			return strings.HasSuffix(r.Path, "/"+in["id"].(string)+"/"+in["token"].(string)+"/callback")
		}, false)
		if !ok {
			h.t.Fatalf("interaction %s got no callback", in["id"])
		}
		ed, _ := h.rec.find(func(r discordfake.Request) bool {
			return r.Method == http.MethodPatch && strings.Contains(r.Path, "/"+in["token"].(string)+"/")
		}, true)
		return cb, ed
	}
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
		return !strings.Contains(string(r.Body), "parts of the article") && !strings.Contains(string(r.Body), msgStillWorking)
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return cb, ed
}

// recorder is a discord.Responder that records what a handler answers as
// the requests Discord would get, so tests read them like the fake's.
type recorder struct {
	appID string
	mu    sync.Mutex
	reqs  []discordfake.Request
	// edited, when set, is told of every edit as it is recorded;
	// deferred of every deferral.
	edited   chan string
	deferred chan struct{}
	// holdDefer, when it has the interaction's ID, holds its deferral
	// until the channel is closed; holding is told the ID then.
	holdDefer map[string]chan struct{}
	holding   chan string
}

func (r *recorder) responder(id, token string) *recorded {
	return &recorded{r: r, id: id, token: token}
}

func (r *recorder) add(method, path string, body any) {
	raw, err := json.Marshal(body)
	if err != nil {
		panic(err)
	}
	r.mu.Lock()
	r.reqs = append(r.reqs, discordfake.Request{Method: method, Path: path, Body: raw, Time: time.Now()})
	r.mu.Unlock()
}

// setHold holds the deferral of interaction id until hold is closed.
func (r *recorder) setHold(id string, hold chan struct{}) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.holdDefer == nil {
		r.holdDefer = map[string]chan struct{}{}
	}
	r.holdDefer[id] = hold
}

func (r *recorder) requests() []discordfake.Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.reqs)
}

// find returns the first (or last) request that matches.
func (r *recorder) find(match func(discordfake.Request) bool, last bool) (discordfake.Request, bool) {
	reqs := r.requests()
	if last {
		slices.Reverse(reqs)
	}
	for _, q := range reqs {
		if match(q) {
			return q, true
		}
	}
	return discordfake.Request{}, false
}

// recorded answers one interaction into a recorder.
type recorded struct {
	r         *recorder
	id, token string
}

var _ discord.Responder = (*recorded)(nil)

// wireMessage is a message as the transport sends it.
type wireMessage struct {
	Content         string                            `json:"content"`
	Embeds          []*discordgo.MessageEmbed         `json:"embeds"`
	Components      []discordgo.MessageComponent      `json:"components"`
	Flags           int                               `json:"flags,omitempty"`
	AllowedMentions *discordgo.MessageAllowedMentions `json:"allowed_mentions"`
}

func wire(m discord.Message) wireMessage {
	w := wireMessage{Content: m.Content, Embeds: m.Embeds, Components: m.Components, AllowedMentions: discord.NoMentions()}
	if m.Ephemeral {
		w.Flags = int(discordgo.MessageFlagsEphemeral)
	}
	return w
}

func (c *recorded) callback(typ int, data any) {
	c.r.add(http.MethodPost, "/api/v9/interactions/"+c.id+"/"+c.token+"/callback", map[string]any{"type": typ, "data": data})
}

func (c *recorded) Defer(context.Context) error {
	c.r.mu.Lock()
	hold, ok := c.r.holdDefer[c.id]
	c.r.mu.Unlock()
	if ok {
		if c.r.holding != nil {
			c.r.holding <- c.id
		}
		<-hold
	}
	c.callback(5, map[string]any{"allowed_mentions": discord.NoMentions()})
	if c.r.deferred != nil {
		c.r.deferred <- struct{}{}
	}
	return nil
}

func (c *recorded) Respond(_ context.Context, m discord.Message) error {
	c.callback(4, wire(m))
	return nil
}

func (c *recorded) Autocomplete(_ context.Context, choices []*discordgo.ApplicationCommandOptionChoice) error {
	c.callback(8, map[string]any{"choices": choices})
	return nil
}

func (c *recorded) Edit(_ context.Context, m discord.Message) error {
	c.r.add(http.MethodPatch, "/api/v9/webhooks/"+c.r.appID+"/"+c.token+"/messages/@original", wire(m))
	if c.r.edited != nil {
		c.r.edited <- m.Content
	}
	return nil
}

func (c *recorded) FollowUp(_ context.Context, m discord.Message) error {
	c.r.add(http.MethodPost, "/api/v9/webhooks/"+c.r.appID+"/"+c.token, wire(m))
	return nil
}

// testClock is a clock that moves only when told: timers fire inside
// advance, in order.
type testClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*testTimer
	// added, when set, is told each time a timer is set.
	added chan time.Duration
}

type testTimer struct {
	c       *testClock
	at      time.Time
	f       func()
	stopped bool
}

func newTestClock() *testClock { return &testClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) AfterFunc(d time.Duration, f func()) stopper {
	c.mu.Lock()
	t := &testTimer{c: c, at: c.now.Add(d), f: f}
	c.timers = append(c.timers, t)
	added := c.added
	c.mu.Unlock()
	if added != nil {
		added <- d
	}
	return t
}

func (t *testTimer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	was := !t.stopped
	t.stopped = true
	return was
}

// advance moves the clock by d, running every timer that comes due
// (including those set by timers that ran).
func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
	for {
		c.mu.Lock()
		var due *testTimer
		for _, t := range c.timers {
			if !t.stopped && !t.at.After(c.now) && (due == nil || t.at.Before(due.at)) {
				due = t
			}
		}
		if due != nil {
			due.stopped = true
		}
		c.mu.Unlock()
		if due == nil {
			return
		}
		due.f()
	}
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
