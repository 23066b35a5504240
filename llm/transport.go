package llm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// maxBodyBytes caps how much of a non-streaming answer the transport keeps.
const maxBodyBytes = 16 << 20

// exchange is what the transport learns about one HTTP attempt that go-openai
// does not tell us: the status, the headers and, for non-streaming answers, the
// raw body. It travels to the transport through the request context, one per
// attempt, so concurrent calls never share one.
type exchange struct {
	// Set by the caller before the attempt.
	sendZeroTemperature bool // add "temperature":0, which go-openai omits
	keepBody            bool // buffer a 2xx body so we can look for an "error" object

	mu     sync.Mutex
	status int
	header http.Header
	body   []byte
}

func (e *exchange) record(status int, header http.Header, body []byte) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.status, e.header, e.body = status, header, body
}

func (e *exchange) snapshot() (int, http.Header, []byte) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.status, e.header, e.body
}

type exchangeKey struct{}

func withExchange(ctx context.Context, ex *exchange) context.Context {
	return context.WithValue(ctx, exchangeKey{}, ex)
}

// transport wraps the real RoundTripper to fix the request body and to keep
// what go-openai hides from us (headers such as Retry-After, raw bodies).
type transport struct {
	base http.RoundTripper
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ex, _ := req.Context().Value(exchangeKey{}).(*exchange)
	if ex == nil {
		return t.base.RoundTrip(req)
	}
	if ex.sendZeroTemperature && req.Body != nil {
		body, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("llm: cannot read request body: %w", err)
		}
		body = addZeroTemperature(body)
		// RoundTrippers must not modify the caller's request.
		r2 := req.Clone(req.Context())
		r2.Body = io.NopCloser(bytes.NewReader(body))
		r2.ContentLength = int64(len(body))
		r2.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		req = r2
	}
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	if ex.keepBody && resp.StatusCode >= 200 && resp.StatusCode < 300 {
		body, err := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes+1))
		_ = resp.Body.Close()
		if err != nil {
			return nil, err
		}
		if len(body) > maxBodyBytes {
			return nil, fmt.Errorf("%w (over %d bytes)", errBodyTooLarge, maxBodyBytes)
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		ex.record(resp.StatusCode, resp.Header, body)
		return resp, nil
	}
	ex.record(resp.StatusCode, resp.Header, nil)
	return resp, nil
}

// closingDoer sits between go-openai and the http.Client. go-openai does
// not close the body of an error answer to a streaming request; with a
// Client.Timeout and a wrapped Transport, net/http then keeps a timer
// goroutine alive until the timeout. Reading and closing error bodies here
// ends it with the call.
type closingDoer struct {
	client *http.Client
}

func (d closingDoer) Do(req *http.Request) (*http.Response, error) {
	resp, err := d.client.Do(req)
	if err != nil || (resp.StatusCode >= 200 && resp.StatusCode < 400) {
		return resp, err
	}
	body, rerr := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	_ = resp.Body.Close()
	if rerr != nil {
		return nil, rerr
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// addZeroTemperature inserts "temperature":0 into a JSON object that has no
// temperature key. go-openai drops Temperature when it is zero (omitempty),
// and servers then use their own default (Ollama: 0.8 to 1.0).
func addZeroTemperature(body []byte) []byte {
	var top map[string]json.RawMessage
	if json.Unmarshal(body, &top) != nil {
		return body
	}
	if _, ok := top["temperature"]; ok {
		return body
	}
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	rest := bytes.TrimLeft(trimmed[1:], " \t\r\n")
	out := make([]byte, 0, len(body)+20)
	out = append(out, `{"temperature":0`...)
	if len(rest) > 0 && rest[0] != '}' {
		out = append(out, ',')
	}
	return append(out, rest...)
}

// parseRetryAfter reads Retry-After (delay-seconds or an HTTP-date) and the
// non-standard retry-after-ms that OpenAI also sends. ok is false when the
// server gave no usable hint.
func parseRetryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	if h == nil {
		return 0, false
	}
	if v := strings.TrimSpace(h.Get("Retry-After-Ms")); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil {
			if d, ok := durationOf(ms, time.Millisecond); ok {
				return d, true
			}
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		return durationOf(secs, time.Second)
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}

// durationOf converts n units to a Duration. NaN and negative values are no
// hint; a value past what a Duration holds (ParseFloat accepts "Inf" and
// "1e30") becomes the longest Duration, so the retry loop gives up rather
// than read an overflowed, negative wait as no hint at all.
func durationOf(n float64, unit time.Duration) (time.Duration, bool) {
	if math.IsNaN(n) || n < 0 {
		return 0, false
	}
	if f := n * float64(unit); f < math.MaxInt64 {
		return time.Duration(f), true
	}
	return math.MaxInt64, true
}

var errBodyTooLarge = errors.New("llm: answer too large")
