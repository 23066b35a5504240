package loopback

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestFreeAddrsAreDistinctAndBindable(t *testing.T) {
	addrs, err := FreeAddrs(20)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, a := range addrs {
		if seen[a] {
			t.Fatalf("%s handed out twice in %v", a, addrs)
		}
		seen[a] = true
		if !strings.HasPrefix(a, "127.0.0.1:") {
			t.Fatalf("%s is not on the loopback interface", a)
		}
		ln, err := net.Listen("tcp", a)
		if err != nil {
			t.Fatalf("%s is not free: %v", a, err)
		}
		ln.Close()
	}
}

// A server that starts unready (503) is waited for until it answers 200.
func TestWaitHealthyWaitsForTheFirst200(t *testing.T) {
	var asked atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if asked.Add(1) < 3 {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := WaitHealthy(ctx, srv.URL+"/healthz", nil); err != nil {
		t.Fatal(err)
	}
	if n := asked.Load(); n != 3 {
		t.Fatalf("asked %d times, want 3 (two 503s, then the 200)", n)
	}
}

// A process that dies before it is ready ends the wait with its exit,
// rather than leaving the caller to wait out its deadline.
func TestWaitHealthyStopsWhenTheProcessExits(t *testing.T) {
	addrs, err := FreeAddrs(1) // nothing listens there
	if err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	exited <- errors.New("exit status 2")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = WaitHealthy(ctx, "http://"+addrs[0]+"/healthz", exited)
	if err == nil || !strings.Contains(err.Error(), "exited before it was ready: exit status 2") {
		t.Fatalf("err = %v, want the exit", err)
	}
}

// Without an exit to watch, the deadline ends the wait, with the last
// answer in the error.
func TestWaitHealthyGivesUpAtTheDeadline(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	err := WaitHealthy(ctx, srv.URL+"/healthz", nil)
	if err == nil || !strings.Contains(err.Error(), "not ready in time") {
		t.Fatalf("err = %v, want not ready in time", err)
	}
}
