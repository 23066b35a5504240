package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestParseFlags(t *testing.T) {
	cfg, err := parseFlags(nil, env(nil), io.Discard)
	if err != nil || cfg.addr != defaultAddr || len(cfg.opts.Modes) != 0 {
		t.Errorf("defaults: %+v, %v", cfg, err)
	}
	cfg, err = parseFlags(nil, env(map[string]string{"MOCKLLM_ADDR": "127.0.0.1:9999"}), io.Discard)
	if err != nil || cfg.addr != "127.0.0.1:9999" {
		t.Errorf("MOCKLLM_ADDR: %+v, %v", cfg, err)
	}
	cfg, err = parseFlags([]string{"-addr", "127.0.0.1:7000", "-mode", "fence,think", "-latency", "200ms", "-rate429", "0.3", "-rate500", "0.1", "-seed", "9"},
		env(map[string]string{"MOCKLLM_ADDR": "127.0.0.1:9999"}), io.Discard)
	if err != nil || cfg.addr != "127.0.0.1:7000" || cfg.opts.Modes[0] != "fence,think" || cfg.opts.Latency != 200*time.Millisecond ||
		cfg.opts.Rate429 != 0.3 || cfg.opts.Rate500 != 0.1 || cfg.opts.Seed != 9 {
		t.Errorf("flags: %+v, %v", cfg, err)
	}

	bad := []struct {
		args    []string
		mention string
	}{
		{[]string{"-mode", "fense"}, `-mode: mockllm: unknown mode "fense"`},
		{[]string{"-mode", "latency=5"}, "bad duration"},
		{[]string{"-rate429", "2"}, "rate429 must be between 0 and 1"},
		{[]string{"-rate429", "0.6", "-rate500", "0.6"}, "must not exceed 1"},
		{[]string{"extra"}, "unexpected arguments"},
	}
	for _, tc := range bad {
		if _, err := parseFlags(tc.args, env(nil), io.Discard); err == nil || !strings.Contains(err.Error(), tc.mention) {
			t.Errorf("%v: error %v, want one mentioning %q", tc.args, err, tc.mention)
		}
	}
}

func TestRunServesAndShutsDown(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, outW := io.Pipe()
	var logs logBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-mode", "hang"}, env(nil), outW, &logs)
		outW.Close()
	}()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("no base URL printed: %v", err)
	}
	base, ok := strings.CutPrefix(strings.TrimSpace(line), "OPENAI_BASE_URL=http://127.0.0.1:")
	if !ok || !strings.HasSuffix(base, "/v1") {
		t.Fatalf("printed %q", line)
	}
	url := "http://127.0.0.1:" + base
	go io.Copy(io.Discard, out)

	resp, err := http.Get(url + "/models")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /v1/models: %d", resp.StatusCode)
	}

	// A hanging request must not hold up the shutdown.
	hung := make(chan error, 1)
	go func() {
		body := `{"model":"mock","messages":[{"role":"system","content":"task: brief"},{"role":"user","content":"<article>\nA.\n</article>"}]}`
		resp, err := http.Post(url+"/chat/completions", "application/json", strings.NewReader(body))
		if err == nil {
			resp.Body.Close()
		}
		hung <- err
	}()
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return after cancel")
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("shutdown took %s", d)
	}
	<-hung
	for _, want := range []string{"msg=listening", "path=/v1/models status=200", "model=mock mode=hang", "msg=\"shutting down\""} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("logs lack %q:\n%s", want, logs.String())
		}
	}
}

// logBuffer is a bytes.Buffer safe for the server's writes and the test's reads.
type logBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}
