// Command botbench measures the Discord bot as BENCHMARKS.md reports it: the
// bot connected to the fake Discord (discord/discordfake), with the real store,
// summarizer and LLM client, the LLM being the mock at 200 ms a call. All of
// it runs in this one process on loopback; nothing leaves the machine.
//
//	go run ./cmd/botbench
//
// It prints, in order: RSS idle; end-to-end /summarize one at a time (cache
// misses); 50 concurrent /summarize for different documents; a burst of 500
// /summarize, from the moment each INTERACTION_CREATE is written to the
// gateway to the moment its deferred callback (type 5) reaches the fake,
// with RSS during the burst. -cpuprofile, -blockprofile, -mutexprofile,
// -trace and -goroutines cover the burst only; -spread writes the burst
// over a time instead of back to back; -sleep-summarizer puts a plain wait
// in place of the summarizer, to see the bot's own costs. -beside N runs
// bursts of N /summarize to geobrief and, interleaved, to a discordgo bot
// that only defers (in a process of its own, or with -beside-same-process
// in this one), on the same fake, and prints both acknowledgement times
// and their ratio:
//
//	go run ./cmd/botbench -sequential 0 -concurrent 0 -burst 0 -beside 30
package main

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"log"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/geobrief/geobrief/app"
	"github.com/geobrief/geobrief/bot"
	"github.com/geobrief/geobrief/cmd/internal/hostinfo"
	"github.com/geobrief/geobrief/cmd/internal/latency"
	"github.com/geobrief/geobrief/corpus"
	"github.com/geobrief/geobrief/discord/discordfake"
	"github.com/geobrief/geobrief/llm"
	"github.com/geobrief/geobrief/mockllm"
	"github.com/geobrief/geobrief/store"
	"github.com/geobrief/geobrief/summarize"
)

type options struct {
	latency        time.Duration
	sequential     int
	concurrent     int
	burst          int
	spread         time.Duration
	llmConcurrency int
	llmWaiting     int
	sleepBriefer   bool
	beside         int
	besideRounds   int
	besideSame     bool
	minimalBot     string
	profiles       profiles
}

func main() {
	var o options
	flag.DurationVar(&o.latency, "latency", 200*time.Millisecond, "mock LLM latency per call")
	flag.IntVar(&o.sequential, "sequential", 20, "end-to-end /summarize one at a time (cache misses)")
	flag.IntVar(&o.concurrent, "concurrent", 50, "concurrent /summarize for different documents")
	flag.IntVar(&o.burst, "burst", 500, "interactions in the burst")
	flag.DurationVar(&o.spread, "spread", 0, "write the burst's interactions evenly over this time instead of back to back")
	flag.IntVar(&o.llmConcurrency, "llm-concurrency", 64, "LLM_MAX_CONCURRENCY of the LLM client")
	flag.IntVar(&o.llmWaiting, "llm-waiting", 1024, "callers that may queue for the LLM before being told it is busy")
	flag.IntVar(&o.beside, "beside", 0, "bursts of this many /summarize to geobrief and, at once, to a discordgo bot that only defers; prints both acknowledgement times and their ratio")
	flag.IntVar(&o.besideRounds, "beside-rounds", 7, "rounds of -beside")
	flag.BoolVar(&o.besideSame, "beside-same-process", false, "run -beside's minimal bot in this process instead of a process of its own")
	flag.StringVar(&o.minimalBot, "minimal-bot", "", "internal: run as -beside's minimal bot against this fake Discord URL")
	flag.BoolVar(&o.sleepBriefer, "sleep-summarizer", false, "use a Briefer that waits -latency and answers a fixed Brief instead of the summarizer, to see the bot's own costs")
	flag.StringVar(&o.profiles.cpu, "cpuprofile", "", "write a CPU profile of the burst to this file")
	flag.StringVar(&o.profiles.block, "blockprofile", "", "write a block profile of the burst to this file")
	flag.StringVar(&o.profiles.mutex, "mutexprofile", "", "write a mutex profile of the burst to this file")
	flag.StringVar(&o.profiles.trace, "trace", "", "write an execution trace of the burst to this file")
	flag.StringVar(&o.profiles.goroutines, "goroutines", "", "write a goroutine dump taken in the middle of the burst to this file")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("botbench: ")
	if o.minimalBot != "" {
		if err := runMinimalBot(o.minimalBot); err != nil {
			log.Fatal(err)
		}
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, o)
	stop()
	if err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, o options) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	fmt.Printf("botbench  %s  %s, %d CPUs (GOMAXPROCS %d), load average %s  %s\n",
		time.Now().Format("2006-01-02 15:04"), cmp.Or(hostinfo.CPUModel(), runtime.GOARCH), runtime.NumCPU(), runtime.GOMAXPROCS(0), loadAverage(), runtime.Version())
	if o.sleepBriefer {
		fmt.Printf("summarizer replaced by a %s wait (-sleep-summarizer); bot and fake Discord in this process\n\n", o.latency)
	} else {
		fmt.Printf("mock LLM latency %s, LLM client concurrency %d (queue %d); bot, fake Discord and mock LLM in this process\n\n",
			o.latency, o.llmConcurrency, o.llmWaiting)
	}

	r, err := newRig(ctx, o)
	if err != nil {
		return err
	}
	defer r.close()

	runtime.GC()
	time.Sleep(time.Second)
	idle := readMemory()
	fmt.Printf("RSS idle: %s (peak so far %s)\n", mb(idle.rss), mb(idle.hwm))

	if o.sequential > 0 {
		if err := r.sequential(ctx, o.sequential); err != nil {
			return err
		}
	}
	if o.concurrent > 0 {
		if err := r.concurrent(ctx, o.concurrent); err != nil {
			return err
		}
	}
	if o.burst > 0 {
		if err := r.burst(ctx, o.burst, o.spread, o.profiles); err != nil {
			return err
		}
	}
	if o.beside > 0 {
		if err := r.beside(ctx, o.beside, o.besideRounds, o.besideSame); err != nil {
			return err
		}
	}
	return nil
}

const geobriefToken = "botbench-token"

// rig is the bot wired as in production, against the fakes.
type rig struct {
	latency time.Duration
	dir     string
	mock    *httptest.Server
	st      *store.Store
	llm     *llm.Client
	discord *discordfake.Server
	bot     *bot.Bot
	docs    []corpus.Document
	next    int // the next document not summarized yet
}

func newRig(ctx context.Context, o options) (_ *rig, err error) {
	r := &rig{latency: o.latency}
	defer func() {
		if err != nil {
			r.close()
		}
	}()
	quiet := slog.New(slog.DiscardHandler)
	r.mock = httptest.NewServer(mockllm.New(mockllm.Options{Latency: o.latency}))
	if r.dir, err = os.MkdirTemp("", "botbench"); err != nil {
		return nil, err
	}
	if r.st, err = store.Open(ctx, r.dir); err != nil {
		return nil, err
	}
	r.docs = documents(o.sequential + o.concurrent + o.burst + 2*o.beside*(o.besideRounds+1))
	if _, err = r.st.SyncDocuments(ctx, r.docs); err != nil {
		return nil, err
	}
	r.llm = llm.New(llm.Config{
		BaseURL:        r.mock.URL + "/v1",
		Model:          "mock",
		MaxConcurrency: o.llmConcurrency,
		MaxWaiting:     o.llmWaiting,
		Logger:         quiet,
	}, r.st)
	var sum bot.Briefer
	if o.sleepBriefer {
		sum = sleepBriefer{o.latency}
	} else if sum, err = summarize.New(summarize.Config{Model: "mock", Logger: quiet}, r.llm, r.st); err != nil {
		return nil, err
	}
	r.discord = discordfake.New()
	r.bot, err = bot.New(bot.Config{
		Token: geobriefToken,
		// As many handlers at work as LLM calls may be in flight.
		Workers: o.llmConcurrency,
		APIURL:  r.discord.URL(),
		Logger:  slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})),
	}, app.New(r.st, nil, quiet), sum)
	if err != nil {
		return nil, err
	}
	if err = r.bot.Open(ctx); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *rig) close() {
	if r.bot != nil {
		cctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		_ = r.bot.Close(cctx)
		cancel()
	}
	if r.discord != nil {
		r.discord.Close()
	}
	if r.llm != nil {
		r.llm.Close()
	}
	if r.mock != nil {
		r.mock.Close()
	}
	if r.st != nil {
		_ = r.st.Close()
	}
	if r.dir != "" {
		_ = os.RemoveAll(r.dir)
	}
}

// summarize makes a /summarize interaction for the next document, from a
// user of its own (so the per-user limit never applies).
func (r *rig) summarize() interaction {
	d := r.docs[r.next]
	r.next++
	id := r.discord.NewID()
	return interaction{id: id, token: "tok-" + id, payload: map[string]any{
		"id": id, "application_id": r.discord.AppID, "type": 2, "token": "tok-" + id, "version": 1,
		"guild_id": "700000000000000001", "channel_id": "710000000000000001", "locale": "en-US",
		"member": map[string]any{"user": map[string]any{"id": "8" + id, "username": "user" + id}},
		"data": map[string]any{"id": "1", "name": "summarize", "type": 1, "options": []any{
			map[string]any{"name": "article", "type": 3, "value": d.ID},
		}},
	}}
}

type interaction struct {
	id, token string
	payload   map[string]any
}

// sequential: one /summarize at a time, each a cache miss; dispatch to the
// final edit of the deferred reply, and to the deferred callback.
func (r *rig) sequential(ctx context.Context, n int) error {
	var times, acks []time.Duration
	for range n {
		in := r.summarize()
		sent, err := r.discord.DispatchTimed(ctx, in.payload)
		if err != nil {
			return err
		}
		ed, err := r.finalEdit(ctx, in)
		if err != nil {
			return err
		}
		if !strings.Contains(string(ed.Body), `"embeds":[{`) {
			return fmt.Errorf("/summarize answered without an embed: %.300s", ed.Body)
		}
		cb, err := r.discord.WaitCallback(ctx, in.id)
		if err != nil {
			return err
		}
		times = append(times, ed.Time.Sub(sent))
		acks = append(acks, cb.Time.Sub(sent))
	}
	fmt.Printf("end-to-end /summarize, one at a time, %d cache misses: p50 %s  p90 %s  (LLM %s: p50 is LLM + %s); dispatch to deferred callback p50 %s\n",
		n, latency.Percentile(times, 50), latency.Percentile(times, 90), r.latency, (latency.Percentile(times, 50) - r.latency).Round(100*time.Microsecond), latency.Percentile(acks, 50))
	return nil
}

// concurrent: n /summarize for different documents at once; the time from
// the first dispatch to the last final edit.
func (r *rig) concurrent(ctx context.Context, n int) error {
	ins := make([]interaction, n)
	for k := range ins {
		ins[k] = r.summarize()
	}
	var first time.Time
	for k, in := range ins {
		sent, err := r.discord.DispatchTimed(ctx, in.payload)
		if err != nil {
			return err
		}
		if k == 0 {
			first = sent
		}
	}
	var last time.Time
	for _, in := range ins {
		ed, err := r.finalEdit(ctx, in)
		if err != nil {
			return err
		}
		if !strings.Contains(string(ed.Body), `"embeds":[{`) {
			return fmt.Errorf("/summarize answered without an embed: %.300s", ed.Body)
		}
		if ed.Time.After(last) {
			last = ed.Time
		}
	}
	fmt.Printf("%d concurrent /summarize, different documents: all answered in %s (LLM %s)\n",
		n, last.Sub(first).Round(time.Millisecond), r.latency)
	return nil
}

// burst: n /summarize written to the gateway back to back; for each, the
// time from its write to its deferred callback; RSS while they are served.
func (r *rig) burst(ctx context.Context, n int, spread time.Duration, p profiles) error {
	ins := make([]interaction, n)
	byID := make(map[string]int, n)
	for k := range ins {
		ins[k] = r.summarize()
		byID[ins[k].id] = k
	}
	rss := startSampling(10 * time.Millisecond)
	stop, err := p.start()
	if err != nil {
		return err
	}
	cpu0, gc0, conns0 := cpuTime(), gcCycles(), r.discord.Connections()
	sent := make([]time.Time, n)
	start := time.Now()
	for k, in := range ins {
		if spread > 0 {
			time.Sleep(time.Until(start.Add(spread * time.Duration(k) / time.Duration(n))))
		}
		if sent[k], err = r.discord.DispatchTimed(ctx, in.payload); err != nil {
			return err
		}
		if k == n/2 {
			p.dumpGoroutines()
		}
	}
	acks := make([]time.Duration, n)
	kinds := map[int]int{}
	seen := 0
	if _, err := r.discord.WaitFor(ctx, func(req discordfake.Request) bool {
		id, ok := callbackOf(req)
		if !ok {
			return false
		}
		k, ok := byID[id]
		if !ok {
			return false
		}
		var cb struct {
			Type int `json:"type"`
		}
		_ = req.Decode(&cb)
		kinds[cb.Type]++
		acks[k] = req.Time.Sub(sent[k])
		seen++
		return seen == n
	}); err != nil {
		return err
	}
	cpu, gcs, conns := cpuTime()-cpu0, gcCycles()-gc0, r.discord.Connections()-conns0
	if err := stop(); err != nil {
		return err
	}
	fmt.Printf("burst of %d /summarize: written to the gateway in %s; dispatch to deferred callback p50 %s  p99 %s  max %s",
		n, sent[n-1].Sub(sent[0]).Round(time.Millisecond), latency.Percentile(acks, 50), latency.Percentile(acks, 99), latency.Percentile(acks, 100))
	if kinds[5] != n {
		fmt.Printf("  (callback types %v, not all deferred)", kinds)
	}
	fmt.Printf("\n  until the last callback: %s CPU (%s an interaction), %d GC cycles, %d new connections to Discord\n",
		cpu.Round(time.Millisecond), (cpu / time.Duration(n)).Round(time.Microsecond), gcs, conns)

	busy := 0
	for _, in := range ins {
		ed, err := r.finalEdit(ctx, in)
		if err != nil {
			return err
		}
		if !strings.Contains(string(ed.Body), `"embeds":[{`) {
			busy++
		}
	}
	peak := rss.stop()
	m := readMemory()
	fmt.Printf("burst: all %d answered in %s, %d without a summary (busy or failed); RSS under the burst: max %s, peak since start %s\n",
		n, time.Since(sent[0]).Round(time.Millisecond), busy, mb(peak), mb(m.hwm))
	return nil
}

// sleepBriefer stands in for the summarizer: it waits, then answers a fixed
// Brief.
type sleepBriefer struct{ wait time.Duration }

func (b sleepBriefer) Brief(ctx context.Context, doc corpus.Document, _ summarize.Options) (summarize.Brief, error) {
	t := time.NewTimer(b.wait)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
		return summarize.Brief{}, ctx.Err()
	}
	return summarize.Brief{
		DocID:    doc.ID,
		Headline: doc.Title,
		Summary:  "A fixed summary from botbench's -sleep-summarizer.",
		Meta:     summarize.Meta{Model: "sleep", Parts: 1},
	}, nil
}

// callbackOf returns the interaction ID of an interaction callback.
func callbackOf(req discordfake.Request) (string, bool) {
	rest, ok := strings.CutPrefix(req.Path, "/api/v9/interactions/")
	if !ok || req.Method != "POST" || !strings.HasSuffix(rest, "/callback") {
		return "", false
	}
	id, _, _ := strings.Cut(rest, "/")
	return id, true
}

// finalEdit waits for the edit of in's deferred reply that is not a
// progress line.
func (r *rig) finalEdit(ctx context.Context, in interaction) (discordfake.Request, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	return r.discord.WaitEdit(ctx, in.token, func(req discordfake.Request) bool {
		return !strings.Contains(string(req.Body), "parts of the article")
	})
}

// documents makes n news-like documents of about 800 words.
func documents(n int) []corpus.Document {
	places := []string{"Niamey", "Bamako", "Geneva", "Addis Ababa", "Doha", "Ankara", "Jakarta"}
	bodies := []string{"the African Union", "the foreign ministry", "a regional bloc", "the United Nations mission"}
	now := time.Now()
	docs := make([]corpus.Document, n)
	for i := range docs {
		var b strings.Builder
		for k := range 40 {
			fmt.Fprintf(&b, "On day %d, a delegation of %d members from %s met officials of %s, the ministry said in statement %d. ",
				k+1, 3+(i+k)%17, places[(i+k)%len(places)], bodies[(i*7+k)%len(bodies)], i*100+k)
			if k%8 == 7 {
				b.WriteString("\n\n")
			}
		}
		body := b.String()
		sum := sha256.Sum256([]byte(body))
		docs[i] = corpus.Document{
			ID:        fmt.Sprintf("doc-%04d", i),
			Title:     fmt.Sprintf("Talks resume in %s, round %d", places[i%len(places)], i),
			Source:    "Wire",
			URL:       fmt.Sprintf("https://example.org/news/%d", i),
			Published: now.Add(-time.Duration(i) * time.Hour),
			Added:     now.Add(-time.Duration(i) * time.Minute),
			Body:      body,
			Hash:      hex.EncodeToString(sum[:]),
		}
	}
	return docs
}
