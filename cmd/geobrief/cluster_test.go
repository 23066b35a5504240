package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/geobrief/geobrief/cmd/internal/loopback"
	"github.com/geobrief/geobrief/discord/discordfake"
	"github.com/geobrief/geobrief/mockllm"
)

// A cluster is geobrief as issue 12 deploys it, on loopback: N `geobrief
// serve` processes (the real binary) behind a round-robin reverse proxy,
// one database, the fake Discord and the mock LLM. Each replica reaches
// Discord through a tap of its own, so a test sees which replica made
// each Discord call and can hold one replica's calls.
type cluster struct {
	t        *testing.T
	fake     *discordfake.Server
	llm      *countingLLM
	proxy    *httptest.Server // the load balancer: /interactions goes round robin
	replicas []*replica

	mu    sync.Mutex
	calls []tapCall // every Discord call of every replica, in arrival order
	// hold, when set, decides whether a replica's Discord call waits; a
	// held call is forwarded once released, and dropped if its replica
	// dies (its connection closes) first.
	hold    func(c tapCall) bool
	held    chan tapCall  // each call that starts waiting
	release chan struct{} // closed to let held calls through
}

// replica is one `geobrief serve` process.
type replica struct {
	n      int
	base   string // http://127.0.0.1:port
	cmd    *exec.Cmd
	logs   *watchedLog
	exited <-chan error
	alive  atomic.Bool // the proxy sends interactions only to live replicas
	// inflight counts the requests the proxy has sent the replica and not
	// yet seen answered: a deploy waits for none before stopping it.
	inflight atomic.Int64
	tap      *httptest.Server
}

// tapCall is one Discord REST call a replica made.
type tapCall struct {
	Replica int
	Method  string
	Path    string
	Body    []byte
	Nonce   string // a channel message's nonce, else ""
	Time    time.Time
}

// clusterOptions tune a cluster.
type clusterOptions struct {
	replicas int
	// llmLatency is the mock LLM's wait before each answer.
	llmLatency time.Duration
	// env is added to every replica's environment (after the defaults,
	// so it wins).
	env []string
	// database gives a replica the settings of the shared store.
	database func(replica int) []string
}

const clusterGuild = "700000000000000001"

// startCluster starts the fakes, the replicas and the proxy, and returns
// once every replica is ready (/healthz 200). Everything stops when the
// test ends.
func startCluster(t *testing.T, ctx context.Context, o clusterOptions) *cluster {
	t.Helper()
	bin := geobriefBinary(t)
	c := &cluster{t: t, fake: discordfake.New(), held: make(chan tapCall, 64), release: make(chan struct{})}
	t.Cleanup(c.fake.Close)
	c.llm = newCountingLLM(mockllm.New(mockllm.Options{Latency: o.llmLatency}))
	llmSrv := httptest.NewServer(c.llm)
	t.Cleanup(llmSrv.Close)
	t.Cleanup(c.releaseHeld) // never leave a call held at the end

	addrs := freeAddrs(t, o.replicas)
	for n := range o.replicas {
		r := &replica{n: n, base: "http://" + addrs[n], logs: newWatchedLog()}
		r.tap = httptest.NewServer(c.tapHandler(n))
		t.Cleanup(r.tap.Close)
		env := append([]string{
			"DISCORD_TOKEN=replica-token",
			"DISCORD_API_URL=" + r.tap.URL,
			"DISCORD_GUILD_ID=" + clusterGuild,
			"DISCORD_PUBLIC_KEY=" + c.fake.PublicKey(),
			// Many users in a burst, each with a budget of their own:
			// the per-user limit is not what these tests are about.
			"DISCORD_USER_RATE_PER_MINUTE=1000",
			"INTERACTIONS_ADDR=" + addrs[n],
			"OPENAI_BASE_URL=" + llmSrv.URL + "/v1",
			"LLM_MODEL=mock",
			"LOG_LEVEL=debug",
		}, o.database(n)...)
		r.cmd = geobriefCommand(bin, "serve", t.TempDir(), append(env, o.env...)...)
		r.exited = startReplica(t, r)
		c.replicas = append(c.replicas, r)
	}
	for _, r := range c.replicas {
		if err := waitHealthy(ctx, r.base+"/healthz"); err != nil {
			t.Fatalf("replica %d never became ready: %v", r.n, err)
		}
		r.alive.Store(true)
	}
	c.proxy = httptest.NewServer(c.roundRobin())
	t.Cleanup(c.proxy.Close)
	return c
}

// startReplica starts r's process; a failed test logs its output under
// its number.
func startReplica(t *testing.T, r *replica) <-chan error {
	t.Helper()
	// Cleanups run last first: this line comes after the output.
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("(the output above is replica %d's)", r.n)
		}
	})
	return startProcess(t, r.cmd, r.logs)
}

// endpoint is the load balancer's /interactions URL, the one Discord is
// given.
func (c *cluster) endpoint() string { return c.proxy.URL + "/interactions" }

// roundRobin is the load balancer: each request goes to the next live
// replica in turn. A request counts as in flight at its replica from the
// moment the replica is picked until its answer is read, so that a replica
// taken out (alive false) can be stopped once that count is zero, as a
// load balancer's connection draining does.
func (c *cluster) roundRobin() http.Handler {
	var next atomic.Uint64
	return &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			for range len(c.replicas) {
				r := c.replicas[int(next.Add(1)-1)%len(c.replicas)]
				// Counted before the check: a replica taken out after it
				// was picked still waits for this request.
				r.inflight.Add(1)
				if !r.alive.Load() {
					r.inflight.Add(-1)
					continue
				}
				u, _ := url.Parse(r.base)
				pr.SetURL(u)
				pr.Out = pr.Out.WithContext(context.WithValue(pr.Out.Context(), pickedKey{}, r))
				return
			}
			pr.Out.URL.Host = "" // no replica alive: the error handler answers
		},
		Transport: inflightTransport{http.DefaultTransport},
		ErrorHandler: func(w http.ResponseWriter, _ *http.Request, err error) {
			http.Error(w, "load balancer: "+err.Error(), http.StatusBadGateway)
		},
	}
}

// pickedKey carries the replica the proxy picked for a request.
type pickedKey struct{}

// inflightTransport ends a request's count at its replica once the answer
// is read (or the request failed).
type inflightTransport struct{ next http.RoundTripper }

func (t inflightTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r, _ := req.Context().Value(pickedKey{}).(*replica)
	resp, err := t.next.RoundTrip(req)
	if r == nil {
		return resp, err
	}
	if err != nil {
		r.inflight.Add(-1)
		return nil, err
	}
	resp.Body = &countedBody{ReadCloser: resp.Body, done: func() { r.inflight.Add(-1) }}
	return resp, nil
}

// countedBody calls done once, when the body is closed.
type countedBody struct {
	io.ReadCloser
	once sync.Once
	done func()
}

func (b *countedBody) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(b.done)
	return err
}

// drain takes r out of the load balancer, waits until the requests it was
// sent are answered, then stops it with SIGTERM and waits for its exit,
// which must be 0: a rolling deploy of one replica.
func (c *cluster) drain(ctx context.Context, r *replica) error {
	r.alive.Store(false)
	for r.inflight.Load() > 0 { // polled; ctx bounds it
		select {
		case <-ctx.Done():
			return fmt.Errorf("replica %d: %d requests never answered", r.n, r.inflight.Load())
		case <-time.After(10 * time.Millisecond):
		}
	}
	if err := terminate(ctx, r.cmd, r.exited); err != nil {
		return fmt.Errorf("replica %d: %w", r.n, err)
	}
	return nil
}

// tapHandler forwards replica n's Discord calls to the fake, recording
// each and holding those c.hold picks.
func (c *cluster) tapHandler(n int) http.Handler {
	fakeURL, _ := url.Parse(c.fake.URL())
	fwd := httputil.NewSingleHostReverseProxy(fakeURL)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		call := tapCall{Replica: n, Method: r.Method, Path: r.URL.Path, Body: body, Time: time.Now()}
		if r.Method == http.MethodPost && strings.Contains(r.URL.Path, "/channels/") {
			var m struct {
				Nonce json.RawMessage `json:"nonce"`
			}
			_ = json.Unmarshal(body, &m)
			var s string
			_ = json.Unmarshal(m.Nonce, &s)
			call.Nonce = s
		}
		c.mu.Lock()
		c.calls = append(c.calls, call)
		hold, release := c.hold, c.release
		c.mu.Unlock()
		if hold != nil && hold(call) {
			select {
			case c.held <- call:
			case <-r.Context().Done():
				return
			}
			select {
			case <-release:
			case <-r.Context().Done():
				return // the replica is gone: the call never reaches Discord
			}
		}
		fwd.ServeHTTP(w, r)
	})
}

// holdCalls makes the replicas' Discord calls that pick selects wait
// until releaseHeld.
func (c *cluster) holdCalls(pick func(tapCall) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.hold = pick
}

// releaseHeld lets every held call through and holds no more.
func (c *cluster) releaseHeld() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.hold != nil || c.release != nil {
		c.hold = nil
		close(c.release)
		c.release = nil
	}
}

// discordCalls returns the replicas' Discord calls so far.
func (c *cluster) discordCalls() []tapCall {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]tapCall(nil), c.calls...)
}

// kill ends replica r at once (SIGKILL: no drain, no cleanup, as a crash
// or an OOM kill) and takes it out of the load balancer.
func (c *cluster) kill(ctx context.Context, r *replica) {
	c.t.Helper()
	r.alive.Store(false)
	if err := r.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		c.t.Fatalf("killing replica %d: %v", r.n, err)
	}
	select {
	case <-r.exited:
	case <-ctx.Done():
		c.t.Fatalf("replica %d survived SIGKILL", r.n)
	}
}

// countingLLM is the mock LLM, counting the completions it is asked for.
type countingLLM struct {
	next  http.Handler
	calls atomic.Int64
}

func newCountingLLM(next http.Handler) *countingLLM { return &countingLLM{next: next} }

func (l *countingLLM) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/chat/completions") {
		l.calls.Add(1)
	}
	l.next.ServeHTTP(w, r)
}

// freeAddrs returns n distinct loopback addresses no one listens on.
func freeAddrs(t *testing.T, n int) []string {
	t.Helper()
	addrs, err := loopback.FreeAddrs(n)
	if err != nil {
		t.Fatal(err)
	}
	return addrs
}

// interaction is an interaction payload as Discord POSTs it, from user
// user of the test guild.
func interaction(fake *discordfake.Server, typ int, user string, data map[string]any) (id string, payload map[string]any) {
	id = fake.NewID()
	return id, map[string]any{
		"id": id, "application_id": fake.AppID, "type": typ, "token": "tok-" + id,
		"guild_id": clusterGuild, "channel_id": "710000000000000001", "version": 1, "locale": "en-US",
		"member":  map[string]any{"user": map[string]any{"id": user, "username": "user" + user}, "permissions": "8"},
		"message": map[string]any{"id": "720000000000000001", "channel_id": "710000000000000001"},
		"data":    data,
	}
}

// commandData is a slash command's data with string options.
func commandData(name string, opts ...[2]string) map[string]any {
	var options []map[string]any
	for _, o := range opts {
		options = append(options, map[string]any{"name": o[0], "type": 3, "value": o[1]})
	}
	return map[string]any{"id": "1", "name": name, "type": 1, "options": options}
}

// userID is the Discord ID of test user k.
func userID(k int) string { return fmt.Sprintf("8%017d", k+1) }
