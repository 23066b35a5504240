package digest

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/geobrief/geobrief/internal/fakeclock"
	"github.com/geobrief/geobrief/store"
	"github.com/geobrief/geobrief/store/storetest"
)

// fixedBuilder builds the same digest every time and counts the builds.
type fixedBuilder struct {
	d      Digest
	builds atomic.Int32
	hook   func() // when set, runs during each build
}

func (b *fixedBuilder) Build(context.Context, Request) (Digest, error) {
	b.builds.Add(1)
	if b.hook != nil {
		b.hook()
	}
	return b.d, nil
}

// longDigest renders to several messages.
func longDigest() Digest {
	d := Digest{Since: base}
	for i := range 9 {
		d.Items = append(d.Items, Item{DocID: "doc-" + string(rune('a'+i)), Headline: "Story", Sentence: strings.Repeat("word ", 115)})
	}
	return d
}

// sharedChannel is one Discord channel that several replicas post to. It
// keeps every create by nonce, without deduplicating, so that a part
// posted twice shows.
type sharedChannel struct {
	mu      sync.Mutex
	byNonce map[string]int
	order   []string
}

func (c *sharedChannel) post(nonce string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byNonce == nil {
		c.byNonce = map[string]int{}
	}
	c.byNonce[nonce]++
	c.order = append(c.order, nonce)
	return "m-" + nonce
}

func (c *sharedChannel) posts() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string]int{}
	for k, v := range c.byNonce {
		out[k] = v
	}
	return out
}

// replicaPoster is one replica's connection to the shared channel. hook,
// when set, runs before the call n (from 1) reaches the channel and may
// fail it.
type replicaPoster struct {
	ch    *sharedChannel
	calls atomic.Int32
	hook  func(ctx context.Context, call int) error
}

func (p *replicaPoster) Post(ctx context.Context, _, _, nonce string) (string, error) {
	n := int(p.calls.Add(1))
	if p.hook != nil {
		if err := p.hook(ctx, n); err != nil {
			return "", err
		}
	}
	return p.ch.post(nonce), nil
}

type replicaRig struct {
	t       *testing.T
	be      storetest.Backend
	where   string
	st      *store.Store
	clock   *fakeclock.Clock
	builder *fixedBuilder
	ch      *sharedChannel
	key     string
}

// newReplicaRig makes a database of backend be with a schedule at 08:00
// UTC in channel c; each replica's scheduler opens its own store on it.
func newReplicaRig(t *testing.T, be storetest.Backend) *replicaRig {
	t.Helper()
	where := be.NewDB(t)
	r := &replicaRig{
		t:       t,
		be:      be,
		where:   where,
		st:      be.OpenAt(t, where),
		clock:   fakeclock.New(base.Add(2 * time.Hour)), // 08:00
		builder: &fixedBuilder{d: longDigest()},
		ch:      &sharedChannel{},
		key:     "c/2026-11-28/08:00",
	}
	if err := r.st.PutSchedule(context.Background(), store.ScheduleRow{ChannelID: "c", GuildID: "g", Times: "08:00", Zone: "UTC", Created: base}); err != nil {
		t.Fatal(err)
	}
	return r
}

func (r *replicaRig) scheduler(owner string, p Poster) *Scheduler {
	return NewScheduler(r.be.OpenAt(r.t, r.where), r.builder, p, SchedulerConfig{Owner: owner, Lease: time.Minute, Catchup: 2 * time.Hour, Now: r.clock.Now})
}

// claimedNonces are the nonces of the edition's parts as claimed.
func (r *replicaRig) claimedNonces(t *testing.T) []string {
	t.Helper()
	times, err := ParseTimes("08:00")
	if err != nil {
		t.Fatal(err)
	}
	e := Edition{ChannelID: "c", Date: "2026-11-28", Clock: times[0]}
	if e.Key() != r.key {
		t.Fatalf("edition key %s, want %s", e.Key(), r.key)
	}
	var out []string
	for i := range Render(r.builder.d, "x", false) {
		out = append(out, e.Nonce(i))
	}
	if len(out) < 3 {
		t.Fatalf("the digest renders to %d messages; the test needs at least 3", len(out))
	}
	return out
}

// checkPostedOnce checks that every part went to the channel exactly once,
// with the nonce it was claimed with, and the edition is posted.
func (r *replicaRig) checkPostedOnce(t *testing.T) {
	t.Helper()
	posts := r.ch.posts()
	nonces := r.claimedNonces(t)
	for _, n := range nonces {
		if posts[n] != 1 {
			t.Errorf("part with nonce %s posted %d times", n, posts[n])
		}
	}
	if len(posts) != len(nonces) {
		t.Errorf("%d distinct posts, want the %d claimed parts: %v", len(posts), len(nonces), posts)
	}
	if st, _ := r.st.EditionStatus(context.Background(), r.key); st != store.EditionPosted {
		t.Errorf("edition is %q, want posted", st)
	}
	if n := r.builder.builds.Load(); n != 1 {
		t.Errorf("the digest was built %d times, want once", n)
	}
}

// A replica that dies in the middle of an edition (its post of part 2
// never returns) keeps it while its lease runs; once the lease has run out
// another replica finishes it with the same nonces, and the first, if it
// ever comes back, posts nothing more.
func TestReplicaTakesOverAfterLeaseExpiry(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, be storetest.Backend) {
		r := newReplicaRig(t, be)
		ctx := context.Background()

		stuck, release := make(chan struct{}), make(chan struct{})
		var deadlineLeft time.Duration
		pa := &replicaPoster{ch: r.ch, hook: func(ctx context.Context, call int) error {
			if call < 2 {
				return nil
			}
			if call == 2 {
				if d, ok := ctx.Deadline(); ok {
					deadlineLeft = time.Until(d)
				}
				close(stuck)
				<-release
			}
			return errors.New("the process is gone")
		}}
		a := r.scheduler("replica-a", pa)
		aDone := make(chan error, 1)
		go func() { aDone <- a.RunOnce(ctx, r.clock.Now()) }()
		<-stuck
		if deadlineLeft <= 0 || deadlineLeft > 30*time.Second {
			t.Errorf("a post may take %s; it must end within half the lease (30s)", deadlineLeft)
		}

		pb := &replicaPoster{ch: r.ch}
		b := r.scheduler("replica-b", pb)
		// Within A's lease: B leaves the edition alone.
		r.clock.Advance(50 * time.Second)
		if err := b.RunOnce(ctx, r.clock.Now()); err != nil {
			t.Fatal(err)
		}
		if n := pb.calls.Load(); n != 0 {
			t.Fatalf("replica B posted %d parts of an edition A holds", n)
		}
		// A's lease has run out: B takes over and finishes.
		r.clock.Advance(11 * time.Second)
		if err := b.RunOnce(ctx, r.clock.Now()); err != nil {
			t.Fatal(err)
		}
		if n := pb.calls.Load(); n != int32(len(r.claimedNonces(t))-1) {
			t.Errorf("replica B made %d posts, want the %d parts A had not posted", n, len(r.claimedNonces(t))-1)
		}
		close(release)
		if err := <-aDone; err != nil {
			t.Fatal(err)
		}
		// A comes back (a partition heals): nothing is left for it.
		pa.hook = nil
		r.clock.Advance(5 * time.Minute)
		if err := a.RunOnce(ctx, r.clock.Now()); err != nil {
			t.Fatal(err)
		}
		r.checkPostedOnce(t)
	})
}

// A replica that is slow but alive renews its lease before each part, so
// another replica checking in between, even after more than one lease's
// time since the claim, never takes the edition from it.
func TestLiveOwnerKeepsItsEdition(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, be storetest.Backend) {
		r := newReplicaRig(t, be)
		ctx := context.Background()
		pb := &replicaPoster{ch: r.ch}
		b := r.scheduler("replica-b", pb)
		var bErr error
		pa := &replicaPoster{ch: r.ch, hook: func(_ context.Context, _ int) error {
			// Each post takes 40 s of the 60 s lease; B checks during it.
			r.clock.Advance(40 * time.Second)
			if err := b.RunOnce(ctx, r.clock.Now()); err != nil {
				bErr = err
			}
			return nil
		}}
		a := r.scheduler("replica-a", pa)
		if err := a.RunOnce(ctx, r.clock.Now()); err != nil {
			t.Fatal(err)
		}
		if bErr != nil {
			t.Fatal(bErr)
		}
		if n := pb.calls.Load(); n != 0 {
			t.Fatalf("replica B posted %d parts while A was posting", n)
		}
		r.checkPostedOnce(t)
	})
}

// Of several replicas finding the same expired edition at once, one takes
// it over; every part is still posted once.
func TestConcurrentTakeoverPostsOnce(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, be storetest.Backend) {
		r := newReplicaRig(t, be)
		ctx := context.Background()
		pa := &replicaPoster{ch: r.ch, hook: func(_ context.Context, call int) error {
			if call > 1 {
				return errors.New("the process is gone")
			}
			return nil
		}}
		if err := r.scheduler("replica-a", pa).RunOnce(ctx, r.clock.Now()); err != nil {
			t.Fatal(err)
		}
		r.clock.Advance(2 * time.Minute)
		var wg sync.WaitGroup
		for i := range 4 {
			s := r.scheduler("replica-"+string(rune('b'+i)), &replicaPoster{ch: r.ch})
			wg.Go(func() {
				if err := s.RunOnce(ctx, r.clock.Now()); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		r.checkPostedOnce(t)
	})
}

// The lease of a new claim runs from when the claim is made, not from when
// the run started: a build that took most of a lease does not leave the
// edition open to a takeover as soon as it is claimed.
func TestLeaseRunsFromTheClaimAfterALongBuild(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, be storetest.Backend) {
		r := newReplicaRig(t, be)
		ctx := context.Background()
		r.builder.hook = func() { r.clock.Advance(50 * time.Second) } // Briefs took 50 s
		pa := &replicaPoster{ch: r.ch, hook: func(context.Context, int) error { return errors.New("the process is gone") }}
		start := r.clock.Now()
		if err := r.scheduler("replica-a", pa).RunOnce(ctx, start); err != nil {
			t.Fatal(err)
		}
		r.builder.hook = nil
		pb := &replicaPoster{ch: r.ch}
		b := r.scheduler("replica-b", pb)
		r.clock.Advance(59 * time.Second) // 109 s after the run started, 59 s after the claim
		if err := b.RunOnce(ctx, r.clock.Now()); err != nil {
			t.Fatal(err)
		}
		if n := pb.calls.Load(); n != 0 {
			t.Fatalf("replica B took over %s after the claim, within its lease", 59*time.Second)
		}
		r.clock.Advance(2 * time.Second)
		if err := b.RunOnce(ctx, r.clock.Now()); err != nil {
			t.Fatal(err)
		}
		r.checkPostedOnce(t)
	})
}
