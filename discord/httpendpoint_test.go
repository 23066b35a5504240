package discord

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/geobrief/geobrief/discord/discordfake"
)

// scripted is a Handler whose answer per interaction is a function, so each
// test says what the handler does.
type scripted struct {
	defs []*discordgo.ApplicationCommand
	run  func(i *discordgo.Interaction, r Responder)
}

func (s scripted) Commands() []*discordgo.ApplicationCommand { return s.defs }
func (s scripted) HandleInteraction(i *discordgo.Interaction, r Responder) {
	s.run(i, r)
}

// serveEndpoint opens an endpoint with h against the fake and serves it on
// an httptest server; it returns the endpoint and its /interactions URL.
func serveEndpoint(t *testing.T, f *discordfake.Server, h Handler, cfg EndpointConfig) (*Endpoint, string) {
	t.Helper()
	cfg.Token, cfg.APIURL, cfg.PublicKey, cfg.Logger = "t", f.URL(), f.PublicKey(), quietLogger()
	e, err := NewEndpoint(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := e.Open(ctx, h); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/interactions", e)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return e, srv.URL + "/interactions"
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func postRaw(t *testing.T, url string, body []byte, header map[string]string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(testCtx(t), http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(resp.Body)
	return resp.StatusCode, buf.Bytes()
}

func TestEndpointRefusesUnsignedAndStale(t *testing.T) {
	t.Parallel()
	f := discordfake.New()
	t.Cleanup(f.Close)
	handled := make(chan string, 10)
	h := scripted{run: func(i *discordgo.Interaction, r Responder) {
		handled <- i.ID
		_ = r.Respond(context.Background(), Message{Content: "hi"})
	}}
	now := time.Unix(1_800_000_000, 0)
	var mu sync.Mutex
	refused := map[string]int{}
	_, url := serveEndpoint(t, f, h, EndpointConfig{Now: func() time.Time { return now }, MaxBody: 4096, Refused: func(reason string) {
		mu.Lock()
		refused[reason]++
		mu.Unlock()
	}})
	body, _ := json.Marshal(interaction(&discordgo.Interaction{ID: "1", Token: "tok-1"}))
	sig, ts := f.Sign(body, now)
	other := discordfake.New() // another application: its own key pair
	t.Cleanup(other.Close)
	otherSig, _ := other.Sign(body, now)
	tampered := bytes.Replace(body, []byte(`"tok-1"`), []byte(`"tok-2"`), 1)
	big := append(bytes.Repeat([]byte(" "), 5000), body...)
	bigSig, bigTS := f.Sign(big, now)
	staleSig, staleTS := f.Sign(body, now.Add(-6*time.Minute))
	futureSig, futureTS := f.Sign(body, now.Add(6*time.Minute))
	recentSig, recentTS := f.Sign(body, now.Add(-4*time.Minute))

	for _, c := range []struct {
		name   string
		body   []byte
		header map[string]string
		want   int
	}{
		{"no headers", body, nil, http.StatusUnauthorized},
		{"no signature", body, map[string]string{"X-Signature-Timestamp": ts}, http.StatusUnauthorized},
		{"no timestamp", body, map[string]string{"X-Signature-Ed25519": sig}, http.StatusUnauthorized},
		{"signature not hex", body, map[string]string{"X-Signature-Ed25519": "zz" + sig[2:], "X-Signature-Timestamp": ts}, http.StatusUnauthorized},
		{"signature too short", body, map[string]string{"X-Signature-Ed25519": sig[:64], "X-Signature-Timestamp": ts}, http.StatusUnauthorized},
		{"another key", body, map[string]string{"X-Signature-Ed25519": otherSig, "X-Signature-Timestamp": ts}, http.StatusUnauthorized},
		{"body changed", tampered, map[string]string{"X-Signature-Ed25519": sig, "X-Signature-Timestamp": ts}, http.StatusUnauthorized},
		{"timestamp changed", body, map[string]string{"X-Signature-Ed25519": sig, "X-Signature-Timestamp": staleTS}, http.StatusUnauthorized},
		{"stale", body, map[string]string{"X-Signature-Ed25519": staleSig, "X-Signature-Timestamp": staleTS}, http.StatusUnauthorized},
		{"from the future", body, map[string]string{"X-Signature-Ed25519": futureSig, "X-Signature-Timestamp": futureTS}, http.StatusUnauthorized},
		{"oversized", big, map[string]string{"X-Signature-Ed25519": bigSig, "X-Signature-Timestamp": bigTS}, http.StatusRequestEntityTooLarge},
		{"valid, 4 minutes old", body, map[string]string{"X-Signature-Ed25519": recentSig, "X-Signature-Timestamp": recentTS}, http.StatusOK},
	} {
		status, got := postRaw(t, url, c.body, c.header)
		if status != c.want {
			t.Errorf("%s: status %d (%s), want %d", c.name, status, got, c.want)
		}
	}
	// Only the valid request reached the handler.
	close(handled)
	var ids []string
	for id := range handled {
		ids = append(ids, id)
	}
	if len(ids) != 1 {
		t.Errorf("handler ran for %v, want once", ids)
	}
	mu.Lock()
	want := map[string]int{"headers": 3, "signature": 5, "stale": 2, "too_large": 1}
	if fmt.Sprint(refused) != fmt.Sprint(want) {
		t.Errorf("refusals counted %v, want %v", refused, want)
	}
	mu.Unlock()

	req, _ := http.NewRequest(http.MethodGet, url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET: %d", resp.StatusCode)
	}
}

func TestEndpointPing(t *testing.T) {
	t.Parallel()
	f := discordfake.New()
	t.Cleanup(f.Close)
	h := scripted{run: func(*discordgo.Interaction, Responder) { t.Error("PING reached the handler") }}
	_, url := serveEndpoint(t, f, h, EndpointConfig{})
	got, err := f.PostInteraction(testCtx(t), nil, url, map[string]any{"id": "1", "application_id": f.AppID, "type": 1, "token": "x", "version": 1})
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != http.StatusOK || got.Type != int(discordgo.InteractionResponsePong) {
		t.Errorf("PING: %d %s", got.Status, got.Body)
	}
}

// Open reads the application and registers the commands by REST, with no
// gateway connection.
func TestEndpointOpenRegistersWithoutGateway(t *testing.T) {
	t.Parallel()
	f := discordfake.New()
	t.Cleanup(f.Close)
	defs := []*discordgo.ApplicationCommand{{Name: "ping", Description: "ping"}}
	serveEndpoint(t, f, scripted{defs: defs}, EndpointConfig{GuildID: "700000000000000001"})
	var put *discordfake.Request
	for _, r := range f.Requests() {
		if r.Method == http.MethodPut && r.Path == "/api/v9/applications/"+f.AppID+"/guilds/700000000000000001/commands" {
			put = &r
		}
		if strings.HasPrefix(r.Path, "/api/v9/gateway") {
			t.Errorf("the endpoint asked for the gateway: %s", r.Path)
		}
	}
	if put == nil || !strings.Contains(string(put.Body), `"name":"ping"`) {
		t.Fatalf("commands not registered: %+v", f.Requests())
	}
	if len(f.Identifies()) != 0 {
		t.Error("the endpoint identified on the gateway")
	}
}

// The first answer is the HTTP reply; the edit after it goes to the
// interaction webhook, and a second initial answer goes to the callback,
// which Discord refuses as over the gateway.
func TestEndpointDeferThenEdit(t *testing.T) {
	t.Parallel()
	f := discordfake.New()
	t.Cleanup(f.Close)
	release := make(chan struct{})
	errs := make(chan error, 3)
	h := scripted{run: func(i *discordgo.Interaction, r Responder) {
		ctx := context.Background()
		errs <- r.Defer(ctx)
		<-release
		errs <- r.Edit(ctx, Message{Content: "done", Embeds: []*discordgo.MessageEmbed{{Title: "T"}}})
		errs <- r.FollowUp(ctx, Message{Content: "more"})
	}}
	_, url := serveEndpoint(t, f, h, EndpointConfig{})
	ctx := testCtx(t)
	got, err := f.PostInteraction(ctx, nil, url, interaction(&discordgo.Interaction{ID: "5", Token: "tok-5"}))
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != http.StatusOK || got.Type != int(discordgo.InteractionResponseDeferredChannelMessageWithSource) {
		t.Fatalf("reply: %d %s", got.Status, got.Body)
	}
	if !strings.Contains(string(got.Data), `"allowed_mentions":{"parse":[]`) {
		t.Errorf("the deferral allows mentions: %s", got.Data)
	}
	if err := <-errs; err != nil {
		t.Errorf("defer: %v", err)
	}
	close(release)
	edit, err := f.WaitEdit(ctx, "tok-5", nil)
	if err != nil {
		t.Fatal(err)
	}
	if edit.Path != "/api/v9/webhooks/"+f.AppID+"/tok-5/messages/@original" || !strings.Contains(string(edit.Body), `"title":"T"`) {
		t.Errorf("edit: %s %s", edit.Path, edit.Body)
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	for _, r := range f.Requests() {
		if strings.HasSuffix(r.Path, "/callback") {
			t.Errorf("a callback was sent although the HTTP reply was the answer: %s", r.Path)
		}
	}
}

func TestEndpointAutocompleteAndImmediateAnswers(t *testing.T) {
	t.Parallel()
	f := discordfake.New()
	t.Cleanup(f.Close)
	second := make(chan error, 1)
	h := scripted{run: func(i *discordgo.Interaction, r Responder) {
		ctx := context.Background()
		switch i.Type {
		case discordgo.InteractionApplicationCommandAutocomplete:
			_ = r.Autocomplete(ctx, []*discordgo.ApplicationCommandOptionChoice{{Name: "Oman talks", Value: "oman"}})
		case discordgo.InteractionMessageComponent:
			_ = r.Respond(ctx, Message{Content: "pressed " + i.MessageComponentData().CustomID, Ephemeral: true})
			second <- r.Respond(ctx, Message{Content: "again"})
		}
	}}
	_, url := serveEndpoint(t, f, h, EndpointConfig{})
	ctx := testCtx(t)

	ac := interaction(&discordgo.Interaction{ID: "6", Token: "tok-6"})
	ac["type"] = 4
	ac["data"] = map[string]any{"id": "1", "name": "summarize", "type": 1, "options": []any{map[string]any{"name": "query", "type": 3, "value": "om", "focused": true}}}
	got, err := f.PostInteraction(ctx, nil, url, ac)
	if err != nil {
		t.Fatal(err)
	}
	if got.Type != int(discordgo.InteractionApplicationCommandAutocompleteResult) || !strings.Contains(string(got.Data), `"value":"oman"`) {
		t.Errorf("autocomplete: %d %s", got.Status, got.Body)
	}

	btn := interaction(&discordgo.Interaction{ID: "7", Token: "tok-7"})
	btn["type"] = 3
	btn["message"] = map[string]any{"id": "9", "channel_id": "710000000000000001"}
	btn["data"] = map[string]any{"custom_id": "more:doc1", "component_type": 2}
	got, err = f.PostInteraction(ctx, nil, url, btn)
	if err != nil {
		t.Fatal(err)
	}
	var data struct {
		Content string `json:"content"`
		Flags   int    `json:"flags"`
	}
	_ = json.Unmarshal(got.Data, &data)
	if got.Type != int(discordgo.InteractionResponseChannelMessageWithSource) || data.Content != "pressed more:doc1" || data.Flags != int(discordgo.MessageFlagsEphemeral) {
		t.Errorf("button: %d %s", got.Status, got.Body)
	}
	// A second initial answer goes to the callback endpoint, where the
	// fake accepts it once (it never saw the HTTP reply); what matters is
	// that it did not vanish.
	if err := <-second; err != nil {
		t.Errorf("second answer: %v", err)
	}
	if _, err := f.WaitCallback(ctx, "7"); err != nil {
		t.Error(err)
	}
}

// A handler that returns without answering gets a 500, and one that never
// answers gets a 503 at AckTimeout, rather than a request hanging.
func TestEndpointNoAnswer(t *testing.T) {
	t.Parallel()
	f := discordfake.New()
	t.Cleanup(f.Close)
	block := make(chan struct{})
	t.Cleanup(func() { close(block) })
	late := make(chan error, 1)
	h := scripted{run: func(i *discordgo.Interaction, r Responder) {
		if i.ID == "2" {
			<-block
			late <- r.Defer(context.Background())
		}
	}}
	e, url := serveEndpoint(t, f, h, EndpointConfig{AckTimeout: time.Millisecond})
	ctx := testCtx(t)
	got, err := f.PostInteraction(ctx, nil, url, interaction(&discordgo.Interaction{ID: "1", Token: "tok-1"}))
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != http.StatusInternalServerError && got.Status != http.StatusServiceUnavailable {
		t.Errorf("no answer: %d", got.Status)
	}
	got, err = f.PostInteraction(ctx, nil, url, interaction(&discordgo.Interaction{ID: "2", Token: "tok-2"}))
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != http.StatusServiceUnavailable {
		t.Errorf("never answered: %d", got.Status)
	}
	block <- struct{}{}
	if err := <-late; err == nil {
		t.Error("an answer after the request ended reported success")
	}
	if err := e.Wait(ctx); err != nil {
		t.Error(err)
	}
}

// Wait drains: it returns only once every handler has finished its work
// (here, the edit after the deferral), and later requests get 503.
func TestEndpointWaitDrains(t *testing.T) {
	t.Parallel()
	f := discordfake.New()
	t.Cleanup(f.Close)
	release := make(chan struct{})
	h := scripted{run: func(i *discordgo.Interaction, r Responder) {
		ctx := context.Background()
		_ = r.Defer(ctx)
		<-release
		_ = r.Edit(ctx, Message{Content: "finished"})
	}}
	e, url := serveEndpoint(t, f, h, EndpointConfig{})
	ctx := testCtx(t)
	got, err := f.PostInteraction(ctx, nil, url, interaction(&discordgo.Interaction{ID: "3", Token: "tok-3"}))
	if err != nil || got.Status != http.StatusOK {
		t.Fatalf("%v %d", err, got.Status)
	}
	waited := make(chan error, 1)
	go func() { waited <- e.Wait(ctx) }()
	// Wait has not returned while the handler is held: a cancelled
	// context makes a second Wait give up, proving work is in flight.
	short, cancel := context.WithCancel(ctx)
	cancel()
	if err := e.Wait(short); err == nil {
		t.Fatal("Wait returned with a handler in flight")
	}
	select {
	case err := <-waited:
		t.Fatalf("Wait returned before the handler finished: %v", err)
	default:
	}
	after, err := f.PostInteraction(ctx, nil, url, interaction(&discordgo.Interaction{ID: "4", Token: "tok-4"}))
	if err != nil || after.Status != http.StatusServiceUnavailable {
		t.Errorf("after Wait began: %v %d", err, after.Status)
	}
	close(release)
	if err := <-waited; err != nil {
		t.Fatal(err)
	}
	// By the time Wait returned, the edit had been made.
	found := false
	for _, r := range f.Requests() {
		if r.Method == http.MethodPatch && strings.Contains(r.Path, "/tok-3/") {
			found = true
		}
	}
	if !found {
		t.Error("Wait returned before the in-flight edit was sent")
	}
}
