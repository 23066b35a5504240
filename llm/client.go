package llm

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// Config sets up a Client. Zero values get the defaults noted.
type Config struct {
	BaseURL string // such as "https://api.openai.com/v1" or "http://localhost:11434/v1"
	APIKey  string // empty sends no Authorization header (Ollama, llama.cpp)
	Model   string
	// JSONMode is how a Request with a Schema asks for JSON: "auto" (default:
	// json_schema, stepping down to json_object then none when the server
	// refuses), "json_schema", "json_object" or "none".
	JSONMode string
	// Timeout bounds each attempt (default 60s). The caller's context bounds
	// the whole call, retries included.
	Timeout time.Duration
	// MaxRetries is how many times a failed attempt is tried again (default 3;
	// negative means none).
	MaxRetries int
	// MaxConcurrency is how many calls may be in flight (default 4).
	MaxConcurrency int
	// MaxWaiting is how many callers may queue for a slot (default 64;
	// negative means none); one more gets ErrBusy.
	MaxWaiting int
	// BreakerFailures consecutive failed calls open the circuit (default 5)
	// for BreakerCooldown (default 30s).
	BreakerFailures int
	BreakerCooldown time.Duration
	// DailyTokenBudget and GuildDailyTokenBudget cap tokens per UTC day,
	// overall and per guild; 0 means no cap. They need a Ledger. A call
	// reserves the most it can cost before it starts and does not start if
	// that could pass a budget; under a budget, a Request without MaxTokens
	// is capped at 1024 answer tokens so that its cost has a bound.
	DailyTokenBudget      int
	GuildDailyTokenBudget int
	// HTTPClient is optional; its Transport is wrapped, never modified.
	HTTPClient *http.Client
	Logger     *slog.Logger
	// Now is optional, for tests.
	Now func() time.Time
}

// Ledger stores token usage per UTC day ("2006-01-02") and guild.
type Ledger interface {
	TokensUsed(ctx context.Context, day, guild string) (int, error)
	TokensUsedAll(ctx context.Context, day string) (int, error)
	AddUsage(ctx context.Context, day, guild string, calls, promptTokens, completionTokens int) error
}

// Client makes chat completions against one OpenAI-compatible endpoint. It
// is safe for concurrent use.
type Client struct {
	cfg    Config
	api    *openai.Client
	http   *http.Client
	ledger Ledger
	budget *budget
	log    *slog.Logger

	slots   *slots
	breaker *breaker
	json    *jsonModes

	// backoffBase is the first retry delay; tests shrink it.
	backoffBase time.Duration
	backoffMax  time.Duration
	// maxRetryAfter is the longest Retry-After we wait for when the caller
	// has no deadline.
	maxRetryAfter time.Duration
}

// New makes a Client. ledger may be nil: no accounting and no budgets.
func New(cfg Config, ledger Ledger) *Client {
	cfg.BaseURL = strings.TrimRight(strings.TrimSpace(cfg.BaseURL), "/")
	if cfg.JSONMode == "" {
		cfg.JSONMode = JSONModeAuto
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 60 * time.Second
	}
	if cfg.MaxRetries == 0 {
		cfg.MaxRetries = 3
	} else if cfg.MaxRetries < 0 {
		cfg.MaxRetries = 0
	}
	if cfg.MaxConcurrency <= 0 {
		cfg.MaxConcurrency = 4
	}
	if cfg.MaxWaiting == 0 {
		cfg.MaxWaiting = 64
	} else if cfg.MaxWaiting < 0 {
		cfg.MaxWaiting = 0
	}
	if cfg.BreakerFailures <= 0 {
		cfg.BreakerFailures = 5
	}
	if cfg.BreakerCooldown <= 0 {
		cfg.BreakerCooldown = 30 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}

	var hc http.Client
	var base http.RoundTripper
	if cfg.HTTPClient != nil {
		hc = *cfg.HTTPClient
		base = cfg.HTTPClient.Transport
	}
	if base == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = cfg.MaxConcurrency
		base = t
	}
	hc.Transport = &transport{base: base}
	if hc.Timeout <= 0 {
		// A backstop only: each attempt already has a context deadline.
		hc.Timeout = cfg.Timeout + 5*time.Second
	}

	oc := openai.DefaultConfig(cfg.APIKey)
	oc.BaseURL = cfg.BaseURL
	oc.HTTPClient = closingDoer{client: &hc}

	return &Client{
		cfg:           cfg,
		api:           openai.NewClientWithConfig(oc),
		http:          &hc,
		ledger:        ledger,
		budget:        newBudget(ledger, cfg.DailyTokenBudget, cfg.GuildDailyTokenBudget, cfg.Now, cfg.Logger),
		log:           cfg.Logger,
		slots:         newSlots(cfg.MaxConcurrency, cfg.MaxWaiting),
		breaker:       newBreaker(cfg.BreakerFailures, cfg.BreakerCooldown),
		json:          newJSONModes(cfg.JSONMode),
		backoffBase:   500 * time.Millisecond,
		backoffMax:    10 * time.Second,
		maxRetryAfter: 2 * time.Minute,
	}
}

// Close drops idle keep-alive connections. The Client stays usable.
func (c *Client) Close() { c.http.CloseIdleConnections() }

// Waiting is how many callers are queued for a slot.
func (c *Client) Waiting() int { return c.slots.waiting() }

// InFlight is how many calls hold a slot.
func (c *Client) InFlight() int { return c.slots.inFlight() }

func (c *Client) now() time.Time { return c.cfg.Now() }

// Complete sends one chat completion and returns the answer. It retries what
// is worth retrying, within the caller's deadline.
func (c *Client) Complete(ctx context.Context, req Request) (Response, error) {
	return c.call(ctx, req, nil)
}

// completeOnce makes one HTTP attempt.
func (c *Client) completeOnce(ctx context.Context, req Request, mode string) (Response, error) {
	creq, ex := c.chatRequest(req, mode)
	ex.keepBody = true
	actx, cancel := context.WithTimeout(withExchange(ctx, ex), c.cfg.Timeout)
	defer cancel()

	resp, err := c.api.CreateChatCompletion(actx, creq)
	if err != nil {
		return Response{}, c.statusFrom(err, ex, creq.Model)
	}
	if len(resp.Choices) == 0 {
		_, _, body := ex.snapshot()
		if se := inBandError(body, c.cfg.APIKey, creq.Model); se != nil {
			return Response{}, se
		}
		return Response{}, &StatusError{Code: http.StatusOK, Model: creq.Model, ErrorCode: codeNoChoices,
			Message: "the answer had no choices"}
	}
	ch := resp.Choices[0]
	out := Response{
		Content:      stripThink(ch.Message.Content),
		FinishReason: string(ch.FinishReason),
		Model:        resp.Model,
		Usage: Usage{
			PromptTokens:     resp.Usage.PromptTokens,
			CompletionTokens: resp.Usage.CompletionTokens,
		},
	}
	if out.Model == "" {
		out.Model = creq.Model
	}
	if out.Usage.Total() == 0 {
		out.Usage = estimateUsage(req.Messages, ch.Message.Content)
	}
	return out, nil
}

// chatRequest builds the go-openai request for one attempt, fixing what
// go-openai would send wrong.
func (c *Client) chatRequest(req Request, mode string) (openai.ChatCompletionRequest, *exchange) {
	model := c.cfg.Model
	creq := openai.ChatCompletionRequest{Model: model, Messages: make([]openai.ChatCompletionMessage, 0, len(req.Messages))}
	for _, m := range req.Messages {
		creq.Messages = append(creq.Messages, openai.ChatCompletionMessage{Role: m.Role, Content: m.Content})
	}
	ex := &exchange{}
	reasoning := reasoningModel(model)
	switch {
	case reasoning:
		// o1/o3/o4/gpt-5 accept only their default temperature; go-openai
		// rejects anything else before sending.
	case req.Temperature == 0:
		ex.sendZeroTemperature = true
	default:
		creq.Temperature = req.Temperature
	}
	if req.MaxTokens > 0 {
		if reasoning {
			creq.MaxCompletionTokens = req.MaxTokens
		} else {
			creq.MaxTokens = req.MaxTokens
		}
	}
	if req.Schema != nil {
		switch mode {
		case JSONModeSchema:
			name := req.Schema.Name
			if name == "" {
				name = "answer"
			}
			creq.ResponseFormat = &openai.ChatCompletionResponseFormat{
				Type: openai.ChatCompletionResponseFormatTypeJSONSchema,
				JSONSchema: &openai.ChatCompletionResponseFormatJSONSchema{
					Name:   name,
					Schema: json.RawMessage(req.Schema.JSON),
					Strict: false,
				},
			}
		case JSONModeObject:
			creq.ResponseFormat = &openai.ChatCompletionResponseFormat{Type: openai.ChatCompletionResponseFormatTypeJSONObject}
		}
	}
	return creq, ex
}

// reasoningModel reports the OpenAI families that take max_completion_tokens
// instead of max_tokens and a fixed temperature. It matches the model name as
// sent, as go-openai does; "openai/gpt-5" through a router keeps max_tokens,
// which routers accept.
func reasoningModel(model string) bool {
	m := strings.ToLower(model)
	for _, p := range []string{"o1", "o3", "o4", "gpt-5", "gpt-6"} {
		if strings.HasPrefix(m, p) {
			return true
		}
	}
	return false
}

// inBandError finds an "error" object in a 200 body that has no choices.
func inBandError(body []byte, apiKey, model string) *StatusError {
	if len(body) == 0 {
		return nil
	}
	var env struct {
		Error json.RawMessage `json:"error"`
	}
	if json.Unmarshal(body, &env) != nil || len(env.Error) == 0 || string(env.Error) == "null" {
		return nil
	}
	se := &StatusError{Code: http.StatusOK, Model: model}
	var obj struct {
		Message string `json:"message"`
		Code    any    `json:"code"`
		Type    string `json:"type"`
	}
	var s string
	switch {
	case json.Unmarshal(env.Error, &obj) == nil:
		se.Message = obj.Message
		if obj.Code != nil {
			if f, ok := obj.Code.(float64); ok {
				se.ErrorCode = fmt.Sprint(int(f))
			} else {
				se.ErrorCode = fmt.Sprint(obj.Code)
			}
		}
		if se.ErrorCode == "" {
			se.ErrorCode = obj.Type
		}
	case json.Unmarshal(env.Error, &s) == nil:
		se.Message = s
	default:
		se.Message = string(env.Error)
	}
	se.Message = cleanMessage(se.Message, apiKey)
	return se
}
