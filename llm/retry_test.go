package llm

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestRetriesTransientErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status []int // answers before the success
	}{
		{"429", []int{429}},
		{"500", []int{500}},
		{"502 503 504", []int{502, 503, 504}},
		{"408", []int{408}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if n <= len(tc.status) {
					apiError(w, tc.status[n-1], "try later", "")
					return
				}
				completion(w, "ok", "stop", true)
			})
			c := newTestClient(t, Config{BaseURL: f.url()}, nil)
			resp, err := c.Complete(context.Background(), userReq("hi"))
			if err != nil {
				t.Fatal(err)
			}
			if resp.Content != "ok" {
				t.Errorf("content = %q", resp.Content)
			}
			if got, want := int(f.calls.Load()), len(tc.status)+1; got != want {
				t.Errorf("calls = %d, want %d", got, want)
			}
		})
	}
}

func TestRetriesRunOut(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		apiError(w, 503, "overloaded", "")
	})
	c := newTestClient(t, Config{BaseURL: f.url(), MaxRetries: 2}, nil)
	_, err := c.Complete(context.Background(), userReq("hi"))
	var se *StatusError
	if !errors.As(err, &se) || se.Code != 503 {
		t.Fatalf("err = %v, want a 503 StatusError", err)
	}
	if !strings.Contains(err.Error(), "giving up after 3 attempt") {
		t.Errorf("err = %v", err)
	}
	// Out of retries on a server error, the endpoint counts as unavailable,
	// so callers may fall back.
	if !errors.Is(err, ErrUnavailable) || errors.Is(err, ErrCircuitOpen) {
		t.Errorf("err = %v, want ErrUnavailable but not ErrCircuitOpen", err)
	}
	if got := f.calls.Load(); got != 3 {
		t.Errorf("calls = %d, want 3", got)
	}
}

func TestNoRetryOnClientErrors(t *testing.T) {
	for _, tc := range []struct {
		status int
		msg    string
		want   string
	}{
		{400, "bad messages", "LLM endpoint rejected the request (400): bad messages"},
		{401, "Incorrect API key provided", "LLM endpoint rejected the API key (401)"},
		{403, "forbidden", "LLM endpoint refused access (403)"},
		{404, "The model `test-model` does not exist", `unknown model "test-model" (404)`},
		{422, "unprocessable", "(422)"},
	} {
		t.Run(http.StatusText(tc.status), func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
				apiError(w, tc.status, tc.msg, "")
			})
			c := newTestClient(t, Config{BaseURL: f.url()}, nil)
			_, err := c.Complete(context.Background(), userReq("hi"))
			var se *StatusError
			if !errors.As(err, &se) || se.Code != tc.status {
				t.Fatalf("err = %v, want StatusError %d", err, tc.status)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %q, want it to contain %q", err, tc.want)
			}
			if got := f.calls.Load(); got != 1 {
				t.Errorf("calls = %d, want 1", got)
			}
			if errors.Is(err, ErrUnavailable) {
				t.Errorf("a client error must not read as an unavailable endpoint (no offline fallback for a bad key): %v", err)
			}
		})
	}
}

func TestWrongPath404(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		http.NotFound(w, r) // "404 page not found", as Go servers and Ollama's root say
	})
	c := newTestClient(t, Config{BaseURL: f.srv.URL}, nil)
	_, err := c.Complete(context.Background(), userReq("hi"))
	if err == nil || !strings.Contains(err.Error(), "/v1") {
		t.Errorf("err = %v, want advice about /v1", err)
	}
}

func TestRetryOnConnectionError(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err != nil {
				t.Error(err)
				return
			}
			conn.Close() // reset without an answer
			return
		}
		completion(w, "ok", "stop", true)
	})
	c := newTestClient(t, Config{BaseURL: f.url()}, nil)
	if _, err := c.Complete(context.Background(), userReq("hi")); err != nil {
		t.Fatal(err)
	}
	if got := f.calls.Load(); got != 2 {
		t.Errorf("calls = %d, want 2", got)
	}
}

func TestRetryOnAttemptTimeout(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
			return
		}
		completion(w, "ok", "stop", true)
	})
	c := newTestClient(t, Config{BaseURL: f.url(), Timeout: 100 * time.Millisecond}, nil)
	start := time.Now()
	if _, err := c.Complete(context.Background(), userReq("hi")); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("took %s", el)
	}
	if got := f.calls.Load(); got != 2 {
		t.Errorf("calls = %d, want 2", got)
	}
}

func TestRetryAfterSeconds(t *testing.T) {
	for _, secs := range []string{"0", "1"} {
		t.Run(secs, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if n == 1 {
					w.Header().Set("Retry-After", secs)
					apiError(w, 429, "slow down", "rate_limit_exceeded")
					return
				}
				completion(w, "ok", "stop", true)
			})
			c := newTestClient(t, Config{BaseURL: f.url()}, nil)
			start := time.Now()
			if _, err := c.Complete(context.Background(), userReq("hi")); err != nil {
				t.Fatal(err)
			}
			el := time.Since(start)
			if secs == "1" && (el < 950*time.Millisecond || el > 3*time.Second) {
				t.Errorf("took %s, want about 1s", el)
			}
			if secs == "0" && el > 500*time.Millisecond {
				t.Errorf("took %s, want no real wait", el)
			}
			if got := f.calls.Load(); got != 2 {
				t.Errorf("calls = %d, want 2", got)
			}
		})
	}
}

func TestRetryAfterHTTPDate(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			w.Header().Set("Retry-After", now.Add(time.Second).Format(http.TimeFormat))
			apiError(w, 503, "maintenance", "")
			return
		}
		completion(w, "ok", "stop", true)
	})
	c := newTestClient(t, Config{BaseURL: f.url(), Now: func() time.Time { return now }}, nil)
	start := time.Now()
	if _, err := c.Complete(context.Background(), userReq("hi")); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el < 950*time.Millisecond || el > 3*time.Second {
		t.Errorf("took %s, want about 1s", el)
	}
}

func TestRetryAfterBeyondDeadlineFailsAtOnce(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Retry-After", "30")
		apiError(w, 429, "quota", "rate_limit_exceeded")
	})
	c := newTestClient(t, Config{BaseURL: f.url()}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	_, err := c.Complete(ctx, userReq("hi"))
	if el := time.Since(start); el > 500*time.Millisecond {
		t.Errorf("took %s, want an immediate failure", el)
	}
	var se *StatusError
	if !errors.As(err, &se) || se.Code != 429 || se.RetryAfter != 30*time.Second {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), "asked to wait 30s") {
		t.Errorf("err = %q", err)
	}
	if got := f.calls.Load(); got != 1 {
		t.Errorf("calls = %d, want 1", got)
	}
}

func TestDeadlineRespected(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	})
	c := newTestClient(t, Config{BaseURL: f.url(), Timeout: 10 * time.Second}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Complete(ctx, userReq("hi"))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want DeadlineExceeded", err)
	}
	if el := time.Since(start); el > time.Second {
		t.Errorf("took %s", el)
	}
}

func TestAPIKeyNeverInErrorsOrLogs(t *testing.T) {
	const key = "sk-proj-SECRETsecret0123456789"
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch n {
		case 1:
			apiError(w, 500, "upstream said: bad key "+key, "")
		case 2:
			apiError(w, 503, "Incorrect API key provided: sk-proj-****6789", "")
		default:
			apiError(w, 401, "Incorrect API key provided: "+key, "invalid_api_key")
		}
	})
	var logs bytes.Buffer
	c := newTestClient(t, Config{BaseURL: f.url(), APIKey: key,
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}, nil)
	_, err := c.Complete(context.Background(), userReq("hi"))
	if err == nil {
		t.Fatal("want an error")
	}
	for _, s := range []string{err.Error(), logs.String()} {
		if strings.Contains(s, key) || strings.Contains(s, "SECRET") || strings.Contains(s, "****6789") {
			t.Errorf("key leaked: %s", s)
		}
	}
	if !strings.Contains(err.Error(), "rejected the API key (401)") {
		t.Errorf("err = %q", err)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		h    http.Header
		want time.Duration
		ok   bool
	}{
		{http.Header{"Retry-After": {"3"}}, 3 * time.Second, true},
		{http.Header{"Retry-After": {"0"}}, 0, true},
		{http.Header{"Retry-After": {"1.5"}}, 1500 * time.Millisecond, true},
		{http.Header{"Retry-After": {now.Add(90 * time.Second).Format(http.TimeFormat)}}, 90 * time.Second, true},
		{http.Header{"Retry-After": {now.Add(-time.Hour).Format(http.TimeFormat)}}, 0, true},
		{http.Header{"Retry-After-Ms": {"250"}, "Retry-After": {"1"}}, 250 * time.Millisecond, true},
		{http.Header{"Retry-After": {"soon"}}, 0, false},
		{http.Header{"Retry-After": {"-1"}}, 0, false},
		{http.Header{"Retry-After": {"NaN"}}, 0, false},
		{http.Header{"Retry-After": {"Inf"}}, math.MaxInt64, true},
		{http.Header{"Retry-After": {"1e30"}}, math.MaxInt64, true},
		{http.Header{"Retry-After-Ms": {"NaN"}, "Retry-After": {"2"}}, 2 * time.Second, true},
		{http.Header{}, 0, false},
	} {
		got, ok := parseRetryAfter(tc.h, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%v: got %s %v, want %s %v", tc.h, got, ok, tc.want, tc.ok)
		}
	}
}

// A Retry-After too large for a Duration is a wait too long, not no hint.
func TestHugeRetryAfterGivesUp(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Retry-After", "1e30")
		apiError(w, 429, "slow down", "rate_limit_exceeded")
	})
	c := newTestClient(t, Config{BaseURL: f.url()}, nil)
	_, err := c.Complete(context.Background(), userReq("hi"))
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "asked to wait") || f.calls.Load() != 1 {
		t.Fatalf("err = %v after %d calls, want one call and ErrUnavailable", err, f.calls.Load())
	}
}

func TestBackoffGrowsWithJitter(t *testing.T) {
	c := New(Config{BaseURL: "http://x/v1"}, nil)
	for n := 0; n < 8; n++ {
		full := min(c.backoffBase<<n, c.backoffMax)
		for range 50 {
			d := c.backoff(n)
			if d < full/2 || d > full {
				t.Fatalf("backoff(%d) = %s, want in [%s, %s]", n, d, full/2, full)
			}
		}
	}
}

func TestNotFoundMessagesTellPathFromModel(t *testing.T) {
	for msg, wrongPath := range map[string]bool{
		"":                   true,
		"404 page not found": true,
		"no route for POST /chat/completions; the base URL ends in /v1 (GET /v1/models)": true,
		`model "llama9" not found, try pulling it first`:                                 false,
		"The model `gpt-9` does not exist":                                               false,
	} {
		e := &StatusError{Code: 404, Message: msg, Model: "m"}
		if got := e.looksLikeWrongPath(); got != wrongPath {
			t.Errorf("%q: wrong path = %v, want %v (%s)", msg, got, wrongPath, e.Error())
		}
	}
}
