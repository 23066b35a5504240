package discord

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/geobrief/geobrief/discord/discordfake"
)

// echo is a Handler that defers every interaction and then edits in its
// name: what any handler does, without news.
type echo struct {
	defs []*discordgo.ApplicationCommand
}

func (e echo) Commands() []*discordgo.ApplicationCommand { return e.defs }

func (echo) HandleInteraction(i *discordgo.Interaction, r Responder) {
	ctx := context.Background()
	if err := r.Defer(ctx); err != nil {
		return
	}
	_ = r.Edit(ctx, Message{Content: "done " + i.ID})
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// open connects a gateway with h to the fake.
func open(t *testing.T, f *discordfake.Server, h Handler) *Gateway {
	t.Helper()
	g, err := New(Config{Token: "t", GuildID: "700000000000000001", APIURL: f.URL(), Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := g.Open(ctx, h); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = g.Close() })
	return g
}

func interaction(f *discordgo.Interaction) map[string]any {
	return map[string]any{
		"id": f.ID, "application_id": "100000000000000001", "type": 2, "token": f.Token,
		"guild_id": "700000000000000001", "channel_id": "710000000000000001", "version": 1,
		"member": map[string]any{"user": map[string]any{"id": "u", "username": "u"}},
		"data":   map[string]any{"id": "1", "name": "ping", "type": 1},
	}
}

// A burst of interactions is deferred and answered over a bounded set of
// connections that the next burst reuses, instead of one new connection per
// callback.
func TestBurstReusesConnections(t *testing.T) {
	t.Parallel()
	f := discordfake.New()
	t.Cleanup(f.Close)
	open(t, f, echo{defs: []*discordgo.ApplicationCommand{{Name: "ping", Description: "ping"}}})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	// Whatever the load, the kept connections are bounded and reused: two
	// bursts together never open more than the bound. (How many the first
	// burst needs depends on scheduling; that the second opens none does
	// too, so it is not asserted.)
	before := f.Connections()
	for round := range 2 {
		var ids []string
		for n := range 3 * maxDiscordConns {
			id := fmt.Sprintf("%d%04d", round+1, n)
			ids = append(ids, id)
			if err := f.Dispatch(ctx, interaction(&discordgo.Interaction{ID: id, Token: "tok-" + id})); err != nil {
				t.Fatal(err)
			}
		}
		for _, id := range ids {
			if _, err := f.WaitEdit(ctx, "tok-"+id, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	if opened := f.Connections() - before; opened > maxDiscordConns {
		t.Errorf("%d new connections for two bursts of %d interactions, want at most %d", opened, 3*maxDiscordConns, maxDiscordConns)
	}
}

// Edits of different interactions go out together: discordgo's shared
// webhook bucket would send them one at a time. The server answers no edit
// until all n are in flight, so one at a time never completes.
func TestEditsDoNotWaitOnEachOther(t *testing.T) {
	t.Parallel()
	const n = 5
	var mu sync.Mutex
	arrived := 0
	all := make(chan struct{})
	over := make(chan struct{}) // the test has ended: answer everything
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPatch {
			http.NotFound(w, r)
			return
		}
		mu.Lock()
		arrived++
		if arrived == n {
			close(all)
		}
		mu.Unlock()
		select {
		case <-all:
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"id":"1","channel_id":"2","content":""}`))
		case <-over:
			http.Error(w, "test over", http.StatusInternalServerError)
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(over) }) // runs first, so that Close does not wait on held requests
	g, err := New(Config{Token: "t", APIURL: srv.URL, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	errs := make(chan error, n)
	for k := range n {
		r := &responder{s: g.session, i: &discordgo.Interaction{ID: fmt.Sprint(k), AppID: "100000000000000001", Token: fmt.Sprint("tok-", k)}}
		go func() { errs <- r.Edit(ctx, Message{Content: "x"}) }()
	}
	for range n {
		select {
		case err := <-errs:
			if err != nil {
				t.Fatalf("edit: %v (edits waited on each other)", err)
			}
		case <-ctx.Done():
			t.Fatal("the edits never were all in flight at once: they waited on each other")
		}
	}
}

// Every message the transport sends is fitted to Discord's limits and
// pings no one.
func TestMessagesAreFittedAndMentionNoOne(t *testing.T) {
	t.Parallel()
	f := discordfake.New()
	t.Cleanup(f.Close)
	long := strings.Repeat("@everyone word ", 400)
	h := handlerFunc(func(i *discordgo.Interaction, r Responder) {
		ctx := context.Background()
		_ = r.Defer(ctx)
		_ = r.Edit(ctx, Message{Content: long, Embeds: []*discordgo.MessageEmbed{{Title: long, Description: long + long}}})
		_ = r.FollowUp(ctx, Message{Content: long})
	})
	open(t, f, h)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := f.Dispatch(ctx, interaction(&discordgo.Interaction{ID: "1", Token: "tok-1"})); err != nil {
		t.Fatal(err)
	}
	fu, err := f.WaitFor(ctx, func(r discordfake.Request) bool {
		return r.Method == http.MethodPost && strings.Contains(r.Path, "/webhooks/")
	})
	if err != nil {
		t.Fatal(err)
	}
	ed, err := f.WaitEdit(ctx, "tok-1", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []discordfake.Request{ed, fu} {
		var m struct {
			Content         string `json:"content"`
			AllowedMentions struct {
				Parse []string `json:"parse"`
			} `json:"allowed_mentions"`
		}
		if err := json.Unmarshal(r.Body, &m); err != nil {
			t.Fatal(err)
		}
		if len([]rune(m.Content)) > 2000 || m.AllowedMentions.Parse == nil || len(m.AllowedMentions.Parse) != 0 {
			t.Errorf("%s %s: %d characters, allowed_mentions %v", r.Method, r.Path, len([]rune(m.Content)), m.AllowedMentions.Parse)
		}
		if !strings.Contains(string(r.Body), `"parse":[]`) {
			t.Errorf("%s without an empty parse list", r.Path)
		}
	}
}

type handlerFunc func(i *discordgo.Interaction, r Responder)

func (handlerFunc) Commands() []*discordgo.ApplicationCommand {
	return []*discordgo.ApplicationCommand{{Name: "ping", Description: "ping"}}
}

func (h handlerFunc) HandleInteraction(i *discordgo.Interaction, r Responder) { h(i, r) }

// A shard identifies with [shard_id, shard_count]; only shard 0 registers
// the commands, which belong to the application.
func TestGatewayShards(t *testing.T) {
	t.Parallel()
	f := discordfake.New()
	t.Cleanup(f.Close)
	defs := []*discordgo.ApplicationCommand{{Name: "ping", Description: "ping"}}
	for _, id := range []int{1, 0} {
		g, err := New(Config{Token: fmt.Sprintf("t%d", id), APIURL: f.URL(), ShardID: id, ShardCount: 2, Logger: quietLogger()})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		if err := g.Open(ctx, echo{defs: defs}); err != nil {
			cancel()
			t.Fatal(err)
		}
		cancel()
		t.Cleanup(func() { _ = g.Close() })
		puts := 0
		for _, r := range f.Requests() {
			if r.Method == http.MethodPut {
				puts++
			}
		}
		if want := map[int]int{1: 0, 0: 1}[id]; puts != want {
			t.Errorf("after shard %d opened: %d command registrations, want %d", id, puts, want)
		}
	}
	var shards [][2]int
	for _, raw := range f.Identifies() {
		var id struct {
			Shard *[2]int `json:"shard"`
		}
		if err := json.Unmarshal(raw, &id); err != nil || id.Shard == nil {
			t.Fatalf("identify without a shard: %s", raw)
		}
		shards = append(shards, *id.Shard)
	}
	if len(shards) != 2 || shards[0] != [2]int{1, 2} || shards[1] != [2]int{0, 2} {
		t.Errorf("identified as %v, want [1 2] then [0 2]", shards)
	}
	if _, err := New(Config{Token: "t", ShardID: 2, ShardCount: 2}); err == nil {
		t.Error("shard 2 of 2 accepted")
	}
}
