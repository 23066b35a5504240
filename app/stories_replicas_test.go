package app

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/geobrief/geobrief/corpus"
	"github.com/geobrief/geobrief/feeds"
	"github.com/geobrief/geobrief/store"
	"github.com/geobrief/geobrief/store/storetest"
	"github.com/geobrief/geobrief/stories"
)

// replicaSet opens apps on one database, as replicas (or the bot and a
// command line) would: on PostgreSQL each with its own DATA_DIR, on SQLite
// all on one file.
type replicaSet struct {
	t            *testing.T
	seeds, dbURL string
	sqliteDir    string
}

func newReplicaSet(t *testing.T, b storetest.Backend) *replicaSet {
	t.Helper()
	seeds := t.TempDir()
	storyFile(t, seeds, "fish-north", "Norway and Iceland open Arctic cod quota talks in Tromso", "North Desk", "2026-03-10", fishBody)
	r := &replicaSet{t: t, seeds: seeds}
	if b.Name == storetest.Postgres.Name {
		r.dbURL = b.NewDB(t)
	} else {
		r.sqliteDir = b.NewDB(t)
	}
	return r
}

// open opens one more app, which builds its story index as Run does.
func (r *replicaSet) open() *App {
	r.t.Helper()
	data := r.sqliteDir
	if r.dbURL != "" {
		data = r.t.TempDir()
	}
	a := openStoryApp(r.t, r.seeds, data, r.dbURL)
	if _, err := a.storyGrouper(context.Background()); err != nil {
		r.t.Fatal(err)
	}
	return a
}

// webDoc stores a web document through app a, as a feed poll does.
func webDoc(t *testing.T, a *App, id, title, source, text string, published time.Time) {
	t.Helper()
	err := a.saveWeb(context.Background(), feeds.Doc{
		ID: id, Key: "https://news.example/" + id, Link: "https://news.example/" + id, URL: "https://news.example/" + id,
		Title: title, Source: source, Published: published, Text: text, TextHash: id,
	}, false)
	if err != nil {
		t.Error(err)
	}
}

// dbGrouping is the recorded grouping as app a reads it: each story's
// sorted document IDs by story ID.
func dbGrouping(t *testing.T, a *App) map[string][]string {
	t.Helper()
	views, err := a.Stories(context.Background(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	return storyIDsOf(views)
}

// grouperAgrees checks that app a's grouper, once caught up, holds the
// grouping recorded in the database: the same stories, each under an ID
// that resolves to the recorded one.
func grouperAgrees(t *testing.T, name string, a *App, want map[string][]string) {
	t.Helper()
	ctx := context.Background()
	a.joinStories(ctx) // nothing to add: only the catch-up
	a.stories.mu.Lock()
	g := a.stories.grouper
	a.stories.mu.Unlock()
	if g == nil {
		t.Fatalf("%s: no story index", name)
	}
	got := map[string][]string{}
	for id, docs := range g.Groups() {
		v, err := a.Story(ctx, id)
		if err != nil {
			t.Fatalf("%s: its story %s: %v", name, id, err)
		}
		docs = slices.Clone(docs)
		slices.Sort(docs)
		got[v.ID] = docs
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s's story index:\n%v\nrecorded:\n%v", name, got, want)
	}
}

// A document stored by one replica joins the story of a related document
// another replica stored; both see the story the same way, and so does a
// replica started afterwards.
func TestStoriesAcrossReplicas(t *testing.T) {
	t.Parallel()
	storetest.Backends(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		set := newReplicaSet(t, b)
		a, bb := set.open(), set.open()
		day := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)

		webDoc(t, a, "harbour-x", "Malta and Libya resume Marsaxlokk harbour talks in Valletta", "Harbour Times", harbourBody, day)
		webDoc(t, bb, "harbour-y", "Valletta talks: Borg and Mansour agree to share Marsaxlokk shipping data", "Island Post",
			"Malta's transport minister Maria Borg and Libyan envoy Khalid Mansour agreed in Valletta to share shipping data, "+
				"a first step in the Marsaxlokk harbour dispute over berths for Libyan tankers. The talks resume next month.", day.Add(2*time.Hour))
		x, err := a.Store.StoryOf(ctx, "harbour-x")
		if err != nil {
			t.Fatal(err)
		}
		if y, err := bb.Store.StoryOf(ctx, "harbour-y"); err != nil || y != x {
			t.Fatalf("harbour-y (stored by B) is in %q (%v), harbour-x (stored by A) in %q: one event split over two stories", y, err, x)
		}
		for name, app := range map[string]*App{"A": a, "B": bb} {
			v, err := app.StoryOf(ctx, "harbour-y")
			if err != nil {
				t.Fatal(err)
			}
			if v.ID != x || !slices.Equal(v.DocumentIDs(), []string{"harbour-x", "harbour-y"}) || !slices.Equal(v.Sources, []string{"Harbour Times", "Island Post"}) {
				t.Errorf("from %s: story %s %v sources %v", name, v.ID, v.DocumentIDs(), v.Sources)
			}
		}

		// A, which has not seen harbour-y, stores a third report: it joins
		// too, so A caught up with what B grouped.
		webDoc(t, a, "harbour-z", "Libyan tankers and Marsaxlokk berths on the table as Malta and Libya talk in Valletta", "Coastal Review",
			"Talks between Malta and Libya in Valletta turned on berths for Libyan tankers at Marsaxlokk. Khalid Mansour, Libya's envoy, "+
				"met Maria Borg for three hours; both sides called the Marsaxlokk harbour talks constructive.", day.Add(20*time.Hour))
		if z, err := bb.Store.StoryOf(ctx, "harbour-z"); err != nil || z != x {
			t.Errorf("harbour-z is in %q (%v), want %s", z, err, x)
		}

		want := dbGrouping(t, a)
		if got := dbGrouping(t, bb); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("B reads %v, A reads %v", got, want)
		}
		grouperAgrees(t, "A", a, want)
		grouperAgrees(t, "B", bb, want)
		c := set.open()
		grouperAgrees(t, "a replica started afterwards", c, want)
		if got := dbGrouping(t, c); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("after a third replica started: %v, before %v", got, want)
		}
	})
}

// Replicas storing documents at the same moment: every document ends in
// exactly one story, stories gather documents stored by both, and both
// replicas' story indexes, and that of a replica started afterwards, hold
// the recorded grouping.
func TestConcurrentStoriesAcrossReplicas(t *testing.T) {
	t.Parallel()
	storetest.Backends(t, func(t *testing.T, b storetest.Backend) {
		set := newReplicaSet(t, b)
		apps := []*App{set.open(), set.open()}
		events := []struct{ place, person, other, topic string }{
			{"Valletta", "Maria Borg", "Khalid Mansour", "Marsaxlokk harbour berths"},
			{"Tromso", "Ingrid Dahl", "Bjarni Olafsson", "Arctic cod quotas"},
			{"Windhoek", "Nangolo Shikongo", "Amara Dube", "Kunene river dam"},
			{"Tbilisi", "Nino Beridze", "Arman Petrosyan", "Lars pipeline tariffs"},
		}
		const outlets = 6
		day := time.Date(2026, 3, 10, 6, 0, 0, 0, time.UTC)
		storedBy := map[string]int{}
		type job struct {
			app                     int
			id, title, source, text string
			at                      time.Time
		}
		var jobs []job
		for e, ev := range events {
			for o := range outlets {
				id := fmt.Sprintf("ev%d-outlet%d", e, o)
				words := strings.Fields(ev.topic)
				title := fmt.Sprintf("%s talks: %s and %s on %s (%s report %d)", ev.place, ev.person, ev.other, ev.topic, words[0], o)
				text := fmt.Sprintf("In %s, %s met %s to discuss %s. Outlet %d says the talks on %s went on for hours and will resume, "+
					"with %s calling them frank.", ev.place, ev.person, ev.other, ev.topic, o, ev.topic, ev.person)
				j := job{app: (e + o) % 2, id: id, title: title, source: fmt.Sprintf("Outlet %d", o), text: text,
					at: day.Add(time.Duration(o*2+e) * time.Hour)}
				storedBy[id] = j.app
				jobs = append(jobs, j)
			}
		}
		done := make(chan struct{}, len(jobs))
		for _, j := range jobs {
			go func() {
				defer func() { done <- struct{}{} }()
				webDoc(t, apps[j.app], j.id, j.title, j.source, j.text, j.at)
			}()
		}
		for range jobs {
			<-done
		}

		ctx := context.Background()
		want := dbGrouping(t, apps[0])
		count := map[string]int{}
		mixed := 0
		for _, docs := range want {
			by := map[int]bool{}
			for _, d := range docs {
				count[d]++
				if app, ok := storedBy[d]; ok {
					by[app] = true
				}
			}
			if len(by) == 2 {
				mixed++
			}
		}
		for _, j := range jobs {
			if count[j.id] != 1 {
				t.Errorf("%s is in %d stories", j.id, count[j.id])
			}
		}
		if mixed == 0 {
			t.Errorf("no story has documents stored by both replicas: %v", want)
		}
		if left, err := apps[1].Store.Ungrouped(ctx); err != nil || len(left) != 0 {
			t.Errorf("ungrouped after the adds: %d, %v", len(left), err)
		}
		if got := dbGrouping(t, apps[1]); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("B reads %v, A reads %v", got, want)
		}
		grouperAgrees(t, "A", apps[0], want)
		grouperAgrees(t, "B", apps[1], want)
		grouperAgrees(t, "a replica started afterwards", set.open(), want)
		if got := dbGrouping(t, apps[0]); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("after a third replica started: %v, before %v", got, want)
		}
	})
}

// When what another process recorded is not what this process's grouper
// decides on replaying it (a document it still holds was removed since,
// or the other runs another version of the grouping), the grouper is
// rebuilt from the store and follows the recorded grouping again.
func TestDivergedStoryIndexIsRebuilt(t *testing.T) {
	t.Parallel()
	storetest.Backends(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		set := newReplicaSet(t, b)
		a := set.open()
		// Another process stores a document and records it in a story of
		// a name this grouper would never give it.
		w := store.WebDocument{Key: "k-dam", Link: "https://news.example/dam"}
		w.Doc.ID, w.Doc.Title, w.Doc.Source, w.Doc.Hash = "dam", "Kunene river dam talks open in Windhoek", "Other Version", "h-dam"
		w.Doc.Body = "Namibia and Angola opened talks in Windhoek on the Kunene river dam."
		w.Doc.Published, w.Doc.Added = time.Date(2026, 3, 10, 8, 0, 0, 0, time.UTC), time.Now()
		if err := a.Store.SaveWebDocument(ctx, w, time.Now()); err != nil {
			t.Fatal(err)
		}
		err := a.Store.StoryTurn(ctx, func(tx store.StoryTurnTx) error { return tx.SetStory(ctx, "dam", "s-other-version") })
		if err != nil {
			t.Fatal(err)
		}
		old := a.stories.grouper
		webDoc(t, a, "cod-later", "Tromso cod quota talks go on", "Fish Weekly",
			"Ingrid Dahl said the Tromso talks with Iceland on Arctic cod quotas go on.", time.Date(2026, 3, 11, 8, 0, 0, 0, time.UTC))
		if a.stories.grouper == old {
			t.Error("the story index was kept though it disagrees with the recorded stories")
		}
		if id, err := a.Store.StoryOf(ctx, "cod-later"); err != nil || id != "s-fish-north" {
			t.Errorf("cod-later is in %q, %v; want s-fish-north", id, err)
		}
		grouperAgrees(t, "A", a, dbGrouping(t, a))
	})
}

// A backlog larger than one turn (a first start on a big corpus) is
// grouped in several turns, every document in the end.
func TestBacklogGroupedInTurns(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	const n = 2*storyTurnDocs + 17
	for i := range n {
		storyFile(t, dir, fmt.Sprintf("note-%03d", i), fmt.Sprintf("Council note %d on the Ruvuma ferry", i), "Gazette",
			"2026-03-10", fmt.Sprintf("Note %d: the Ruvuma ferry timetable changes on day %d.", i, i))
	}
	a := openStoryApp(t, dir, t.TempDir(), "")
	views, err := a.Stories(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, v := range views {
		total += len(v.Documents)
	}
	if total != n {
		t.Errorf("%d documents in stories, want %d", total, n)
	}
	if left, err := a.Store.Ungrouped(ctx); err != nil || len(left) != 0 {
		t.Errorf("%d documents left without a story (%v)", len(left), err)
	}
	if a.stories.seen != n {
		t.Errorf("the index has seen up to seq %d, want %d", a.stories.seen, n)
	}
}

// BenchmarkStoryTurns measures grouping one stored document in a turn
// (lock, catch-up, add, record: what joinStories costs per document a
// feed stores), against the grouper alone in memory (grouper-only, the
// baseline). "one-process": one app groups every document and the other
// app on the database is idle, so each catch-up finds nothing;
// "two-processes": the documents are grouped by two apps in turn, so each
// turn first replays the document the other app grouped. Documents come
// in events of 4, 250 a day, 60 words from a 20,000-word vocabulary plus
// the event's names.
//
//	go test -run '^$' -bench StoryTurns -benchtime 2000x -count 3 ./app/
//
// With GEOBRIEF_TEST_DATABASE_URL set, the same on PostgreSQL.
func BenchmarkStoryTurns(b *testing.B) {
	docs := func(n int) []corpus.Document {
		rng := rand.New(rand.NewPCG(3, 4))
		word := func() string { return fmt.Sprintf("w%d", int(20000*rng.Float64()*rng.Float64())) }
		start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		var out []corpus.Document
		for i := range n {
			e := i / 4
			names := []string{fmt.Sprintf("Name%da", e), fmt.Sprintf("Place%db", e), fmt.Sprintf("Org%dc", e)}
			var words []string
			for range 60 {
				words = append(words, word())
			}
			words = append(words, names...)
			rng.Shuffle(len(words), func(i, j int) { words[i], words[j] = words[j], words[i] })
			d := storetest.Doc(fmt.Sprintf("doc-%06d", i), strings.Join(append(names[:2:2], words[:6]...), " "), strings.Join(words, " ")+".")
			d.Source = fmt.Sprintf("Outlet %d", i%4)
			d.Published = start.Add(time.Duration(i) * 24 * time.Hour / 250)
			d.Added = d.Published
			out = append(out, d)
		}
		return out
	}
	ctx := context.Background()
	b.Run("grouper-only", func(b *testing.B) {
		ds := docs(b.N)
		g, err := stories.New(stories.NewMemStore(), stories.DefaultOptions())
		if err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for i := range b.N {
			d := ds[i]
			if _, err := g.Add(ctx, stories.Doc{ID: d.ID, Source: d.Source, Title: d.Title, Text: d.Body, Time: d.Published}); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, be := range []storetest.Backend{storetest.SQLite, storetest.Postgres} {
		for _, procs := range []int{1, 2} {
			name := map[int]string{1: "one-process", 2: "two-processes"}[procs]
			b.Run(be.Name+"/"+name, func(b *testing.B) {
				ds := docs(b.N)
				where := be.NewDB(b)
				apps := []*App{New(be.OpenAt(b, where), nil, nil), New(be.OpenAt(b, where), nil, nil)}
				for _, a := range apps {
					if _, err := a.storyGrouper(ctx); err != nil {
						b.Fatal(err)
					}
				}
				// Stored straight into the store: only the grouping is timed.
				if _, err := apps[0].Store.SyncDocuments(ctx, ds); err != nil {
					b.Fatal(err)
				}
				b.ResetTimer()
				for i := range b.N {
					apps[i%procs].joinStories(ctx, ds[i])
				}
				b.StopTimer()
				if left, err := apps[0].Store.Ungrouped(ctx); err != nil || len(left) != 0 {
					b.Fatalf("%d documents left without a story (%v)", len(left), err)
				}
			})
		}
	}
}
