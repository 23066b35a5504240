// Command factbench measures the fact check of issue 9: how often it
// rejects a faithful fact (false rejection) and how often it lets a fact
// with a changed number, date or name through (false acceptance). It runs
// the real summarizer on the seed documents twice over:
//
//   - against the mock LLM (in-process, over loopback HTTP), whose facts are
//     article sentences and whose wrong-number and summary-number modes plant
//     one hallucination per answer;
//
//   - against a fixed set of hand-written facts (paraphrases.json): faithful
//     paraphrases that keep every detail, and unfaithful ones with a number,
//     date or name changed. Each is also checked as a summary sentence.
//
//     go run ./cmd/factbench        # -v lists every miss
package main

import (
	"context"
	_ "embed"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"

	"github.com/geobrief/geobrief/corpus"
	"github.com/geobrief/geobrief/llm"
	"github.com/geobrief/geobrief/mockllm"
	"github.com/geobrief/geobrief/seeds"
	"github.com/geobrief/geobrief/summarize"
)

//go:embed paraphrases.json
var paraphrasesJSON []byte

// paraphrase is one hand-written fact about a seed document.
type paraphrase struct {
	Doc      string `json:"doc"` // seed ID without its date prefix
	Faithful bool   `json:"faithful"`
	Change   string `json:"change"` // for unfaithful ones: number, date or name
	Fact     string `json:"fact"`
	Quote    string `json:"quote"`
}

func main() {
	verbose := flag.Bool("v", false, "list every fact the check got wrong")
	flag.Parse()
	r, err := measure(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, "factbench:", err)
		os.Exit(1)
	}
	r.print(os.Stdout, *verbose)
}

// rate is a count of wrong decisions out of a total.
type rate struct{ wrong, total int }

func (r rate) String() string {
	if r.total == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%d/%d = %.1f%%", r.wrong, r.total, 100*float64(r.wrong)/float64(r.total))
}

func (r rate) share() float64 {
	if r.total == 0 {
		return 0
	}
	return float64(r.wrong) / float64(r.total)
}

type report struct {
	// Against the mock LLM.
	briefs, inParts     int
	skipped             []string // Briefs in parts the mock could not make
	mockFactsRejected   rate     // faithful mock facts not verified
	mockSummaryDropped  rate     // faithful mock summary sentences dropped
	wrongNumberAccepted rate     // changed-number facts verified
	summaryNumberKept   rate     // Briefs whose summary still states the invented number
	// Hand-written.
	handRejected         rate            // faithful paraphrases not verified
	handAccepted         rate            // unfaithful ones verified
	handAcceptedByChange map[string]rate // the same by what was changed
	handSummaryDropped   rate            // faithful paraphrases dropped as summary sentences
	handSummaryKept      rate            // unfaithful ones kept as summary sentences
	// The same decisions by the check before issue 9 (the quote is in the
	// article, whatever the fact says), for comparison in the same run.
	baseWrongNumberAccepted, baseHandRejected, baseHandAccepted rate
	misses                                                      []string
}

func measure(ctx context.Context) (*report, error) {
	docs, warnings := corpus.Load(seeds.FS)
	if len(warnings) > 0 {
		return nil, fmt.Errorf("seed documents: %v", warnings)
	}
	r := &report{handAcceptedByChange: map[string]rate{}}
	if err := r.mock(ctx, docs); err != nil {
		return nil, err
	}
	if err := r.hand(ctx, docs); err != nil {
		return nil, err
	}
	return r, nil
}

var lengths = []summarize.Length{summarize.Short, summarize.Standard, summarize.Detailed}

// contexts are the context windows tried: the whole article in one request,
// and small enough that every seed is summarized in parts and combined.
var contexts = []int{8192, 700}

func (r *report) mock(ctx context.Context, docs []corpus.Document) error {
	srv := httptest.NewServer(mockllm.New(mockllm.Options{}))
	defer srv.Close()
	summarizer := func(model string, contextTokens int) (*summarize.Summarizer, func(), error) {
		cli := llm.New(llm.Config{BaseURL: srv.URL + "/v1", Model: model, MaxRetries: -1}, nil)
		s, err := summarize.New(summarize.Config{Model: model, ContextTokens: contextTokens}, cli, nil)
		return s, cli.Close, err
	}
	for _, tokens := range contexts {
		plain, closePlain, err := summarizer("mock", tokens)
		if err != nil {
			return err
		}
		defer closePlain()
		wrong, closeWrong, err := summarizer("mock:wrong-number", tokens)
		if err != nil {
			return err
		}
		defer closeWrong()
		sumNum, closeSum, err := summarizer("mock:summary-number", tokens)
		if err != nil {
			return err
		}
		defer closeSum()
		for _, doc := range docs {
			for _, l := range lengths {
				opts := summarize.Options{Length: l}
				where := fmt.Sprintf("%s %s ctx=%d", doc.ID, l, tokens)
				b, err := plain.Brief(ctx, doc, opts)
				if err != nil && tokens < 8192 {
					// The mock finds no key facts in a part of one or two
					// sentences, and says so with an answer geobrief rejects.
					r.skipped = append(r.skipped, where+": "+err.Error())
					continue
				}
				if err != nil {
					return fmt.Errorf("%s: %w", where, err)
				}
				r.briefs++
				if b.Meta.Parts > 1 {
					r.inParts++
				}
				for _, f := range b.Facts {
					r.mockFactsRejected.total++
					if !f.Verified {
						r.mockFactsRejected.wrong++
						r.misses = append(r.misses, fmt.Sprintf("mock fact rejected (%s): %q: %s", where, f.Text, f.Reason))
					}
				}
				kept := len(splitSentences(b.Summary))
				r.mockSummaryDropped.total += kept + len(b.Meta.SummaryDropped)
				r.mockSummaryDropped.wrong += len(b.Meta.SummaryDropped)
				for _, d := range b.Meta.SummaryDropped {
					r.misses = append(r.misses, fmt.Sprintf("mock summary sentence dropped (%s): %q: %s", where, d.Sentence, d.Reason))
				}

				bw, err := wrong.Brief(ctx, doc, opts)
				if err != nil {
					return fmt.Errorf("%s wrong-number: %w", where, err)
				}
				for _, f := range bw.Facts {
					if repeatsQuote(f) {
						continue
					}
					r.wrongNumberAccepted.total++
					r.baseWrongNumberAccepted.total++
					if quoteOnly(f) {
						r.baseWrongNumberAccepted.wrong++
					}
					if f.Verified {
						r.wrongNumberAccepted.wrong++
						r.misses = append(r.misses, fmt.Sprintf("changed number accepted (%s): %q quoting %q", where, f.Text, f.Quote))
					}
				}

				bs, err := sumNum.Brief(ctx, doc, opts)
				if err != nil {
					return fmt.Errorf("%s summary-number: %w", where, err)
				}
				r.summaryNumberKept.total++
				if invented := newNumbers(bs.Summary, doc); len(invented) > 0 {
					r.summaryNumberKept.wrong++
					r.misses = append(r.misses, fmt.Sprintf("invented summary number kept (%s): %v in %q", where, invented, bs.Summary))
				}
			}
		}
	}
	return nil
}

// repeatsQuote reports a fact that is its quote, or its quote cut short the
// way the mock shortens long sentences: all the mock's facts but the
// wrong-number one.
func repeatsQuote(f summarize.Fact) bool {
	if f.Text == f.Quote {
		return true
	}
	p, ok := strings.CutSuffix(f.Text, "…")
	return ok && strings.HasPrefix(f.Quote, p)
}

// quoteOnly is the decision of the check before issue 9: a fact was shown
// when its quote was in the article. The new check says "the quote does not
// say ..." exactly when the quote was found but the fact's details were not.
func quoteOnly(f summarize.Fact) bool {
	return f.Verified || strings.HasPrefix(f.Reason, "the quote does not say")
}

var digits = regexp.MustCompile(`\d+`)

// newNumbers lists the digit runs of s that doc does not contain as a word.
func newNumbers(s string, doc corpus.Document) []string {
	var out []string
	for _, n := range digits.FindAllString(s, -1) {
		if !regexp.MustCompile(`(^|\D)` + n + `(\D|$)`).MatchString(doc.Title + "\n" + doc.Body) {
			out = append(out, n)
		}
	}
	return out
}

func splitSentences(s string) []string {
	var out []string
	for _, p := range strings.SplitAfter(s, ". ") {
		if strings.TrimSpace(p) != "" {
			out = append(out, p)
		}
	}
	return out
}

// scripted is a Completer that answers with one prepared brief.
type scripted struct{ answer string }

func (s *scripted) Complete(context.Context, llm.Request) (llm.Response, error) {
	return llm.Response{Content: s.answer, FinishReason: "stop", Model: "scripted"}, nil
}

func (r *report) hand(ctx context.Context, docs []corpus.Document) error {
	var set []paraphrase
	if err := json.Unmarshal(paraphrasesJSON, &set); err != nil {
		return fmt.Errorf("paraphrases.json: %w", err)
	}
	byName := map[string]corpus.Document{}
	for _, d := range docs {
		byName[d.ID] = d
		if _, name, ok := strings.Cut(d.ID, "-04-11-"); ok {
			byName[name] = d
		}
	}
	llmAnswer := &scripted{}
	s, err := summarize.New(summarize.Config{Model: "scripted"}, llmAnswer, nil)
	if err != nil {
		return err
	}
	for i, p := range set {
		doc, ok := byName[p.Doc]
		if !ok {
			return fmt.Errorf("paraphrases.json entry %d: no seed document %q", i, p.Doc)
		}
		answer, err := json.Marshal(map[string]any{
			"headline": "H", "summary": p.Fact,
			"key_facts": []map[string]string{{"fact": p.Fact, "quote": p.Quote}},
			"people":    []string{}, "places": []string{}, "organizations": []string{},
		})
		if err != nil {
			return err
		}
		llmAnswer.answer = string(answer)
		// Each entry is a new "document" for the cache key's sake; there is
		// no cache here, but the hash keeps the entries apart in logs.
		doc.Hash = fmt.Sprintf("%s-%d", doc.Hash, i)
		b, err := s.Brief(ctx, doc, summarize.Options{})
		if err != nil {
			return fmt.Errorf("paraphrases.json entry %d: %w", i, err)
		}
		if len(b.Facts) != 1 {
			return fmt.Errorf("paraphrases.json entry %d: %d facts in the Brief", i, len(b.Facts))
		}
		f := b.Facts[0]
		if !strings.Contains(doc.Body, p.Quote) {
			return fmt.Errorf("paraphrases.json entry %d: the quote is not verbatim in %s", i, doc.ID)
		}
		dropped := len(b.Meta.SummaryDropped) > 0
		if p.Faithful {
			r.baseHandRejected.total++
			if !quoteOnly(f) {
				r.baseHandRejected.wrong++
			}
			r.handRejected.total++
			r.handSummaryDropped.total++
			if !f.Verified {
				r.handRejected.wrong++
				r.misses = append(r.misses, fmt.Sprintf("faithful paraphrase rejected: %q: %s", p.Fact, f.Reason))
			}
			if dropped {
				r.handSummaryDropped.wrong++
				r.misses = append(r.misses, fmt.Sprintf("faithful paraphrase dropped from a summary: %q: %s", p.Fact, b.Meta.SummaryDropped[0].Reason))
			}
			continue
		}
		r.baseHandAccepted.total++
		if quoteOnly(f) {
			r.baseHandAccepted.wrong++
		}
		r.handAccepted.total++
		r.handSummaryKept.total++
		byChange := r.handAcceptedByChange[p.Change]
		byChange.total++
		if f.Verified {
			r.handAccepted.wrong++
			byChange.wrong++
			r.misses = append(r.misses, fmt.Sprintf("unfaithful fact (%s changed) accepted: %q quoting %q", p.Change, p.Fact, p.Quote))
		}
		r.handAcceptedByChange[p.Change] = byChange
		if !dropped {
			r.handSummaryKept.wrong++
			r.misses = append(r.misses, fmt.Sprintf("unfaithful paraphrase kept in a summary (%s changed): %q", p.Change, p.Fact))
		}
	}
	return nil
}

func (r *report) print(w io.Writer, verbose bool) {
	fmt.Fprintln(w, "fact check (issue 9), seed documents")
	fmt.Fprintln(w)
	fmt.Fprintf(w, "mock LLM (3 lengths x 2 context sizes x each seed: %d Briefs, %d of them in parts; %d skipped, see -v):\n", r.briefs, r.inParts, len(r.skipped))
	fmt.Fprintf(w, "  false rejection, mock facts (article sentences):      %s\n", r.mockFactsRejected)
	fmt.Fprintf(w, "  false drop, mock summary sentences:                   %s\n", r.mockSummaryDropped)
	fmt.Fprintf(w, "  false acceptance, wrong-number facts:                 %s   (quote-only check: %s)\n", r.wrongNumberAccepted, r.baseWrongNumberAccepted)
	fmt.Fprintf(w, "  false acceptance, summary-number (number kept):       %s\n", r.summaryNumberKept)
	fmt.Fprintln(w, "hand-written paraphrases (paraphrases.json):")
	fmt.Fprintf(w, "  false rejection, faithful facts:                      %s   (quote-only check: %s)\n", r.handRejected, r.baseHandRejected)
	fmt.Fprintf(w, "  false acceptance, unfaithful facts:                   %s   (quote-only check: %s)\n", r.handAccepted, r.baseHandAccepted)
	for _, c := range []string{"number", "date", "name"} {
		fmt.Fprintf(w, "    %-6s changed:                                     %s\n", c, r.handAcceptedByChange[c])
	}
	fmt.Fprintf(w, "  as summary sentences: faithful dropped                %s\n", r.handSummaryDropped)
	fmt.Fprintf(w, "  as summary sentences: unfaithful kept                 %s\n", r.handSummaryKept)
	if verbose {
		fmt.Fprintln(w)
		for _, m := range r.misses {
			fmt.Fprintln(w, "  "+m)
		}
		for _, sk := range r.skipped {
			fmt.Fprintln(w, "  skipped (the mock gave no key facts for a short part): "+sk)
		}
	} else if len(r.misses) > 0 {
		fmt.Fprintf(w, "\n%d misses; -v lists them\n", len(r.misses))
	}
}
