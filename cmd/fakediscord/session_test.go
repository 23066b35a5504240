package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/geobrief/geobrief/discord/discordfake"
)

func TestParseCommand(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"summarize article:talks in Oman length:short": `summarize [{"name":"article","type":3,"value":"talks in Oman"},{"name":"length","type":3,"value":"short"}]`,
		"help":                 `help []`,
		"digest-schedule show": `digest-schedule [{"name":"show","options":[],"type":1}]`,
		"digest-schedule set channel:9 times:08:00,18:00 timezone:Asia/Tokyo": `digest-schedule [{"name":"set","options":[{"name":"channel","type":7,"value":"9"},{"name":"times","type":3,"value":"08:00,18:00"},{"name":"timezone","type":3,"value":"Asia/Tokyo"}],"type":1}]`,
	}
	for in, want := range cases {
		name, opts, err := parseCommand(in)
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		js, _ := json.Marshal(opts)
		if got := name + " " + string(js); got != want {
			t.Errorf("%q:\n got %s\nwant %s", in, got, want)
		}
	}
	if _, _, err := parseCommand("digest-schedule set oops nope"); err == nil {
		t.Error("a stray word after a subcommand was accepted")
	}
}

func TestRenderShowsEmbedsAndButtons(t *testing.T) {
	t.Parallel()
	got := render(json.RawMessage(`{"content":"Hi","flags":64,"embeds":[{"title":"T","description":"D","fields":[{"name":"F","value":"V"}],"footer":{"text":"foot"}}],
		"components":[{"components":[{"label":"Summarize","custom_id":"sum:x"}]}]}`))
	want := "(only you can see this)\nHi\n┃ T\n┃ D\n┃\n┃ F\n┃ V\n┃\n┃ foot\n[Summarize]  (type !sum:x)"
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}

// lineWriter passes each write on a channel, so a test can wait for what
// the watcher prints.
type lineWriter chan string

func (w lineWriter) Write(p []byte) (int, error) { w <- string(p); return len(p), nil }

// waitFor reads printed text until one contains want.
func waitFor(t *testing.T, ctx context.Context, w lineWriter, want string) string {
	t.Helper()
	for {
		select {
		case s := <-w:
			if strings.Contains(s, want) {
				return s
			}
		case <-ctx.Done():
			t.Fatalf("never printed %q", want)
		}
	}
}

// Scheduled posts show as they arrive, and a channel answered as missing
// or forbidden refuses them as Discord would, which the session says.
func TestWatchShowsPostsAndRefusals(t *testing.T) {
	t.Parallel()
	f := discordfake.New()
	defer f.Close()
	out := make(lineWriter, 64)
	s := newSession(f, out, time.Minute)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	go s.watch(ctx)

	post := func(channel, content, nonce string) int {
		body, _ := json.Marshal(map[string]any{"content": content, "nonce": nonce, "enforce_nonce": true})
		resp, err := http.Post(f.URL()+"/api/v9/channels/"+channel+"/messages", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post("800", "**News digest** 08:00", "n1"); code != http.StatusOK {
		t.Fatalf("post answered %d", code)
	}
	if got := waitFor(t, ctx, out, "post to #800"); !strings.Contains(got, "**News digest** 08:00") {
		t.Fatalf("post shown as %q", got)
	}
	post("800", "**News digest** 08:00", "n1")
	waitFor(t, ctx, out, "the same nonce again")

	if err := s.setChannel("missing <#800>"); err != nil {
		t.Fatal(err)
	}
	if code := post("800", "**News digest** 18:00", "n2"); code != http.StatusNotFound {
		t.Fatalf("post to a missing channel answered %d", code)
	}
	waitFor(t, ctx, out, "refused: 404 Unknown Channel")
	if err := s.setChannel("forbidden 801"); err != nil {
		t.Fatal(err)
	}
	if code := post("801", "x", "n3"); code != http.StatusForbidden {
		t.Fatalf("post to a forbidden channel answered %d", code)
	}
	waitFor(t, ctx, out, "refused: 403 Missing Access")
	if err := s.setChannel("ok 800"); err != nil {
		t.Fatal(err)
	}
	if code := post("800", "back", "n4"); code != http.StatusOK {
		t.Fatalf("post after :ok answered %d", code)
	}
	waitFor(t, ctx, out, "back")
	if err := s.setChannel("vanished 800"); err == nil {
		t.Error(":vanished accepted")
	}
}
