package llm

import (
	"context"
	"net/http"
	"runtime"
	"sync"
	"testing"
	"time"
)

// No goroutine of ours outlives a call: after a mix of successes, retries,
// timeouts, cut streams and callers giving up, closing idle connections
// brings the count back to where it was.
func TestNoGoroutineOutlivesCalls(t *testing.T) {
	before := runtime.NumGoroutine()
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch n % 5 {
		case 0:
			apiError(w, 503, "busy", "")
		case 1:
			select { // slower than the attempt timeout
			case <-r.Context().Done():
			case <-time.After(2 * time.Second):
			}
		case 2:
			sse(w, []string{"part"}, "", false)
		case 3:
			sse(w, []string{"ok"}, "stop", true)
		default:
			completion(w, "ok", "stop", true)
		}
	})
	c := New(Config{BaseURL: f.url(), Model: "m", Timeout: 50 * time.Millisecond, MaxConcurrency: 3}, nil)
	c.backoffBase = time.Millisecond
	var wg sync.WaitGroup
	for i := range 30 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), time.Duration(20+i*10)*time.Millisecond)
			defer cancel()
			if i%2 == 0 {
				_, _ = c.Complete(ctx, userReq("hi"))
			} else {
				_, _ = c.Stream(ctx, userReq("hi"), func(string) {})
			}
		}()
	}
	wg.Wait()
	c.Close()
	f.srv.Close()

	deadline := time.Now().Add(3 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("goroutines: %d before, %d after\n%s", before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}
