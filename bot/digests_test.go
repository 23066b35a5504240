package bot

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/geobrief/geobrief/corpus"
	"github.com/geobrief/geobrief/digest"
	"github.com/geobrief/geobrief/store"
	"github.com/geobrief/geobrief/store/storetest"
	"github.com/geobrief/geobrief/summarize"
)

var digestNow = time.Date(2026, 11, 28, 6, 0, 0, 0, time.UTC)

// digestRig is the bot with digests enabled over a real store and the
// offline summarizer, against the fake Discord.
type digestRig struct {
	*harness
	st      *store.Store
	builder *digest.Builder
}

func newsDocs(n int) []corpus.Document {
	var docs []corpus.Document
	for i := range n {
		body := fmt.Sprintf("Delegations from %d countries met in Geneva on Monday to discuss a ceasefire, officials said. "+
			"The talks, the %dth round this year, lasted six hours and ended without a joint statement. "+
			"A spokesperson said the sides agreed to meet again within a month. "+
			"Observers described the atmosphere as cautious but constructive. @everyone <@&123456> read this.", i+2, i+1)
		docs = append(docs, corpus.Document{ID: fmt.Sprintf("talks-%02d", i), Title: fmt.Sprintf("Geneva talks, round %d", i+1),
			Body: body, Hash: fmt.Sprintf("h%d", i), Added: digestNow.Add(-time.Duration(i+1) * time.Minute), Source: "Test wire"})
	}
	return docs
}

func setupDigests(t *testing.T, dataDir string, docs []corpus.Document) *digestRig {
	t.Helper()
	if dataDir == "" {
		dataDir = t.TempDir()
	}
	st := storetest.OpenDir(t, dataDir, docs...)
	sum, err := summarize.New(summarize.Config{}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	builder := digest.NewBuilder(st, sum, 40, nil)
	digests := &Digests{Builder: builder, Schedules: st, Now: func() time.Time { return digestNow }}
	h := setup(t, func(c *Config, _ *fakeBriefer) { c.Digests = digests })
	return &digestRig{harness: h, st: st, builder: builder}
}

// scheduleCmd builds /digest-schedule <sub> with the member's permissions.
func (h *harness) scheduleCmd(sub string, perms string, opts ...map[string]any) map[string]any {
	if opts == nil {
		opts = []map[string]any{}
	}
	in := h.interaction(2, map[string]any{"id": "2", "name": "digest-schedule", "type": 1,
		"options": []map[string]any{{"name": sub, "type": 1, "options": opts}}}, "admin")
	in["member"].(map[string]any)["permissions"] = perms
	return in
}

func channelOpt(id string) map[string]any {
	return map[string]any{"name": "channel", "type": 7, "value": id}
}

func TestDigestScheduleCommands(t *testing.T) {
	t.Parallel()
	r := setupDigests(t, "", nil)
	const manage = "32" // MANAGE_GUILD

	// The definition asks Discord to show it to Manage Server members only.
	var perms *int64
	for _, c := range r.b.Commands() {
		if c.Name == "digest-schedule" {
			perms = c.DefaultMemberPermissions
		}
	}
	if perms == nil || *perms != 32 {
		t.Fatal("digest-schedule defined without default_member_permissions 32")
	}

	_, ed := r.dispatch(r.scheduleCmd("set", "0", channelOpt("800"), opt("times", "08:00"), opt("timezone", "UTC")))
	if m := decodeMessage(t, ed); !strings.Contains(m.Content, "Manage Server") {
		t.Fatalf("no permission check: %q", m.Content)
	}
	if rows, _ := r.st.Schedules(context.Background(), ""); len(rows) != 0 {
		t.Fatal("schedule saved without permission")
	}

	_, ed = r.dispatch(r.scheduleCmd("set", manage, channelOpt("800"), opt("times", "18:00, 08:00"), opt("timezone", "Europe/Kyiv")))
	if m := decodeMessage(t, ed); !strings.Contains(m.Content, "<#800> at 08:00, 18:00 (Europe/Kyiv)") {
		t.Fatalf("set answered %q", m.Content)
	}
	rows, _ := r.st.Schedules(context.Background(), "700000000000000001")
	if len(rows) != 1 || rows[0].Times != "08:00,18:00" || rows[0].Zone != "Europe/Kyiv" || !rows[0].Created.Equal(digestNow) {
		t.Fatalf("stored %+v", rows)
	}

	// Setting it again says what it replaced.
	_, ed = r.dispatch(r.scheduleCmd("set", manage, channelOpt("800"), opt("times", "07:30"), opt("timezone", "UTC")))
	if m := decodeMessage(t, ed); !strings.Contains(m.Content, "Replaced the digest schedule of <#800> (was 08:00, 18:00 (Europe/Kyiv))") ||
		!strings.Contains(m.Content, "now be posted at 07:30 (UTC)") {
		t.Fatalf("second set answered %q", m.Content)
	}
	_, ed = r.dispatch(r.scheduleCmd("set", manage, channelOpt("800"), opt("times", "18:00, 08:00"), opt("timezone", "Europe/Kyiv")))
	if m := decodeMessage(t, ed); !strings.HasPrefix(m.Content, "Replaced") {
		t.Fatalf("third set answered %q", m.Content)
	}

	for _, bad := range [][3]string{{"25:00", "UTC", "Times: \"25:00\" is not a time of day"}, {"08:00", "Mars/Olympus", "Time zone: \"Mars/Olympus\" is not an IANA time zone"}} {
		_, ed = r.dispatch(r.scheduleCmd("set", manage, channelOpt("801"), opt("times", bad[0]), opt("timezone", bad[1])))
		if m := decodeMessage(t, ed); !strings.HasPrefix(m.Content, bad[2]) {
			t.Fatalf("bad input %v answered %q, want %q", bad[:2], m.Content, bad[2])
		}
	}
	if rows, _ := r.st.Schedules(context.Background(), ""); len(rows) != 1 {
		t.Fatalf("invalid schedules were saved: %+v", rows)
	}

	// An administrator may, whatever the other bits say.
	const admin = "8" // ADMINISTRATOR
	_, ed = r.dispatch(r.scheduleCmd("set", admin, channelOpt("802"), opt("times", "07:00"), opt("timezone", "UTC")))
	if m := decodeMessage(t, ed); !strings.Contains(m.Content, "<#802> at 07:00 (UTC)") {
		t.Fatalf("an administrator's set answered %q", m.Content)
	}
	if _, err := r.st.DeleteSchedule(context.Background(), "802"); err != nil {
		t.Fatal(err)
	}

	if err := r.st.PauseSchedule(context.Background(), "800", "discord answered 404 Unknown Channel"); err != nil {
		t.Fatal(err)
	}
	_, ed = r.dispatch(r.scheduleCmd("show", manage))
	m := decodeMessage(t, ed)
	if len(m.Embeds) != 1 || len(m.Embeds[0].Fields) != 1 || !strings.Contains(m.Embeds[0].Fields[0].Value, "Paused:** discord answered 404 Unknown Channel") {
		t.Fatalf("show = %+v", m.Embeds)
	}

	_, ed = r.dispatch(r.scheduleCmd("clear", manage, channelOpt("800")))
	if m := decodeMessage(t, ed); !strings.Contains(m.Content, "stopped") {
		t.Fatalf("clear answered %q", m.Content)
	}
	_, ed = r.dispatch(r.scheduleCmd("clear", manage, channelOpt("800")))
	if m := decodeMessage(t, ed); !strings.Contains(m.Content, "has no digest schedule") {
		t.Fatalf("second clear answered %q", m.Content)
	}
}

func TestTimezoneAutocomplete(t *testing.T) {
	t.Parallel()
	r := setupDigests(t, "", nil)
	in := r.interaction(4, map[string]any{"id": "2", "name": "digest-schedule", "type": 1, "options": []map[string]any{{
		"name": "set", "type": 1, "options": []map[string]any{{"name": "timezone", "type": 3, "value": "kyiv", "focused": true}},
	}}}, "admin")
	cb, _ := r.dispatch(in)
	typ, m := callbackData(t, cb)
	if typ != 8 || len(m.Choices) == 0 || m.Choices[0]["value"] != "Europe/Kyiv" {
		t.Fatalf("autocomplete = %d %+v", typ, m.Choices)
	}
	if got := zoneChoices("a"); len(got) != 25 {
		t.Fatalf("%d choices for a broad prefix, want the 25 cap", len(got))
	}
}

func TestDigestCommandSplitsIntoFollowups(t *testing.T) {
	t.Parallel()
	r := setupDigests(t, "", newsDocs(30))
	in := r.slash("digest", "reader", opt("since", "2h"))
	_, ed := r.dispatch(in)
	first := decodeMessage(t, ed)
	if !strings.Contains(first.Content, "News digest") || first.AllowedMentions == nil || len(first.AllowedMentions.Parse) != 0 {
		t.Fatalf("first message = %+v", first)
	}
	// The rest come as follow-ups, in order, each within the limit and
	// with mentions disabled.
	var follow []message
	for _, req := range r.requests() {
		if req.Method == "POST" && strings.HasSuffix(req.Path, "/"+in["token"].(string)) {
			follow = append(follow, decodeMessage(t, req))
		}
	}
	if len(follow) == 0 || !strings.Contains(lastContent(follow), "talks-29") {
		t.Fatalf("%d follow-ups, last %q", len(follow), lastContent(follow))
	}
	all := first.Content
	for _, f := range follow {
		if len([]rune(f.Content)) > 2000 || f.AllowedMentions == nil || len(f.AllowedMentions.Parse) != 0 {
			t.Fatalf("follow-up breaks the rules: %d chars, %+v", len([]rune(f.Content)), f.AllowedMentions)
		}
		all += f.Content
	}
	if strings.Index(all, "talks-00") > strings.Index(all, "talks-01") {
		t.Fatal("newest document is not first")
	}
	_, ed = r.dispatch(r.slash("digest", "reader2", opt("since", "whenever")))
	if m := decodeMessage(t, ed); !strings.Contains(m.Content, "can't read that") {
		t.Fatalf("bad since answered %q", m.Content)
	}
}

func lastContent(ms []message) string {
	if len(ms) == 0 {
		return ""
	}
	return ms[len(ms)-1].Content
}
