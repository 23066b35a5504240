package digest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/geobrief/geobrief/corpus"
	"github.com/geobrief/geobrief/store"
	"github.com/geobrief/geobrief/store/storetest"
)

// channelPoster behaves like a Discord channel: it keeps messages and drops
// a create whose nonce it has already seen, answering with the first
// message's ID.
type channelPoster struct {
	mu       sync.Mutex
	messages []string
	byNonce  map[string]string
	calls    int
	// fail, when set, decides the outcome of a call before it is stored;
	// failAfter decides after (the message is stored, the caller errs).
	fail      func(call int) error
	failAfter func(call int) error
}

func (p *channelPoster) Post(_ context.Context, channelID, content, nonce string) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls++
	if p.fail != nil {
		if err := p.fail(p.calls); err != nil {
			return "", err
		}
	}
	if p.byNonce == nil {
		p.byNonce = map[string]string{}
	}
	id, seen := p.byNonce[nonce]
	if !seen {
		p.messages = append(p.messages, content)
		id = fmt.Sprintf("m%d", len(p.messages))
		p.byNonce[nonce] = id
	}
	if p.failAfter != nil {
		if err := p.failAfter(p.calls); err != nil {
			return "", err
		}
	}
	return id, nil
}

// growingDocs is a corpus that gains a document every hour from base on.
type growingDocs struct{ now *time.Time }

func (g growingDocs) AddedSince(_ context.Context, since time.Time, limit int) ([]corpus.Document, error) {
	var out []corpus.Document
	for t := g.now.Truncate(time.Hour); !t.Before(since) && !t.Before(base); t = t.Add(-time.Hour) {
		out = append(out, corpus.Document{ID: "doc-" + t.UTC().Format("0102-15"), Title: "News at " + t.UTC().Format("15:04"), Hash: "h", Added: t})
	}
	return out, nil
}

type rig struct {
	st     *store.Store
	poster *channelPoster
	sched  *Scheduler
	now    time.Time
	sum    *fakeSummarizer
}

func newRig(t *testing.T, cfg SchedulerConfig, dir string) *rig {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	st := storetest.OpenDir(t, dir)
	r := &rig{st: st, poster: &channelPoster{}, now: base, sum: &fakeSummarizer{}}
	if cfg.Catchup == 0 {
		cfg.Catchup = 2 * time.Hour
	}
	cfg.Now = func() time.Time { return r.now }
	r.sched = NewScheduler(st, NewBuilder(growingDocs{&r.now}, r.sum, 10, nil), r.poster, cfg)
	return r
}

func (r *rig) setSchedule(t *testing.T, channel, times, zone string) {
	t.Helper()
	if err := r.st.PutSchedule(context.Background(), store.ScheduleRow{ChannelID: channel, GuildID: "g", Times: times, Zone: zone, Created: r.now}); err != nil {
		t.Fatal(err)
	}
}

// advance runs the scheduler every 10 minutes until the clock reaches end.
func (r *rig) advance(t *testing.T, end time.Time) {
	t.Helper()
	for !r.now.After(end) {
		if err := r.sched.RunOnce(context.Background(), r.now); err != nil {
			t.Fatal(err)
		}
		r.now = r.now.Add(10 * time.Minute)
	}
}

func TestSchedulePostsEachEditionOnceAcrossDays(t *testing.T) {
	t.Parallel()
	r := newRig(t, SchedulerConfig{}, "")
	r.setSchedule(t, "kyiv", "08:00,18:00", "Europe/Kyiv")
	r.setSchedule(t, "tokyo", "09:00", "Asia/Tokyo")
	r.advance(t, base.Add(72*time.Hour))
	// 3 days: Kyiv twice a day (6), Tokyo once a day (3).
	if len(r.poster.messages) != 9 {
		t.Fatalf("posted %d messages, want 9:\n%s", len(r.poster.messages), strings.Join(r.poster.messages, "\n---\n"))
	}
	// No document appears twice in one channel.
	for _, ch := range []string{"kyiv", "tokyo"} {
		eds, _ := r.st.Editions(context.Background(), ch, 100)
		for _, e := range eds {
			if e.Status != store.EditionPosted {
				t.Fatalf("edition %s is %s", e.Key, e.Status)
			}
		}
	}
	seen := map[string]int{}
	for _, m := range r.poster.messages {
		if !strings.Contains(m, "(Europe/Kyiv)") {
			continue
		}
		for _, line := range strings.Split(m, "\n") {
			if i := strings.Index(line, "`doc-"); i >= 0 {
				seen[line[i:]]++
			}
		}
	}
	for doc, n := range seen {
		if n > 1 {
			t.Fatalf("%s sent %d times to one channel", doc, n)
		}
	}
	if len(seen) < 60 {
		t.Fatalf("only %d documents reached the Kyiv channel", len(seen))
	}
}

func TestCrashAfterPostBeforeRecordPostsOnce(t *testing.T) {
	t.Parallel()
	r := newRig(t, SchedulerConfig{}, "")
	r.setSchedule(t, "c", "08:00", "UTC")
	crashed := false
	r.poster.failAfter = func(int) error {
		if !crashed {
			crashed = true
			return errors.New("connection reset after the message was created")
		}
		return nil
	}
	r.advance(t, base.Add(3*time.Hour))
	if len(r.poster.messages) != 1 || r.poster.calls != 2 {
		t.Fatalf("messages=%d calls=%d, want 1 message after 2 calls", len(r.poster.messages), r.poster.calls)
	}
	if st, _ := r.st.EditionStatus(context.Background(), "c/2026-11-28/08:00"); st != store.EditionPosted {
		t.Fatalf("status %q", st)
	}
}

func TestRestartBetweenClaimAndPost(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r := newRig(t, SchedulerConfig{}, dir)
	r.setSchedule(t, "c", "08:00", "UTC")
	r.poster.fail = func(int) error { return errors.New("process killed") }
	r.advance(t, base.Add(2*time.Hour+5*time.Minute)) // claimed at 08:00, every post fails
	if len(r.poster.messages) != 0 {
		t.Fatal("posted despite failing")
	}
	claimed, _ := r.st.UnfinishedEditions(context.Background())
	if len(claimed) != 1 {
		t.Fatalf("unfinished = %+v", claimed)
	}
	r.st.Close()

	// A new process over the same data posts the claimed messages, once.
	r2 := newRig(t, SchedulerConfig{}, dir)
	r2.now = base.Add(2*time.Hour + 30*time.Minute) // 09:30, within the 2h catch-up of 08:00
	r2.advance(t, base.Add(5*time.Hour))
	if len(r2.poster.messages) != 1 || !strings.Contains(r2.poster.messages[0], claimed[0].Parts[0].Content[:40]) {
		t.Fatalf("after restart: %d messages", len(r2.poster.messages))
	}
	if r2.sum.briefs.Load() != 0 {
		t.Fatal("the restart rebuilt the digest instead of posting the claimed one")
	}
}

func TestDowntimeCatchupAndMissed(t *testing.T) {
	t.Parallel()
	r := newRig(t, SchedulerConfig{Catchup: 2 * time.Hour}, "")
	r.setSchedule(t, "c", "07:00,10:00", "UTC")
	// Down from 06:00 until 11:30: 07:00 is 4.5 h late (missed), 10:00 is 1.5 h late (posted).
	r.now = base.Add(5*time.Hour + 30*time.Minute)
	if err := r.sched.RunOnce(context.Background(), r.now); err != nil {
		t.Fatal(err)
	}
	st07, _ := r.st.EditionStatus(context.Background(), "c/2026-11-28/07:00")
	st10, _ := r.st.EditionStatus(context.Background(), "c/2026-11-28/10:00")
	if st07 != store.EditionMissed || st10 != store.EditionPosted || len(r.poster.messages) != 1 {
		t.Fatalf("07:00 %s, 10:00 %s, %d messages", st07, st10, len(r.poster.messages))
	}
}

func TestChannelGonePausesWithoutRetrying(t *testing.T) {
	t.Parallel()
	r := newRig(t, SchedulerConfig{}, "")
	r.setSchedule(t, "c", "08:00,09:00", "UTC")
	r.poster.fail = func(int) error { return fmt.Errorf("discord: 404 Unknown Channel: %w", ErrChannelUnavailable) }
	r.advance(t, base.Add(10*time.Hour))
	if r.poster.calls != 1 {
		t.Fatalf("%d post attempts to a deleted channel, want 1", r.poster.calls)
	}
	rows, _ := r.st.Schedules(context.Background(), "g")
	if len(rows) != 1 || !strings.Contains(rows[0].Paused, "Unknown Channel") {
		t.Fatalf("schedule = %+v", rows)
	}
	if sent, _ := r.st.SentDocs(context.Background(), "c"); len(sent) != 0 {
		t.Fatalf("documents of a failed edition count as sent: %v", sent)
	}
}

func TestUpdatedDocumentComesAgain(t *testing.T) {
	t.Parallel()
	r := newRig(t, SchedulerConfig{SkipEmpty: true}, "")
	docs := fakeDocs{{ID: "a", Title: "Story A", Hash: "v1", Added: base.Add(time.Hour)}}
	r.sched.builder = NewBuilder(docs, r.sum, 10, nil)
	r.setSchedule(t, "c", "08:00,12:00,16:00", "UTC")
	r.advance(t, base.Add(5*time.Hour)) // 08:00 posts A; 12:00 has nothing new and is skipped
	docs[0].Hash, docs[0].Added = "v2", base.Add(7*time.Hour)
	r.advance(t, base.Add(11*time.Hour)) // 16:00 posts A again as Updated
	if len(r.poster.messages) != 2 || strings.Contains(r.poster.messages[0], "Updated") || !strings.Contains(r.poster.messages[1], "_(Updated)_") {
		t.Fatalf("messages:\n%s", strings.Join(r.poster.messages, "\n---\n"))
	}
	if st, _ := r.st.EditionStatus(context.Background(), "c/2026-11-28/12:00"); st != store.EditionPosted {
		t.Fatalf("skipped empty edition has status %q", st)
	}
}

// forgetfulChannel is a channel whose nonces have expired, as Discord's do
// after a few minutes: a repeated create posts again. It can be searched.
type forgetfulChannel struct {
	channelPoster
	finds int
}

func (p *forgetfulChannel) Post(ctx context.Context, channelID, content, nonce string) (string, error) {
	p.mu.Lock()
	p.byNonce = nil // every nonce forgotten
	p.mu.Unlock()
	return p.channelPoster.Post(ctx, channelID, content, nonce)
}

func (p *forgetfulChannel) FindPosted(_ context.Context, _, content string, _ time.Time) (string, bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.finds++
	for i, m := range p.messages {
		if m == content {
			return fmt.Sprintf("m%d", i+1), true, nil
		}
	}
	return "", false, nil
}

// A post that succeeded just before a crash, resumed after Discord forgot
// its nonce, is found in the channel instead of being posted again.
func TestResumeAfterNonceExpiryLooksInTheChannel(t *testing.T) {
	t.Parallel()
	r := newRig(t, SchedulerConfig{}, "")
	ch := &forgetfulChannel{}
	r.sched.poster = ch
	r.setSchedule(t, "c", "08:00", "UTC")
	crashed := false
	ch.failAfter = func(int) error {
		if !crashed {
			crashed = true
			return errors.New("killed right after the post")
		}
		return nil
	}
	r.now = base.Add(2*time.Hour + 1*time.Minute) // 08:01: claim, post, "crash"
	if err := r.sched.RunOnce(context.Background(), r.now); err != nil {
		t.Fatal(err)
	}
	// Back within the nonce window: the nonce would protect, so no search.
	if err := r.sched.RunOnce(context.Background(), r.now.Add(30*time.Second)); err != nil {
		t.Fatal(err)
	}
	if ch.finds != 0 {
		t.Fatalf("searched the channel within the nonce window")
	}
	if len(ch.messages) != 2 {
		t.Fatalf("the forgetful channel should show the cost of not searching: %d messages", len(ch.messages))
	}

	// The same crash, resumed 20 minutes later: found, not posted again.
	r2 := newRig(t, SchedulerConfig{}, "")
	ch2 := &forgetfulChannel{}
	r2.sched.poster = ch2
	r2.setSchedule(t, "c", "08:00", "UTC")
	crashed2 := false
	ch2.failAfter = func(int) error {
		if !crashed2 {
			crashed2 = true
			return errors.New("killed right after the post")
		}
		return nil
	}
	r2.now = base.Add(2*time.Hour + time.Minute)
	if err := r2.sched.RunOnce(context.Background(), r2.now); err != nil {
		t.Fatal(err)
	}
	if err := r2.sched.RunOnce(context.Background(), r2.now.Add(20*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if len(ch2.messages) != 1 || ch2.finds != 1 {
		t.Fatalf("%d messages after %d searches, want 1 message", len(ch2.messages), ch2.finds)
	}
	if st, _ := r2.st.EditionStatus(context.Background(), "c/2026-11-28/08:00"); st != store.EditionPosted {
		t.Fatalf("status %q", st)
	}
}

// A zero catch-up still posts an edition seen at the next check after it
// was due: without the floor every edition was recorded as missed.
func TestZeroCatchupStillPostsOnTime(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	now := base
	p := &channelPoster{}
	sched := NewScheduler(st, NewBuilder(growingDocs{&now}, &fakeSummarizer{}, 10, nil), p, SchedulerConfig{Every: 30 * time.Second})
	if err := st.PutSchedule(context.Background(), store.ScheduleRow{ChannelID: "c", GuildID: "g", Times: "08:00", Zone: "UTC", Created: now}); err != nil {
		t.Fatal(err)
	}
	now = time.Date(base.Year(), base.Month(), base.Day(), 8, 0, 20, 0, time.UTC) // one check after 08:00
	if err := sched.RunOnce(context.Background(), now); err != nil {
		t.Fatal(err)
	}
	key := "c/" + now.Format("2006-01-02") + "/08:00"
	if status, _ := st.EditionStatus(context.Background(), key); status != store.EditionPosted || len(p.messages) != 1 {
		t.Fatalf("edition %s: %q with %d messages, want posted once", key, status, len(p.messages))
	}
}

// An edition abandoned late would leave half a digest in the channel; one
// already partly posted is finished instead, however late.
func TestPartlyPostedEditionIsFinishedEvenLate(t *testing.T) {
	t.Parallel()
	r := newRig(t, SchedulerConfig{Catchup: time.Hour}, "")
	ctx := context.Background()
	due := base.Add(2 * time.Hour)
	e := store.EditionRow{Key: "c/2026-11-28/08:00", ChannelID: "c", DueAt: due, Updated: due, Parts: []store.EditionPart{
		{Index: 0, Nonce: "n0", Content: "first half"}, {Index: 1, Nonce: "n1", Content: "second half"},
	}}
	if _, err := r.st.ClaimEdition(ctx, e, nil); err != nil {
		t.Fatal(err)
	}
	if err := r.st.MarkPartPosted(ctx, e.Key, 0, "m0"); err != nil {
		t.Fatal(err)
	}
	untouched := e
	untouched.Key, untouched.Parts = "c/2026-11-28/08:01", []store.EditionPart{{Index: 0, Nonce: "u0", Content: "never posted"}}
	if _, err := r.st.ClaimEdition(ctx, untouched, []store.SentDoc{{DocID: "x", Hash: "h"}}); err != nil {
		t.Fatal(err)
	}
	if err := r.sched.RunOnce(ctx, due.Add(5*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if len(r.poster.messages) != 1 || r.poster.messages[0] != "second half" {
		t.Fatalf("posted %q, want only the missing second half", r.poster.messages)
	}
	if st, _ := r.st.EditionStatus(ctx, e.Key); st != store.EditionPosted {
		t.Fatalf("partly posted edition: %q", st)
	}
	if st, _ := r.st.EditionStatus(ctx, untouched.Key); st != store.EditionFailed {
		t.Fatalf("untouched late edition: %q", st)
	}
}

// failingSchedules is the real store, but listing schedules fails.
type failingSchedules struct {
	EditionStore
	err error
}

func (f failingSchedules) Schedules(context.Context, string) ([]store.ScheduleRow, error) {
	return nil, f.err
}

// The scheduler needs only an EditionStore: a store that cannot list its
// schedules makes RunOnce fail with that error and post nothing.
func TestSchedulerReportsAStoreThatFails(t *testing.T) {
	t.Parallel()
	r := newRig(t, SchedulerConfig{}, "")
	r.setSchedule(t, "c1", "08:00", "UTC")
	broken := errors.New("disk on fire")
	sched := NewScheduler(failingSchedules{r.st, broken}, NewBuilder(growingDocs{&r.now}, r.sum, 10, nil), r.poster, SchedulerConfig{Now: func() time.Time { return r.now }})
	if err := sched.RunOnce(context.Background(), base.Add(9*time.Hour)); !errors.Is(err, broken) {
		t.Fatalf("RunOnce = %v, want the store's error", err)
	}
	if n := len(r.poster.messages); n != 0 {
		t.Fatalf("%d posts with no schedules listed", n)
	}
}
