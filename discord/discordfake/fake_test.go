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

	"github.com/geobrief/geobrief/discord/discordfake"
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
	if err := f.WaitHeartbeats(ctx, 2); err != nil {
		t.Error(err)
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

// postMessage creates a message in channel through discordgo, as the bot
// does, and returns the answer's ID.
func postMessage(t *testing.T, s *discordgo.Session, channel, body string) (string, error) {
	t.Helper()
	url := discordgo.EndpointChannelMessages(channel)
	resp, err := s.RequestWithBucketID(http.MethodPost, url, json.RawMessage(body), url)
	if err != nil {
		return "", err
	}
	var m struct {
		ID        string `json:"id"`
		ChannelID string `json:"channel_id"`
		Nonce     string `json:"nonce"`
	}
	if err := json.Unmarshal(resp, &m); err != nil {
		t.Fatal(err)
	}
	if m.ChannelID != channel {
		t.Errorf("message channel_id %q, want %q", m.ChannelID, channel)
	}
	return m.ID, nil
}

func restSession(t *testing.T, f *discordfake.Server) *discordgo.Session {
	t.Helper()
	s, err := discordgo.New("Bot test-token")
	if err != nil {
		t.Fatal(err)
	}
	s.Client = f.Client()
	return s
}

func TestNonceDeduplication(t *testing.T) {
	f := discordfake.New()
	defer f.Close()
	s := restSession(t, f)

	first, err := postMessage(t, s, "7", `{"content":"part 1","nonce":"ed-1","enforce_nonce":true}`)
	if err != nil {
		t.Fatal(err)
	}
	again, err := postMessage(t, s, "7", `{"content":"part 1 again","nonce":"ed-1","enforce_nonce":true}`)
	if err != nil {
		t.Fatal(err)
	}
	if again != first {
		t.Errorf("same nonce, same channel: message %s, want the first one %s", again, first)
	}
	msgs := f.ChannelMessages("7")
	if len(msgs) != 1 || msgs[0].ID != first || msgs[0].Content != "part 1" || msgs[0].Nonce != "ed-1" {
		t.Errorf("channel 7 messages %+v, want only the first", msgs)
	}

	// Another channel, or no enforce_nonce: a new message each time.
	other, err := postMessage(t, s, "8", `{"content":"part 1","nonce":"ed-1","enforce_nonce":true}`)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := postMessage(t, s, "7", `{"content":"plain","nonce":"ed-2"}`)
	b, _ := postMessage(t, s, "7", `{"content":"plain","nonce":"ed-2"}`)
	if other == first || a == b {
		t.Errorf("ids %s %s %s %s: want distinct messages", first, other, a, b)
	}
	if n := len(f.ChannelMessages("7")); n != 3 {
		t.Errorf("%d messages in channel 7, want 3", n)
	}

	// Concurrent creates with one nonce make one message.
	ids := make(chan string, 10)
	for range 10 {
		go func() {
			id, err := postMessage(t, s, "9", `{"content":"x","nonce":"race","enforce_nonce":true}`)
			if err != nil {
				t.Error(err)
			}
			ids <- id
		}()
	}
	want := <-ids
	for range 9 {
		if id := <-ids; id != want {
			t.Errorf("concurrent creates gave %s and %s", want, id)
		}
	}
	if n := len(f.ChannelMessages("9")); n != 1 {
		t.Errorf("%d messages after concurrent creates with one nonce, want 1", n)
	}
}

func TestChannelError(t *testing.T) {
	f := discordfake.New()
	defer f.Close()
	s := restSession(t, f)
	f.SetChannelError("404404", http.StatusNotFound, 10003, "Unknown Channel")
	f.SetChannelError("403403", http.StatusForbidden, 50001, "Missing Access")

	for _, c := range []struct {
		channel string
		status  int
		code    int
		message string
	}{
		{"404404", 404, 10003, "Unknown Channel"},
		{"403403", 403, 50001, "Missing Access"},
	} {
		_, err := postMessage(t, s, c.channel, `{"content":"digest","nonce":"n","enforce_nonce":true}`)
		var rest *discordgo.RESTError
		if !errors.As(err, &rest) || rest.Response.StatusCode != c.status || rest.Message == nil ||
			rest.Message.Code != c.code || rest.Message.Message != c.message {
			t.Errorf("channel %s: %v, want %d %s (%d)", c.channel, err, c.status, c.message, c.code)
		}
		if n := len(f.ChannelMessages(c.channel)); n != 0 {
			t.Errorf("channel %s: %d messages created by failed posts", c.channel, n)
		}
	}
	if n := len(f.Requests()); n != 2 {
		t.Errorf("recorded %d requests, want the 2 failed posts", n)
	}

	f.SetChannelError("404404", 0, 0, "")
	if _, err := postMessage(t, s, "404404", `{"content":"digest","nonce":"n","enforce_nonce":true}`); err != nil {
		t.Errorf("after clearing the error: %v", err)
	}
	if n := len(f.ChannelMessages("404404")); n != 1 {
		t.Errorf("%d messages after clearing the error, want 1", n)
	}
}

func TestDispatchTimedAndConnections(t *testing.T) {
	f := discordfake.New()
	defer f.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := discordgo.New("Bot test-token")
	if err != nil {
		t.Fatal(err)
	}
	s.Client = f.Client()
	s.Identify.Intents = discordgo.IntentsNone
	got := make(chan time.Time, 1)
	s.AddHandler(func(_ *discordgo.Session, _ *discordgo.InteractionCreate) { got <- time.Now() })
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		s.ShouldReconnectOnError = false
		_ = s.Close()
	}()
	before := time.Now()
	sent, err := f.DispatchTimed(ctx, json.RawMessage(`{"id":"43","application_id":"`+f.AppID+`","type":2,"token":"tok","data":{"id":"1","name":"help","type":1}}`))
	if err != nil {
		t.Fatal(err)
	}
	select {
	case at := <-got:
		if sent.Before(before) || at.Before(sent) {
			t.Errorf("dispatch written at %v, outside [%v, %v]", sent, before, at)
		}
	case <-ctx.Done():
		t.Fatal("no interaction delivered")
	}
	// Discovery (GET /gateway) and the websocket: two connections so far.
	if n := f.Connections(); n < 1 || n > 2 {
		t.Errorf("Connections() = %d, want 1 or 2", n)
	}
}

// A client that has its READY finds its Identify on record, and READY names
// the shard it identified as (a sharded bot checks both).
func TestReadyAfterIdentifyIsRecorded(t *testing.T) {
	f := discordfake.New()
	defer f.Close()
	s, err := discordgo.New("Bot shard-token")
	if err != nil {
		t.Fatal(err)
	}
	s.Client = f.Client()
	s.Identify.Intents = discordgo.IntentsNone
	s.ShardID, s.ShardCount = 1, 2
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		s.ShouldReconnectOnError = false
		_ = s.Close()
	}()
	ids := f.Identifies()
	if len(ids) != 1 {
		t.Fatalf("identifies on record once READY arrived: %d", len(ids))
	}
	var id struct {
		Shard [2]int `json:"shard"`
	}
	if err := json.Unmarshal(ids[0], &id); err != nil || id.Shard != [2]int{1, 2} {
		t.Errorf("identify %s: shard %v (%v)", ids[0], id.Shard, err)
	}
	if r := s.State.Ready.Shard; r == nil || *r != [2]int{1, 2} {
		t.Errorf("READY shard = %v, want [1 2]", r)
	}
}
