// Package mockllm is a fake OpenAI-compatible chat server. It answers
// geobrief's prompts deterministically with the offline extractive
// summarizer, and it can misbehave on demand the way real providers do (rate
// limits, outages, hangs, fenced or broken JSON, cut streams), so geobrief
// runs locally without an account and tests can exercise every failure.
//
// Modes come from Options.Modes or, winning over them, from the request's
// model name: "mock:fence", "mock:429,think", "mock:latency=200ms". See
// ModeNames.
package mockllm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// maxBody caps a request body.
const maxBody = 16 << 20

// Options configure a Server. The zero value answers every request normally
// and at once.
type Options struct {
	// Latency is waited before every completion answer, unless the request's
	// modes carry their own latency=D.
	Latency time.Duration
	// Modes apply to requests whose model name does not carry modes. Each
	// element is a mode or a comma-separated list, as ParseModes reads.
	Modes []string
	// Rate429 and Rate500 are the chances, per completion request, of a 429
	// or a 500 drawn from a generator seeded with Seed. They apply whatever
	// the modes are.
	Rate429, Rate500 float64
	Seed             int64
	// Logger gets one line per request; nil logs nothing.
	Logger *slog.Logger
}

// Validate reports the first invalid option, in words fit for a user.
func (o Options) Validate() error {
	if o.Latency < 0 {
		return fmt.Errorf("mockllm: latency must not be negative, got %s", o.Latency)
	}
	if _, err := ParseModes(strings.Join(o.Modes, ",")); err != nil {
		return err
	}
	for _, r := range []struct {
		name string
		v    float64
	}{{"rate429", o.Rate429}, {"rate500", o.Rate500}} {
		if !(r.v >= 0 && r.v <= 1) {
			return fmt.Errorf("mockllm: %s must be between 0 and 1, got %v", r.name, r.v)
		}
	}
	if o.Rate429+o.Rate500 > 1 {
		return fmt.Errorf("mockllm: rate429 + rate500 must not exceed 1, got %v", o.Rate429+o.Rate500)
	}
	return nil
}

// Server is the mock. It is an http.Handler serving POST /v1/chat/completions
// and GET /v1/models; it is safe for concurrent use.
type Server struct {
	opts  Options
	modes []Mode
	log   *slog.Logger

	calls atomic.Int64
	ids   atomic.Int64

	mu  sync.Mutex // guards rng
	rng *rand.Rand
}

var _ http.Handler = (*Server)(nil)

// New returns a Server. It panics when opts is invalid (see
// Options.Validate): check options that come from users first.
func New(opts Options) *Server {
	if err := opts.Validate(); err != nil {
		panic(err)
	}
	modes, _ := ParseModes(strings.Join(opts.Modes, ","))
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Server{opts: opts, modes: modes, log: log, rng: newRand(opts.Seed)}
}

func newRand(seed int64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), 0x6d6f636b6c6c6d)) // "mockllm"
}

// Calls returns how many completion requests the server received, bad ones
// included, since New or the last Reset.
func (s *Server) Calls() int64 { return s.calls.Load() }

// Reset sets Calls back to zero and reseeds the random faults, so a run after
// Reset sees the same sequence of faults as the first.
func (s *Server) Reset() {
	s.calls.Store(0)
	s.mu.Lock()
	s.rng = newRand(s.opts.Seed)
	s.mu.Unlock()
}

// reqInfo is what the request log line says besides method and path.
type reqInfo struct {
	model string
	mode  string
}

// ServeHTTP routes the request and logs it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	sw := &statusWriter{ResponseWriter: w}
	var info reqInfo
	defer s.logRequest(r, sw, &info, start)
	switch r.URL.Path {
	case "/v1/chat/completions":
		if r.Method != http.MethodPost {
			sw.Header().Set("Allow", http.MethodPost)
			writeError(sw, http.StatusMethodNotAllowed, typeInvalidRequest, "method_not_allowed", "mockllm: use POST for /v1/chat/completions")
			break
		}
		s.completions(sw, r, &info)
	case "/v1/models":
		if r.Method != http.MethodGet {
			sw.Header().Set("Allow", http.MethodGet)
			writeError(sw, http.StatusMethodNotAllowed, typeInvalidRequest, "method_not_allowed", "mockllm: use GET for /v1/models")
			break
		}
		s.models(sw)
	default:
		writeError(sw, http.StatusNotFound, typeNotFound, "unknown_url",
			fmt.Sprintf("mockllm: no route for %s %s; the base URL ends in /v1 (POST /v1/chat/completions, GET /v1/models)", r.Method, r.URL.Path))
	}
}

// logRequest writes the request's log line; it runs deferred, so aborted
// requests are logged too.
func (s *Server) logRequest(r *http.Request, sw *statusWriter, info *reqInfo, start time.Time) {
	status := sw.status
	if status == 0 && r.Context().Err() != nil {
		status = 499 // nginx's "client closed request": ended unanswered (client gone or shutdown)
	}
	attrs := []slog.Attr{
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.Int("status", status),
		slog.Duration("duration", time.Since(start)),
	}
	if info.model != "" || info.mode != "" {
		attrs = append(attrs, slog.String("model", info.model), slog.String("mode", info.mode))
	}
	s.log.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs...)
}

func (s *Server) models(w http.ResponseWriter) {
	now := time.Now().Unix()
	list := modelList{Object: "list", Data: []modelInfo{{ID: "mock", Object: "model", Created: now, OwnedBy: "mockllm"}}}
	for _, name := range ModeNames {
		id := "mock:" + name
		if name == ModeLatency {
			id += "=200ms"
		}
		list.Data = append(list.Data, modelInfo{ID: id, Object: "model", Created: now, OwnedBy: "mockllm"})
	}
	writeJSON(w, http.StatusOK, list)
}

func (s *Server) completions(w http.ResponseWriter, r *http.Request, info *reqInfo) {
	s.calls.Add(1)
	ctx := r.Context()

	var req chatRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	if err := dec.Decode(&req); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, http.StatusRequestEntityTooLarge, typeInvalidRequest, "request_too_large",
				fmt.Sprintf("mockllm: request body is larger than %d bytes", maxBody))
			return
		}
		writeError(w, http.StatusBadRequest, typeInvalidRequest, "invalid_json", "mockllm: request body is not valid JSON: "+err.Error())
		return
	}
	if _, err := dec.Token(); err != io.EOF {
		writeError(w, http.StatusBadRequest, typeInvalidRequest, "invalid_json", "mockllm: request body has data after the JSON object")
		return
	}
	info.model = req.Model

	modes := s.modes
	if mm, ok, err := modelModes(req.Model); err != nil {
		info.mode = "invalid"
		writeError(w, http.StatusBadRequest, typeInvalidRequest, "unknown_mode", err.Error()+` (model names look like "mock:fence,think")`)
		return
	} else if ok {
		modes = mm
	}
	ms := newModeSet(modes)
	info.mode = ms.text

	delay := s.opts.Latency
	if ms.hasLat {
		delay = ms.latency
	}
	if !sleep(ctx, delay) {
		abort()
	}
	if ms.has(ModeHang) {
		<-ctx.Done()
		abort()
	}

	fault := s.roll()
	switch {
	case ms.has(Mode429) || fault == Mode429:
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusTooManyRequests, typeRateLimit, "rate_limit_exceeded", "mockllm: rate limit reached, retry after 1s")
		return
	case ms.has(Mode500) || fault == Mode500:
		writeError(w, http.StatusInternalServerError, typeServer, "internal_error", "mockllm: the server had an error while processing your request")
		return
	}

	if rf := req.ResponseFormat; rf != nil {
		if (rf.Type == "json_schema" && ms.has(ModeNoJSONSchema)) || (rf.Type == "json_object" && ms.has(ModeNoJSONObject)) {
			p := "response_format"
			writeJSON(w, http.StatusBadRequest, errorBody{Error: apiError{
				Message: "response_format " + rf.Type + " is not supported",
				Type:    typeInvalidRequest, Param: &p, Code: "unsupported_response_format",
			}})
			return
		}
	}

	content, err := answer(req.Messages, factFaults{unquoted: ms.has(ModeUnquoted), wrongNumber: ms.has(ModeWrongNumber), summaryNumber: ms.has(ModeSummaryNum), wrongSource: ms.has(ModeWrongSource)})
	if err != nil {
		var pe *promptError
		if !errors.As(err, &pe) {
			pe = &promptError{code: "bad_prompt", msg: err.Error()}
		}
		writeError(w, http.StatusBadRequest, typeInvalidRequest, pe.code, pe.msg)
		return
	}

	if ms.has(ModeError200) {
		body := errorBody{Error: apiError{Message: "mockllm: the model failed to answer (error with status 200)", Type: typeServer, Code: "mock_error_200"}}
		if req.Stream {
			startStream(w)
			writeEvent(w, marshal(body))
			return
		}
		writeJSON(w, http.StatusOK, body)
		return
	}

	content = applyFaults(content, ms, hasAssistant(req.Messages))
	finish := "stop"
	if ms.has(ModeLength) {
		content, finish = truncateRunes(content, utf8.RuneCountInString(content)/2), "length"
	} else if limit := maxTokens(req); limit > 0 && estimateTokens(content) > limit {
		content, finish = truncateRunes(content, limit*4), "length"
	}

	var use *usage
	if !ms.has(ModeNoUsage) {
		prompt := 0
		for _, m := range req.Messages {
			prompt += estimateTokens(m.Content)
		}
		completion := estimateTokens(content)
		use = &usage{PromptTokens: prompt, CompletionTokens: completion, TotalTokens: prompt + completion}
	}

	model := req.Model
	if model == "" {
		model = "mock"
	}
	id := fmt.Sprintf("chatcmpl-mock%06d", s.ids.Add(1))
	if req.Stream {
		includeUsage := req.StreamOptions != nil && req.StreamOptions.IncludeUsage
		if !includeUsage {
			use = nil
		}
		s.stream(ctx, w, streamAnswer{id: id, model: model, content: content, finish: finish, usage: use, cut: ms.has(ModeCutStream)})
		return
	}
	writeJSON(w, http.StatusOK, chatResponse{
		ID: id, Object: "chat.completion", Created: time.Now().Unix(), Model: model,
		Choices: []chatChoice{{Index: 0, Message: respMessage{Role: "assistant", Content: content}, FinishReason: finish}},
		Usage:   use,
	})
}

// roll draws this request's random fault: Mode429, Mode500 or "".
func (s *Server) roll() string {
	if s.opts.Rate429+s.opts.Rate500 <= 0 {
		return ""
	}
	s.mu.Lock()
	x := s.rng.Float64()
	s.mu.Unlock()
	switch {
	case x < s.opts.Rate429:
		return Mode429
	case x < s.opts.Rate429+s.opts.Rate500:
		return Mode500
	}
	return ""
}

// applyFaults turns a good JSON answer into what the modes ask for.
func applyFaults(content string, ms modeSet, repair bool) string {
	if ms.has(ModeInvalid) || (ms.has(ModeInvalidOnce) && !repair) {
		// Drop the colon after the first key: the braces still balance, so
		// this reads as a syntax error rather than a cut-off answer.
		content = strings.Replace(content, `":`, `" `, 1)
	}
	if ms.has(ModeFence) {
		content = "```json\n" + content + "\n```"
	}
	if ms.has(ModeThink) {
		content = "<think>\nThe user wants JSON. I will read the input and answer in the requested shape.\n</think>\n\n" + content
	}
	return content
}

func maxTokens(req chatRequest) int {
	if req.MaxCompletion > 0 {
		return req.MaxCompletion
	}
	return req.MaxTokens
}

// estimateTokens counts about four characters to a token.
func estimateTokens(s string) int {
	return (utf8.RuneCountInString(s) + 3) / 4
}

func truncateRunes(s string, n int) string {
	if n <= 0 {
		return ""
	}
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// abort ends a request whose context is done without answering: the client
// left, or the server is shutting down (the binary's requests inherit its
// context). Returning would send an empty 200 to a client still listening.
func abort() {
	panic(http.ErrAbortHandler)
}

// sleep waits d or until ctx is done; it reports whether d elapsed.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// statusWriter remembers the status for the log line. Unwrap lets
// http.ResponseController reach the real writer's Flush.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
