package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/geobrief/geobrief/cmd/internal/loopback"
	"github.com/geobrief/geobrief/discord/discordfake"
	"github.com/geobrief/geobrief/mockllm"
)

// TestBotProcessEndToEnd runs the real geobrief binary as `geobrief bot`
// against the fake Discord and the mock LLM: it connects, registers every
// command in one PUT, answers /summarize with a deferral and then the
// embed, serves /healthz, and exits 0 on SIGTERM.
func TestBotProcessEndToEnd(t *testing.T) {
	bin := geobriefBinary(t)
	dir := t.TempDir()

	fake := discordfake.New()
	defer fake.Close()
	llmSrv := httptest.NewServer(mockllm.New(mockllm.Options{}))
	defer llmSrv.Close()
	metricsAddr := freeAddr(t)

	const guild = "700000000000000001"
	cmd := geobriefCommand(bin, "bot", dir,
		"DISCORD_TOKEN=e2e-token",
		"DISCORD_API_URL="+fake.URL(),
		"DISCORD_GUILD_ID="+guild,
		"OPENAI_BASE_URL="+llmSrv.URL+"/v1",
		"LLM_MODEL=mock",
		"METRICS_ADDR="+metricsAddr,
		"LOG_LEVEL=debug",
	)
	logs := newWatchedLog()
	exited := startProcess(t, cmd, logs)

	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := fake.WaitConnected(ctx); err != nil {
		t.Fatalf("the bot never identified on the gateway: %v", err)
	}

	put, err := fake.WaitFor(ctx, func(r discordfake.Request) bool { return r.Method == http.MethodPut })
	if err != nil {
		t.Fatalf("no command registration: %v", err)
	}
	if want := "/api/v9/applications/" + fake.AppID + "/guilds/" + guild + "/commands"; put.Path != want {
		t.Errorf("commands PUT to %s, want %s", put.Path, want)
	}
	var cmds []discordgo.ApplicationCommand
	if err := put.Decode(&cmds); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range cmds {
		names = append(names, c.Name)
	}
	slices.Sort(names)
	if want := []string{"digest", "digest-schedule", "facts", "feeds", "help", "search", "stories", "summarize"}; !slices.Equal(names, want) {
		t.Errorf("registered %v, want %v", names, want)
	}

	if err := waitHealthy(ctx, "http://"+metricsAddr+"/healthz"); err != nil {
		t.Errorf("/healthz: %v", err)
	}

	const docID = "2025-04-11-putin-navy-meeting-st-petersburg"
	id := fake.NewID()
	in := map[string]any{
		"id": id, "application_id": fake.AppID, "type": 2, "token": "tok-" + id,
		"guild_id": guild, "channel_id": "710000000000000001", "version": 1,
		"member": map[string]any{"user": map[string]any{"id": "800000000000000001", "username": "e2e"}},
		"data": map[string]any{"id": "1", "name": "summarize", "type": 1, "options": []map[string]any{
			{"name": "article", "type": 3, "value": docID},
		}},
	}
	if err := fake.Dispatch(ctx, in); err != nil {
		t.Fatal(err)
	}
	cb, err := fake.WaitCallback(ctx, id)
	if err != nil {
		t.Fatalf("no callback for /summarize: %v", err)
	}
	var deferred struct {
		Type int `json:"type"`
	}
	if err := cb.Decode(&deferred); err != nil || deferred.Type != int(discordgo.InteractionResponseDeferredChannelMessageWithSource) {
		t.Fatalf("callback %s, want a deferral (type 5)", cb.Body)
	}
	ed, err := fake.WaitEdit(ctx, "tok-"+id, func(r discordfake.Request) bool {
		return strings.Contains(string(r.Body), `"embeds":[{`)
	})
	if err != nil {
		t.Fatalf("no edit of @original with an embed: %v", err)
	}
	if !ed.Time.After(cb.Time) {
		t.Error("the edit arrived before the deferral")
	}
	var msg struct {
		Embeds          []discordgo.MessageEmbed `json:"embeds"`
		AllowedMentions *struct {
			Parse []string `json:"parse"`
		} `json:"allowed_mentions"`
	}
	if err := ed.Decode(&msg); err != nil {
		t.Fatal(err)
	}
	e := msg.Embeds[0]
	if strings.TrimSpace(e.Title) == "" || strings.TrimSpace(e.Description) == "" {
		t.Errorf("embed without a headline or summary: %s", ed.Body)
	}
	if len(e.Fields) == 0 || !strings.HasPrefix(e.Fields[0].Value, "> “") {
		t.Errorf("embed without a verified fact and its quote: %+v", e.Fields)
	}
	if e.Footer == nil || !strings.Contains(e.Footer.Text, "model mock") || !strings.Contains(e.Footer.Text, "ID "+docID) {
		t.Errorf("footer %+v lacks the model or the document", e.Footer)
	}
	if msg.AllowedMentions == nil || msg.AllowedMentions.Parse == nil || len(msg.AllowedMentions.Parse) != 0 {
		t.Errorf("edit without an empty allowed_mentions.parse: %s", ed.Body)
	}

	stopCtx, stop := context.WithTimeout(context.Background(), 15*time.Second)
	defer stop()
	if err := terminate(stopCtx, cmd, exited); err != nil {
		t.Fatalf("geobrief bot: %v", err)
	}
	// The fake notices the closed websocket on its own goroutine.
	deadline := time.Now().Add(2 * time.Second)
	for fake.WaitConnected(ctxDone()) == nil {
		if time.Now().After(deadline) {
			t.Error("the gateway connection is still open after the process exited")
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(logs.String(), "shutting down") {
		t.Error("no shutdown line in the log")
	}
}

// freeAddr returns a loopback address no one listens on right now.
func freeAddr(t *testing.T) string {
	t.Helper()
	return freeAddrs(t, 1)[0]
}

// waitHealthy polls url until it answers 200 or ctx ends.
func waitHealthy(ctx context.Context, url string) error {
	return loopback.WaitHealthy(ctx, url, nil)
}

// ctxDone returns a context that is already cancelled.
func ctxDone() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}
