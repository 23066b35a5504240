package discordfake

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// signer holds the fake application's Ed25519 key pair, made on first use:
// Discord signs every HTTP interaction with the private half, and the
// endpoint checks it with the public half (DISCORD_PUBLIC_KEY).
type signer struct {
	once sync.Once
	pub  ed25519.PublicKey
	priv ed25519.PrivateKey
}

func (s *signer) keys() (ed25519.PublicKey, ed25519.PrivateKey) {
	s.once.Do(func() {
		var err error
		s.pub, s.priv, err = ed25519.GenerateKey(rand.Reader)
		if err != nil {
			panic("discordfake: cannot make a key pair: " + err.Error())
		}
	})
	return s.pub, s.priv
}

// PublicKey is the application's public key in hex, for DISCORD_PUBLIC_KEY.
func (f *Server) PublicKey() string {
	pub, _ := f.signer.keys()
	return hex.EncodeToString(pub)
}

// Sign returns the X-Signature-Ed25519 value Discord would send for body
// with the timestamp at (Unix seconds, as X-Signature-Timestamp).
func (f *Server) Sign(body []byte, at time.Time) (signature, timestamp string) {
	_, priv := f.signer.keys()
	timestamp = strconv.FormatInt(at.Unix(), 10)
	msg := append([]byte(timestamp), body...)
	return hex.EncodeToString(ed25519.Sign(priv, msg)), timestamp
}

// SignedRequest builds the POST Discord sends to an Interactions Endpoint
// URL: interaction (any JSON value) as the body, signed now.
func (f *Server) SignedRequest(ctx context.Context, endpointURL string, interaction any) (*http.Request, error) {
	body, err := json.Marshal(interaction)
	if err != nil {
		return nil, fmt.Errorf("discordfake: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpointURL, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("discordfake: %w", err)
	}
	sig, ts := f.Sign(body, time.Now())
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Discord-Interactions/1.0 (+https://discord.com)")
	req.Header.Set("X-Signature-Ed25519", sig)
	req.Header.Set("X-Signature-Timestamp", ts)
	return req, nil
}

// InteractionResponse is an endpoint's answer to an interaction POST.
type InteractionResponse struct {
	Status int
	Body   []byte
	// Type is the interaction response type (1 PONG, 4 message, 5
	// deferred, 8 autocomplete); 0 when the body is not one.
	Type int
	// Data is the response's data object, or nil.
	Data json.RawMessage
}

// PostInteraction POSTs interaction, signed, to endpointURL with client
// (nil: http.DefaultClient) and returns the answer: how Discord delivers an
// interaction to an HTTP endpoint.
func (f *Server) PostInteraction(ctx context.Context, client *http.Client, endpointURL string, interaction any) (InteractionResponse, error) {
	if client == nil {
		client = http.DefaultClient
	}
	req, err := f.SignedRequest(ctx, endpointURL, interaction)
	if err != nil {
		return InteractionResponse{}, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return InteractionResponse{}, fmt.Errorf("discordfake: posting the interaction: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return InteractionResponse{}, fmt.Errorf("discordfake: reading the answer: %w", err)
	}
	out := InteractionResponse{Status: resp.StatusCode, Body: body}
	var parsed struct {
		Type int             `json:"type"`
		Data json.RawMessage `json:"data"`
	}
	if json.Unmarshal(body, &parsed) == nil {
		out.Type, out.Data = parsed.Type, parsed.Data
	}
	return out, nil
}

// application answers GET /applications/@me: the fake application and its
// bot user.
func (f *Server) application(w http.ResponseWriter, r *http.Request) {
	f.record(r)
	f.delay(r)
	writeJSON(w, http.StatusOK, map[string]any{
		"id":         f.AppID,
		"name":       "geobrief",
		"verify_key": f.PublicKey(),
		"bot":        map[string]any{"id": f.BotUserID, "username": "geobrief", "discriminator": "0", "bot": true},
	})
}
