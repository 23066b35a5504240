package discord

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
)

// EndpointConfig is what the HTTP interactions endpoint needs.
type EndpointConfig struct {
	// Token is the bot token (DISCORD_TOKEN): registration, edits and
	// channel posts are REST calls made with it.
	Token string
	// PublicKey (DISCORD_PUBLIC_KEY) is the application's Ed25519 public
	// key in hex; every request must be signed with its private half.
	PublicKey string
	// GuildID and APIURL as in Config.
	GuildID string
	APIURL  string
	// MaxBody caps a request's body (default 256 KiB; an interaction,
	// resolved users and messages included, is a few KiB). Larger: 413.
	MaxBody int64
	// MaxSkew is how far the signed timestamp may be from now, either way
	// (default 5 min), so that a captured request cannot be replayed later.
	MaxSkew time.Duration
	// AckTimeout is how long a request waits for the handler's first
	// answer (default 3 s, Discord's own deadline); then it gets 503.
	AckTimeout time.Duration
	// Now reads the clock for the timestamp check (default time.Now).
	Now func() time.Time
	// Refused, when set, is told of every request refused before the
	// handler, with a short reason ("headers", "signature", "stale",
	// "too_large", "bad_body", "method", "not_serving"): for a metric,
	// since a wrong DISCORD_PUBLIC_KEY shows up as nothing but 401s.
	Refused func(reason string)
	// Logger defaults to slog.Default().
	Logger *slog.Logger
}

// Endpoint is the HTTP interactions transport: an http.Handler for the URL
// set as Interactions Endpoint URL in the developer portal. Discord POSTs
// each interaction, signed; the reply to that POST is the interaction's
// first answer, and what comes later (edits, follow-ups) goes through the
// interaction webhook with REST calls, as with the gateway. No gateway
// connection is needed, so any number of replicas can serve one
// application behind a load balancer.
type Endpoint struct {
	cfg     EndpointConfig
	log     *slog.Logger
	key     ed25519.PublicKey
	session *discordgo.Session
	handler atomic.Pointer[handlerBox] // set by Open
	self    string                     // the bot's user ID, set by Open

	mu       sync.Mutex
	closing  bool
	inFlight sync.WaitGroup // handlers running, answered or not
}

type handlerBox struct{ h Handler }

var _ http.Handler = (*Endpoint)(nil)

// NewEndpoint builds an endpoint; it answers nothing but 503 until Open.
func NewEndpoint(cfg EndpointConfig) (*Endpoint, error) {
	if strings.TrimSpace(cfg.Token) == "" {
		return nil, errors.New("discord: DISCORD_TOKEN is required")
	}
	key, err := hex.DecodeString(strings.TrimSpace(cfg.PublicKey))
	if err != nil || len(key) != ed25519.PublicKeySize {
		return nil, errors.New("discord: DISCORD_PUBLIC_KEY must be the application's public key, 64 hex digits")
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = 256 << 10
	}
	if cfg.MaxSkew <= 0 {
		cfg.MaxSkew = 5 * time.Minute
	}
	if cfg.AckTimeout <= 0 {
		cfg.AckTimeout = 3 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Refused == nil {
		cfg.Refused = func(string) {}
	}
	s, err := newSession(cfg.Token, cfg.APIURL)
	if err != nil {
		return nil, err
	}
	s.StateEnabled = false
	return &Endpoint{cfg: cfg, log: cfg.Logger, key: ed25519.PublicKey(key), session: s}, nil
}

// Open learns the application's ID and the bot's user ID (GET
// /applications/@me), registers h's commands, and from then on serves
// interactions with h.
func (e *Endpoint) Open(ctx context.Context, h Handler) error {
	raw, err := e.session.RequestWithBucketID("GET", discordgo.EndpointApplication("@me"), nil, discordgo.EndpointApplication("@me"), discordgo.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("discord: cannot read the application (is DISCORD_TOKEN right?): %w", realError(err, e.cfg.APIURL))
	}
	var app struct {
		ID  string `json:"id"`
		Bot *struct {
			ID string `json:"id"`
		} `json:"bot"`
	}
	if err := json.Unmarshal(raw, &app); err != nil || app.ID == "" {
		return errors.New("discord: the application answer carried no ID")
	}
	e.self = app.ID // a bot's user ID is its application's, unless Discord says otherwise
	if app.Bot != nil && app.Bot.ID != "" {
		e.self = app.Bot.ID
	}
	if err := register(ctx, e.session, e.log, app.ID, e.cfg.GuildID, h.Commands()); err != nil {
		return err
	}
	e.handler.Store(&handlerBox{h: h})
	e.log.Info("discord interactions endpoint ready", slog.String("application_id", app.ID), slog.String("guild_id", e.cfg.GuildID))
	return nil
}

// Post sends a message to a channel (a digest Poster), as Gateway.Post.
func (e *Endpoint) Post(ctx context.Context, channelID, content, nonce string) (string, error) {
	return post(ctx, e.session, channelID, content, nonce)
}

// FindPosted finds a message the bot posted (a digest Finder), as
// Gateway.FindPosted.
func (e *Endpoint) FindPosted(ctx context.Context, channelID, content string, after time.Time) (string, bool, error) {
	return findPosted(ctx, e.session, e.self, channelID, content, after)
}

// Wait stops taking interactions (later ones get 503) and waits until every
// handler started has returned, or ctx is done. Shut the HTTP server down
// first, so that no request is cut off mid-answer; the handlers' own work
// (edits after a deferral) is what Wait drains.
func (e *Endpoint) Wait(ctx context.Context) error {
	e.mu.Lock()
	e.closing = true
	e.mu.Unlock()
	done := make(chan struct{})
	go func() {
		e.inFlight.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("discord: interactions still in flight at shutdown: %w", ctx.Err())
	}
}

func (e *Endpoint) track() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closing {
		return false
	}
	e.inFlight.Add(1)
	return true
}

// ServeHTTP serves one interaction request.
func (e *Endpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		e.cfg.Refused("method")
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	sig, ts := r.Header.Get("X-Signature-Ed25519"), r.Header.Get("X-Signature-Timestamp")
	if sig == "" || ts == "" {
		e.cfg.Refused("headers")
		http.Error(w, "missing signature headers", http.StatusUnauthorized)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, e.cfg.MaxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			e.cfg.Refused("too_large")
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		e.cfg.Refused("bad_body")
		http.Error(w, "cannot read the body", http.StatusBadRequest)
		return
	}
	if why := e.verify(sig, ts, body); why != "" {
		e.cfg.Refused(why)
		e.log.Debug("interaction refused", slog.String("reason", why), slog.String("remote", r.RemoteAddr))
		http.Error(w, "refused: "+why, http.StatusUnauthorized)
		return
	}
	var i discordgo.Interaction
	if err := json.Unmarshal(body, &i); err != nil {
		e.cfg.Refused("bad_body")
		http.Error(w, "not an interaction", http.StatusBadRequest)
		return
	}
	if i.Type == discordgo.InteractionPing {
		_ = writeResponse(w, &discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong})
		return
	}
	box := e.handler.Load()
	if box == nil || !e.track() {
		e.cfg.Refused("not_serving")
		http.Error(w, "not serving interactions", http.StatusServiceUnavailable)
		return
	}
	rs := &httpResponder{
		responder: responder{s: e.session, i: &i},
		answers:   make(chan firstAnswer),
		gone:      make(chan struct{}),
	}
	returned := make(chan struct{})
	go func() {
		defer e.inFlight.Done()
		defer close(returned)
		defer func() {
			if v := recover(); v != nil {
				e.log.Error("interaction handler panicked", slog.Any("panic", v), slog.String("interaction_id", i.ID))
			}
		}()
		box.h.HandleInteraction(&i, rs)
	}()
	e.answer(w, r, rs, returned, i.ID)
}

// answer writes the handler's first answer as the reply, or an error
// status if it returns without one, takes too long, or the client leaves.
func (e *Endpoint) answer(w http.ResponseWriter, r *http.Request, rs *httpResponder, returned <-chan struct{}, id string) {
	defer close(rs.gone)
	timer := time.NewTimer(e.cfg.AckTimeout)
	defer timer.Stop()
	select {
	case a := <-rs.answers:
		a.sent <- writeResponse(w, a.resp)
	case <-returned:
		e.log.Warn("interaction handler returned without answering", slog.String("interaction_id", id))
		http.Error(w, "no answer", http.StatusInternalServerError)
	case <-timer.C:
		e.log.Warn("interaction not answered in time", slog.String("interaction_id", id), slog.Duration("ack_timeout", e.cfg.AckTimeout))
		http.Error(w, "no answer in time", http.StatusServiceUnavailable)
	case <-r.Context().Done():
	}
}

// verify checks the signature over timestamp + body and the timestamp's
// freshness; it returns why the request is refused ("signature" or
// "stale"), or "".
func (e *Endpoint) verify(sig, ts string, body []byte) string {
	raw, err := hex.DecodeString(sig)
	if err != nil || len(raw) != ed25519.SignatureSize {
		return "signature"
	}
	msg := make([]byte, 0, len(ts)+len(body))
	msg = append(append(msg, ts...), body...)
	if !ed25519.Verify(e.key, msg, raw) {
		return "signature"
	}
	// Checked after the signature, so that the timestamp is Discord's.
	secs, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return "stale" // signed, but not a time: not Discord's
	}
	skew := e.cfg.Now().Sub(time.Unix(secs, 0))
	if skew > e.cfg.MaxSkew || skew < -e.cfg.MaxSkew {
		return "stale"
	}
	return ""
}

// writeResponse writes an interaction response as the reply and flushes it,
// so that Discord has the first answer before any edit is sent.
func writeResponse(w http.ResponseWriter, resp *discordgo.InteractionResponse) error {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(resp); err != nil {
		http.Error(w, "cannot encode the answer", http.StatusInternalServerError)
		return fmt.Errorf("discord: encoding the answer: %w", err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("discord: writing the answer: %w", err)
	}
	if err := http.NewResponseController(w).Flush(); err != nil {
		return fmt.Errorf("discord: sending the answer: %w", err)
	}
	return nil
}

// firstAnswer is a handler's first answer on its way to the HTTP reply.
type firstAnswer struct {
	resp *discordgo.InteractionResponse
	sent chan error // buffered: the result of writing the reply
}

// httpResponder answers an HTTP interaction: the first answer becomes the
// reply to Discord's request; edits and follow-ups go through the REST
// webhook endpoints like the gateway's, and so does a second initial
// answer, which Discord refuses as it would over the gateway (40060).
type httpResponder struct {
	responder                  // Edit, FollowUp, and late initial answers
	answers   chan firstAnswer // unbuffered: taken only while the request waits
	gone      chan struct{}    // closed once the request no longer waits
	used      atomic.Bool      // an initial answer was given
}

var _ Responder = (*httpResponder)(nil)

func (r *httpResponder) Defer(ctx context.Context) error {
	return r.initial(ctx, deferResponse(), "defer")
}

func (r *httpResponder) Respond(ctx context.Context, m Message) error {
	return r.initial(ctx, messageResponse(m), "respond")
}

func (r *httpResponder) Autocomplete(ctx context.Context, choices []*discordgo.ApplicationCommandOptionChoice) error {
	return r.initial(ctx, autocompleteResponse(choices), "autocomplete")
}

func (r *httpResponder) initial(ctx context.Context, resp *discordgo.InteractionResponse, what string) error {
	if r.used.Swap(true) {
		return r.callback(ctx, resp, what)
	}
	a := firstAnswer{resp: resp, sent: make(chan error, 1)}
	select {
	case r.answers <- a:
	case <-r.gone:
		return fmt.Errorf("discord: %s: the interaction's request was already closed (answered too late?)", what)
	case <-ctx.Done():
		return fmt.Errorf("discord: %s: %w", what, ctx.Err())
	}
	if err := <-a.sent; err != nil {
		return fmt.Errorf("discord: %s: %w", what, err)
	}
	return nil
}
