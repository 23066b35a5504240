package store

import (
	"errors"
	"time"
)

// ErrNotFound is returned when a document, brief or other record does not exist.
var ErrNotFound = errors.New("store: not found")

// Hit is one search result.
type Hit struct {
	ID        string
	Title     string
	Published time.Time // zero when unknown
	Added     time.Time
	// Score is higher for better matches; an exact ID match ranks above all.
	Score float64
}
