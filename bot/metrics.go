package bot

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the bot's own Prometheus metrics, registered on
// Config.Registry, which /metrics serves whole.
type metrics struct {
	interactions interactionCounter
	ack          ackHistogram
	inFlight     prometheus.Gauge
}

// ackBuckets cover Discord's 3 s deadline for the first answer, finely
// below the 20 ms the bot aims for.
var ackBuckets = []float64{.001, .0025, .005, .01, .02, .05, .1, .25, .5, 1, 2, 3}

// newMetrics registers the bot's metrics on reg.
func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		interactions: interactionCounter{prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "geobrief_interactions_total",
			Help: "Discord interactions handled, by command and outcome.",
		}, []string{"command", "outcome"})},
		ack: ackHistogram{prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "geobrief_interaction_ack_seconds",
			Help:    "Time from receiving an interaction to its first answer (defer, reply or autocomplete).",
			Buckets: ackBuckets,
		})},
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "geobrief_interactions_in_flight",
			Help: "Discord interactions being handled.",
		}),
	}
	for _, c := range []prometheus.Collector{m.interactions.vec, m.ack.h, m.inFlight} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("bot: cannot register metrics: %w", err)
		}
	}
	return m, nil
}

// interactionCounter counts interactions by (command, outcome).
type interactionCounter struct{ vec *prometheus.CounterVec }

func (c interactionCounter) inc(command, outcome string) {
	c.vec.WithLabelValues(command, outcome).Inc()
}

// ackHistogram observes times to acknowledge, in seconds.
type ackHistogram struct{ h prometheus.Histogram }

func (a ackHistogram) observe(seconds float64) { a.h.Observe(seconds) }

// metricsHandler serves everything registered on Config.Registry.
func (b *Bot) metricsHandler() http.Handler {
	return promhttp.HandlerFor(b.cfg.Registry, promhttp.HandlerOpts{
		ErrorLog:      promLogger{b.log},
		ErrorHandling: promhttp.ContinueOnError,
	})
}

// promLogger sends promhttp's gathering errors to the bot's log.
type promLogger struct{ log *slog.Logger }

func (l promLogger) Println(v ...any) {
	l.log.Error("metrics: cannot gather", slog.String("error", fmt.Sprint(v...)))
}

// serveMetrics starts /healthz and /metrics on MetricsAddr.
func (b *Bot) serveMetrics() error {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		if !b.up() {
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
