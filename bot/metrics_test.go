package bot

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// get reads one (command, outcome) count without creating the series.
func (c interactionCounter) get(command, outcome string) uint64 {
	ch := make(chan prometheus.Metric, 64)
	go func() { c.vec.Collect(ch); close(ch) }()
	var n uint64
	for m := range ch {
		var pb dto.Metric
		if err := m.Write(&pb); err != nil {
			panic(err)
		}
		labels := map[string]string{}
		for _, l := range pb.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		if labels["command"] == command && labels["outcome"] == outcome {
			n = uint64(pb.GetCounter().GetValue())
		}
	}
	return n
}

// httpGet returns the status and body of a GET.
func httpGet(t *testing.T, url string) (int, http.Header, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

// TestMetricsAndHealth reads /metrics as Prometheus would: the bot's
// metrics and whatever else the caller registered, in the text format.
func TestMetricsAndHealth(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "geobrief_llm_calls_total", Help: "test",
	}, func() float64 { return 3 }))
	h := setup(t, func(c *Config, _ *fakeBriefer) {
		c.MetricsAddr = "127.0.0.1:0"
		c.Registry = reg
	})
	h.b.up = func() bool { return true }
	if err := h.b.serveMetrics(); err != nil {
		t.Fatal(err)
	}
	h.dispatch(h.slash("help", "u1"))

	base := "http://" + h.b.MetricsAddr()
	if code, _, body := httpGet(t, base+"/healthz"); code != http.StatusOK || body != "ok\n" {
		t.Errorf("/healthz = %d %q", code, body)
	}
	code, header, body := httpGet(t, base+"/metrics")
	if code != http.StatusOK || !strings.HasPrefix(header.Get("Content-Type"), "text/plain") {
		t.Fatalf("/metrics = %d %q", code, header.Get("Content-Type"))
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("/metrics is not the text format: %v\n%s", err, body)
	}
	for name, typ := range map[string]dto.MetricType{
		"geobrief_interactions_total":      dto.MetricType_COUNTER,
		"geobrief_interaction_ack_seconds": dto.MetricType_HISTOGRAM,
		"geobrief_interactions_in_flight":  dto.MetricType_GAUGE,
		"geobrief_llm_calls_total":         dto.MetricType_COUNTER,
	} {
		if f := families[name]; f == nil || f.GetType() != typ {
			t.Errorf("/metrics: %s is %v, want a %v:\n%s", name, f.GetType(), typ, body)
		}
	}
	for _, want := range []string{
		`geobrief_interactions_total{command="help",outcome="ok"} 1`,
		`geobrief_interaction_ack_seconds_bucket{le="3"} 1`,
		`geobrief_interaction_ack_seconds_bucket{le="+Inf"} 1`,
		`geobrief_interaction_ack_seconds_count 1`,
		`geobrief_interactions_in_flight 0`,
		`geobrief_llm_calls_total 3`,
	} {
		if !strings.Contains(body, want+"\n") {
			t.Errorf("/metrics lacks %q:\n%s", want, body)
		}
	}
}

func TestHealthzWhenDisconnected(t *testing.T) {
	t.Parallel()
	h := setup(t, func(c *Config, _ *fakeBriefer) { c.MetricsAddr = "127.0.0.1:0" })
	h.b.up = func() bool { return false } // as after discordgo's Disconnect
	if err := h.b.serveMetrics(); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := httpGet(t, "http://"+h.b.MetricsAddr()+"/healthz"); code != http.StatusServiceUnavailable {
		t.Errorf("/healthz while disconnected = %d, want 503", code)
	}
}

func TestRegistryErrors(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	if _, err := New(Config{Token: "t", APIURL: "ftp://x", Registry: reg}, testLibrary(), &fakeBriefer{}); err == nil {
		t.Fatal("bad API URL accepted")
	}
	// The failed New registered nothing, so this one can.
	if _, err := New(Config{Token: "t", Registry: reg}, testLibrary(), &fakeBriefer{}); err != nil {
		t.Fatalf("first bot on the registry: %v", err)
	}
	_, err := New(Config{Token: "t", Registry: reg}, testLibrary(), &fakeBriefer{})
	var dup prometheus.AlreadyRegisteredError
	if !errors.As(err, &dup) {
		t.Fatalf("second bot on one registry: err = %v, want AlreadyRegisteredError", err)
	}
}
