package llm

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"
)

// call runs one Complete or Stream (onDelta != nil) through budgets, the
// breaker, the slot queue and the retry loop.
func (c *Client) call(ctx context.Context, req Request, onDelta func(string)) (Response, error) {
	if len(req.Messages) == 0 {
		return Response{}, errors.New("llm: request has no messages")
	}
	if err := ctx.Err(); err != nil {
		return Response{}, fmt.Errorf("llm: %w", err)
	}
	if c.budget.enforced() && req.MaxTokens <= 0 {
		req.MaxTokens = budgetAnswerCap
	}
	res, err := c.budget.reserve(ctx, req.Guild, worstCase(req))
	if err != nil {
		return Response{}, err
	}
	// spent is what the call used, set once it is known; the reservation is
	// settled on every path out, a refusal or a failure included.
	var spent *Usage
	defer func() { c.settle(ctx, res, req.Guild, spent) }()

	ok, probe, until := c.breaker.allow(c.now())
	if !ok {
		if until.IsZero() {
			return Response{}, fmt.Errorf("%w; a trial call is checking whether the endpoint is back", ErrCircuitOpen)
		}
		// Rounded up: "next try in 0s" would invite a retry that fails too.
		wait := until.Sub(c.now())
		return Response{}, fmt.Errorf("%w; next try in %s", ErrCircuitOpen, (wait + time.Second - 1).Truncate(time.Second))
	}
	result := outcomeNeutral
	defer func() { c.breaker.done(c.now(), probe, result) }()

	if err := c.slots.acquire(ctx); err != nil {
		return Response{}, err
	}
	defer c.slots.release()

	resp, delivered, err := c.retry(ctx, req, onDelta)
	result = outcomeOf(err)
	switch {
	case err == nil:
		spent = &resp.Usage
	case delivered:
		// Tokens were spent on the part already handed to the caller.
		u := estimateUsage(req.Messages, resp.Content)
		spent = &u
	}
	return resp, err
}

// retry makes attempts until one succeeds, an error is final, the retries run
// out or the caller's deadline is near. Running out of retries on failures
// that retrying could fix (5xx, 429, timeouts, broken connections) means the
// endpoint is unavailable for now: those errors wrap ErrUnavailable, so
// callers can fall back, while 4xx errors such as a bad key do not.
func (c *Client) retry(ctx context.Context, req Request, onDelta func(string)) (Response, bool, error) {
	mode := JSONModeNone
	if req.Schema != nil {
		mode = c.json.current()
	}
	attempts := 0
	for retries := 0; ; {
		attempts++
		var (
			resp      Response
			delivered bool
			err       error
		)
		if onDelta == nil {
			resp, err = c.completeOnce(ctx, req, mode)
		} else {
			resp, delivered, err = c.streamOnce(ctx, req, mode, onDelta)
		}
		if err == nil {
			return resp, false, nil
		}
		if ctx.Err() != nil {
			return resp, delivered, fmt.Errorf("llm: %w after %d attempt(s); last error: %w", ctx.Err(), attempts, err)
		}
		var se *StatusError
		errors.As(err, &se)
		if req.Schema != nil && se != nil && formatRejected(se) {
			if next, ok := c.json.stepDown(mode); ok {
				c.log.Warn("llm: server rejected the JSON mode; stepping down",
					slog.String("from", mode), slog.String("to", next), slog.String("error", se.Error()))
				mode = next
				continue
			}
		}
		if delivered || !retryable(err) {
			return resp, delivered, err
		}
		if retries >= c.cfg.MaxRetries {
			return resp, false, fmt.Errorf("llm: giving up after %d attempt(s): %w: %w", attempts, ErrUnavailable, err)
		}
		wait, fromServer := c.backoff(retries), false
		if se != nil && se.RetryAfter > 0 {
			wait, fromServer = se.RetryAfter, true
		}
		if fromServer && wait > c.maxRetryAfter {
			return resp, false, fmt.Errorf("llm: the server asked to wait %s before retrying; giving up: %w: %w", wait, ErrUnavailable, err)
		}
		if deadline, ok := ctx.Deadline(); ok {
			if left := time.Until(deadline); wait >= left {
				if fromServer {
					return resp, false, fmt.Errorf("llm: the server asked to wait %s before retrying, but the deadline is %s away: %w: %w",
						wait, left.Round(time.Millisecond), ErrUnavailable, err)
				}
				return resp, false, fmt.Errorf("llm: no time left to retry (deadline %s away): %w: %w", left.Round(time.Millisecond), ErrUnavailable, err)
			}
		}
		retries++
		c.log.Info("llm: attempt failed; retrying",
			slog.Int("attempt", attempts), slog.Duration("wait", wait), slog.String("error", err.Error()))
		if serr := sleep(ctx, wait); serr != nil {
			return resp, false, fmt.Errorf("llm: %w while waiting to retry; last error: %w", serr, err)
		}
	}
}

// backoff is the wait before retry n (0-based): exponential, capped, with
// "equal jitter" (half fixed, half random) so callers spread out.
func (c *Client) backoff(n int) time.Duration {
	d := c.backoffBase << min(n, 16)
	if d > c.backoffMax || d <= 0 {
		d = c.backoffMax
	}
	half := d / 2
	if half <= 0 {
		return d
	}
	return half + rand.N(half+1)
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// outcomeOf tells the breaker what a finished call says about the endpoint.
func outcomeOf(err error) outcome {
	if err == nil {
		return outcomeSuccess
	}
	if errors.Is(err, context.Canceled) {
		return outcomeNeutral
	}
	var se *StatusError
	if errors.As(err, &se) {
		if se.countsAgainstEndpoint() {
			return outcomeFailure
		}
		return outcomeNeutral
	}
	if retryable(err) {
		return outcomeFailure
	}
	return outcomeNeutral
}
