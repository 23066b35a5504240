package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/geobrief/geobrief/discord/discordfake"
	"github.com/geobrief/geobrief/store/storetest"
)

// The seed documents the replicas share (embedded in the binary).
var replicaDocs = []string{
	"2025-04-11-ceasefire-stalls-oil-sanctions-threat",
	"2025-04-11-istanbul-talks-diplomatic-missions",
	"2025-04-11-karelina-petrov-prisoner-exchange",
	"2025-04-11-kremlin-peskov-low-expectations",
	"2025-04-11-putin-navy-meeting-st-petersburg",
	"2025-04-11-witkoff-iran-nuclear-talks-oman",
}

// sent is one interaction the test sent and what it expects.
type sent struct {
	id, what string
	deferred bool // answered with a deferral, then one edit with the answer
	wantType int  // the response type of the HTTP reply
	reply    discordfake.InteractionResponse
	err      error
}

// TestReplicasAnswerEveryInteractionOnce: 300 signed interactions of every
// kind (slash commands, autocomplete, buttons) sent through the load
// balancer to 3 replicas on one database, one of which is stopped by a
// rolling deploy halfway, are each answered exactly once: one HTTP reply
// of the right type, never a REST callback on top, and for each deferred
// one exactly one edit with the answer, from the replica that took it;
// every replica took its share.
func TestReplicasAnswerEveryInteractionOnce(t *testing.T) {
	t.Parallel() // most of each test is waiting: on processes, on the clock
	db := replicaDatabase(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	c := startCluster(t, ctx, clusterOptions{replicas: 3, database: db})

	const total = 300
	kinds := []func(k int) *sent{
		func(k int) *sent { return &sent{what: "/summarize", deferred: true, wantType: 5} },
		func(k int) *sent { return &sent{what: "/facts", deferred: true, wantType: 5} },
		func(k int) *sent { return &sent{what: "/search", deferred: true, wantType: 5} },
		func(k int) *sent { return &sent{what: "/help", deferred: true, wantType: 5} },
		func(k int) *sent { return &sent{what: "summarize button", deferred: true, wantType: 5} },
		func(k int) *sent { return &sent{what: "autocomplete", wantType: 8} },
	}
	payload := func(s *sent, k int) map[string]any {
		doc := replicaDocs[k%len(replicaDocs)]
		user := userID(k)
		var p map[string]any
		switch s.what {
		case "/summarize":
			s.id, p = interaction(c.fake, 2, user, commandData("summarize", [2]string{"article", doc}))
		case "/facts":
			s.id, p = interaction(c.fake, 2, user, commandData("facts", [2]string{"article", doc}))
		case "/search":
			s.id, p = interaction(c.fake, 2, user, commandData("search", [2]string{"query", "talks"}))
		case "/help":
			s.id, p = interaction(c.fake, 2, user, commandData("help"))
		case "summarize button":
			s.id, p = interaction(c.fake, 3, user, map[string]any{"custom_id": "sum:" + doc, "component_type": 2})
		case "autocomplete":
			data := commandData("summarize", [2]string{"article", "witkoff"})
			data["options"].([]map[string]any)[0]["focused"] = true
			s.id, p = interaction(c.fake, 4, user, data)
		}
		return p
	}

	// Sent as a load balancer's pool would: 32 connections at once.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxConnsPerHost, tr.MaxIdleConnsPerHost = 32, 32
	client := &http.Client{Transport: tr, Timeout: time.Minute}
	all := make([]*sent, total)
	work := make(chan int)
	var wg sync.WaitGroup
	for range 32 {
		wg.Go(func() {
			for k := range work {
				s := all[k]
				s.reply, s.err = c.fake.PostInteraction(ctx, client, c.endpoint(), payload(s, k))
			}
		})
	}
	for k := range total {
		all[k] = kinds[k%len(kinds)](k)
	}
	// Halfway, a rolling deploy takes replica 1 out of the load balancer
	// and stops it (SIGTERM) while the rest keep coming.
	deployed := make(chan error, 1)
	for k := range total {
		if k == total/2 {
			go func() { deployed <- c.drain(ctx, c.replicas[1]) }()
		}
		work <- k
	}
	close(work)
	wg.Wait()
	if err := <-deployed; err != nil {
		t.Errorf("rolling deploy: %v", err)
	}

	for _, s := range all {
		switch {
		case s.err != nil:
			t.Fatalf("%s %s: %v", s.what, s.id, s.err)
		case s.reply.Status != http.StatusOK || s.reply.Type != s.wantType:
			t.Errorf("%s %s: reply %d %s, want type %d", s.what, s.id, s.reply.Status, s.reply.Body, s.wantType)
		}
	}
	// Every deferred interaction gets its answer; then every replica stops
	// gracefully (finishing what it has), so that nothing can still be on
	// its way when the edits are counted.
	for _, s := range all {
		if !s.deferred {
			continue
		}
		if _, err := c.fake.WaitEdit(ctx, "tok-"+s.id, isAnswer); err != nil {
			t.Fatalf("%s %s: no answer: %v", s.what, s.id, err)
		}
	}
	c.stopAll(ctx)

	answers := map[string]int{}   // token -> edits carrying an answer
	edits := map[string]int{}     // token -> edits of any kind
	followUps := map[string]int{} // token -> follow-up messages
	for _, r := range c.fake.Requests() {
		switch {
		case strings.HasSuffix(r.Path, "/callback"):
			t.Errorf("a REST callback (%s) although the HTTP reply is the answer", r.Path)
		case r.Method == http.MethodPatch && strings.Contains(r.Path, "/webhooks/"):
			tok := webhookToken(r.Path)
			edits[tok]++
			if isAnswer(r) {
				answers[tok]++
			}
		case r.Method == http.MethodPost && strings.Contains(r.Path, "/webhooks/"):
			followUps[webhookToken(r.Path)]++
		}
	}
	for _, s := range all {
		tok := "tok-" + s.id
		switch {
		case s.deferred && answers[tok] != 1:
			t.Errorf("%s %s answered %d times", s.what, s.id, answers[tok])
		case !s.deferred && edits[tok] != 0:
			t.Errorf("%s %s: %d edits after an immediate reply", s.what, s.id, edits[tok])
		}
		if followUps[tok] != 0 {
			t.Errorf("%s %s: %d follow-ups", s.what, s.id, followUps[tok])
		}
	}
	// The answers came from every replica: the load was spread, and each
	// replica served from the one database.
	byReplica := map[int]int{}
	for _, call := range c.discordCalls() {
		if call.Method == http.MethodPatch && strings.Contains(call.Path, "/webhooks/") {
			byReplica[call.Replica]++
		}
	}
	t.Logf("edits by replica: %v; LLM calls: %d", byReplica, c.llm.calls.Load())
	for _, r := range c.replicas {
		if byReplica[r.n] == 0 {
			t.Errorf("replica %d answered nothing (answers by replica: %v)", r.n, byReplica)
		}
	}
}

// isAnswer reports whether an edit of the original reply carries an answer
// (an embed or text), not only a progress line.
func isAnswer(r discordfake.Request) bool {
	body := string(r.Body)
	return strings.Contains(body, `"embeds":[{`) && !strings.Contains(body, "Still working")
}

// webhookToken is the interaction token in /api/v9/webhooks/{app}/{token}/...
func webhookToken(path string) string {
	parts := strings.Split(strings.TrimPrefix(path, "/"), "/")
	if len(parts) < 5 {
		return ""
	}
	return parts[4]
}

// stopAll stops every live replica as a deploy does (SIGTERM: drain, then
// exit 0) and waits for each.
func (c *cluster) stopAll(ctx context.Context) {
	c.t.Helper()
	var stopping []*replica
	for _, r := range c.replicas {
		if !r.alive.Load() {
			continue // killed before
		}
		r.alive.Store(false)
		if err := r.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			c.t.Fatalf("replica %d: %v", r.n, err)
		}
		stopping = append(stopping, r)
	}
	for _, r := range stopping {
		select {
		case err := <-r.exited:
			if err != nil {
				c.t.Errorf("replica %d exited with %v after SIGTERM, want 0", r.n, err)
			}
		case <-ctx.Done():
			c.t.Fatalf("replica %d still running after SIGTERM", r.n)
		}
	}
}

// replicaDatabase is the shared store the replicas use: a fresh schema of
// the PostgreSQL database GEOBRIEF_TEST_DATABASE_URL names, dropped when
// the test ends. Without it the test is skipped: replicas on SQLite files
// of their own would share nothing.
func replicaDatabase(t *testing.T) func(replica int) []string {
	t.Helper()
	url := storetest.Postgres.NewDB(t)
	return func(int) []string { return []string{"DATABASE_URL=" + url} }
}

// TestReplicasShareOneSummary: 30 identical /summarize at once, spread by
// the load balancer over 3 replicas, make one LLM call between them: the
// first claims the generation in the database and the others wait for its
// Brief. Every user gets the same summary.
func TestReplicasShareOneSummary(t *testing.T) {
	t.Parallel() // most of each test is waiting: on processes, on the clock
	db := replicaDatabase(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	// A slow model, so that all 30 arrive while the first is generating:
	// a cache filled before the others ask would prove nothing.
	c := startCluster(t, ctx, clusterOptions{replicas: 3, database: db, llmLatency: 2 * time.Second})

	const n = 30
	doc := replicaDocs[0]
	ids := make([]string, n)
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for k := range n {
		var p map[string]any
		ids[k], p = interaction(c.fake, 2, userID(k), commandData("summarize", [2]string{"article", doc}))
		wg.Go(func() {
			got, err := c.fake.PostInteraction(ctx, nil, c.endpoint(), p)
			if err == nil && got.Type != 5 {
				err = fmt.Errorf("reply %d %s, want a deferral", got.Status, got.Body)
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var first string
	for _, id := range ids {
		ed, err := c.fake.WaitEdit(ctx, "tok-"+id, isAnswer)
		if err != nil {
			t.Fatalf("/summarize %s: no answer: %v", id, err)
		}
		var msg struct {
			Embeds []struct {
				Description string `json:"description"`
			} `json:"embeds"`
		}
		if err := ed.Decode(&msg); err != nil || len(msg.Embeds) == 0 {
			t.Fatalf("/summarize %s: answer %s", id, ed.Body)
		}
		if first == "" {
			first = msg.Embeds[0].Description
		} else if msg.Embeds[0].Description != first {
			t.Errorf("/summarize %s got another summary:\n%s\nwant\n%s", id, msg.Embeds[0].Description, first)
		}
	}
	if strings.Contains(first, "offline") {
		t.Errorf("the summary is the offline fallback, not the model's: %s", first)
	}
	if got := c.llm.calls.Load(); got != 1 {
		t.Errorf("%d LLM calls for %d identical summaries on %d replicas, want 1", got, n, len(c.replicas))
	}
}

// The scheduler and lease settings that make a takeover happen within a
// test: schedules checked every second, an edition's lease lost 10 s after
// its holder last renewed it. The holder renews before each post and gives
// a post up after half the lease, so a live holder renews at least every
// 6 s: 4 s of margin for a stalled process on a loaded machine before its
// edition would be (rightly) taken from it.
const editionLease = 10 * time.Second

var editionEnv = []string{
	"DIGEST_CHECK_INTERVAL=1s",
	"DIGEST_LEASE=" + editionLease.String(),
}

// TestReplicasPostEveryEditionOnceThroughAKill: three digest schedules in
// three time zones, due at the same instant, on 3 replicas. The replica
// that starts posting first is killed with SIGKILL in the middle of its
// edition (its post held on the way to Discord); the others post their
// editions, leave the killed replica's alone while its lease lasts, and
// one of them takes it over after the lease and finishes it with the same
// nonces. Each edition reaches its channel exactly once: every message
// once, every nonce sent to Discord once.
func TestReplicasPostEveryEditionOnceThroughAKill(t *testing.T) {
	t.Parallel() // most of each test is waiting: on processes, on the clock
	db := replicaDatabase(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	c := startCluster(t, ctx, clusterOptions{replicas: 3, database: db, env: editionEnv})

	// Due at the next minute with at least 15 s to set the schedules up:
	// the same instant, three local times (two of them off the hour).
	now := time.Now()
	due := now.Truncate(time.Minute).Add(time.Minute)
	if due.Sub(now) < 15*time.Second {
		due = due.Add(time.Minute)
	}
	type edition struct{ channel, zone, key string }
	editions := []edition{
		{channel: "711000000000000001", zone: "Asia/Kathmandu"},
		{channel: "711000000000000002", zone: "America/St_Johns"},
		{channel: "711000000000000003", zone: "Pacific/Chatham"},
	}
	byChannel := map[string]*edition{}
	for k := range editions {
		e := &editions[k]
		loc, err := time.LoadLocation(e.zone)
		if err != nil {
			t.Fatal(err)
		}
		local := due.In(loc)
		e.key = e.channel + "/" + local.Format("2006-01-02") + "/" + local.Format("15:04")
		byChannel[e.channel] = e
	}

	// The first replica to post a digest message is the victim: that post
	// and all its later ones are held on the way to Discord.
	var mu sync.Mutex
	victim := -1
	c.holdCalls(func(call tapCall) bool {
		if call.Method != http.MethodPost || !strings.Contains(call.Path, "/channels/") {
			return false
		}
		mu.Lock()
		defer mu.Unlock()
		if victim < 0 {
			victim = call.Replica
		}
		return call.Replica == victim
	})

	for k, e := range editions {
		id, p := interaction(c.fake, 2, userID(k), map[string]any{"id": "2", "name": "digest-schedule", "type": 1,
			"options": []map[string]any{{"name": "set", "type": 1, "options": []map[string]any{
				{"name": "channel", "type": 7, "value": e.channel},
				{"name": "times", "type": 3, "value": due.In(mustZone(t, e.zone)).Format("15:04")},
				{"name": "timezone", "type": 3, "value": e.zone},
			}}}})
		if got, err := c.fake.PostInteraction(ctx, nil, c.endpoint(), p); err != nil || got.Type != 5 {
			t.Fatalf("/digest-schedule set %s: %v %d %s", e.zone, err, got.Status, got.Body)
		}
		ed, err := c.fake.WaitEdit(ctx, "tok-"+id, func(r discordfake.Request) bool { return strings.Contains(string(r.Body), "Digests will be posted") })
		if err != nil {
			t.Fatalf("/digest-schedule set %s: %v", e.zone, err)
		}
		t.Logf("%s: %s", e.zone, ed.Body)
	}
	if time.Now().After(due) {
		t.Fatal("the schedules were set after the editions were due: the machine is too slow for this test's margin")
	}

	// The first held post names the victim. Its scheduler gives a held post
	// up after half the lease, tries it again at its next check, and may
	// claim another edition meanwhile, held too. Wait until every edition
	// is either held by the victim, its post tried at least twice (so the
	// other replicas checked the schedules a few times while it held it),
	// or posted by another replica. (Polling, bounded by ctx: what is
	// awaited is spread over the replicas' logs and the held calls.)
	victimHolds := map[string]bool{} // edition keys
	tries := map[string]int{}        // held posts by edition
	var killed *replica
	for {
		select {
		case call := <-c.held:
			e := byChannel[strings.Split(call.Path, "/")[4]] // /api/v9/channels/{id}/messages
			if e == nil {
				t.Fatalf("a post to an unknown channel: %s", call.Path)
			}
			killed = c.replicas[call.Replica]
			victimHolds[e.key] = true
			tries[e.key]++
			continue
		case <-ctx.Done():
			t.Fatalf("the editions were never all claimed: held by the victim %v", victimHolds)
		case <-time.After(50 * time.Millisecond):
		}
		covered := 0
		for _, e := range editions {
			if tries[e.key] >= 2 || c.logged(`msg="digest edition posted" edition=`+e.key) {
				covered++
			}
		}
		if killed != nil && covered == len(editions) {
			break
		}
	}
	t.Logf("replica %d holds %v: killed", killed.n, victimHolds)
	for _, call := range c.discordCalls() {
		if e := channelEdition(call, byChannel); e != nil && victimHolds[e.key] && call.Replica != killed.n {
			t.Errorf("replica %d posted %s while replica %d held it, alive", call.Replica, e.key, killed.n)
		}
	}
	c.kill(ctx, killed)
	killedAt := time.Now()

	// Taken over after the lease, bounded well above it.
	tctx, tcancel := context.WithTimeout(ctx, editionLease+time.Minute)
	defer tcancel()
	for key := range victimHolds {
		if err := c.waitLog(tctx, `msg="digest edition posted" edition=`+key); err != nil {
			t.Fatalf("nobody took over %s after replica %d was killed: %v", key, killed.n, err)
		}
	}
	c.stopAll(ctx) // nothing more can reach Discord

	sentByNonce := map[string]int{}
	for _, call := range c.discordCalls() {
		if call.Nonce == "" || call.Replica == killed.n {
			continue // the killed replica's posts were all held, and dropped with it
		}
		sentByNonce[call.Nonce]++
		if e := channelEdition(call, byChannel); e != nil && victimHolds[e.key] {
			if call.Time.Before(killedAt) {
				t.Errorf("replica %d posted %s before replica %d died", call.Replica, e.key, killed.n)
			}
			// However fast the takeover, not before the lease: the
			// victim claimed the edition no earlier than it was due.
			if call.Time.Before(due.Add(editionLease)) {
				t.Errorf("replica %d took %s over at %s, within the lease (due %s + %s)", call.Replica, e.key, call.Time.Format(time.StampMilli), due.Format(time.StampMilli), editionLease)
			}
		}
	}
	for nonce, n := range sentByNonce {
		if n != 1 {
			t.Errorf("nonce %s sent to Discord %d times", nonce, n)
		}
	}
	for _, e := range editions {
		msgs := c.fake.ChannelMessages(e.channel)
		if len(msgs) == 0 {
			t.Errorf("%s (%s): nothing in the channel", e.key, e.zone)
			continue
		}
		seen := map[string]bool{}
		for _, m := range msgs {
			if seen[m.Nonce] || m.Nonce == "" {
				t.Errorf("%s: message with nonce %q posted twice or without one", e.key, m.Nonce)
			}
			seen[m.Nonce] = true
		}
		local := due.In(mustZone(t, e.zone)).Format("15:04")
		if !strings.Contains(msgs[0].Content, local) {
			t.Errorf("%s: the first message is not the %s edition's heading: %.200s", e.key, local, msgs[0].Content)
		}
	}
}

// channelEdition is the edition whose channel call posts to, or nil.
func channelEdition[E any](call tapCall, byChannel map[string]*E) *E {
	if call.Method != http.MethodPost || !strings.Contains(call.Path, "/channels/") {
		return nil
	}
	parts := strings.Split(call.Path, "/") // /api/v9/channels/{id}/messages
	if len(parts) < 5 {
		return nil
	}
	return byChannel[parts[4]]
}

// logged reports whether any replica's output contains s.
func (c *cluster) logged(s string) bool {
	for _, r := range c.replicas {
		if strings.Contains(r.logs.String(), s) {
			return true
		}
	}
	return false
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// waitLog returns once any replica's output contains s, or ctx's error.
func (c *cluster) waitLog(ctx context.Context, s string) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	found := make(chan error, len(c.replicas))
	for _, r := range c.replicas {
		go func() { found <- r.logs.wait(ctx, s) }()
	}
	var err error
	for range c.replicas {
		if err = <-found; err == nil {
			return nil
		}
	}
	return err
}
