package bot

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/geobrief/geobrief/digest"
	"github.com/geobrief/geobrief/discord/discordfake"
	"github.com/geobrief/geobrief/store"
	"github.com/geobrief/geobrief/store/storetest"
	"github.com/geobrief/geobrief/summarize"
)

var errKilled = errors.New("process killed")

// dyingPoster stands for a process that dies around its first post: before
// sending it (between claim and post) or right after Discord created the
// message (before the message ID is recorded).
type dyingPoster struct {
	b         *Bot
	afterPost bool
}

func (p *dyingPoster) Post(ctx context.Context, channelID, content, nonce string) (string, error) {
	if p.afterPost {
		if _, err := p.b.Channels().Post(ctx, channelID, content, nonce); err != nil {
			return "", err
		}
	}
	return "", errKilled
}

// instance is one run of the program: a store over dir and a bot connected
// to the fake Discord, with the digest scheduler.
type instance struct {
	st    *store.Store
	b     *Bot
	sched func(poster digest.Poster) *digest.Scheduler
}

func startInstance(t *testing.T, f *discordfake.Server, dir string) *instance {
	t.Helper()
	ctx := context.Background()
	st := storetest.OpenDir(t, dir, newsDocs(12)...)
	sum, err := summarize.New(summarize.Config{}, nil, st)
	if err != nil {
		t.Fatal(err)
	}
	builder := digest.NewBuilder(st, sum, 10, nil)
	b, err := New(Config{Token: "t", GuildID: "700000000000000001", APIURL: f.URL(), Logger: discardLogger(),
		Digests: &Digests{Builder: builder, Schedules: st}}, testLibrary(), &fakeBriefer{})
	if err != nil {
		t.Fatal(err)
	}
	octx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := b.Open(octx); err != nil {
		t.Fatal(err)
	}
	return &instance{st: st, b: b, sched: func(p digest.Poster) *digest.Scheduler {
		return digest.NewScheduler(st, builder, p, digest.SchedulerConfig{Catchup: 2 * time.Hour, Logger: discardLogger()})
	}}
}

func (in *instance) stop() {
	_ = in.b.Close(context.Background())
	_ = in.st.Close()
}

// channelPosts returns the nonces of every create request to a channel, in
// order; the fake, like Discord with enforce_nonce, makes one message per
// distinct nonce.
func channelPosts(f *discordfake.Server, channel string) (nonces []string, distinct int) {
	seen := map[string]bool{}
	for _, r := range f.Requests() {
		if r.Method != "POST" || r.Path != "/api/v9/channels/"+channel+"/messages" {
			continue
		}
		var m struct {
			Nonce        string `json:"nonce"`
			EnforceNonce bool   `json:"enforce_nonce"`
			Allowed      *struct {
				Parse []string `json:"parse"`
			} `json:"allowed_mentions"`
		}
		_ = r.Decode(&m)
		if !m.EnforceNonce || m.Allowed == nil || len(m.Allowed.Parse) != 0 {
			return nil, -1 // a post without the safety fields
		}
		nonces = append(nonces, m.Nonce)
		if !seen[m.Nonce] {
			seen[m.Nonce] = true
			distinct++
		}
	}
	return nonces, distinct
}

func TestDigestEditionPostedOnceAcrossRestarts(t *testing.T) {
	t.Parallel()
	for _, afterPost := range []bool{false, true} {
		name := "killed between claim and post"
		if afterPost {
			name = "killed right after the post"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := discordfake.New()
			defer f.Close()
			dir := t.TempDir()
			ctx := context.Background()
			due := digestNow.Add(time.Hour) // 07:00 UTC

			first := startInstance(t, f, dir)
			if err := first.st.PutSchedule(ctx, store.ScheduleRow{ChannelID: "900", GuildID: "g", Times: "07:00", Zone: "UTC", Created: digestNow}); err != nil {
				t.Fatal(err)
			}
			if err := first.sched(&dyingPoster{b: first.b, afterPost: afterPost}).RunOnce(ctx, due.Add(time.Minute)); err != nil {
				t.Fatal(err)
			}
			first.stop()
			before, _ := channelPosts(f, "900")

			second := startInstance(t, f, dir)
			defer second.stop()
			sched := second.sched(second.b.Channels())
			if err := sched.RunOnce(ctx, due.Add(3*time.Minute)); err != nil {
				t.Fatal(err)
			}
			if err := sched.RunOnce(ctx, due.Add(10*time.Minute)); err != nil {
				t.Fatal(err)
			}
			nonces, distinct := channelPosts(f, "900")
			if msgs := f.ChannelMessages("900"); distinct != 1 || len(msgs) != 1 || !strings.Contains(msgs[0].Content, "talks-00") {
				t.Fatalf("%d messages in the channel (nonces %v), want exactly 1", len(msgs), nonces)
			}
			if afterPost && (len(before) != 1 || len(nonces) != 2) {
				t.Fatalf("want the post repeated once with the same nonce: before %v, after %v", before, nonces)
			}
			if !afterPost && (len(before) != 0 || len(nonces) != 1) {
				t.Fatalf("want one post after the restart: before %v, after %v", before, nonces)
			}
			if st, _ := second.st.EditionStatus(ctx, "900/2026-11-28/07:00"); st != store.EditionPosted {
				t.Fatalf("edition status %q", st)
			}
			sent, _ := second.st.SentDocs(ctx, "900")
			if len(sent) != 10 {
				t.Fatalf("%d documents recorded as sent, want 10", len(sent))
			}
		})
	}
}

func TestDeletedChannelPausesSchedule(t *testing.T) {
	t.Parallel()
	f := discordfake.New()
	defer f.Close()
	ctx := context.Background()
	in := startInstance(t, f, t.TempDir())
	defer in.stop()
	if err := in.st.PutSchedule(ctx, store.ScheduleRow{ChannelID: "404404", GuildID: "700000000000000001", Times: "07:00,08:00", Zone: "UTC", Created: digestNow}); err != nil {
		t.Fatal(err)
	}
	f.SetChannelError("404404", 404, 10003, "Unknown Channel")
	sched := in.sched(in.b.Channels())
	for _, at := range []time.Duration{61 * time.Minute, 90 * time.Minute, 121 * time.Minute, 150 * time.Minute} {
		if err := sched.RunOnce(ctx, digestNow.Add(at)); err != nil {
			t.Fatal(err)
		}
	}
	nonces, _ := channelPosts(f, "404404")
	if len(nonces) != 1 {
		t.Fatalf("%d attempts on a deleted channel, want 1 and then a pause", len(nonces))
	}
	rows, _ := in.st.Schedules(ctx, "")
	if len(rows) != 1 || !strings.Contains(rows[0].Paused, "Unknown Channel") {
		t.Fatalf("schedule = %+v", rows)
	}
}

// Discord remembers nonces for a few minutes only. A post that succeeded
// right before a crash, resumed after that, is found in the channel's
// history instead of being posted a second time.
func TestDigestResumedAfterNonceExpiryIsNotPostedTwice(t *testing.T) {
	t.Parallel()
	f := discordfake.New()
	defer f.Close()
	dir := t.TempDir()
	ctx := context.Background()
	// Real time, since the fake dates the messages it keeps with its clock.
	due := time.Now().UTC().Truncate(time.Minute)
	key := "900/" + due.Format("2006-01-02") + "/" + due.Format("15:04")

	first := startInstance(t, f, dir)
	if err := first.st.PutSchedule(ctx, store.ScheduleRow{ChannelID: "900", GuildID: "g", Times: due.Format("15:04"), Zone: "UTC", Created: due.Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := first.sched(&dyingPoster{b: first.b, afterPost: true}).RunOnce(ctx, due.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	first.stop()
	f.ForgetNonces()

	second := startInstance(t, f, dir)
	defer second.stop()
	if err := second.sched(second.b.Channels()).RunOnce(ctx, due.Add(10*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if msgs := f.ChannelMessages("900"); len(msgs) != 1 {
		t.Fatalf("%d messages in the channel, want 1", len(msgs))
	}
	if nonces, _ := channelPosts(f, "900"); len(nonces) != 1 {
		t.Fatalf("posted %d times, want once (then found)", len(nonces))
	}
	if st, _ := second.st.EditionStatus(ctx, key); st != store.EditionPosted {
		t.Fatalf("edition status %q", st)
	}
}
