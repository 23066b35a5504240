// Package loopback is what a test or a benchmark needs to run geobrief
// processes as servers on this machine: addresses on the loopback
// interface that no one holds, and a wait until a server answers its
// health check. The cmd/geobrief process tests and interactionsbench's
// cluster of `geobrief serve` replicas both start servers this way.
package loopback

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// FreeAddrs returns n distinct addresses 127.0.0.1:port that no one
// listens on. Every listener is held open until all n are picked, so the
// system cannot hand out one port twice; all are closed on return, for
// the processes to bind. Another program may still take a port before
// they do: the window is short, and the process then fails to start.
func FreeAddrs(n int) ([]string, error) {
	var lns []net.Listener
	defer func() {
		for _, ln := range lns {
			_ = ln.Close()
		}
	}()
	addrs := make([]string, n)
	for i := range addrs {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("loopback: no free port: %w", err)
		}
		lns = append(lns, ln)
		addrs[i] = ln.Addr().String()
	}
	return addrs, nil
}

// pollEvery is how often WaitHealthy asks again: a process starts in tens
// of milliseconds to a few seconds, so a finer poll gains nothing.
const pollEvery = 50 * time.Millisecond

// WaitHealthy polls url (a server's /healthz) until it answers 200 OK and
// returns nil; else it returns the last failure when ctx ends, or, when
// exited delivers first, that the process ended before it was ready.
// exited is the channel the process's exit arrives on (the value is
// consumed); nil when the caller does not watch the process.
func WaitHealthy(ctx context.Context, url string, exited <-chan error) error {
	last := errors.New("no answer yet")
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = errors.New(resp.Status)
		}
		last = err
		select {
		case err := <-exited:
			return fmt.Errorf("exited before it was ready: %v", err)
		case <-ctx.Done():
			return fmt.Errorf("not ready in time: %w", last)
		case <-time.After(pollEvery):
		}
	}
}
