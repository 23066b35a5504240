package llm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// StatusError is an error answer from the LLM endpoint. Use errors.As.
type StatusError struct {
	// Code is the HTTP status. It is 200 when the server answered 200 with an
	// error object instead of choices (OpenRouter and some proxies do this),
	// or when an error arrived inside a stream.
	Code int
	// Message is the server's own message, shortened, with anything that
	// looks like a key removed.
	Message string
	// RetryAfter is the wait the server asked for (Retry-After), if any.
	RetryAfter time.Duration
	// ErrorCode is the provider's error code or type, such as
	// "rate_limit_exceeded", when it sent one.
	ErrorCode string
	// Model is the model the request named.
	Model string
}

func (e *StatusError) Error() string {
	var b strings.Builder
	switch {
	case e.Code == http.StatusUnauthorized:
		b.WriteString("LLM endpoint rejected the API key (401)")
	case e.Code == http.StatusForbidden:
		b.WriteString("LLM endpoint refused access (403)")
	case e.Code == http.StatusNotFound && e.looksLikeWrongPath():
		b.WriteString("LLM endpoint has no such path (404): check OPENAI_BASE_URL (it usually ends in /v1)")
	case e.Code == http.StatusNotFound:
		fmt.Fprintf(&b, "unknown model %q (404)", e.Model)
	case e.Code == http.StatusTooManyRequests:
		b.WriteString("LLM endpoint is rate limiting (429)")
	case e.Code == http.StatusOK:
		b.WriteString("LLM endpoint answered with an error")
		if e.ErrorCode != "" {
			fmt.Fprintf(&b, " (%s)", e.ErrorCode)
		}
	case e.Code >= 500:
		fmt.Fprintf(&b, "LLM endpoint failed (%d)", e.Code)
	default:
		fmt.Fprintf(&b, "LLM endpoint rejected the request (%d)", e.Code)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	return b.String()
}

// Temporary reports whether trying again later may succeed.
func (e *StatusError) Temporary() bool {
	switch {
	case e.Code == http.StatusOK:
		// An answer without choices is usually an upstream hiccup (OpenRouter).
		return e.ErrorCode == codeNoChoices || inBandRetryable(e.ErrorCode, e.Message)
	case e.Code == http.StatusTooManyRequests, e.Code == http.StatusRequestTimeout:
		return true
	case e.Code == http.StatusNotImplemented, e.Code == http.StatusHTTPVersionNotSupported:
		return false
	default:
		return e.Code >= 500
	}
}

// countsAgainstEndpoint tells the circuit breaker whether this error says the
// endpoint is unwell, rather than that our request was wrong.
func (e *StatusError) countsAgainstEndpoint() bool {
	return e.Temporary() || e.Code >= 500
}

func (e *StatusError) looksLikeWrongPath() bool {
	m := strings.ToLower(e.Message)
	if strings.Contains(m, "no route") {
		return true // even when the hint goes on to name the models route
	}
	if strings.Contains(m, "model") { // Ollama: model "x" not found, try pulling it first
		return false
	}
	return m == "" || m == "(an html page)" || strings.Contains(m, "not found") ||
		strings.Contains(m, "cannot post")
}

// inBandRetryable decides for an error object found in a 200 body or a
// stream: overload and rate limits are worth a retry, the rest is not.
func inBandRetryable(code, message string) bool {
	s := strings.ToLower(code + " " + message)
	for _, w := range []string{"rate", "overload", "capacity", "too many", "busy", "unavailable", "timeout", "timed out", "429", "500", "502", "503", "504", "529"} {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

var keyLike = regexp.MustCompile(`\b(sk|pk|rk|gsk|xai)-[A-Za-z0-9_\-*.]{4,}`)

// cleanMessage shortens a server message and removes the key and anything
// shaped like one (OpenAI echoes a masked key in its 401 message).
func cleanMessage(msg, apiKey string) string {
	msg = strings.TrimSpace(msg)
	if apiKey != "" {
		msg = strings.ReplaceAll(msg, apiKey, "[redacted]")
	}
	msg = keyLike.ReplaceAllString(msg, "[redacted]")
	if strings.Contains(strings.ToLower(msg), "<html") {
		msg = "(an HTML page)"
	}
	msg = strings.Join(strings.Fields(msg), " ")
	if r := []rune(msg); len(r) > 300 {
		msg = string(r[:300]) + "…"
	}
	return msg
}

// statusFrom turns go-openai's HTTP errors into *StatusError, adding what the
// transport saw (Retry-After). Other errors come back as they are.
func (c *Client) statusFrom(err error, ex *exchange, model string) error {
	var se *StatusError
	var apiErr *openai.APIError
	var reqErr *openai.RequestError
	switch {
	case errors.As(err, &se):
		return err
	case errors.As(err, &apiErr):
		se = &StatusError{Code: apiErr.HTTPStatusCode, Message: apiErr.Message, ErrorCode: apiErrorCode(apiErr)}
		if se.Code == 0 { // an error event inside a stream
			se.Code = http.StatusOK
		}
	case errors.As(err, &reqErr):
		se = &StatusError{Code: reqErr.HTTPStatusCode, Message: string(reqErr.Body)}
	default:
		return err
	}
	se.Model = model
	se.Message = cleanMessage(se.Message, c.cfg.APIKey)
	if ex != nil {
		_, h, _ := ex.snapshot()
		if d, ok := parseRetryAfter(h, c.now()); ok {
			se.RetryAfter = d
		}
	}
	return se
}

func apiErrorCode(e *openai.APIError) string {
	if e.Code != nil {
		if s := fmt.Sprint(e.Code); s != "" {
			return s
		}
	}
	return e.Type
}

// retryable reports whether another attempt may succeed. The caller's own
// context is checked separately.
func retryable(err error) bool {
	var se *StatusError
	if errors.As(err, &se) {
		return se.Temporary()
	}
	if errors.Is(err, errStreamCut) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return true
	}
	var netErr net.Error
	return errors.As(err, &netErr)
}

// codeNoChoices marks a 200 answer that had neither choices nor an error.
const codeNoChoices = "no_choices"

// errStreamCut: the stream ended without a finish_reason.
var errStreamCut = errors.New("stream cut before the end")
