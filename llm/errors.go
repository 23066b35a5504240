package llm

import (
	"errors"
	"fmt"
)

// Errors callers branch on. Each is wrapped with context; test with errors.Is.
var (
	// ErrBusy: too many callers are already waiting for a slot.
	ErrBusy = errors.New("llm: too many requests waiting")
	// ErrBudgetExhausted: the daily token budget (overall or the guild's) is spent.
	ErrBudgetExhausted = errors.New("llm: daily token budget spent")
	// ErrUnavailable: the endpoint kept failing (every retry of this call
	// failed, or the circuit is open after repeated failures); try later.
	ErrUnavailable = errors.New("llm: endpoint unavailable")
	// ErrCircuitOpen: calls are refused without trying, for a cool-down,
	// after repeated failures. It is an ErrUnavailable too.
	ErrCircuitOpen = fmt.Errorf("%w: the circuit is open after repeated failures", ErrUnavailable)
)
