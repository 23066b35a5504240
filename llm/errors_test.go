package llm

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"testing"
)

func TestClassify(t *testing.T) {
	t.Parallel()
	wrap := func(err error) error { return fmt.Errorf("summarize doc: %w", err) }
	for _, tc := range []struct {
		name      string
		err       error
		want      Kind
		temporary bool
	}{
		{"busy", wrap(fmt.Errorf("%w (64 already waiting)", ErrBusy)), KindBusy, true},
		{"retries ran out", wrap(fmt.Errorf("llm: giving up: %w: %w", ErrUnavailable, &StatusError{Code: 503})), KindUnavailable, true},
		{"circuit open", wrap(ErrCircuitOpen), KindUnavailable, true},
		{"bare 429", &StatusError{Code: 429}, KindUnavailable, true},
		{"connection refused", &net.OpError{Op: "dial", Err: errors.New("connection refused")}, KindUnavailable, true},
		{"stream cut after delivery", fmt.Errorf("llm: %w", errStreamCut), KindUnavailable, true},
		{"deadline", wrap(fmt.Errorf("llm: %w after 2 attempt(s); last error: %w", context.DeadlineExceeded, &StatusError{Code: 401})), KindTimeout, true},
		{"canceled", wrap(context.Canceled), KindCanceled, true},
		{"budget", wrap(fmt.Errorf("%w: used up", ErrBudgetExhausted)), KindBudgetSpent, false},
		{"401", wrap(&StatusError{Code: 401}), KindBadCredentials, false},
		{"403", &StatusError{Code: 403}, KindBadCredentials, false},
		{"unknown model", &StatusError{Code: 404, Message: "model not found"}, KindRejected, false},
		{"bad request", &StatusError{Code: 400}, KindRejected, false},
		{"error in a 200", &StatusError{Code: 200, ErrorCode: "content_filter"}, KindRejected, false},
		{"unusable", wrap(fmt.Errorf("%w: invalid JSON twice", ErrUnusableAnswer)), KindUnusable, false},
		{"other", errors.New("template: no such field"), KindOther, false},
		{"nil", nil, KindOther, false},
	} {
		if got := Classify(tc.err); got != tc.want {
			t.Errorf("%s: Classify = %v, want %v", tc.name, got, tc.want)
		}
		if got := Temporary(tc.err); got != tc.temporary {
			t.Errorf("%s: Temporary = %v, want %v", tc.name, got, tc.temporary)
		}
	}
}

// What the client itself returns is classified as the caller needs it.
func TestClassifyClientErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		status int
		want   Kind
	}{{401, KindBadCredentials}, {404, KindRejected}, {503, KindUnavailable}} {
		f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) { apiError(w, tc.status, "no", "") })
		c := newTestClient(t, Config{BaseURL: f.url(), MaxRetries: 1}, nil)
		_, err := c.Complete(context.Background(), userReq("hi"))
		if got := Classify(err); got != tc.want {
			t.Errorf("%d: Classify(%v) = %v, want %v", tc.status, err, got, tc.want)
		}
	}
}
