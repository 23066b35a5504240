package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/geobrief/geobrief/config"
	"github.com/geobrief/geobrief/discord/discordfake"
	"github.com/geobrief/geobrief/mockllm"
)

type pingFunc func(ctx context.Context) error

func (f pingFunc) Ping(ctx context.Context) error { return f(ctx) }

// /healthz is ready only once serving and while the database answers.
func TestServeHealthz(t *testing.T) {
	t.Parallel()
	var ready atomic.Bool
	dbErr := errors.New("database is locked")
	var fail atomic.Bool
	h := healthz(pingFunc(func(context.Context) error {
		if fail.Load() {
			return dbErr
		}
		return nil
	}), &ready)
	status := func() int {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
		return rec.Code
	}
	if got := status(); got != http.StatusServiceUnavailable {
		t.Errorf("before ready: %d", got)
	}
	ready.Store(true)
	if got := status(); got != http.StatusOK {
		t.Errorf("ready: %d", got)
	}
	fail.Store(true)
	if got := status(); got != http.StatusServiceUnavailable {
		t.Errorf("database down: %d", got)
	}
}

// Without DISCORD_PUBLIC_KEY, serve stops at once with exit code 2 and says
// where to find the key, before opening anything.
func TestServeNeedsPublicKey(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	env := map[string]string{"DISCORD_TOKEN": "x", "DATA_DIR": filepath.Join(dir, "data")}
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"serve"}, strings.NewReader(""), &stdout, &stderr, config.MapLookup(env))
	if code := exit(err, false, &stderr); code != 2 || !strings.Contains(stderr.String(), "DISCORD_PUBLIC_KEY") {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "data")); err == nil {
		t.Error("the database was opened before the settings were checked")
	}
	env["DISCORD_PUBLIC_KEY"] = "not-a-key"
	stderr.Reset()
	err = run(context.Background(), []string{"serve"}, strings.NewReader(""), &stdout, &stderr, config.MapLookup(env))
	if code := exit(err, false, &stderr); code != 2 || !strings.Contains(stderr.String(), "invalid setting DISCORD_PUBLIC_KEY") {
		t.Errorf("bad key: exit %d, stderr %q", code, stderr.String())
	}
}

// gatedLLM is the mock LLM with a gate: while held, completion requests
// wait for release, and each one that arrives is announced. It lets a test
// hold an interaction mid-work.
type gatedLLM struct {
	next    http.Handler
	held    atomic.Bool
	arrived chan struct{}
	release chan struct{}
	// abandoned is set when a held request's client disconnected.
	abandoned atomic.Bool
}

func (g *gatedLLM) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if g.held.Load() && strings.HasSuffix(r.URL.Path, "/chat/completions") {
		select {
		case g.arrived <- struct{}{}:
		default:
		}
		select {
		case <-g.release:
		case <-r.Context().Done():
			// The client went away while held: the process gave up
			// an interaction it should have finished.
			g.abandoned.Store(true)
			return
		}
	}
	g.next.ServeHTTP(w, r)
}

// TestServeProcessEndToEnd runs the real binary as `geobrief serve` with
// the fake Discord posting signed interactions to it and the mock LLM
// behind it: registration by REST, PING, a refused unsigned request,
// /summarize deferred in the HTTP reply and then edited through the
// webhook, autocomplete in the reply, the summarize button, /metrics, and
// on SIGTERM a drain that finishes an interaction held mid-summary before
// exiting 0.
func TestServeProcessEndToEnd(t *testing.T) {
	bin := geobriefBinary(t)
	dir := t.TempDir()

	fake := discordfake.New()
	defer fake.Close()
	llm := &gatedLLM{next: mockllm.New(mockllm.Options{}), arrived: make(chan struct{}, 1), release: make(chan struct{})}
	llmSrv := httptest.NewServer(llm)
	defer llmSrv.Close()
	defer close(llm.release) // never leave a request held
	addr := freeAddr(t)
	base := "http://" + addr

	const guild = "700000000000000001"
	cmd := geobriefCommand(bin, "serve", dir,
		"DISCORD_TOKEN=e2e-token",
		"DISCORD_API_URL="+fake.URL(),
		"DISCORD_GUILD_ID="+guild,
		"DISCORD_PUBLIC_KEY="+fake.PublicKey(),
		"INTERACTIONS_ADDR="+addr,
		"OPENAI_BASE_URL="+llmSrv.URL+"/v1",
		"LLM_MODEL=mock",
		"LOG_LEVEL=debug",
	)
	logs := newWatchedLog()
	exited := startProcess(t, cmd, logs)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := waitHealthy(ctx, base+"/healthz"); err != nil {
		t.Fatalf("/healthz: %v", err)
	}
	put, err := fake.WaitFor(ctx, func(r discordfake.Request) bool { return r.Method == http.MethodPut })
	if err != nil {
		t.Fatalf("no command registration: %v", err)
	}
	var cmds []discordgo.ApplicationCommand
	if err := put.Decode(&cmds); err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(cmds, func(c discordgo.ApplicationCommand) bool { return c.Name == "summarize" }) {
		t.Errorf("registered %s without /summarize", put.Body)
	}
	if len(fake.Identifies()) != 0 {
		t.Error("serve connected to the gateway")
	}

	endpoint := base + "/interactions"
	pong, err := fake.PostInteraction(ctx, nil, endpoint, map[string]any{"id": "1", "application_id": fake.AppID, "type": 1, "token": "p", "version": 1})
	if err != nil || pong.Type != int(discordgo.InteractionResponsePong) {
		t.Fatalf("PING: %v %d %s", err, pong.Status, pong.Body)
	}
	unsigned, err := http.Post(endpoint, "application/json", strings.NewReader(`{"type":1}`))
	if err != nil {
		t.Fatal(err)
	}
	unsigned.Body.Close()
	if unsigned.StatusCode != http.StatusUnauthorized {
		t.Errorf("unsigned request: %d", unsigned.StatusCode)
	}

	interaction := func(typ int, data map[string]any) (string, map[string]any) {
		id := fake.NewID()
		return id, map[string]any{
			"id": id, "application_id": fake.AppID, "type": typ, "token": "tok-" + id,
			"guild_id": guild, "channel_id": "710000000000000001", "version": 1,
			"member":  map[string]any{"user": map[string]any{"id": "800000000000000001", "username": "e2e"}},
			"message": map[string]any{"id": "720000000000000001", "channel_id": "710000000000000001"},
			"data":    data,
		}
	}
	summarizeData := func(doc string) map[string]any {
		return map[string]any{"id": "1", "name": "summarize", "type": 1, "options": []map[string]any{
			{"name": "article", "type": 3, "value": doc},
		}}
	}
	// deferredThenEmbed posts an interaction that must be deferred in the
	// reply and then answered with an embed through the webhook.
	deferredThenEmbed := func(what string, in map[string]any, id string) {
		t.Helper()
		got, err := fake.PostInteraction(ctx, nil, endpoint, in)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != http.StatusOK || got.Type != int(discordgo.InteractionResponseDeferredChannelMessageWithSource) {
			t.Fatalf("%s: reply %d %s, want a deferral (type 5)", what, got.Status, got.Body)
		}
		ed, err := fake.WaitEdit(ctx, "tok-"+id, func(r discordfake.Request) bool {
			return strings.Contains(string(r.Body), `"embeds":[{`)
		})
		if err != nil {
			t.Fatalf("%s: no edit with an embed: %v", what, err)
		}
		var msg struct {
			Embeds []discordgo.MessageEmbed `json:"embeds"`
		}
		if err := ed.Decode(&msg); err != nil || strings.TrimSpace(msg.Embeds[0].Description) == "" {
			t.Errorf("%s: edit %s without a summary", what, ed.Body)
		}
	}

	const docID = "2025-04-11-putin-navy-meeting-st-petersburg"
	id, in := interaction(2, summarizeData(docID))
	deferredThenEmbed("/summarize", in, id)

	id, in = interaction(4, map[string]any{"id": "1", "name": "summarize", "type": 1, "options": []map[string]any{
		{"name": "article", "type": 3, "value": "putin navy", "focused": true},
	}})
	ac, err := fake.PostInteraction(ctx, nil, endpoint, in)
	if err != nil {
		t.Fatal(err)
	}
	if ac.Type != int(discordgo.InteractionApplicationCommandAutocompleteResult) || !strings.Contains(string(ac.Data), docID) {
		t.Errorf("autocomplete: %d %s", ac.Status, ac.Body)
	}

	id, in = interaction(3, map[string]any{"custom_id": "sum:" + docID, "component_type": 2})
	deferredThenEmbed("summarize button", in, id)

	for _, r := range fake.Requests() {
		if strings.HasSuffix(r.Path, "/callback") {
			t.Errorf("a REST callback was sent although the HTTP reply answers: %s", r.Path)
		}
	}

	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(metrics), `geobrief_interactions_refused_total{reason="headers"} 1`) {
		t.Errorf("/metrics lacks the unsigned request refused")
	}
	if !strings.Contains(string(metrics), `geobrief_interactions_total{command="summarize",outcome="ok"}`) {
		t.Errorf("/metrics lacks the summaries served:\n%s", metrics)
	}

	// Drain: an interaction held in its LLM call when SIGTERM arrives is
	// still answered before the process exits.
	llm.held.Store(true)
	const heldDoc = "2025-04-11-witkoff-iran-nuclear-talks-oman"
	heldID, in := interaction(2, summarizeData(heldDoc))
	got, err := fake.PostInteraction(ctx, nil, endpoint, in)
	if err != nil || got.Type != int(discordgo.InteractionResponseDeferredChannelMessageWithSource) {
		t.Fatalf("held /summarize: %v %d %s", err, got.Status, got.Body)
	}
	select {
	case <-llm.arrived:
	case <-ctx.Done():
		t.Fatal("the held summary never reached the LLM")
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := logs.wait(ctx, "waiting for interactions in flight"); err != nil {
		t.Fatalf("no drain after SIGTERM: %v", err)
	}
	select {
	case err := <-exited:
		t.Fatalf("exited (%v) with an interaction in flight", err)
	default:
	}
	if llm.abandoned.Load() {
		t.Fatal("the process dropped the LLM request of an interaction in flight")
	}
	llm.held.Store(false)
	llm.release <- struct{}{}
	if _, err := fake.WaitEdit(ctx, "tok-"+heldID, func(r discordfake.Request) bool {
		return strings.Contains(string(r.Body), `"embeds":[{`)
	}); err != nil {
		t.Errorf("the interaction in flight at shutdown was not answered: %v", err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("geobrief serve exited with %v after SIGTERM, want 0", err)
		}
	case <-ctx.Done():
		t.Fatal("geobrief serve still running after SIGTERM and the drain")
	}
}
