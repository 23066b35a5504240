package main

import (
	"bytes"
	"context"
	"os/exec"
	"strings"
	"sync"
	"testing"
)

// startProcess starts cmd with its output collected in logs and returns
// the channel its exit arrives on. When the test ends, a process still
// running is killed, and a failed test logs what the process printed.
func startProcess(t *testing.T, cmd *exec.Cmd, logs *watchedLog) <-chan error {
	t.Helper()
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1) // buffered: the test may never read it
	done := make(chan struct{})
	go func() {
		exited <- cmd.Wait()
		close(done)
	}()
	t.Cleanup(func() {
		select {
		case <-done:
		default:
			_ = cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("geobrief output:\n%s", logs.String())
		}
	})
	return exited
}

// watchedLog collects the process's output and tells when a line appears.
type watchedLog struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{}
}

func newWatchedLog() *watchedLog { return &watchedLog{changed: make(chan struct{})} }

func (l *watchedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	close(l.changed)
	l.changed = make(chan struct{})
	return l.buf.Write(p)
}

func (l *watchedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// wait returns once the output contains s, or ctx's error.
func (l *watchedLog) wait(ctx context.Context, s string) error {
	for {
		l.mu.Lock()
		has, changed := strings.Contains(l.buf.String(), s), l.changed
		l.mu.Unlock()
		if has {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
