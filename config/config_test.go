package config

import (
	"strings"
	"testing"
	"time"
)

func TestDefaultsAreOffline(t *testing.T) {
	c, err := Load(MapLookup(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.LLM.Enabled() {
		t.Fatalf("no variables set, yet LLM enabled: %+v", c.LLM)
	}
	if c.DataDir != "./data" || c.LLM.Timeout != 60*time.Second || c.LLM.MaxConcurrency != 4 || c.LLM.JSONMode != "auto" {
		t.Fatalf("unexpected defaults: %+v", c)
	}
}

func TestKeyAloneMeansOpenAI(t *testing.T) {
	c, err := Load(MapLookup(map[string]string{"OPENAI_API_KEY": "sk-secret"}))
	if err != nil {
		t.Fatal(err)
	}
	if !c.LLM.Enabled() || c.LLM.BaseURL != openAIURL {
		t.Fatalf("want OpenAI base URL, got %q", c.LLM.BaseURL)
	}
}

func TestInvalidValuesNameTheVariable(t *testing.T) {
	_, err := Load(MapLookup(map[string]string{
		"LLM_TIMEOUT":         "soon",
		"LLM_MAX_CONCURRENCY": "0",
		"LLM_JSON_MODE":       "yaml",
		"OPENAI_BASE_URL":     "localhost:11434",
		"DIGEST_TIMEZONE":     "Mars/Olympus",
		"DIGEST_SKIP_EMPTY":   "maybe",
		"DIGEST_CATCHUP":      "0s",
	}))
	if err == nil {
		t.Fatal("want an error")
	}
	for _, name := range []string{"LLM_TIMEOUT", "LLM_MAX_CONCURRENCY", "LLM_JSON_MODE", "OPENAI_BASE_URL", "DIGEST_TIMEZONE", "DIGEST_SKIP_EMPTY", "DIGEST_CATCHUP"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s:\n%v", name, err)
		}
	}
}

func TestBareSecondsAndTrailingSlash(t *testing.T) {
	c, err := Load(MapLookup(map[string]string{"LLM_TIMEOUT": "30", "OPENAI_BASE_URL": "http://127.0.0.1:8081/v1/"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.LLM.Timeout != 30*time.Second || c.LLM.BaseURL != "http://127.0.0.1:8081/v1" {
		t.Fatalf("got %v %q", c.LLM.Timeout, c.LLM.BaseURL)
	}
}

func TestRedactedHidesSecrets(t *testing.T) {
	c, err := Load(MapLookup(map[string]string{"OPENAI_API_KEY": "sk-very-secret", "DISCORD_TOKEN": "tok-very-secret"}))
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(c.Redacted(), "\n")
	if strings.Contains(all, "very-secret") {
		t.Fatalf("secret leaked:\n%s", all)
	}
	if !strings.Contains(all, "OPENAI_API_KEY=(set, redacted)") {
		t.Fatalf("key state missing:\n%s", all)
	}
}

func TestSummaryTimeout(t *testing.T) {
	t.Parallel()
	c, err := Load(MapLookup(nil))
	if err != nil || c.LLM.SummaryTimeout != 30*time.Second {
		t.Fatalf("default SummaryTimeout = %v, %v; want 30s", c.LLM.SummaryTimeout, err)
	}
	c, err = Load(MapLookup(map[string]string{"SUMMARY_TIMEOUT": "45"}))
	if err != nil || c.LLM.SummaryTimeout != 45*time.Second {
		t.Fatalf("SUMMARY_TIMEOUT=45: %v, %v", c.LLM.SummaryTimeout, err)
	}
	if !strings.Contains(strings.Join(c.Redacted(), "\n"), "SUMMARY_TIMEOUT=45s") {
		t.Errorf("geobrief check does not show SUMMARY_TIMEOUT:\n%s", strings.Join(c.Redacted(), "\n"))
	}
	for _, bad := range []string{"soon", "500ms", "-5s"} {
		if _, err := Load(MapLookup(map[string]string{"SUMMARY_TIMEOUT": bad})); err == nil || !strings.Contains(err.Error(), "SUMMARY_TIMEOUT") {
			t.Errorf("SUMMARY_TIMEOUT=%s: err = %v, want one naming the variable", bad, err)
		}
	}
}
