package main

import (
	"context"
	"io"
	"log/slog"
	"testing"

	dto "github.com/prometheus/client_model/go"

	"github.com/geobrief/geobrief/app"
	"github.com/geobrief/geobrief/config"
	"github.com/geobrief/geobrief/summarize"
)

func TestMetricsRegistryOffline(t *testing.T) {
	ctx := context.Background()
	cfg, err := config.Load(config.MapLookup(map[string]string{"DATA_DIR": t.TempDir()}))
	if err != nil {
		t.Fatal(err)
	}
	lib, err := app.Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer lib.Close()
	if lib.LLM != nil {
		t.Fatal("an LLM is configured; the test wants the offline library")
	}
	hits, err := lib.Store.Recent(ctx, 1)
	if err != nil || len(hits) == 0 {
		t.Fatalf("no document to summarize: %v", err)
	}
	doc, err := lib.Store.Document(ctx, hits[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lib.Summarizer.Brief(ctx, doc, summarize.Options{}); err != nil {
		t.Fatal(err)
	}

	families, err := newMetricsRegistry(lib).Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]*dto.MetricFamily{}
	for _, f := range families {
		got[f.GetName()] = f
	}
	// value returns the value of name's series with label=labelValue (the
	// only series when label is ""), or -1 when there is none.
	value := func(name, label, labelValue string) float64 {
		f := got[name]
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if label == "" && len(labels) > 0 || label != "" && labels[label] != labelValue {
				continue
			}
			if f.GetType() == dto.MetricType_GAUGE {
				return m.GetGauge().GetValue()
			}
			return m.GetCounter().GetValue()
		}
		return -1
	}
	for _, c := range []struct {
		name, label, labelValue string
		want                    float64
	}{
		{"geobrief_briefs_total", "source", "offline", 1},
		{"geobrief_briefs_total", "source", "llm", 0},
		{"geobrief_briefs_total", "source", "fallback", 0},
		{"geobrief_brief_cache_hits_total", "", "", 0},
		{"geobrief_llm_calls_total", "outcome", "ok", 0},
		{"geobrief_llm_calls_total", "outcome", "error", 0},
		{"geobrief_llm_tokens_total", "kind", "prompt", 0},
		{"geobrief_llm_tokens_total", "kind", "completion", 0},
		{"geobrief_llm_waiting", "", "", 0},
		{"geobrief_llm_in_flight", "", "", 0},
	} {
		if v := value(c.name, c.label, c.labelValue); v != c.want {
			t.Errorf("%s{%s=%q} = %v, want %v", c.name, c.label, c.labelValue, v, c.want)
		}
	}
	for _, name := range []string{"go_goroutines", "go_memstats_alloc_bytes", "process_resident_memory_bytes"} {
		if got[name] == nil {
			t.Errorf("%s not gathered", name)
		}
	}
}
