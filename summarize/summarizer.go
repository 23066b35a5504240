package summarize

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/geobrief/geobrief/batch"
	"github.com/geobrief/geobrief/corpus"
	"github.com/geobrief/geobrief/llm"
	"github.com/geobrief/geobrief/prompts"
)

// Completer is the one thing the summarizer needs from an LLM client.
type Completer interface {
	Complete(ctx context.Context, req llm.Request) (llm.Response, error)
}

// Cache keeps Briefs so the same summary is never paid for twice. A miss is
// found == false with no error; an error means the cache could not be read.
type Cache interface {
	GetBrief(ctx context.Context, key string) (data []byte, found bool, err error)
	PutBrief(ctx context.Context, key, docID string, data []byte) error
}

// Config tunes the summarizer.
type Config struct {
	// Model is the LLM model name; it is part of the cache key.
	Model string
	// ContextTokens is the model's context window. Articles that do not fit
	// are summarized in parts and the parts combined.
	ContextTokens int
	// FallbackOffline answers with the extractive Brief, labelled as such
	// (Meta.Fallback, Meta.FallbackReason), instead of an error when the LLM
	// cannot give a Brief: the endpoint is unavailable, the deadline passed,
	// the token budget is spent or the model's answer was unusable. A
	// refused key or a rejected request (unknown model, wrong URL) is still
	// an error: the operator must fix those, and a quiet fallback would hide
	// them.
	FallbackOffline bool
	// Timeout is how long one Brief or top line may take, every LLM call,
	// retry and map-reduce round included (default DefaultTimeout;
	// SUMMARY_TIMEOUT). When it passes, the answer is the offline Brief if
	// FallbackOffline, else an error matching context.DeadlineExceeded.
	Timeout time.Duration
	// Claims, when set, makes replicas sharing one store generate each
	// Brief once between them: the first claims it, the others wait for it
	// in the cache (looking every ClaimPoll, default DefaultClaimPoll) and
	// take over a claim whose holder died. nil: concurrent requests are
	// shared within this process only.
	Claims    GenerationClaims
	ClaimPoll time.Duration
	// Owner names this replica in its claims (default: a random name, new
	// each start).
	Owner  string
	Logger *slog.Logger
	// Now is the clock of claims (default time.Now).
	Now func() time.Time
}

// DefaultTimeout is the default Config.Timeout: a Discord user should have
// an answer, from the LLM or offline, within about half a minute.
const DefaultTimeout = 30 * time.Second

// OfflineModel is the Meta.Model of Briefs made without an LLM.
const OfflineModel = "offline-extractive"

// maxParallelParts bounds the part requests one long article puts in the
// LLM client's queue, so one document cannot crowd out everyone else.
const maxParallelParts = 4

// Summarizer makes Briefs, from the LLM when one is configured and from the
// extractive summarizer otherwise.
type Summarizer struct {
	cfg     Config
	llm     Completer // nil: offline
	cache   Cache     // nil: no cache
	prompts *prompts.Set
	log     *slog.Logger
	flights flights[Brief]
	stories flights[StoryBrief]

	counters counters // read by Stats

	// onClaimWait, when set (tests), is called when a Brief starts waiting
	// for another replica's generation.
	onClaimWait func()
}

// New returns a Summarizer. A nil completer means offline; a nil cache
// disables caching.
func New(cfg Config, completer Completer, cache Cache) (*Summarizer, error) {
	p, err := prompts.Load()
	if err != nil {
		return nil, err
	}
	if cfg.ContextTokens <= 0 {
		cfg.ContextTokens = 8192
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.ClaimPoll <= 0 {
		cfg.ClaimPoll = DefaultClaimPoll
	}
	if cfg.Owner == "" {
		cfg.Owner = "summarizer-" + rand.Text()
	}
	return &Summarizer{cfg: cfg, llm: completer, cache: cache, prompts: p, log: cfg.Logger}, nil
}

// Offline reports whether Briefs come from the extractive summarizer.
func (s *Summarizer) Offline() bool { return s.llm == nil }

// Brief summarizes doc. Repeats come from the cache with no LLM call, and
// concurrent requests for the same Brief share one generation, which has
// Config.Timeout to finish. opts.Waiting hears when it takes a while.
func (s *Summarizer) Brief(ctx context.Context, doc corpus.Document, opts Options) (Brief, error) {
	opts.Length = opts.Length.orDefault()
	if s.llm == nil {
		s.counters.briefsOffline.Add(1)
		return s.offline(doc, opts), nil
	}
	key := s.cacheKey(doc, opts)
	b, err := generateOnce(ctx, s, &s.flights, key, opts, s.cached,
		func(ctx context.Context) (Brief, error) { return s.generate(ctx, doc, opts) },
		s.save)
	if err != nil {
		offline := func() Brief { return s.offline(doc, opts) }
		if b, ok := offlineInstead(ctx, s, err, offline, "Brief", slog.String("doc_id", doc.ID)); ok {
			return b, nil
		}
		return Brief{}, fmt.Errorf("summarize %s: %w", doc.ID, err)
	}
	return b, nil
}

// errDeadline is the cause of a context ended by Config.Timeout.
var errDeadline = errors.New("summarize: the summary deadline passed")

// withDeadline bounds one Brief or top line by Config.Timeout.
func (s *Summarizer) withDeadline(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeoutCause(ctx, s.cfg.Timeout, errDeadline)
}

// deadlineError restates err when the summary deadline ended ctx. The LLM
// client reports a deadline in several ways (the context's error, "no time
// left to retry"); they all mean one thing to a user, and Classify calls it
// a timeout.
func (s *Summarizer) deadlineError(ctx context.Context, err error) error {
	if !errors.Is(context.Cause(ctx), errDeadline) {
		return err
	}
	return fmt.Errorf("no answer within %s (SUMMARY_TIMEOUT): %w; last error: %v", s.cfg.Timeout, context.DeadlineExceeded, err)
}

// fallbackReason says why the offline Brief should answer instead of err,
// in words fit for Meta.FallbackReason, or false when err must be returned:
// fallback is off, the caller has gone, or only the operator can fix it.
func (s *Summarizer) fallbackReason(ctx context.Context, err error) (string, bool) {
	if !s.cfg.FallbackOffline || ctx.Err() != nil {
		return "", false
	}
	switch llm.Classify(err) {
	case llm.KindUnavailable:
		return "the LLM endpoint is unavailable", true
	case llm.KindTimeout:
		return fmt.Sprintf("the LLM gave no answer within %s", s.cfg.Timeout), true
	case llm.KindBudgetSpent:
		return "today's LLM token budget is spent", true
	case llm.KindUnusable:
		return "the model's answer was unusable", true
	}
	return "", false
}

// notifyWaiting calls waiting once, on its own goroutine, unless the stop
// function it returns is called within after. stop returns only once a
// started call of waiting has returned, so a "still waiting" message never
// lands after the answer.
func notifyWaiting(after time.Duration, waiting func()) (stop func()) {
	if waiting == nil {
		return func() {}
	}
	if after <= 0 {
		after = DefaultWaitingAfter
	}
	done := make(chan struct{})
	t := time.AfterFunc(after, func() {
		defer close(done)
		waiting()
	})
	return func() {
		if !t.Stop() {
			<-done
		}
	}
}

func (s *Summarizer) cacheKey(doc corpus.Document, opts Options) string {
	return hashKey("brief:", doc.Hash, s.prompts.Version(), s.cfg.Model, string(opts.Length), factCheckVersion)
}

func (s *Summarizer) cached(ctx context.Context, key string) (Brief, bool) {
	return readCache[Brief](ctx, s, key, "brief")
}

// save stores a Brief under its document.
func (s *Summarizer) save(ctx context.Context, key string, b Brief) {
	writeCache(ctx, s, key, b.DocID, "brief", b)
}

// tally adds up what the LLM calls of one Brief cost.
type tally struct {
	mu     sync.Mutex
	model  string
	prompt int
	answer int
}

func (t *tally) add(r llm.Response) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if r.Model != "" {
		t.model = r.Model
	}
	t.prompt += r.Usage.PromptTokens
	t.answer += r.Usage.CompletionTokens
}

func (s *Summarizer) generate(ctx context.Context, doc corpus.Document, opts Options) (Brief, error) {
	t := &tally{model: s.cfg.Model}
	parts := splitArticle(doc.Body, s.partChars())
	var (
		mb  modelBrief
		err error
	)
	if len(parts) == 1 {
		mb, err = s.briefPart(ctx, t, doc.Title, parts[0], 0, 1, opts)
		if err == nil && opts.Progress != nil {
			opts.Progress(1, 1)
		}
	} else {
		mb, err = s.mapReduce(ctx, t, doc.Title, parts, opts)
	}
	if err != nil {
		return Brief{}, err
	}
	b := s.assemble(doc, mb, opts)
	b.Meta.Model = t.model
	b.Meta.PromptTokens, b.Meta.CompletionTokens = t.prompt, t.answer
	b.Meta.Parts = len(parts)
	return b, nil
}

// partChars is how much article text fits in one request: the context window
// less the instructions and the room kept for the answer, at a conservative
// three characters a token.
func (s *Summarizer) partChars() int {
	answer := min(answerTokens, s.cfg.ContextTokens/4)
	return max(s.cfg.ContextTokens-answer-promptOverheadTokens, 200) * 3
}

const (
	answerTokens         = 1500
	promptOverheadTokens = 500
)

func (s *Summarizer) mapReduce(ctx context.Context, t *tally, title string, parts []string, opts Options) (modelBrief, error) {
	partials := make([]modelBrief, len(parts))
	err := batch.Each(ctx, len(parts), maxParallelParts, opts.Progress, func(ctx context.Context, i int) error {
		mb, err := s.briefPart(ctx, t, title, parts[i], i+1, len(parts), opts)
		if err != nil {
			return fmt.Errorf("part %d of %d: %w", i+1, len(parts), err)
		}
		partials[i] = mb
		return nil
	})
	if err != nil {
		return modelBrief{}, err
	}
	// Combine in batches that fit the context, until one brief is left. The
	// batches of one round are independent, so they go out together.
	for len(partials) > 1 {
		batches := batchBriefs(partials, s.partChars())
		next := make([]modelBrief, len(batches))
		err := batch.Each(ctx, len(batches), maxParallelParts, nil, func(ctx context.Context, i int) error {
			mb, err := s.combine(ctx, t, title, batches[i], opts)
			if err != nil {
				return fmt.Errorf("combining parts: %w", err)
			}
			next[i] = mb
			return nil
		})
		if err != nil {
			return modelBrief{}, err
		}
		partials = next
	}
	return partials[0], nil
}

func (s *Summarizer) briefPart(ctx context.Context, t *tally, title, text string, part, parts int, opts Options) (modelBrief, error) {
	data := struct {
		Title, Article          string
		Part, Parts             int
		SummarySentences, Facts int
	}{fenceTitle(title), fenceArticle(text), part, parts, opts.Length.sentences(), opts.Length.facts()}
	return askJSON(ctx, s, t, "brief", data, briefSchema, opts.Guild, parseBrief)
}

func (s *Summarizer) combine(ctx context.Context, t *tally, title string, batch []modelBrief, opts Options) (modelBrief, error) {
	js, err := json.MarshalIndent(batch, "", " ")
	if err != nil {
		return modelBrief{}, fmt.Errorf("encode partial briefs: %w", err)
	}
	data := struct {
		Title, PartialBriefs    string
		SummarySentences, Facts int
	}{fenceTitle(title), neutralize(string(js), "partial_briefs"), opts.Length.sentences(), opts.Length.facts()}
	return askJSON(ctx, s, t, "combine", data, briefSchema, opts.Guild, parseBrief)
}

// askJSON renders a task's prompts, asks the LLM, and parses the answer. An
// answer that cannot be used gets one repair request naming the problem;
// a second failure is an error.
func askJSON[T any](ctx context.Context, s *Summarizer, t *tally, task string, data any, schema *llm.Schema, guild string, parse func(string) (T, error)) (T, error) {
	var zero T
	system, err := s.prompts.Render(task+".system", data)
	if err != nil {
		return zero, err
	}
	user, err := s.prompts.Render(task+".user", data)
	if err != nil {
		return zero, err
	}
	req := llm.Request{
		Messages:    []llm.Message{{Role: "system", Content: system}, {Role: "user", Content: user}},
		Schema:      schema,
		MaxTokens:   answerTokens,
		Temperature: 0,
		Guild:       guild,
	}
	resp, err := s.llm.Complete(ctx, req)
	s.counters.call(resp, err)
	if err != nil {
		return zero, err
	}
	t.add(resp)
	v, problem := parseAnswer(resp, parse)
	if problem == nil {
		return v, nil
	}
	s.log.Info("LLM answer unusable; asking for a repair", slog.String("task", task), slog.String("problem", problem.Error()))
	repair, err := s.prompts.Render("repair.user", struct {
		Problem string
		Shorter bool
	}{problem.Error(), resp.FinishReason == "length"})
	if err != nil {
		return zero, err
	}
	req.Messages = append(req.Messages,
		llm.Message{Role: "assistant", Content: resp.Content},
		llm.Message{Role: "user", Content: repair})
	resp, err = s.llm.Complete(ctx, req)
	s.counters.call(resp, err)
	if err != nil {
		return zero, err
	}
	t.add(resp)
	v, problem2 := parseAnswer(resp, parse)
	if problem2 != nil {
		return zero, fmt.Errorf("%w twice (%v; after repair: %v)", llm.ErrUnusableAnswer, problem, problem2)
	}
	return v, nil
}

func parseAnswer[T any](resp llm.Response, parse func(string) (T, error)) (T, error) {
	v, err := parse(resp.Content)
	if err != nil && resp.FinishReason == "length" {
		err = fmt.Errorf("the answer was cut off at the token limit: %w", err)
	}
	return v, err
}

// fenceArticle keeps the article inside its delimiters: a document that
// contains the closing tag itself must not be able to end the data block
// and speak as the prompt.
func fenceArticle(text string) string { return neutralize(text, "article") }

// fenceTitle does the same for the title, which comes from the same
// untrusted file: it is kept on its one line and cannot close its tag or
// the article's.
func fenceTitle(title string) string {
	return neutralize(neutralize(strings.Join(strings.Fields(title), " "), "title"), "article")
}

func neutralize(text, tag string) string {
	closing := "</" + tag + ">"
	if !strings.Contains(strings.ToLower(text), closing) {
		return text
	}
	var b strings.Builder
	lower := strings.ToLower(text)
	for {
		i := strings.Index(lower, closing)
		if i < 0 {
			b.WriteString(text)
			return b.String()
		}
		b.WriteString(text[:i])
		b.WriteString("</ " + tag + ">")
		text, lower = text[i+len(closing):], lower[i+len(closing):]
	}
}

// assemble turns the model's brief into a Brief, checking every fact and
// summary sentence against the article (support.go).
func (s *Summarizer) assemble(doc corpus.Document, mb modelBrief, opts Options) Brief {
	check := newFactChecker(doc.Title, doc.Body)
	b := Brief{
		DocID:         doc.ID,
		Headline:      mb.Headline,
		Summary:       mb.Summary,
		People:        cleanNames(mb.People),
		Places:        cleanNames(mb.Places),
		Organizations: cleanNames(mb.Organizations),
		Meta:          Meta{PromptVersion: s.prompts.Version(), CreatedAt: s.cfg.Now().UTC()},
	}
	seen := map[string]bool{}
	for _, f := range mb.KeyFacts {
		if len(b.Facts) == maxFacts {
			break
		}
		// The same quote twice is one fact told twice. Facts without a quote
		// are distinct facts, kept (unverified) for --json.
		if q := quoteKey(f.Quote); q != "" {
			if seen[q] {
				continue
			}
			seen[q] = true
		}
		b.Facts = append(b.Facts, check.fact(f.Fact, f.Quote))
	}
	check.checkSummary(&b, opts.Length.sentences())
	b.countFacts()
	return b
}

// A Brief carries 3 to 7 key facts.
const (
	minFacts = 3
	maxFacts = 7
)

func (b *Brief) countFacts() {
	b.Meta.setFactCounts(len(b.Facts), func(i int) bool { return b.Facts[i].Verified })
}

// setFactCounts records how many facts a brief gives and how many of them
// are verified, for a Brief and a story brief alike: the bot, the CLI and
// the benches show both kinds by the same two figures. verified(i) tells
// about fact i.
func (m *Meta) setFactCounts(given int, verified func(i int) bool) {
	m.FactsGiven = given
	m.FactsVerified = 0
	for i := range given {
		if verified(i) {
			m.FactsVerified++
		}
	}
}

func cleanNames(names []string) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" || seen[strings.ToLower(n)] || len(out) == 10 {
			continue
		}
		seen[strings.ToLower(n)] = true
		out = append(out, n)
	}
	return out
}

func (l Length) orDefault() Length {
	switch l {
	case Short, Detailed:
		return l
	}
	return Standard
}

// sentences and facts per Length; the prompts and the offline summarizer
// use the same numbers.
func (l Length) sentences() int {
	switch l {
	case Short:
		return 2
	case Detailed:
		return 4
	}
	return 3
}

func (l Length) facts() int {
	switch l {
	case Short:
		return 3
	case Detailed:
		return 7
	}
	return 5
}

// ParseLength reads a user's length choice.
func ParseLength(s string) (Length, error) {
	switch l := Length(strings.ToLower(strings.TrimSpace(s))); l {
	case "":
		return Standard, nil
	case Short, Standard, Detailed:
		return l, nil
	}
	return "", fmt.Errorf("unknown length %q: use short, standard or detailed", s)
}
