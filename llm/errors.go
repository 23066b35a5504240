package llm

import (
	"context"
	"errors"
	"fmt"
)

// Errors callers branch on. Each is wrapped with context; test with errors.Is,
// or ask Classify what kind of failure an error is.
var (
	// ErrBusy: too many callers are already waiting for a slot.
	ErrBusy = errors.New("llm: too many requests waiting")
	// ErrBudgetExhausted: the daily token budget (overall or the guild's) is
	// spent, or what is left cannot cover the request.
	ErrBudgetExhausted = errors.New("llm: daily token budget spent")
	// ErrUnavailable: the endpoint kept failing (every retry of this call
	// failed, or the circuit is open after repeated failures); try later.
	ErrUnavailable = errors.New("llm: endpoint unavailable")
	// ErrCircuitOpen: calls are refused without trying, for a cool-down,
	// after repeated failures. It is an ErrUnavailable too.
	ErrCircuitOpen = fmt.Errorf("%w: the circuit is open after repeated failures", ErrUnavailable)
	// ErrUnusableAnswer: the model answered, but not in a form the caller
	// can use (invalid JSON even after a repair request, an answer cut off
	// at the token limit). The client never returns it; callers that parse
	// answers wrap it, so that Classify knows their failure too.
	ErrUnusableAnswer = errors.New("llm: the model's answer was unusable")
)

// Kind is what an LLM failure means for the caller: whether trying again
// can help, and what should change otherwise.
type Kind int

const (
	// KindOther is a failure this package does not recognise (a bug, a
	// prompt that would not render): nothing a user can do about it.
	KindOther Kind = iota
	// KindBusy: the client's queue is full. Trying again in a minute helps.
	KindBusy
	// KindUnavailable: the endpoint is down, overloaded or rate limiting
	// (retries ran out, or the circuit is open). Trying again later helps.
	KindUnavailable
	// KindTimeout: a deadline passed before the answer came. Trying again
	// may help, or asking for less.
	KindTimeout
	// KindCanceled: the caller gave up (shutdown, the user left).
	KindCanceled
	// KindBudgetSpent: the daily token budget cannot cover the request.
	// Trying again today does not help, unless it is raised.
	KindBudgetSpent
	// KindBadCredentials: the endpoint refused the API key (401, 403). Only
	// the operator can fix it.
	KindBadCredentials
	// KindRejected: the endpoint rejected the request itself (unknown model,
	// wrong base URL, a request it cannot serve). A setting must change.
	KindRejected
	// KindUnusable: the model answered, but the answer could not be used
	// even after a repair request (see ErrUnusableAnswer).
	KindUnusable
)

func (k Kind) String() string {
	switch k {
	case KindBusy:
		return "busy"
	case KindUnavailable:
		return "unavailable"
	case KindTimeout:
		return "timeout"
	case KindCanceled:
		return "canceled"
	case KindBudgetSpent:
		return "budget spent"
	case KindBadCredentials:
		return "bad credentials"
	case KindRejected:
		return "rejected"
	case KindUnusable:
		return "unusable answer"
	}
	return "other"
}

// Classify says what kind of failure err is. It is the one place that
// decides this: callers choose their wording, fallbacks and retries from
// the Kind rather than testing sentinel errors themselves. A nil error is
// KindOther.
func Classify(err error) Kind {
	if err == nil {
		return KindOther
	}
	// The sentinels come first: they carry the client's verdict on the
	// whole call, while the errors they wrap describe its last attempt.
	switch {
	case errors.Is(err, ErrBudgetExhausted):
		return KindBudgetSpent
	case errors.Is(err, ErrBusy):
		return KindBusy
	case errors.Is(err, ErrUnavailable):
		return KindUnavailable
	case errors.Is(err, ErrUnusableAnswer):
		return KindUnusable
	case errors.Is(err, context.DeadlineExceeded):
		return KindTimeout
	case errors.Is(err, context.Canceled):
		return KindCanceled
	}
	var se *StatusError
	if errors.As(err, &se) {
		switch {
		case se.Code == 401 || se.Code == 403:
			return KindBadCredentials
		case se.Temporary():
			return KindUnavailable
		}
		return KindRejected
	}
	if retryable(err) { // a broken connection, a stream cut short
		return KindUnavailable
	}
	return KindOther
}

// Temporary reports whether trying the same thing again later may succeed:
// the client was busy, the endpoint down, a deadline passed or the caller
// gave up. A spent budget, a refused key, a rejected request and an
// unusable answer are not temporary.
func Temporary(err error) bool {
	switch Classify(err) {
	case KindBusy, KindUnavailable, KindTimeout, KindCanceled:
		return true
	}
	return false
}
