package batch

import (
	"context"
	"errors"
	"reflect"
	"sync/atomic"
	"testing"
)

func length(s string) int { return len(s) }

func TestPack(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		items []string
		limit Limit
		want  [][]string
	}{
		{"empty", nil, Limit{Max: 5}, nil},
		{"all fit", []string{"ab", "cd"}, Limit{Max: 5, Sep: 1}, [][]string{{"ab", "cd"}}},
		{"separator counts", []string{"ab", "cd"}, Limit{Max: 4, Sep: 1}, [][]string{{"ab"}, {"cd"}}},
		{"exactly at the limit", []string{"ab", "cd", "e"}, Limit{Max: 5, Sep: 1}, [][]string{{"ab", "cd"}, {"e"}}},
		{"oversized item alone", []string{"a", "toolong", "b"}, Limit{Max: 3}, [][]string{{"a"}, {"toolong"}, {"b"}}},
		{"min items holds a group open", []string{"aaa", "bbb", "ccc", "ddd", "eee"}, Limit{Max: 4, MinItems: 2}, [][]string{{"aaa", "bbb"}, {"ccc", "ddd", "eee"}}},
		{"min items: lone first stays", []string{"aaa"}, Limit{Max: 1, MinItems: 2}, [][]string{{"aaa"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Pack(tt.items, length, tt.limit)
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Pack = %q, want %q", got, tt.want)
			}
		})
	}
}

func FuzzPackKeepsEveryItemInOrder(f *testing.F) {
	f.Add([]byte("abcdefgh"), 3, 1, 0)
	f.Fuzz(func(t *testing.T, sizes []byte, max, sep, minItems int) {
		if max < 0 || max > 1000 || sep < 0 || sep > 10 || minItems < 0 || minItems > 5 {
			t.Skip()
		}
		items := make([]int, len(sizes))
		for i, s := range sizes {
			items[i] = int(s) % 50
		}
		l := Limit{Max: max, Sep: sep, MinItems: minItems}
		groups := Pack(items, func(i int) int { return i }, l)
		var flat []int
		for _, g := range groups {
			if len(g) == 0 {
				t.Fatal("empty group")
			}
			total := 0
			for j, it := range g {
				if j > 0 {
					total += sep
				}
				total += it
			}
			if total > max && len(g) > 1 && l.MinItems <= 1 {
				t.Fatalf("group %v is %d, over %d", g, total, max)
			}
			flat = append(flat, g...)
		}
		if len(flat) != len(items) {
			t.Fatalf("%d items in, %d out", len(items), len(flat))
		}
		for i := range flat {
			if flat[i] != items[i] {
				t.Fatalf("order changed at %d", i)
			}
		}
	})
}

func TestEachRunsEveryIndexAndReportsProgress(t *testing.T) {
	t.Parallel()
	const n = 20
	var seen [n]atomic.Int32
	var reports []int
	err := Each(context.Background(), n, 4, func(done, total int) {
		if total != n {
			t.Errorf("total = %d", total)
		}
		reports = append(reports, done) // calls never overlap: no lock
	}, func(_ context.Context, i int) error {
		seen[i].Add(1)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := range seen {
		if seen[i].Load() != 1 {
			t.Fatalf("index %d ran %d times", i, seen[i].Load())
		}
	}
	for i, d := range reports {
		if d != i+1 {
			t.Fatalf("progress = %v, want 1..%d in order", reports, n)
		}
	}
}

func TestEachBoundsConcurrency(t *testing.T) {
	t.Parallel()
	var running, peak atomic.Int32
	release := make(chan struct{})
	started := make(chan struct{}, 10)
	errc := make(chan error, 1)
	go func() {
		errc <- Each(context.Background(), 10, 3, nil, func(context.Context, int) error {
			r := running.Add(1)
			for {
				p := peak.Load()
				if r <= p || peak.CompareAndSwap(p, r) {
					break
				}
			}
			started <- struct{}{}
			<-release
			running.Add(-1)
			return nil
		})
	}()
	for range 3 {
		<-started
	}
	close(release)
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if p := peak.Load(); p != 3 {
		t.Fatalf("peak concurrency %d, want 3", p)
	}
}

func TestEachCancelsTheRestAtFirstError(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	var liveAfter atomic.Int32
	err := Each(context.Background(), 50, 1, nil, func(ctx context.Context, i int) error {
		if i == 2 {
			return boom
		}
		// One at a time, so every call after the failing one starts after it.
		if i > 2 && ctx.Err() == nil {
			liveAfter.Add(1)
		}
		return nil
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	if n := liveAfter.Load(); n != 0 {
		t.Fatalf("%d calls after the error got a live context", n)
	}
}
