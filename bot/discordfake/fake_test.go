package discordfake_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/geobrief/geobrief/bot/discordfake"
)

func TestDiscordgoAgainstFake(t *testing.T) {
	f := discordfake.New()
	defer f.Close()
	f.HeartbeatInterval = 50 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	s, err := discordgo.New("Bot test-token")
	if err != nil {
		t.Fatal(err)
	}
	s.Client = f.Client()
	s.Identify.Intents = discordgo.IntentsNone
	got := make(chan *discordgo.Interaction, 1)
	s.AddHandler(func(s *discordgo.Session, ic *discordgo.InteractionCreate) {
		err := s.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource})
		if err != nil {
			t.Error(err)
		}
		got <- ic.Interaction
	})
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		s.ShouldReconnectOnError = false
		_ = s.Close()
	}()
	if s.State.Ready.Application == nil || s.State.Ready.Application.ID != f.AppID {
		t.Fatalf("READY application = %+v", s.State.Ready.Application)
	}

	if err := f.Dispatch(ctx, json.RawMessage(`{"id":"42","application_id":"`+f.AppID+`","type":2,"token":"tok","data":{"id":"1","name":"help","type":1}}`)); err != nil {
		t.Fatal(err)
	}
	select {
	case i := <-got:
		if i.ApplicationCommandData().Name != "help" {
			t.Errorf("got command %q", i.ApplicationCommandData().Name)
		}
	case <-ctx.Done():
		t.Fatal("no interaction delivered")
	}
	cb, err := f.WaitCallback(ctx, "42")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(cb.Body), `"type":5`) {
		t.Errorf("callback body %s", cb.Body)
	}
	// A second acknowledgement is refused like Discord does.
	err = s.InteractionRespond(&discordgo.Interaction{ID: "42", Token: "tok"}, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource})
	var rest *discordgo.RESTError
	if !errors.As(err, &rest) || rest.Message == nil || rest.Message.Code != 40060 {
		t.Errorf("second ack: %v", err)
	}

	// Heartbeats are acknowledged.
	// (HeartbeatLatency itself is racy in discordgo v0.29.0.)
	time.Sleep(200 * time.Millisecond)
	if n := f.Heartbeats(); n < 2 {
		t.Errorf("%d heartbeats in 200 ms at a 50 ms interval", n)
	}
}

func TestCommandsAndNonce(t *testing.T) {
	f := discordfake.New()
	defer f.Close()
	c := f.Client()

	put := func(path, body string) *http.Response {
		req, _ := http.NewRequest(http.MethodPut, "https://discord.com"+path, strings.NewReader(body))
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	resp := put("/api/v9/applications/1/guilds/2/commands", `[{"name":"help","description":"Help"}]`)
	resp.Body.Close()
	resp, err := c.Get("https://discord.com/api/v9/applications/1/guilds/2/commands")
	if err != nil {
		t.Fatal(err)
	}
	var cmds []map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&cmds)
	resp.Body.Close()
	if len(cmds) != 1 || cmds[0]["name"] != "help" || cmds[0]["id"] == nil {
		t.Errorf("stored commands %v", cmds)
	}

	post := func() string {
		resp, err := c.Post("https://discord.com/api/v9/channels/7/messages", "application/json",
			strings.NewReader(`{"content":"digest","nonce":"n1","enforce_nonce":true}`))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&m)
		return m["id"].(string)
	}
	if a, b := post(), post(); a != b {
		t.Errorf("same nonce gave two messages %s, %s", a, b)
	}

	resp, err = c.Post("https://discord.com/api/v9/channels/7/messages", "application/json",
		strings.NewReader(`{"content":"`+strings.Repeat("x", 2001)+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("2001 characters: status %d, want 400", resp.StatusCode)
	}
	if n := len(f.Requests()); n != 5 {
		t.Errorf("recorded %d requests, want 5", n)
	}
}
