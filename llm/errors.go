package llm

import "errors"

// Errors callers branch on. Each is wrapped with context; test with errors.Is.
var (
	// ErrBusy: too many callers are already waiting for a slot.
	ErrBusy = errors.New("llm: too many requests waiting")
	// ErrBudgetExhausted: the daily token budget (overall or the guild's) is spent.
	ErrBudgetExhausted = errors.New("llm: daily token budget spent")
	// ErrUnavailable: the endpoint kept failing and the circuit is open; try later.
	ErrUnavailable = errors.New("llm: endpoint unavailable")
)
