// Command interactionsbench measures how fast geobrief acknowledges
// interactions on its two transports, side by side on one machine: the
// HTTP interactions endpoint (`geobrief serve`: signed POSTs from a small
// load tool on loopback, the reply is the acknowledgement) and the gateway
// (`geobrief bot`: INTERACTION_CREATE frames from the fake Discord, the
// deferred callback is the acknowledgement). Both run the same bot handler
// code with the real store, summarizer and LLM client, the LLM being the
// mock at 200 ms a call; every /summarize is a cache miss from a user of
// its own.
//
//	go run ./cmd/interactionsbench
//	go run ./cmd/interactionsbench -replicas 1,3      # needs PostgreSQL
//
// Without -replicas, the endpoint and the gateway bot both run in this
// process on one SQLite store. With -replicas, the endpoint is the real
// `geobrief serve` binary (built by the command): for each size in the
// list, a cluster of that many processes on a PostgreSQL schema of its own
// (-database-url, default $GEOBRIEF_TEST_DATABASE_URL; dropped at the end)
// behind a round-robin reverse proxy in this process, every replica
// loading the same generated documents from a SEEDS_DIR. The gateway bot
// stays in this process on SQLite, as the baseline of the same run.
//
// Each round sends a burst of -n /summarize to each target in turn (which
// goes first turns with the rounds), waits until every one is answered
// with its summary, and prints, per target, acknowledgements per second (n
// over the time from the first send to the last acknowledgement) and the
// acknowledgement p50 and p99; at the end the medians over the rounds. An
// HTTP acknowledgement is timed from when the request is written to its
// connection (the proxy's, with replicas) to its reply; a gateway one from
// when the fake starts writing the frame to when the deferred callback
// reaches it.
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
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
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
	replicas := flag.String("replicas", "", "measure `geobrief serve` processes instead of the in-process endpoint: a cluster of each size in the list (e.g. 1,3), each on a PostgreSQL schema of its own behind a round-robin proxy")
	dbURL := flag.String("database-url", os.Getenv("GEOBRIEF_TEST_DATABASE_URL"), "the PostgreSQL server for -replicas (default $GEOBRIEF_TEST_DATABASE_URL); a schema is created per cluster and dropped at the end")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("interactionsbench: ")
	sizes, err := parseSizes(*replicas)
	if err != nil {
		log.Fatal(err)
	}
	if len(sizes) > 0 && *dbURL == "" {
		log.Fatal("-replicas needs PostgreSQL: set -database-url or GEOBRIEF_TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	if err := run(ctx, options{n: *n, rounds: *rounds, conns: *conns, latency: *latency, replicas: sizes, dbURL: *dbURL}); err != nil {
		log.Fatal(err)
	}
}

type options struct {
	n, rounds, conns int
	latency          time.Duration
	replicas         []int // serve cluster sizes; none: the in-process endpoint
	dbURL            string
}

// parseSizes reads "1,3".
func parseSizes(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		k, err := strconv.Atoi(f)
		if err != nil || k < 1 || k > 16 {
			return nil, fmt.Errorf("-replicas: %q is not a number of replicas from 1 to 16", f)
		}
		out = append(out, k)
	}
	return out, nil
}

type rig struct {
	fake *discordfake.Server
	docs []corpus.Document
	next int
}

// A target is one way of delivering the bursts: the gateway bot, or an
// HTTP endpoint (in process, or replicas behind a proxy).
type target struct {
	name  string
	burst func(ctx context.Context, n int) (result, error)
}

func run(ctx context.Context, o options) error {
	fmt.Printf("interactionsbench  %s  %d CPUs (GOMAXPROCS %d)  %s\n", time.Now().UTC().Format("2006-01-02 15:04 MST"), runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version())
	fmt.Printf("burst of %d /summarize per transport and round; mock LLM %s a call; HTTP load tool with %d connections\n", o.n, o.latency, o.conns)
	quiet := slog.New(slog.DiscardHandler)
	mock := httptest.NewServer(mockllm.New(mockllm.Options{Latency: o.latency}))
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
	targets := 2
	if len(o.replicas) > 0 {
		targets = 1 + len(o.replicas)
	}
	r := &rig{fake: discordfake.New(), docs: documents(targets * o.n * (o.rounds + 1))}
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

	// The gateway bot, in this process on SQLite: the baseline of every run.
	gw, err := bot.New(cfg, app.New(st, nil, quiet), sum)
	if err != nil {
		return err
	}
	if err := gw.Open(ctx); err != nil {
		return err
	}
	defer closeBot(gw)
	gateway := target{name: "gateway (bot)", burst: r.gatewayBurst}

	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxConnsPerHost, tr.MaxIdleConnsPerHost = o.conns, o.conns
	httpClient := &http.Client{Transport: tr, Timeout: time.Minute}
	var list []target
	if len(o.replicas) == 0 {
		fmt.Println()
		// The same handler behind the HTTP endpoint, in this process.
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
		list = []target{{name: "HTTP endpoint", burst: r.httpBurster(srv.URL, httpClient)}, gateway}
	} else {
		fmt.Printf("geobrief serve replicas: %v, each cluster on its own PostgreSQL schema behind a round-robin proxy\n\n", o.replicas)
		bin, err := buildGeobrief(ctx, dir)
		if err != nil {
			return err
		}
		seeds := filepath.Join(dir, "seeds")
		if err := os.Mkdir(seeds, 0o755); err != nil {
			return err
		}
		if err := writeSeeds(seeds, r.docs); err != nil {
			return err
		}
		list = []target{gateway}
		for _, size := range o.replicas {
			c, err := startCluster(ctx, size, clusterConfig{
				bin: bin, seeds: seeds, dbURL: o.dbURL, discordURL: r.fake.URL(), publicKey: r.fake.PublicKey(),
				llmURL: mock.URL + "/v1", workers: cfg.Workers,
			})
			if err != nil {
				return err
			}
			defer c.stop()
			list = append(list, target{name: fmt.Sprintf("serve x%d", size), burst: r.httpBurster(c.endpoint(), httpClient)})
		}
	}

	results := make([][]result, len(list))
	for round := range o.rounds + 1 {
		// Which target goes first turns with the rounds.
		line := make([]string, len(list))
		for k := range list {
			i := (round + k) % len(list)
			res, err := list[i].burst(ctx, o.n)
			if err != nil {
				return fmt.Errorf("%s: %w", list[i].name, err)
			}
			line[i] = fmt.Sprintf("%s %s", list[i].name, res)
			if round > 0 {
				results[i] = append(results[i], res)
			}
		}
		label := fmt.Sprintf("round %d", round)
		if round == 0 {
			label = "warm-up"
		}
		fmt.Printf("%-8s  %s\n", label, strings.Join(line, "   "))
	}
	fmt.Printf("\nmedian over %d rounds:\n", o.rounds)
	for i, t := range list {
		fmt.Printf("  %-15s %s\n", t.name, median(results[i]))
	}
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
func (r *rig) httpBurster(endpoint string, client *http.Client) func(ctx context.Context, n int) (result, error) {
	return func(ctx context.Context, n int) (result, error) { return r.httpBurst(ctx, endpoint, client, n) }
}

func (r *rig) httpBurst(ctx context.Context, endpoint string, client *http.Client, n int) (result, error) {
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
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(s.body))
			req.Header.Set("X-Signature-Ed25519", s.sig)
			req.Header.Set("X-Signature-Timestamp", s.ts)
			s.start = time.Now()
			// Timed from when the request is written, as the gateway's
			// from when its frame is: waiting for one of the load tool's
			// connections is the load tool's, not the endpoint's.
			req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
				WroteRequest: func(httptrace.WroteRequestInfo) { s.wrote = time.Now() },
			}))
			resp, err := client.Do(req)
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
