package discord

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// fuzzEndpoint is an endpoint with a handler that answers at once, set
// without Open (no Discord needed), and the private key that signs for it.
func fuzzEndpoint(f *testing.F, calls *atomic.Int64) (*Endpoint, ed25519.PrivateKey, time.Time) {
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		f.Fatal(err)
	}
	now := time.Unix(1_800_000_000, 0)
	e, err := NewEndpoint(EndpointConfig{Token: "t", PublicKey: hex.EncodeToString(pub), MaxBody: 1 << 12, Now: func() time.Time { return now }, Logger: quietLogger()})
	if err != nil {
		f.Fatal(err)
	}
	e.handler.Store(&handlerBox{h: scripted{run: func(i *discordgo.Interaction, r Responder) {
		calls.Add(1)
		_ = r.Respond(f.Context(), Message{Content: "ok"})
	}}})
	return e, priv, now
}

// Whatever arrives, the endpoint answers without panicking, and nothing
// unsigned reaches the handler.
func FuzzEndpointUnsigned(f *testing.F) {
	var calls atomic.Int64
	e, _, _ := fuzzEndpoint(f, &calls)
	f.Add([]byte(`{"type":1}`), "00", "1800000000")
	f.Add([]byte(`{"type":2,"id":"1","data":{"name":"x"}}`), string(bytes.Repeat([]byte("ab"), 64)), "x")
	f.Fuzz(func(t *testing.T, body []byte, sig, ts string) {
		req := httptest.NewRequest(http.MethodPost, "/interactions", bytes.NewReader(body))
		req.Header.Set("X-Signature-Ed25519", sig)
		req.Header.Set("X-Signature-Timestamp", ts)
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		if rec.Code != http.StatusUnauthorized && rec.Code != http.StatusRequestEntityTooLarge {
			t.Errorf("unsigned request answered %d", rec.Code)
		}
		if calls.Load() != 0 {
			t.Fatal("an unsigned request reached the handler")
		}
	})
}

// Signed bodies of any shape are parsed without panicking: an interaction
// is answered, anything else is refused with 400.
func FuzzEndpointSigned(f *testing.F) {
	var calls atomic.Int64
	e, priv, now := fuzzEndpoint(f, &calls)
	f.Add([]byte(`{"type":1}`))
	f.Add([]byte(`{"type":2,"id":"1","token":"t","data":{"name":"summarize","options":[{"name":"article","type":3,"value":"x"}]}}`))
	f.Add([]byte(`{"type":3,"data":{"custom_id":"sum:x","component_type":2}}`))
	f.Add([]byte(`{"type":4,"data":{"options":[{"focused":true}]}}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		ts := strconv.FormatInt(now.Unix(), 10)
		sig := ed25519.Sign(priv, append([]byte(ts), body...))
		req := httptest.NewRequest(http.MethodPost, "/interactions", bytes.NewReader(body))
		req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(sig))
		req.Header.Set("X-Signature-Timestamp", ts)
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusInternalServerError:
		default:
			t.Errorf("signed %q answered %d %s", body, rec.Code, rec.Body)
		}
	})
}

// BenchmarkEndpointVerify is the CPU one request's signature and
// timestamp check costs.
func BenchmarkEndpointVerify(b *testing.B) {
	pub, priv, _ := ed25519.GenerateKey(nil)
	now := time.Now()
	e, err := NewEndpoint(EndpointConfig{Token: "t", PublicKey: hex.EncodeToString(pub), Now: func() time.Time { return now }})
	if err != nil {
		b.Fatal(err)
	}
	body := []byte(`{"type":2,"id":"1","token":"t","data":{"name":"summarize","options":[{"name":"article","type":3,"value":"doc-00001"}]}}`)
	ts := strconv.FormatInt(now.Unix(), 10)
	sig := hex.EncodeToString(ed25519.Sign(priv, append([]byte(ts), body...)))
	for b.Loop() {
		if why := e.verify(sig, ts, body); why != "" {
			b.Fatal(why)
		}
	}
}
