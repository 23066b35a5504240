// Package discordfake is a small fake of Discord for tests: the gateway
// websocket (Hello, Identify, READY, heartbeats, dispatches) and the REST
// routes a slash-command bot uses, on an httptest server; for the HTTP
// interactions endpoint it also signs interactions with a key pair of its own
// and POSTs them (PublicKey, Sign, PostInteraction). It speaks the real
// wire format, so a real discordgo session can be pointed at it, and it
// records every request for assertions.
package discordfake

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"
)

// Request is one REST request the fake received.
type Request struct {
	Method string
	Path   string // e.g. /api/v9/interactions/1/tok/callback
	Query  url.Values
	Header http.Header
	Body   json.RawMessage // the JSON body, or nil
	Time   time.Time
}

// Decode unmarshals the request body into v.
func (r Request) Decode(v any) error { return json.Unmarshal(r.Body, v) }

// Message is a message the fake created in a channel.
type Message struct {
	ID        string
	ChannelID string
	Content   string
	Nonce     string // "" when the create had none
	Time      time.Time
}

// apiError is an error answer in Discord's JSON shape.
type apiError struct {
	status, code int
	message      string
}

// Server is a running fake Discord.
type Server struct {
	AppID     string
	BotUserID string
	// HeartbeatInterval is sent in Hello; set it before clients connect.
	HeartbeatInterval time.Duration
	// Latency, when set, delays every REST answer (not the gateway).
	Latency time.Duration

	srv      *httptest.Server
	upgrader websocket.Upgrader
	nextID   atomic.Int64
	beats    atomic.Int64
	dials    atomic.Int64

	mu       sync.Mutex
	requests []Request
	changed  chan struct{} // closed and replaced whenever requests or conns change
	commands map[string]json.RawMessage
	acked    map[string]bool
	// byNonce holds the messages created with enforce_nonce, by channel
	// and nonce; channels the messages created in each channel.
	byNonce       map[string]json.RawMessage
	channels      map[string][]Message
	channelErrors map[string]apiError
	conns         []*conn
	identify      []json.RawMessage

	signer signer // the key pair that signs HTTP interactions
}

// New starts a fake Discord. Close it when done.
func New() *Server {
	f := &Server{
		AppID:             "100000000000000001",
		BotUserID:         "100000000000000001",
		HeartbeatInterval: 41250 * time.Millisecond,
		changed:           make(chan struct{}),
		commands:          map[string]json.RawMessage{},
		acked:             map[string]bool{},
		byNonce:           map[string]json.RawMessage{},
		channels:          map[string][]Message{},
		channelErrors:     map[string]apiError{},
	}
	f.nextID.Store(900000000000000000)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v9/gateway", f.gateway)
	mux.HandleFunc("GET /api/v9/gateway/bot", f.gateway)
	mux.HandleFunc("GET /ws", f.websocket)
	mux.HandleFunc("GET /ws/", f.websocket) // discordgo adds a slash
	mux.HandleFunc("GET /api/v9/applications/@me", f.application)
	mux.HandleFunc("PUT /api/v9/applications/{app}/commands", f.putCommands)
	mux.HandleFunc("PUT /api/v9/applications/{app}/guilds/{guild}/commands", f.putCommands)
	mux.HandleFunc("GET /api/v9/applications/{app}/commands", f.getCommands)
	mux.HandleFunc("GET /api/v9/applications/{app}/guilds/{guild}/commands", f.getCommands)
	mux.HandleFunc("POST /api/v9/interactions/{id}/{token}/callback", f.callback)
	mux.HandleFunc("PATCH /api/v9/webhooks/{app}/{token}/messages/{msg}", f.editMessage)
	mux.HandleFunc("POST /api/v9/webhooks/{app}/{token}", f.followup)
	mux.HandleFunc("POST /api/v9/channels/{channel}/messages", f.channelMessage)
	mux.HandleFunc("GET /api/v9/channels/{channel}/messages", f.listMessages)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		f.record(r)
		writeError(w, http.StatusNotFound, 0, "404: Not Found")
	})
	f.srv = httptest.NewUnstartedServer(mux)
	f.srv.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			f.dials.Add(1)
		}
	}
	f.srv.Start()
	return f
}

// URL is the fake's base URL (http://127.0.0.1:port), to use as DISCORD_API_URL.
func (f *Server) URL() string { return f.srv.URL }

// Client returns an HTTP client that sends every request to the fake,
// whatever its host, for code that calls Discord's real URLs.
func (f *Server) Client() *http.Client {
	u, _ := url.Parse(f.srv.URL)
	return &http.Client{Timeout: 10 * time.Second, Transport: rewrite{host: u.Host, next: f.srv.Client().Transport}}
}

type rewrite struct {
	host string
	next http.RoundTripper
}

func (t rewrite) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.URL.Scheme, r.URL.Host, r.Host = "http", t.host, ""
	return t.next.RoundTrip(r)
}

// Close disconnects every client and stops the server.
func (f *Server) Close() {
	f.mu.Lock()
	conns := f.conns
	f.conns = nil
	f.mu.Unlock()
	for _, c := range conns {
		c.ws.Close()
	}
	f.srv.Close()
}

// NewID returns a fresh snowflake-like ID.
func (f *Server) NewID() string { return strconv.FormatInt(f.nextID.Add(1), 10) }

// SetCommands stores commands as if they had been registered before
// (guild "" is global), for tests of "skip when unchanged".
func (f *Server) SetCommands(guild string, commands json.RawMessage) {
	f.mu.Lock()
	f.commands[guild] = commands
	f.mu.Unlock()
}

// SetChannelError makes every message create in channelID fail with
// Discord's JSON error shape, e.g. 404 {"message": "Unknown Channel",
// "code": 10003} for a deleted channel or 403 {"message": "Missing Access",
// "code": 50001} when the bot cannot see it. The requests are still
// recorded. A status of 0 clears the error.
func (f *Server) SetChannelError(channelID string, status int, code int, message string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if status == 0 {
		delete(f.channelErrors, channelID)
		return
	}
	f.channelErrors[channelID] = apiError{status: status, code: code, message: message}
}

// ChannelMessages returns the messages created in channelID, oldest first.
// A create answered with an earlier message (same nonce, enforce_nonce) or
// with an error created nothing and is not listed.
func (f *Server) ChannelMessages(channelID string) []Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Message(nil), f.channels[channelID]...)
}

// WaitRequests returns the requests received after the first from, in
// order, waiting until there is at least one: how a watcher follows the
// requests as they arrive.
func (f *Server) WaitRequests(ctx context.Context, from int) ([]Request, error) {
	for {
		f.mu.Lock()
		if len(f.requests) > from {
			out := append([]Request(nil), f.requests[from:]...)
			f.mu.Unlock()
			return out, nil
		}
		changed := f.changed
		f.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// Requests returns a copy of every REST request received so far.
func (f *Server) Requests() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Request(nil), f.requests...)
}

// Identifies returns the Identify payloads received on the gateway.
func (f *Server) Identifies() []json.RawMessage {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]json.RawMessage(nil), f.identify...)
}

// Connections counts the TCP connections clients opened to the fake, the
// gateway's included: a client that reuses its connections opens few.
func (f *Server) Connections() int { return int(f.dials.Load()) }

// Heartbeats counts the heartbeats (op 1) received and acknowledged.
func (f *Server) Heartbeats() int { return int(f.beats.Load()) }

// WaitHeartbeats waits until at least n heartbeats were acknowledged.
func (f *Server) WaitHeartbeats(ctx context.Context, n int) error {
	for {
		f.mu.Lock()
		changed := f.changed
		f.mu.Unlock()
		if f.Heartbeats() >= n {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("discordfake: %d heartbeats, want %d: %w", f.Heartbeats(), n, ctx.Err())
		}
	}
}

// WaitFor returns the first recorded request, past or future, for which
// match is true, or ctx's error.
func (f *Server) WaitFor(ctx context.Context, match func(Request) bool) (Request, error) {
	seen := 0
	for {
		f.mu.Lock()
		reqs := f.requests[seen:]
		changed := f.changed
		f.mu.Unlock()
		for _, r := range reqs {
			if match(r) {
				return r, nil
			}
		}
		seen += len(reqs)
		select {
		case <-changed:
		case <-ctx.Done():
			return Request{}, fmt.Errorf("discordfake: no matching request: %w", ctx.Err())
		}
	}
}

// WaitCallback waits for the interaction callback of interaction id.
func (f *Server) WaitCallback(ctx context.Context, id string) (Request, error) {
	prefix := "/api/v9/interactions/" + id + "/"
	return f.WaitFor(ctx, func(r Request) bool {
		return r.Method == http.MethodPost && strings.HasPrefix(r.Path, prefix) && strings.HasSuffix(r.Path, "/callback")
	})
}

// WaitEdit waits for an edit of the original response of the interaction
// with token for which match (nil: any) is true.
func (f *Server) WaitEdit(ctx context.Context, token string, match func(Request) bool) (Request, error) {
	suffix := "/" + token + "/messages/@original"
	return f.WaitFor(ctx, func(r Request) bool {
		return r.Method == http.MethodPatch && strings.HasSuffix(r.Path, suffix) && (match == nil || match(r))
	})
}

// WaitConnected waits until a client has identified on the gateway.
func (f *Server) WaitConnected(ctx context.Context) error {
	_, err := f.readyConn(ctx)
	return err
}

// Dispatch sends an INTERACTION_CREATE with interaction (any JSON value) as
// its data to the most recently connected client.
func (f *Server) Dispatch(ctx context.Context, interaction any) error {
	return f.DispatchEvent(ctx, "INTERACTION_CREATE", interaction)
}

// DispatchEvent sends a dispatch (op 0) of type t with data d.
func (f *Server) DispatchEvent(ctx context.Context, t string, d any) error {
	_, err := f.dispatchEvent(ctx, t, d)
	return err
}

// DispatchTimed sends an INTERACTION_CREATE like Dispatch and returns the
// moment its frame began to be written to the gateway: the start of the
// interval Discord measures against the 3-second deadline.
func (f *Server) DispatchTimed(ctx context.Context, interaction any) (time.Time, error) {
	return f.dispatchEvent(ctx, "INTERACTION_CREATE", interaction)
}

// DispatchTimedTo is DispatchTimed to the client that identified with
// token (as sent, "Bot ..."), the latest such connection, waiting for one:
// how two bots beside each other on one fake get a burst each.
func (f *Server) DispatchTimedTo(ctx context.Context, token string, interaction any) (time.Time, error) {
	raw, err := json.Marshal(interaction)
	if err != nil {
		return time.Time{}, fmt.Errorf("discordfake: %w", err)
	}
	for {
		f.mu.Lock()
		var c *conn
		for _, x := range f.conns {
			if x.token == token {
				c = x
			}
		}
		changed := f.changed
		f.mu.Unlock()
		if c != nil {
			return c.dispatch("INTERACTION_CREATE", raw)
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return time.Time{}, fmt.Errorf("discordfake: no client with that token connected: %w", ctx.Err())
		}
	}
}

func (f *Server) dispatchEvent(ctx context.Context, t string, d any) (time.Time, error) {
	c, err := f.readyConn(ctx)
	if err != nil {
		return time.Time{}, err
	}
	raw, err := json.Marshal(d)
	if err != nil {
		return time.Time{}, fmt.Errorf("discordfake: %w", err)
	}
	return c.dispatch(t, raw)
}

func (f *Server) readyConn(ctx context.Context) (*conn, error) {
	for {
		f.mu.Lock()
		var c *conn
		if n := len(f.conns); n > 0 {
			c = f.conns[n-1]
		}
		changed := f.changed
		f.mu.Unlock()
		if c != nil {
			return c, nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return nil, fmt.Errorf("discordfake: no client connected: %w", ctx.Err())
		}
	}
}

// notify wakes waiters; f.mu must be held.
func (f *Server) notify() {
	close(f.changed)
	f.changed = make(chan struct{})
}

func (f *Server) record(r *http.Request) Request {
	arrived := time.Now() // the headers are in; the body is small
	body, _ := io.ReadAll(r.Body)
	rec := Request{
		Method: r.Method,
		Path:   r.URL.Path,
		Query:  r.URL.Query(),
		Header: r.Header.Clone(),
		Time:   arrived,
	}
	if len(bytes.TrimSpace(body)) > 0 {
		var b bytes.Buffer
		if json.Compact(&b, body) == nil { // it fails on invalid JSON
			rec.Body = b.Bytes()
		} else {
			rec.Body, _ = json.Marshal(string(body))
		}
	}
	f.mu.Lock()
	f.requests = append(f.requests, rec)
	f.notify()
	f.mu.Unlock()
	return rec
}

func (f *Server) delay(r *http.Request) {
	if f.Latency <= 0 {
		return
	}
	t := time.NewTimer(f.Latency)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done():
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status, code int, msg string) {
	writeJSON(w, status, map[string]any{"code": code, "message": msg})
}

func (f *Server) gateway(w http.ResponseWriter, r *http.Request) {
	f.record(r)
	u := "ws" + strings.TrimPrefix(f.srv.URL, "http") + "/ws"
	writeJSON(w, http.StatusOK, map[string]any{
		"url":                 u,
		"shards":              1,
		"session_start_limit": map[string]int{"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1},
	})
}

func (f *Server) putCommands(w http.ResponseWriter, r *http.Request) {
	rec := f.record(r)
	f.delay(r)
	var cmds []map[string]any
	if err := json.Unmarshal(rec.Body, &cmds); err != nil {
		writeError(w, http.StatusBadRequest, 50035, "Invalid Form Body")
		return
	}
	for _, c := range cmds {
		c["id"] = f.NewID()
		c["application_id"] = r.PathValue("app")
		c["version"] = f.NewID()
		if g := r.PathValue("guild"); g != "" {
			c["guild_id"] = g
		}
	}
	raw, _ := json.Marshal(cmds)
	f.mu.Lock()
	f.commands[r.PathValue("guild")] = raw
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(raw)
}

func (f *Server) getCommands(w http.ResponseWriter, r *http.Request) {
	f.record(r)
	f.delay(r)
	f.mu.Lock()
	raw := f.commands[r.PathValue("guild")]
	f.mu.Unlock()
	if raw == nil {
		raw = json.RawMessage("[]")
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(raw)
}

func (f *Server) callback(w http.ResponseWriter, r *http.Request) {
	rec := f.record(r)
	f.delay(r)
	if msg := checkMessage(rec.Body, "data"); msg != "" {
		writeError(w, http.StatusBadRequest, 50035, msg)
		return
	}
	id := r.PathValue("id")
	f.mu.Lock()
	already := f.acked[id]
	f.acked[id] = true
	f.mu.Unlock()
	if already {
		writeError(w, http.StatusBadRequest, 40060, "Interaction has already been acknowledged.")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (f *Server) editMessage(w http.ResponseWriter, r *http.Request) {
	rec := f.record(r)
	f.delay(r)
	if msg := checkMessage(rec.Body, ""); msg != "" {
		writeError(w, http.StatusBadRequest, 50035, msg)
		return
	}
	f.writeMessage(w, r.PathValue("msg"), rec.Body)
}

func (f *Server) followup(w http.ResponseWriter, r *http.Request) {
	rec := f.record(r)
	f.delay(r)
	if msg := checkMessage(rec.Body, ""); msg != "" {
		writeError(w, http.StatusBadRequest, 50035, msg)
		return
	}
	if r.URL.Query().Get("wait") != "true" {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	f.writeMessage(w, f.NewID(), rec.Body)
}

func (f *Server) channelMessage(w http.ResponseWriter, r *http.Request) {
	rec := f.record(r)
	f.delay(r)
	channel := r.PathValue("channel")
	f.mu.Lock()
	fail, failing := f.channelErrors[channel]
	f.mu.Unlock()
	if failing {
		writeError(w, fail.status, fail.code, fail.message)
		return
	}
	if msg := checkMessage(rec.Body, ""); msg != "" {
		writeError(w, http.StatusBadRequest, 50035, msg)
		return
	}
	var m struct {
		Content      string          `json:"content"`
		Nonce        json.RawMessage `json:"nonce"`
		EnforceNonce bool            `json:"enforce_nonce"`
	}
	if err := json.Unmarshal(rec.Body, &m); err != nil {
		writeError(w, http.StatusBadRequest, 50035, "Invalid Form Body")
		return
	}
	nonce := nonceString(m.Nonce)
	if len(nonce) > 25 {
		writeError(w, http.StatusBadRequest, 50035, "nonce: Must be 25 or fewer in length.")
		return
	}

	f.mu.Lock()
	defer f.mu.Unlock()
	key := channel + "\x00" + nonce
	if m.EnforceNonce && nonce != "" {
		if prev, ok := f.byNonce[key]; ok {
			// Discord: the first message with this nonce, nothing created.
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(prev)
			return
		}
	}
	id := f.NewID()
	raw := f.message(id, channel, rec.Body)
	if m.EnforceNonce && nonce != "" {
		f.byNonce[key] = raw
	}
	f.channels[channel] = append(f.channels[channel], Message{ID: id, ChannelID: channel, Content: m.Content, Nonce: nonce, Time: rec.Time})
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(raw)
}

// nonceString is a nonce (a JSON string or integer) as text; "" when absent.
func nonceString(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

func (f *Server) writeMessage(w http.ResponseWriter, id string, body json.RawMessage) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(f.message(id, "", body))
}

// message builds the message object Discord answers with from a request
// body: the body's message fields, the ID, the channel and the bot as
// author. Request-only fields (allowed_mentions, enforce_nonce) are not
// part of a message.
func (f *Server) message(id, channel string, body json.RawMessage) json.RawMessage {
	m := map[string]any{}
	_ = json.Unmarshal(body, &m)
	delete(m, "allowed_mentions")
	delete(m, "enforce_nonce")
	m["id"] = id
	if channel != "" {
		m["channel_id"] = channel
	}
	m["type"] = 0
	m["author"] = map[string]any{"id": f.BotUserID, "username": "geobrief", "discriminator": "0", "bot": true}
	m["timestamp"] = time.Now().UTC().Format(time.RFC3339Nano)
	raw, _ := json.Marshal(m)
	return raw
}

// checkMessage applies Discord's size limits to a message body (under key
// when set, as in an interaction callback's "data") and returns what Discord
// would complain about, or "".
func checkMessage(body json.RawMessage, key string) string {
	if len(body) == 0 {
		return ""
	}
	if key != "" {
		var outer map[string]json.RawMessage
		if json.Unmarshal(body, &outer) != nil {
			return "Invalid Form Body"
		}
		body = outer[key]
		if len(body) == 0 {
			return ""
		}
	}
	var m struct {
		Content string `json:"content"`
		Embeds  []struct {
			Title       string `json:"title"`
			Description string `json:"description"`
			Footer      *struct {
				Text string `json:"text"`
			} `json:"footer"`
			Author *struct {
				Name string `json:"name"`
			} `json:"author"`
			Fields []struct {
				Name  string `json:"name"`
				Value string `json:"value"`
			} `json:"fields"`
		} `json:"embeds"`
		Components []struct {
			Components []struct {
				CustomID string `json:"custom_id"`
				Label    string `json:"label"`
			} `json:"components"`
		} `json:"components"`
		Choices []struct {
			Name  string `json:"name"`
			Value any    `json:"value"`
		} `json:"choices"`
	}
	if err := json.Unmarshal(body, &m); err != nil {
		return "Invalid Form Body"
	}
	n := utf8.RuneCountInString
	switch {
	case n(m.Content) > 2000:
		return "content: Must be 2000 or fewer in length."
	case len(m.Embeds) > 10:
		return "embeds: Must be 10 or fewer in length."
	case len(m.Components) > 5:
		return "components: Must be 5 or fewer in length."
	case len(m.Choices) > 25:
		return "choices: Must be 25 or fewer in length."
	}
	for _, c := range m.Choices {
		if n(c.Name) < 1 || n(c.Name) > 100 {
			return "choices.name: Must be between 1 and 100 in length."
		}
		if s, ok := c.Value.(string); ok && n(s) > 100 {
			return "choices.value: Must be 100 or fewer in length."
		}
	}
	for _, row := range m.Components {
		if len(row.Components) > 5 {
			return "components.components: Must be 5 or fewer in length."
		}
		for _, c := range row.Components {
			if n(c.CustomID) > 100 {
				return "custom_id: Must be 100 or fewer in length."
			}
			if n(c.Label) > 80 {
				return "label: Must be 80 or fewer in length."
			}
		}
	}
	total := 0
	for _, e := range m.Embeds {
		if n(e.Title) > 256 || n(e.Description) > 4096 || len(e.Fields) > 25 {
			return "embeds: title, description or fields too long"
		}
		total += n(e.Title) + n(e.Description)
		if e.Footer != nil {
			if n(e.Footer.Text) > 2048 {
				return "embeds.footer.text: Must be 2048 or fewer in length."
			}
			total += n(e.Footer.Text)
		}
		if e.Author != nil {
			if n(e.Author.Name) > 256 {
				return "embeds.author.name: Must be 256 or fewer in length."
			}
			total += n(e.Author.Name)
		}
		for _, fl := range e.Fields {
			if n(fl.Name) > 256 || n(fl.Value) > 1024 {
				return "embeds.fields: name or value too long"
			}
			if fl.Name == "" || fl.Value == "" {
				return "embeds.fields: This field is required"
			}
			total += n(fl.Name) + n(fl.Value)
		}
	}
	if total > 6000 {
		return "embeds: Embed size exceeds maximum size of 6000"
	}
	return ""
}

// ForgetNonces drops every remembered nonce, as Discord does after a few
// minutes: a repeated create with an old nonce then posts again.
func (f *Server) ForgetNonces() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.byNonce = map[string]json.RawMessage{}
}

// listMessages answers GET /channels/{id}/messages: the newest first, at
// most limit (default 50, at most 100). Because the fake's IDs are not
// time-based snowflakes, "after" is read as a snowflake's time and compared
// with when each message was created.
func (f *Server) listMessages(w http.ResponseWriter, r *http.Request) {
	f.record(r)
	f.delay(r)
	channel := r.PathValue("channel")
	limit := 50
	if n, err := strconv.Atoi(r.URL.Query().Get("limit")); err == nil && n >= 1 && n <= 100 {
		limit = n
	}
	var after time.Time
	if a := r.URL.Query().Get("after"); a != "" {
		n, err := strconv.ParseInt(a, 10, 64)
		if err != nil {
			writeError(w, http.StatusBadRequest, 50035, "after: Value is not a snowflake.")
			return
		}
		after = time.UnixMilli((n >> 22) + 1420070400000)
	}
	f.mu.Lock()
	fail, failing := f.channelErrors[channel]
	msgs := append([]Message(nil), f.channels[channel]...)
	f.mu.Unlock()
	if failing {
		writeError(w, fail.status, fail.code, fail.message)
		return
	}
	out := []map[string]any{}
	for i := len(msgs) - 1; i >= 0 && len(out) < limit; i-- {
		m := msgs[i]
		if !m.Time.After(after) {
			continue
		}
		out = append(out, map[string]any{
			"id": m.ID, "channel_id": m.ChannelID, "content": m.Content, "type": 0,
			"timestamp": m.Time.UTC().Format(time.RFC3339Nano),
			"author":    map[string]any{"id": f.BotUserID, "username": "geobrief", "bot": true},
		})
	}
	writeJSON(w, http.StatusOK, out)
}
