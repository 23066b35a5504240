// Command interactionsbench measures how fast geobrief acknowledges
// interactions on its two transports, side by side in one process: the
// HTTP interactions endpoint (`geobrief serve`: signed POSTs from a small
// load tool on loopback, the reply is the acknowledgement) and the gateway
// (`geobrief bot`: INTERACTION_CREATE frames from the fake Discord, the
// deferred callback is the acknowledgement). Both run the same bot handler
// code with the real store, summarizer and LLM client, the LLM being the
// mock at 200 ms a call; every /summarize is a cache miss from a user of
// its own.
//
//	go run ./cmd/interactionsbench
//
// Each round sends a burst of -n /summarize to each transport in turn
// (which goes first alternates), waits until every one is answered with
// its summary, and prints, per transport, acknowledgements per second (n
// over the time from the first send to the last acknowledgement) and the
// acknowledgement p50 and p99; at the end the medians over the rounds. An
// HTTP acknowledgement is timed from when the request is written to its
// connection to its reply; a gateway one from when the fake starts writing
// the frame to when the deferred callback reaches it.
package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/geobrief/geobrief/app"
	"github.com/geobrief/geobrief/bot"
	"github.com/geobrief/geobrief/cmd/internal/latency"
	"github.com/geobrief/geobrief/corpus"
	"github.com/geobrief/geobrief/discord"
	"github.com/geobrief/geobrief/discord/discordfake"
	"github.com/geobrief/geobrief/llm"
	"github.com/geobrief/geobrief/mockllm"
	"github.com/geobrief/geobrief/store"
	"github.com/geobrief/geobrief/summarize"
)

func main() {
	n := flag.Int("n", 200, "interactions per burst and transport")
	rounds := flag.Int("rounds", 5, "rounds (a warm-up round is not counted)")
	conns := flag.Int("conns", 64, "HTTP connections the load tool keeps to the endpoint (a load balancer's pool)")
	latency := flag.Duration("latency", 200*time.Millisecond, "mock LLM latency per call")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("interactionsbench: ")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	if err := run(ctx, *n, *rounds, *conns, *latency); err != nil {
		log.Fatal(err)
	}
}

type rig struct {
	fake     *discordfake.Server
	docs     []corpus.Document
	next     int
	endpoint string
	client   *http.Client
}

func run(ctx context.Context, n, rounds, conns int, latency time.Duration) error {
	fmt.Printf("interactionsbench  %s  %d CPUs (GOMAXPROCS %d)  %s\n", time.Now().UTC().Format("2006-01-02 15:04 MST"), runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version())
	fmt.Printf("burst of %d /summarize per transport and round; mock LLM %s a call; HTTP load tool with %d connections\n\n", n, latency, conns)
	quiet := slog.New(slog.DiscardHandler)
	mock := httptest.NewServer(mockllm.New(mockllm.Options{Latency: latency}))
	defer mock.Close()
	dir, err := os.MkdirTemp("", "interactionsbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	st, err := store.Open(ctx, dir)
	if err != nil {
		return err
	}
	defer st.Close()
	r := &rig{fake: discordfake.New(), docs: documents(2 * n * (rounds + 1))}
	defer r.fake.Close()
	if _, err := st.SyncDocuments(ctx, r.docs); err != nil {
		return err
	}
	client := llm.New(llm.Config{BaseURL: mock.URL + "/v1", Model: "mock", MaxConcurrency: 64, MaxWaiting: 4096, Logger: quiet}, st)
	defer client.Close()
	sum, err := summarize.New(summarize.Config{Model: "mock", Logger: quiet}, client, st)
	if err != nil {
		return err
	}
	errLog := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	cfg := bot.Config{Token: "gateway-token", GuildID: "700000000000000001", APIURL: r.fake.URL(), Workers: 64, UserRatePerMinute: -1, Logger: errLog}

	// The gateway bot.
	gw, err := bot.New(cfg, app.New(st, nil, quiet), sum)
	if err != nil {
		return err
	}
	if err := gw.Open(ctx); err != nil {
		return err
	}
	defer closeBot(gw)

	// The same handler behind the HTTP endpoint.
	cfg.Token = "http-token"
	h, err := bot.NewHandler(cfg, app.New(st, nil, quiet), sum)
	if err != nil {
		return err
	}
	defer closeBot(h)
	ep, err := discord.NewEndpoint(discord.EndpointConfig{Token: cfg.Token, PublicKey: r.fake.PublicKey(), GuildID: cfg.GuildID, APIURL: r.fake.URL(), Logger: errLog})
	if err != nil {
		return err
	}
	if err := ep.Open(ctx, h); err != nil {
		return err
	}
	srv := httptest.NewServer(ep)
	defer srv.Close()
	r.endpoint = srv.URL
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxConnsPerHost, tr.MaxIdleConnsPerHost = conns, conns
	r.client = &http.Client{Transport: tr, Timeout: time.Minute}

	var httpRes, gwRes []result
	for round := range rounds + 1 {
		var a, b result
		if round%2 == 0 {
			if a, err = r.httpBurst(ctx, n); err == nil {
				b, err = r.gatewayBurst(ctx, n)
			}
		} else {
			if b, err = r.gatewayBurst(ctx, n); err == nil {
				a, err = r.httpBurst(ctx, n)
			}
		}
		if err != nil {
			return err
		}
		label := fmt.Sprintf("round %d", round)
		if round == 0 {
			label = "warm-up"
		} else {
			httpRes, gwRes = append(httpRes, a), append(gwRes, b)
		}
		fmt.Printf("%-8s  HTTP endpoint %s   gateway %s\n", label, a, b)
	}
	fmt.Printf("\nmedian over %d rounds:\n  HTTP endpoint  %s\n  gateway        %s\n", rounds, median(httpRes), median(gwRes))
	return nil
}

func closeBot(b *bot.Bot) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_ = b.Close(ctx)
}

type result struct {
	perSecond float64
	p50, p99  time.Duration
}

func (r result) String() string {
	return fmt.Sprintf("%6.0f acks/s, ack p50 %7s p99 %7s", r.perSecond, r.p50, r.p99)
}

func median(rs []result) result {
	med := func(f func(result) float64) float64 {
		v := make([]float64, len(rs))
		for i, r := range rs {
			v[i] = f(r)
		}
		slices.Sort(v)
		return v[len(v)/2]
	}
	return result{
		perSecond: med(func(r result) float64 { return r.perSecond }),
		p50:       time.Duration(med(func(r result) float64 { return float64(r.p50) })),
		p99:       time.Duration(med(func(r result) float64 { return float64(r.p99) })),
	}
}

// summarize is a /summarize of the next document from a user of its own.
func (r *rig) summarize() (id string, payload map[string]any) {
	d := r.docs[r.next]
	r.next++
	id = r.fake.NewID()
	return id, map[string]any{
		"id": id, "application_id": r.fake.AppID, "type": 2, "token": "tok-" + id, "version": 1,
		"guild_id": "700000000000000001", "channel_id": "710000000000000001", "locale": "en-US",
		"member": map[string]any{"user": map[string]any{"id": "8" + id, "username": "user" + id}},
		"data": map[string]any{"id": "1", "name": "summarize", "type": 1, "options": []any{
			map[string]any{"name": "article", "type": 3, "value": d.ID},
		}},
	}
}

// httpBurst POSTs n signed /summarize at once (signed beforehand: signing
// is Discord's work) and times each from the moment it is written to its
// reply.
func (r *rig) httpBurst(ctx context.Context, n int) (result, error) {
	type signed struct {
		id       string
		body     []byte
		sig, ts  string
		start    time.Time // the load tool sends it
		wrote    time.Time // its last byte is written to the connection
		ack      time.Duration
		respType int
		err      error
	}
	reqs := make([]*signed, n)
	for k := range reqs {
		id, p := r.summarize()
		body, _ := json.Marshal(p)
		sig, ts := r.fake.Sign(body, time.Now())
		reqs[k] = &signed{id: id, body: body, sig: sig, ts: ts}
	}
	var wg sync.WaitGroup
	start := time.Now()
	for _, s := range reqs {
		wg.Go(func() {
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, r.endpoint, bytes.NewReader(s.body))
			req.Header.Set("X-Signature-Ed25519", s.sig)
			req.Header.Set("X-Signature-Timestamp", s.ts)
			s.start = time.Now()
			// Timed from when the request is written, as the gateway's
			// from when its frame is: waiting for one of the load tool's
			// connections is the load tool's, not the endpoint's.
			req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
				WroteRequest: func(httptrace.WroteRequestInfo) { s.wrote = time.Now() },
			}))
			resp, err := r.client.Do(req)
			if err != nil {
				s.err = err
				return
			}
			raw, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			s.ack = time.Since(s.wrote)
			var out struct {
				Type int `json:"type"`
			}
			_ = json.Unmarshal(raw, &out)
			s.respType = out.Type
			if resp.StatusCode != http.StatusOK {
				s.err = fmt.Errorf("status %d: %s", resp.StatusCode, raw)
			}
		})
	}
	wg.Wait()
	acks := make([]time.Duration, n)
	last := start
	ids := make([]string, n)
	for k, s := range reqs {
		if s.err != nil {
			return result{}, fmt.Errorf("HTTP interaction %s: %w", s.id, s.err)
		}
		if s.respType != 5 {
			return result{}, fmt.Errorf("HTTP interaction %s answered with type %d, not a deferral", s.id, s.respType)
		}
		acks[k] = s.ack
		last = later(last, s.wrote.Add(s.ack))
		ids[k] = s.id
	}
	res := result{perSecond: float64(n) / last.Sub(start).Seconds(), p50: latency.Percentile(acks, 50), p99: latency.Percentile(acks, 99)}
	return res, r.waitAnswered(ctx, ids)
}

// gatewayBurst writes n /summarize to the gateway back to back and times
// each from its write to its deferred callback.
func (r *rig) gatewayBurst(ctx context.Context, n int) (result, error) {
	payloads := make([]map[string]any, n)
	byID := make(map[string]int, n)
	ids := make([]string, n)
	for k := range payloads {
		ids[k], payloads[k] = r.summarize()
		byID[ids[k]] = k
	}
	sent := make([]time.Time, n)
	for k, p := range payloads {
		var err error
		if sent[k], err = r.fake.DispatchTimedTo(ctx, "Bot gateway-token", p); err != nil {
			return result{}, err
		}
	}
	acks := make([]time.Duration, n)
	last := sent[0]
	seen := 0
	if _, err := r.fake.WaitFor(ctx, func(req discordfake.Request) bool {
		if req.Method != http.MethodPost || !strings.HasSuffix(req.Path, "/callback") {
			return false
		}
		parts := strings.Split(req.Path, "/") // /api/v9/interactions/{id}/{token}/callback
		k, ok := byID[parts[4]]
		if !ok {
			return false
		}
		acks[k] = req.Time.Sub(sent[k])
		last = later(last, req.Time)
		seen++
		return seen == n
	}); err != nil {
		return result{}, err
	}
	res := result{perSecond: float64(n) / last.Sub(sent[0]).Seconds(), p50: latency.Percentile(acks, 50), p99: latency.Percentile(acks, 99)}
	return res, r.waitAnswered(ctx, ids)
}

// waitAnswered waits until every interaction's reply carries its summary,
// so that one burst's work does not run into the next measurement.
func (r *rig) waitAnswered(ctx context.Context, ids []string) error {
	for _, id := range ids {
		if _, err := r.fake.WaitEdit(ctx, "tok-"+id, func(req discordfake.Request) bool {
			return strings.Contains(string(req.Body), `"embeds":[{`)
		}); err != nil {
			return fmt.Errorf("interaction %s never answered: %w", id, err)
		}
	}
	return nil
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// documents makes n distinct articles, so that every /summarize is a
// cache miss.
func documents(n int) []corpus.Document {
	places := []string{"Niamey", "Geneva", "Doha", "Ankara", "Jakarta"}
	now := time.Now()
	docs := make([]corpus.Document, n)
	for i := range docs {
		var b strings.Builder
		for k := range 30 {
			fmt.Fprintf(&b, "On day %d, %d envoys met in %s to discuss point %d of the draft, officials said. ",
				k+1, 2+(i+k)%13, places[(i+k)%len(places)], i*100+k)
		}
		body := b.String()
		h := sha256.Sum256([]byte(body))
		docs[i] = corpus.Document{
			ID: fmt.Sprintf("doc-%05d", i), Title: fmt.Sprintf("Envoys meet in %s, round %d", places[i%len(places)], i),
			Source: "Wire", URL: fmt.Sprintf("https://example.org/news/%d", i),
			Published: now.Add(-time.Duration(i) * time.Minute), Added: now, Body: body, Hash: hex.EncodeToString(h[:]),
		}
	}
	return docs
}
