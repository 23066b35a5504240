package store

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/geobrief/geobrief/corpus"
)

func mustSearch(t testing.TB, s *Store, q string, limit int) []Hit {
	t.Helper()
	hits, err := s.Search(context.Background(), q, limit)
	if err != nil {
		t.Fatalf("Search(%q): %v", q, err)
	}
	return hits
}

func mustAutocomplete(t testing.TB, s *Store, input string, limit int) []Hit {
	t.Helper()
	hits, err := s.Autocomplete(context.Background(), input, limit)
	if err != nil {
		t.Fatalf("Autocomplete(%q): %v", input, err)
	}
	return hits
}

func ids(hits []Hit) []string {
	out := make([]string, 0, len(hits))
	for _, h := range hits {
		out = append(out, h.ID)
	}
	return out
}

func assertIDs(t testing.TB, hits []Hit, want ...string) {
	t.Helper()
	if want == nil {
		want = []string{}
	}
	if got := ids(hits); !reflect.DeepEqual(got, want) {
		t.Errorf("hits %v, want %v", got, want)
	}
}

// assertFirst checks that hits start with want, in that order.
func assertFirst(t testing.TB, hits []Hit, want ...string) {
	t.Helper()
	got := ids(hits)
	if len(got) < len(want) || !reflect.DeepEqual(got[:len(want)], want) {
		t.Errorf("hits %v, want them to start with %v", got, want)
	}
}

func contains(hits []Hit, id string) bool {
	for _, h := range hits {
		if h.ID == id {
			return true
		}
	}
	return false
}

func fixtureStore(t testing.TB, be backend) *Store {
	t.Helper()
	s, _ := be.openTest(t)
	if _, err := s.SyncDocuments(context.Background(), fixture(t)); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSearchRanking(t *testing.T) {
	forBackends(t, func(t *testing.T, be backend) {
		s := fixtureStore(t, be)

		t.Run("title match beats body-only match", func(t *testing.T) {
			// "Kyiv" is in two titles (one spelled Kyïv) and in Taiwan-Strait's body.
			hits := mustSearch(t, s, "kyiv", 10)
			if len(hits) != 3 {
				t.Fatalf("hits %v, want 3", ids(hits))
			}
			if hits[2].ID != "Taiwan-Strait" {
				t.Errorf("body-only match should come last: %v", ids(hits))
			}
			for i := 1; i < len(hits); i++ {
				if hits[i].Score > hits[i-1].Score {
					t.Errorf("scores not descending: %v", hits)
				}
			}
		})

		t.Run("diacritics fold both ways", func(t *testing.T) {
			for _, q := range []string{"Kyiv", "Kyïv", "KYÏV", "kyív"} {
				hits := mustSearch(t, s, q, 10)
				if !contains(hits, "kyiv-energy-grid") || !contains(hits, "ua-grain-corridor") {
					t.Errorf("Search(%q) = %v, want both Kyiv titles", q, ids(hits))
				}
			}
		})

		t.Run("case does not matter", func(t *testing.T) {
			a, b := ids(mustSearch(t, s, "BLACK SEA", 10)), ids(mustSearch(t, s, "black sea", 10))
			if !reflect.DeepEqual(a, b) || len(a) == 0 || a[0] != "ua-grain-corridor" {
				t.Errorf("BLACK SEA %v, black sea %v", a, b)
			}
		})

		t.Run("plurals match their stem", func(t *testing.T) {
			// "sanction" in the query finds "sanctions" in a title, and the other way round.
			assertFirst(t, mustSearch(t, s, "sanction", 10), "eu-sanctions-package")
			hits := mustSearch(t, s, "sanctions", 10)
			if !contains(hits, "oil-price-cap") {
				t.Errorf("sanctions should find the body's \"sanction\": %v", ids(hits))
			}
			assertFirst(t, mustSearch(t, s, "drone", 10), "kyiv-energy-grid")
		})

		t.Run("exact ID first with the top score", func(t *testing.T) {
			// "sanctions" is the ID of an explainer whose title does not say it.
			hits := mustSearch(t, s, "sanctions", 10)
			assertFirst(t, hits, "sanctions", "eu-sanctions-package")
			if hits[0].Score != ExactIDScore || hits[1].Score >= ExactIDScore {
				t.Errorf("scores %v", hits)
			}
			for _, h := range hits[1:] {
				if h.ID == "sanctions" {
					t.Errorf("exact ID listed twice: %v", ids(hits))
				}
			}
			// Case-insensitive, and with surrounding blanks.
			assertFirst(t, mustSearch(t, s, "  taiwan-strait ", 10), "Taiwan-Strait")
			assertFirst(t, mustSearch(t, s, "OIL-PRICE-CAP", 10), "oil-price-cap")
		})

		t.Run("partial matches still rank", func(t *testing.T) {
			hits := mustSearch(t, s, "grain zeppelin", 10)
			assertIDs(t, hits, "ua-grain-corridor")
		})

		t.Run("more matching words rank higher", func(t *testing.T) {
			assertFirst(t, mustSearch(t, s, "shipping route arctic", 10), "arctic-route")
		})

		t.Run("stop words do not drown the query", func(t *testing.T) {
			assertFirst(t, mustSearch(t, s, "the oil of the G7", 10), "oil-price-cap")
			// A query made only of stop words still runs, on those words.
			if hits := mustSearch(t, s, "the of and", 10); len(hits) == 0 {
				t.Error("a query of stop words only found nothing")
			}
		})

		t.Run("limit", func(t *testing.T) {
			if n := len(mustSearch(t, s, "the sanctions kyiv energy shipping", 2)); n != 2 {
				t.Errorf("limit 2 gave %d hits", n)
			}
			if n := len(mustSearch(t, s, "sanctions", 1)); n != 1 {
				t.Errorf("limit 1 with an exact ID gave %d hits", n)
			}
		})

		t.Run("no match", func(t *testing.T) {
			assertIDs(t, mustSearch(t, s, "xylophone", 10))
		})
	})
}

func TestSearchNeverFailsOnSyntax(t *testing.T) {
	forBackends(t, func(t *testing.T, be backend) {
		s := fixtureStore(t, be)
		queries := []string{
			`"`, `""`, `"kyiv`, `*`, `kyiv*`, `AND`, `OR`, `NOT`, `kyiv AND`, `AND kyiv`,
			`NOT sanctions`, `(`, `)`, `(kyiv`, `-`, `-kyiv`, `kyiv -grain`, `^kyiv`,
			`title:kyiv`, `{title body}: kyiv`, `NEAR(kyiv grain)`, `kyiv + grain`,
			`'`, `;`, `--`, `' OR 1=1 --`, `\`, "\x00", `%`, `_`, `.`, `:`, `?`, `!!!`,
			`🇺🇦`, `日本`, strings.Repeat("kyiv ", 500), strings.Repeat(`"(*`, 200),
		}
		for _, q := range queries {
			if _, err := s.Search(context.Background(), q, 10); err != nil {
				t.Errorf("Search(%q): %v", q, err)
			}
			if _, err := s.Autocomplete(context.Background(), q, 10); err != nil {
				t.Errorf("Autocomplete(%q): %v", q, err)
			}
		}
		// Syntax characters around real words are ignored, not obeyed.
		assertFirst(t, mustSearch(t, s, `"grain" AND (corridor*) -`, 10), "ua-grain-corridor")
		assertFirst(t, mustSearch(t, s, `NOT sanctions`, 10), "eu-sanctions-package")
	})
}

func FuzzQueryWords(f *testing.F) {
	for _, q := range []string{"kyiv", `"a" AND (b*)`, "Kyïv's grain", "", "日本 🇺🇦"} {
		f.Add(q)
	}
	s := fixtureStore(f, sqliteBackend)
	f.Fuzz(func(t *testing.T, q string) {
		if _, err := s.Search(context.Background(), q, 5); err != nil {
			t.Errorf("Search(%q): %v", q, err)
		}
		if _, err := s.Autocomplete(context.Background(), q, 5); err != nil {
			t.Errorf("Autocomplete(%q): %v", q, err)
		}
	})
}

func TestSearchBlankIsRecent(t *testing.T) {
	forBackends(t, func(t *testing.T, be backend) {
		s := fixtureStore(t, be)
		want := ids(mustRecent(t, s, 5))
		for _, q := range []string{"", "   ", "\t\n"} {
			if got := ids(mustSearch(t, s, q, 5)); !reflect.DeepEqual(got, want) {
				t.Errorf("Search(%q) = %v, want Recent %v", q, got, want)
			}
			if got := ids(mustAutocomplete(t, s, q, 5)); !reflect.DeepEqual(got, want) {
				t.Errorf("Autocomplete(%q) = %v, want Recent %v", q, got, want)
			}
		}
	})
}

func mustRecent(t testing.TB, s *Store, limit int) []Hit {
	t.Helper()
	hits, err := s.Recent(context.Background(), limit)
	if err != nil {
		t.Fatal(err)
	}
	return hits
}

func TestRecentOrder(t *testing.T) {
	forBackends(t, func(t *testing.T, be backend) {
		s := fixtureStore(t, be)
		// By Published when known (sahel-juntas was published in 2024 though added
		// in 2025), else by Added (oil-price-cap, sanctions).
		assertIDs(t, mustRecent(t, s, 100),
			"kyiv-energy-grid",     // published 03-05
			"Taiwan-Strait",        // published 03-04
			"ua-grain-corridor",    // published 03-02
			"oil-price-cap",        // added 03-01
			"arctic-route",         // published 02-27
			"eu-sanctions-package", // published 02-24
			"sanctions",            // added 02-01
			"sahel-juntas",         // published 2024-07-06
		)
		hits := mustRecent(t, s, 2)
		assertIDs(t, hits, "kyiv-energy-grid", "Taiwan-Strait")
		if !hits[0].Published.Equal(mustTime("2025-03-05T06:30:00Z")) || hits[0].Title != "Kyïv energy grid hit by drones" {
			t.Errorf("hit %+v", hits[0])
		}
		if n, want := len(mustRecent(t, s, 0)), min(DefaultLimit, len(fixture(t))); n != want {
			t.Errorf("limit 0 gave %d, want %d", n, want)
		}
	})
}

func TestAutocomplete(t *testing.T) {
	forBackends(t, func(t *testing.T, be backend) {
		s := fixtureStore(t, be)

		t.Run("last word is a prefix", func(t *testing.T) {
			assertIDs(t, mustAutocomplete(t, s, "new sanc", 10), "eu-sanctions-package")
			assertIDs(t, mustAutocomplete(t, s, "packa", 10), "eu-sanctions-package")
			assertIDs(t, mustAutocomplete(t, s, "black s", 10), "ua-grain-corridor")
			for _, in := range []string{"Kyï", "kyi", "K"} {
				hits := mustAutocomplete(t, s, in, 10)
				if len(hits) != 2 || !contains(hits, "kyiv-energy-grid") || !contains(hits, "ua-grain-corridor") {
					t.Errorf("%s: %v, want the two Kyiv titles", in, ids(hits))
				}
			}
		})

		t.Run("earlier words are whole and all required", func(t *testing.T) {
			assertIDs(t, mustAutocomplete(t, s, "energy gr", 10), "kyiv-energy-grid")
			assertIDs(t, mustAutocomplete(t, s, "energ gr", 10))
			// A trailing space completes the last word.
			assertIDs(t, mustAutocomplete(t, s, "gr ", 10))
			assertIDs(t, mustAutocomplete(t, s, "grid ", 10), "kyiv-energy-grid")
			// Earlier words match in singular or plural.
			assertIDs(t, mustAutocomplete(t, s, "drone hi", 10), "kyiv-energy-grid")
			assertIDs(t, mustAutocomplete(t, s, "juntum", 10))
			assertIDs(t, mustAutocomplete(t, s, "junta confed", 10), "sahel-juntas")
		})

		t.Run("partly typed words are never stemmed", func(t *testing.T) {
			// Porter would stem "confederati" and "confederation" differently.
			for _, in := range []string{"confederati", "sahel juntas confederatio", "explainer: how expo"} {
				if hits := mustAutocomplete(t, s, in, 10); len(hits) != 1 {
					t.Errorf("%q: %v, want one hit", in, ids(hits))
				}
			}
		})

		t.Run("titles only", func(t *testing.T) {
			// "Odesa" is only in a body.
			assertIDs(t, mustAutocomplete(t, s, "odes", 10))
		})

		t.Run("ID prefix first", func(t *testing.T) {
			hits := mustAutocomplete(t, s, "TAIWAN-", 10)
			assertFirst(t, hits, "Taiwan-Strait")
			if hits[0].Score != IDPrefixScore {
				t.Errorf("score %v, want IDPrefixScore", hits[0].Score)
			}
			hits = mustAutocomplete(t, s, "sanctions", 10)
			assertIDs(t, hits, "sanctions", "eu-sanctions-package")
			if hits[0].Score != ExactIDScore {
				t.Errorf("exact ID score %v", hits[0].Score)
			}
		})
	})
}

func TestAutocompleteLimit(t *testing.T) {
	forBackends(t, func(t *testing.T, be backend) {
		ctx := context.Background()
		s, _ := be.openTest(t)
		var docs []corpus.Document
		for i := 0; i < 60; i++ {
			docs = append(docs, doc(fmt.Sprintf("doc-%02d", i), fmt.Sprintf("Summit number %d in Geneva", i), "body"))
		}
		if _, err := s.SyncDocuments(ctx, docs); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			input string
			limit int
			want  int
		}{
			{"summ", 100, MaxAutocomplete},
			{"summ", 25, 25},
			{"summ", 7, 7},
			{"summ", 0, DefaultLimit},
			{"doc-", 100, MaxAutocomplete}, // ID prefixes
			{"doc-4", 100, 10},
			{"", 100, MaxAutocomplete},
		} {
			if got := len(mustAutocomplete(t, s, tc.input, tc.limit)); got != tc.want {
				t.Errorf("Autocomplete(%q, %d): %d hits, want %d", tc.input, tc.limit, got, tc.want)
			}
		}
		if got := len(mustSearch(t, s, "summit", 1000)); got != 60 {
			t.Errorf("Search limit above the matches: %d hits, want 60", got)
		}
		if got := len(mustRecent(t, s, 1000)); got != 60 {
			t.Errorf("Recent: %d hits, want 60", got)
		}
	})
}

func TestQueryWords(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"Kyïv's  GRAIN-deal!", []string{"kyïv", "s", "grain", "deal"}},
		{`"a" AND (b*)`, []string{"a", "and", "b"}},
		{"", nil},
		{"***", nil},
	} {
		got := queryWords(tc.in)
		if len(got) == 0 && len(tc.want) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("queryWords(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := matchAny([]string{"a", "and"}); got != `"a" OR "and"` {
		t.Errorf("matchAny = %s", got)
	}
	if got := matchAll([]string{"talks", "b"}, true); got != `("talks" OR "talk") AND "b"*` {
		t.Errorf("matchAll = %s", got)
	}
	if got := matchAll([]string{"country", "war"}, false); got != `("country" OR "countrys" OR "countries") AND ("war" OR "wars" OR "wares")` {
		t.Errorf("matchAll = %s", got)
	}
}

// TestSearchBroadWords covers words found in more than narrowDocs documents,
// which Search ranks over titles and then by recency.
func TestSearchBroadWords(t *testing.T) {
	forBackends(t, func(t *testing.T, be backend) {
		ctx := context.Background()
		s, _ := be.openTest(t)
		var docs []corpus.Document
		for i := 0; i < narrowDocs+100; i++ {
			docs = append(docs, doc(fmt.Sprintf("body-%03d", i), fmt.Sprintf("Meeting number %d", i),
				"the summit in Geneva went on"))
		}
		for i := 0; i < 5; i++ {
			docs = append(docs, doc(fmt.Sprintf("title-%d", i), fmt.Sprintf("Summit talks %d", i), "talks"))
		}
		docs = append(docs, doc("zeppelin", "Airships return", "a zeppelin flew over the summit"))
		if _, err := s.SyncDocuments(ctx, docs); err != nil {
			t.Fatal(err)
		}

		checkDecreasing := func(hits []Hit) {
			t.Helper()
			for i := 1; i < len(hits); i++ {
				if hits[i].Score > hits[i-1].Score {
					t.Errorf("scores increase at %d: %v", i, ids(hits))
				}
			}
		}

		hits := mustSearch(t, s, "summits", 10)
		if len(hits) != 10 {
			t.Fatalf("summits: %d hits, want 10", len(hits))
		}
		for i, h := range hits {
			isTitle := strings.HasPrefix(h.ID, "title-")
			if i < 5 && !isTitle || i >= 5 && isTitle {
				t.Errorf("summits: title matches should come first: %v", ids(hits))
				break
			}
		}
		checkDecreasing(hits)

		// The narrow word ranks first; the broad word's title matches follow.
		hits = mustSearch(t, s, "summit zeppelin", 6)
		assertFirst(t, hits, "zeppelin")
		if len(hits) != 6 || !strings.HasPrefix(hits[1].ID, "title-") {
			t.Errorf("summit zeppelin: %v", ids(hits))
		}
		checkDecreasing(hits)

		// A broad word in no title still finds documents, newest first.
		hits = mustSearch(t, s, "geneva", 3)
		assertIDs(t, hits, "body-599", "body-598", "body-597")
		checkDecreasing(hits)
	})
}

// File names, and so IDs, may hold spaces; typing one still finds its
// document by ID even when its title shares no word with it.
func TestAutocompleteIDWithSpaces(t *testing.T) {
	forBackends(t, func(t *testing.T, be backend) {
		ctx := context.Background()
		s, _ := be.openTest(t)
		docs := []corpus.Document{
			doc("press review 12", "Ministers meet in Oslo", "body"),
			doc("press review 13", "Harbour strike ends", "body"),
		}
		if _, err := s.SyncDocuments(ctx, docs); err != nil {
			t.Fatal(err)
		}
		hits := mustAutocomplete(t, s, "Press Review 12", 10)
		assertIDs(t, hits, "press review 12")
		if len(hits) == 1 && hits[0].Score != ExactIDScore {
			t.Errorf("score %v, want ExactIDScore", hits[0].Score)
		}
		assertIDs(t, mustAutocomplete(t, s, "press rev", 10), "press review 12", "press review 13")
	})
}

// TestSearchQuestionWithBroadWords is the case that lost its article when
// broad words only counted against the titles of the newest documents: a
// question whose every word is in more than narrowDocs documents, answered by
// the oldest document, the only one holding them all.
func TestSearchQuestionWithBroadWords(t *testing.T) {
	t.Parallel()
	forBackends(t, func(t *testing.T, be backend) {
		ctx := context.Background()
		s, _ := be.openTest(t)
		docs := []corpus.Document{doc("answer", "Report from the capital",
			"The minister expects the nurses' strike to end.")}
		for i := 0; i < narrowDocs+50; i++ {
			docs = append(docs,
				doc(fmt.Sprintf("minister-%03d", i), fmt.Sprintf("Report %d", i), "The minister toured farms in the region."),
				doc(fmt.Sprintf("strike-%03d", i), fmt.Sprintf("Report %d", i), "A rail strike went on for a week."))
		}
		// The answer is the oldest: sync inserts in Added order, and rowids
		// follow.
		docs[0].Added = docs[0].Added.Add(-time.Hour)
		if _, err := s.SyncDocuments(ctx, docs); err != nil {
			t.Fatal(err)
		}
		hits := mustSearch(t, s, "What did the minister say about the strike?", 5)
		assertFirst(t, hits, "answer")
	})
}

// TestSearchQuestionWords checks that the grammar of a question does not
// outweigh its subject: a document full of question words loses to one
// naming the subject.
func TestSearchQuestionWords(t *testing.T) {
	t.Parallel()
	forBackends(t, func(t *testing.T, be backend) {
		ctx := context.Background()
		s, _ := be.openTest(t)
		docs := []corpus.Document{
			doc("chatter", "What did they say", "What did who say and why, and how much did they say about what?"),
			doc("subject", "Port reopens", "Officials said the Odesa port reopened to grain ships."),
		}
		if _, err := s.SyncDocuments(ctx, docs); err != nil {
			t.Fatal(err)
		}
		assertFirst(t, mustSearch(t, s, "what did they say about Odesa?", 2), "subject")
	})
}

func TestFoldWord(t *testing.T) {
	t.Parallel()
	for _, group := range [][]string{
		{"sanction", "sanctions", "Sanctioned", "sanctioning"},
		{"country", "countries", "COUNTRY"},
		{"Putin", "Putín", "putin"},
		{"Kyiv", "Kyïv"},
		{"decline", "declined", "declines"},
		{"Łódź", "lodz"},
	} {
		want := foldWord(group[0])
		for _, w := range group[1:] {
			if got := foldWord(w); got != want {
				t.Errorf("foldWord(%q) = %q, want %q like %q", w, got, want, group[0])
			}
		}
	}
	// Words that differ must stay apart.
	for _, pair := range [][2]string{{"us", "u"}, {"press", "pres"}, {"iran", "iraq"}} {
		if foldWord(pair[0]) == foldWord(pair[1]) {
			t.Errorf("foldWord(%q) = foldWord(%q) = %q", pair[0], pair[1], foldWord(pair[0]))
		}
	}
}

func TestNameWords(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		query string
		names []string
	}{
		{"what did Peskov say", []string{"peskov"}},
		{"Peskov", nil},                          // the first word may be capitalised anyway
		{"Kremlin Expects No Breakthrough", nil}, // a headline in title case
		{"WHAT DID PESKOV SAY", nil},             // typed in capitals
		{"talks with Iran in Oman", []string{"iran", "oman"}},
	} {
		got := nameWords(tc.query)
		if len(got) != len(tc.names) {
			t.Errorf("nameWords(%q) = %v, want %v", tc.query, got, tc.names)
			continue
		}
		for _, n := range tc.names {
			if !got[n] {
				t.Errorf("nameWords(%q) = %v, want %v", tc.query, got, tc.names)
			}
		}
	}
}

func TestIDFStaysPositive(t *testing.T) {
	t.Parallel()
	// A word in every document of a small corpus still counts a little,
	// and a rarer word counts more.
	if w := idf(8, 8); w <= 0 {
		t.Errorf("idf(8, 8) = %v, want > 0", w)
	}
	if idf(8, 1) <= idf(8, 4) {
		t.Errorf("idf(8, 1) = %v <= idf(8, 4) = %v", idf(8, 1), idf(8, 4))
	}
}
