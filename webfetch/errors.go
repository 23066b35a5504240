package webfetch

import (
	"errors"
	"fmt"
	"time"
)

// RefusedError is returned when a URL is refused before any byte reaches it: a scheme
// other than http(s), an internal address, too many redirects, or robots.txt. Its message
// is one line a person can act on.
type RefusedError struct {
	URL    string
	Reason string
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("webfetch: refused %s: %s", e.URL, e.Reason)
}

// StatusError is an HTTP answer other than 2xx or 304. RetryAfter is set when the server
// sent a usable Retry-After (429 and 503 usually do), so a caller can wait that long.
type StatusError struct {
	URL        string
	Status     int
	RetryAfter time.Duration
}

func (e *StatusError) Error() string {
	if e.RetryAfter > 0 {
		return fmt.Sprintf("webfetch: %s answered HTTP %d (retry after %s)", e.URL, e.Status, e.RetryAfter)
	}
	return fmt.Sprintf("webfetch: %s answered HTTP %d", e.URL, e.Status)
}

var (
	// ErrTooLarge: the body (counted after decompression) passed the limit for its kind.
	ErrTooLarge = errors.New("body too large")
	// ErrContentType: the server sent something that is not the kind asked for (an image,
	// a PDF, an archive).
	ErrContentType = errors.New("unwanted content type")
)

// blockedDial is what the dialer's Control returns; Fetch turns it into a RefusedError
// naming the URL the caller asked for.
type blockedDial struct {
	addr   string
	reason string
}

func (e *blockedDial) Error() string {
	return fmt.Sprintf("address %s is %s (internal addresses are refused unless FETCH_ALLOW_PRIVATE=true)", e.addr, e.reason)
}
