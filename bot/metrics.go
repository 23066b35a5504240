package bot

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// metrics are the bot's own Prometheus metrics, written in the text
// exposition format. (The module's go.sum lacks client_golang's
// dependencies today; Config.MoreMetrics lets a registry be served too.)
type metrics struct {
	interactions counterVec
	ack          *histogram
	inFlight     atomic.Int64
}

func newMetrics() *metrics {
	return &metrics{
		interactions: counterVec{values: map[[2]string]*atomic.Uint64{}},
		ack:          newHistogram([]float64{.001, .0025, .005, .01, .02, .05, .1, .25, .5, 1, 2, 3}),
	}
}

// counterVec counts by (command, outcome).
type counterVec struct {
	mu     sync.Mutex
	values map[[2]string]*atomic.Uint64
}

func (c *counterVec) inc(command, outcome string) {
	k := [2]string{command, outcome}
	c.mu.Lock()
	v := c.values[k]
	if v == nil {
		v = new(atomic.Uint64)
		c.values[k] = v
	}
	c.mu.Unlock()
	v.Add(1)
}

func (c *counterVec) get(command, outcome string) uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	if v := c.values[[2]string{command, outcome}]; v != nil {
		return v.Load()
	}
	return 0
}

type histogram struct {
	bounds []float64
	mu     sync.Mutex
	counts []uint64 // per bucket, not cumulative; last is +Inf
	sum    float64
	n      uint64
}

func newHistogram(bounds []float64) *histogram {
	return &histogram{bounds: bounds, counts: make([]uint64, len(bounds)+1)}
}

func (h *histogram) observe(v float64) {
	i, _ := slices.BinarySearch(h.bounds, v)
	h.mu.Lock()
	h.counts[i]++
	h.sum += v
	h.n++
	h.mu.Unlock()
}

// write writes every metric in the Prometheus text format.
func (m *metrics) write(w io.Writer) {
	fmt.Fprintln(w, "# HELP geobrief_discord_interactions_total Interactions handled, by command and outcome.")
	fmt.Fprintln(w, "# TYPE geobrief_discord_interactions_total counter")
	m.interactions.mu.Lock()
	keys := make([][2]string, 0, len(m.interactions.values))
	for k := range m.interactions.values {
		keys = append(keys, k)
	}
	m.interactions.mu.Unlock()
	slices.SortFunc(keys, func(a, b [2]string) int { return strings.Compare(a[0]+"\x00"+a[1], b[0]+"\x00"+b[1]) })
	for _, k := range keys {
		fmt.Fprintf(w, "geobrief_discord_interactions_total{command=%s,outcome=%s} %d\n",
			strconv.Quote(k[0]), strconv.Quote(k[1]), m.interactions.get(k[0], k[1]))
	}

	fmt.Fprintln(w, "# HELP geobrief_discord_ack_seconds Time from receiving an interaction to its first answer (defer, reply or autocomplete).")
	fmt.Fprintln(w, "# TYPE geobrief_discord_ack_seconds histogram")
	h := m.ack
	h.mu.Lock()
	var cum uint64
	for i, b := range h.bounds {
		cum += h.counts[i]
		fmt.Fprintf(w, "geobrief_discord_ack_seconds_bucket{le=\"%s\"} %d\n", strconv.FormatFloat(b, 'g', -1, 64), cum)
	}
	cum += h.counts[len(h.bounds)]
	fmt.Fprintf(w, "geobrief_discord_ack_seconds_bucket{le=\"+Inf\"} %d\n", cum)
	fmt.Fprintf(w, "geobrief_discord_ack_seconds_sum %s\n", strconv.FormatFloat(h.sum, 'g', -1, 64))
	fmt.Fprintf(w, "geobrief_discord_ack_seconds_count %d\n", h.n)
	h.mu.Unlock()

	fmt.Fprintln(w, "# HELP geobrief_discord_interactions_in_flight Interactions being handled.")
	fmt.Fprintln(w, "# TYPE geobrief_discord_interactions_in_flight gauge")
	fmt.Fprintf(w, "geobrief_discord_interactions_in_flight %d\n", m.inFlight.Load())
}

// metricsHandler serves the bot's metrics, then those of Config.MoreMetrics.
func (b *Bot) metricsHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		b.metrics.write(w)
		if b.cfg.MoreMetrics != nil {
			// Ask for plain text: the two outputs are concatenated.
			req := httptest.NewRequestWithContext(r.Context(), http.MethodGet, "/metrics", nil)
			rec := httptest.NewRecorder()
			b.cfg.MoreMetrics.ServeHTTP(rec, req)
			_, _ = w.Write(rec.Body.Bytes())
		}
	})
}

// serveMetrics starts /healthz and /metrics on MetricsAddr.
func (b *Bot) serveMetrics() error {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		if !b.connected.Load() {
			http.Error(w, "gateway not connected", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.Handle("GET /metrics", b.metricsHandler())
	ln, err := net.Listen("tcp", b.cfg.MetricsAddr)
	if err != nil {
		return fmt.Errorf("bot: METRICS_ADDR: %w", err)
	}
	b.metricsAddr = ln.Addr().String()
	b.metricSrv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := b.metricSrv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			b.log.Error("metrics server stopped", slog.Any("error", err))
		}
	}()
	b.log.Info("metrics listening", slog.String("addr", b.metricsAddr))
	return nil
}

// MetricsAddr returns the address the metrics server listens on, or "".
func (b *Bot) MetricsAddr() string { return b.metricsAddr }
