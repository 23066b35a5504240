package summarize

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/geobrief/geobrief/batch"
	"github.com/geobrief/geobrief/llm"
)

// modelStory is the JSON shape the story prompts ask for, and the shape
// partial story briefs are combined in.
type modelStory struct {
	Headline      string              `json:"headline"`
	Summary       string              `json:"summary"`
	KeyFacts      []modelStoryFact    `json:"key_facts"`
	Disagreements []modelDisagreement `json:"disagreements"`
}

type modelStoryFact struct {
	Fact    string          `json:"fact"`
	Sources []modelCitation `json:"sources"`
}

type modelCitation struct {
	Source string `json:"source"`
	Quote  string `json:"quote"`
}

type modelDisagreement struct {
	About string      `json:"about"`
	Sides []modelSide `json:"sides"`
}

type modelSide struct {
	Source string `json:"source"`
	Value  string `json:"value"`
	Quote  string `json:"quote"`
}

var storySchema = &llm.Schema{Name: "story", JSON: []byte(`{
  "type": "object",
  "properties": {
    "headline": {"type": "string"},
    "summary": {"type": "string"},
    "key_facts": {
      "type": "array",
      "items": {
        "type": "object",
        "properties": {
          "fact": {"type": "string"},
          "sources": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {"source": {"type": "string"}, "quote": {"type": "string"}},
              "required": ["source", "quote"],
              "additionalProperties": false
            }
          }
        },
        "required": ["fact", "sources"],
        "additionalProperties": false
      }
    },
    "disagreements": {
      "type": "array",
      "items": {
        "type": "object",
        "properties": {
          "about": {"type": "string"},
          "sides": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {"source": {"type": "string"}, "value": {"type": "string"}, "quote": {"type": "string"}},
              "required": ["source", "value", "quote"],
              "additionalProperties": false
            }
          }
        },
        "required": ["about", "sides"],
        "additionalProperties": false
      }
    }
  },
  "required": ["headline", "summary", "key_facts", "disagreements"],
  "additionalProperties": false
}`)}

// parseStory extracts and validates a story brief from a model's answer.
// The error says what is wrong in words a model can act on in a repair.
func parseStory(answer string) (modelStory, error) {
	b, err := decodeAnswer[modelStory](answer)
	if err != nil {
		return b, err
	}
	if err := trimHeadlineSummary(&b.Headline, &b.Summary); err != nil {
		return b, err
	}
	facts := b.KeyFacts[:0]
	for _, f := range b.KeyFacts {
		f.Fact = strings.TrimSpace(f.Fact)
		if f.Fact == "" && len(f.Sources) == 0 {
			continue
		}
		if f.Fact == "" {
			f.Fact = strings.TrimSpace(f.Sources[0].Quote)
		}
		facts = append(facts, f)
	}
	if len(facts) == 0 {
		return b, errors.New(`"key_facts" is missing or empty`)
	}
	b.KeyFacts = facts
	return b, nil
}

// storyPromptSource is one source as the story prompt shows it.
type storyPromptSource struct {
	ID, Outlet, Title, Text string
}

// storyTags are the delimiters of the story prompt: text from a document
// must not be able to close any of them and speak as the prompt.
var storyTags = []string{"sources", "source", "outlet", "title", "text"}

func fenceStory(s string, oneLine bool) string {
	if oneLine {
		s = strings.Join(strings.Fields(s), " ")
	}
	for _, tag := range storyTags {
		s = neutralize(s, tag)
	}
	return s
}

func promptSource(src *storySource, text string) storyPromptSource {
	return storyPromptSource{ID: src.label, Outlet: fenceStory(src.outlet, true), Title: fenceStory(src.doc.Title, true), Text: fenceStory(text, false)}
}

// generateStory asks the LLM for the story brief: in one request when every
// source fits the context together, else by briefing each source on its own
// (in parts when it alone is too long) and combining the briefs.
func (s *Summarizer) generateStory(ctx context.Context, srcs []*storySource, opts Options) (StoryBrief, error) {
	t := &tally{model: s.cfg.Model}
	limit := s.partChars()
	total := 0
	for _, src := range srcs {
		total += len(src.doc.Title) + len(src.doc.Body) + len(src.outlet) + storySourceOverhead
	}
	var (
		ms    modelStory
		parts int
		err   error
	)
	if total <= limit {
		parts = 1
		ms, err = s.storyAtOnce(ctx, t, srcs, opts)
		if err == nil && opts.Progress != nil {
			opts.Progress(1, 1)
		}
	} else {
		ms, parts, err = s.storyMapReduce(ctx, t, srcs, opts)
	}
	if err != nil {
		return StoryBrief{}, err
	}
	b := s.assembleStory(srcs, ms, opts)
	b.Meta.Model = t.model
	b.Meta.PromptTokens, b.Meta.CompletionTokens = t.prompt, t.answer
	b.Meta.Parts = parts
	return b, nil
}

// storySourceOverhead is what the tags around one source cost in the prompt.
const storySourceOverhead = 80

func (s *Summarizer) storyAtOnce(ctx context.Context, t *tally, srcs []*storySource, opts Options) (modelStory, error) {
	data := struct {
		Sources                 []storyPromptSource
		SummarySentences, Facts int
	}{SummarySentences: opts.Length.sentences(), Facts: opts.Length.facts()}
	for _, src := range srcs {
		data.Sources = append(data.Sources, promptSource(src, src.doc.Body))
	}
	return askJSON(ctx, s, t, "story", data, storySchema, opts.Guild, parseStory)
}

// storyMapReduce briefs each source with the single-document prompts (a
// source too long for one request in parts, as Brief does), turns each
// brief into a partial story brief whose facts cite that source, and
// combines the partials in batches that fit the context until one is left.
// parts counts the map requests.
func (s *Summarizer) storyMapReduce(ctx context.Context, t *tally, srcs []*storySource, opts Options) (modelStory, int, error) {
	limit := s.partChars()
	partials := make([]modelStory, len(srcs))
	split := make([][]string, len(srcs))
	parts := 0
	for i, src := range srcs {
		split[i] = splitArticle(src.doc.Body, limit)
		parts += len(split[i])
	}
	inner := opts
	inner.Progress = nil
	err := batch.Each(ctx, len(srcs), maxParallelParts, opts.Progress, func(ctx context.Context, i int) error {
		var (
			mb  modelBrief
			err error
		)
		if len(split[i]) == 1 {
			mb, err = s.briefPart(ctx, t, srcs[i].doc.Title, split[i][0], 0, 1, inner)
		} else {
			mb, err = s.mapReduce(ctx, t, srcs[i].doc.Title, split[i], inner)
		}
		if err != nil {
			return fmt.Errorf("source %s (%s): %w", srcs[i].label, srcs[i].doc.ID, err)
		}
		partials[i] = partialStory(srcs[i].label, mb)
		return nil
	})
	if err != nil {
		return modelStory{}, 0, err
	}
	if len(partials) == 1 {
		return partials[0], parts, nil
	}
	for len(partials) > 1 {
		batches := batch.Pack(partials, storySize, batch.Limit{Max: limit, MinItems: 2})
		next := make([]modelStory, len(batches))
		err := batch.Each(ctx, len(batches), maxParallelParts, nil, func(ctx context.Context, i int) error {
			mb, err := s.combineStory(ctx, t, batches[i], opts)
			if err != nil {
				return fmt.Errorf("combining source briefs: %w", err)
			}
			next[i] = mb
			return nil
		})
		if err != nil {
			return modelStory{}, 0, err
		}
		partials = next
	}
	return partials[0], parts, nil
}

func storySize(b modelStory) int {
	js, _ := json.Marshal(b)
	return len(js)
}

// partialStory is a single source's brief as a story brief: every fact
// cites that source with its quote.
func partialStory(label string, mb modelBrief) modelStory {
	ms := modelStory{Headline: mb.Headline, Summary: mb.Summary, KeyFacts: []modelStoryFact{}, Disagreements: []modelDisagreement{}}
	for _, f := range mb.KeyFacts {
		ms.KeyFacts = append(ms.KeyFacts, modelStoryFact{Fact: f.Fact, Sources: []modelCitation{{Source: label, Quote: f.Quote}}})
	}
	return ms
}

func (s *Summarizer) combineStory(ctx context.Context, t *tally, partials []modelStory, opts Options) (modelStory, error) {
	js, err := json.MarshalIndent(partials, "", " ")
	if err != nil {
		return modelStory{}, fmt.Errorf("encode partial story briefs: %w", err)
	}
	data := struct {
		PartialBriefs           string
		SummarySentences, Facts int
	}{neutralize(string(js), "partial_briefs"), opts.Length.sentences(), opts.Length.facts()}
	return askJSON(ctx, s, t, "story_combine", data, storySchema, opts.Guild, parseStory)
}
