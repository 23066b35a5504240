package summarize

import (
	"sync/atomic"

	"github.com/geobrief/geobrief/llm"
)

// Stats counts what a Summarizer has done since it was made. Every field
// only grows.
type Stats struct {
	// CacheHits are Briefs answered from the cache, with no LLM call.
	CacheHits uint64
	// LLMCallsOK and LLMCallsFailed count the summarizer's requests to the
	// LLM client (briefs, parts, combines, repairs, top lines) that got an
	// answer, usable or not, and that failed. The client's own retries are
	// inside one call.
	LLMCallsOK, LLMCallsFailed uint64
	// PromptTokens and CompletionTokens are what the successful calls used.
	PromptTokens, CompletionTokens uint64
	// BriefsLLM are Briefs the LLM generated (concurrent requests for the
	// same Brief share one); BriefsOffline are extractive Briefs made with
	// no LLM configured; BriefsFallback are extractive Briefs made because
	// the LLM was unavailable.
	BriefsLLM, BriefsOffline, BriefsFallback uint64
	// ClaimWaits are Briefs that waited for another replica's generation
	// (Config.Claims) instead of calling the LLM at once.
	ClaimWaits uint64
}

// counters are the live values behind Stats.
type counters struct {
	cacheHits, callsOK, callsFailed     atomic.Uint64
	promptTokens, completionTokens      atomic.Uint64
	briefsLLM, briefsOffline, fallbacks atomic.Uint64
	claimWaits                          atomic.Uint64
}

// call counts one LLM call and, when it succeeded, its tokens.
func (c *counters) call(resp llm.Response, err error) {
	if err != nil {
		c.callsFailed.Add(1)
		return
	}
	c.callsOK.Add(1)
	c.promptTokens.Add(nonNegative(resp.Usage.PromptTokens))
	c.completionTokens.Add(nonNegative(resp.Usage.CompletionTokens))
}

func nonNegative(n int) uint64 { return uint64(max(n, 0)) }

// Stats returns a snapshot of the counts. Each field is read atomically;
// the fields together are not one instant.
func (s *Summarizer) Stats() Stats {
	c := &s.counters
	return Stats{
		CacheHits:        c.cacheHits.Load(),
		LLMCallsOK:       c.callsOK.Load(),
		LLMCallsFailed:   c.callsFailed.Load(),
		PromptTokens:     c.promptTokens.Load(),
		CompletionTokens: c.completionTokens.Load(),
		BriefsLLM:        c.briefsLLM.Load(),
		BriefsOffline:    c.briefsOffline.Load(),
		BriefsFallback:   c.fallbacks.Load(),
		ClaimWaits:       c.claimWaits.Load(),
	}
}
