package stories

import (
	"slices"
	"testing"
	"time"
)

// An event covered day after day: ceasefire talks in Orsova, four days, a
// different outlet each day, each article following on from the previous
// day's and drifting further from the first day's words. Then, a month
// later, a second round of the same talks with the same names.
var (
	talksDay1 = Doc{ID: "talks-d1", Source: "Outlet A", Time: day0,
		Title: "Ceasefire talks open in Orsova between Varnen and Keldor",
		Text: "Delegations from Varnen and Keldor opened ceasefire talks in Orsova on Monday under the mediation " +
			"of envoy Mirela Stanic. The first session dealt with the front line along the Tisna river and the " +
			"exchange of prisoners held since the winter offensive."}
	talksDay2 = Doc{ID: "talks-d2", Source: "Outlet B", Time: day0.Add(26 * time.Hour),
		Title: "Orsova ceasefire talks stall over prisoner exchange",
		Text: "The second day of the Orsova talks between Varnen and Keldor stalled on the prisoner exchange, " +
			"envoy Mirela Stanic said. Keldor asked for a list of names first; Varnen wants the Tisna river " +
			"front line settled before any prisoners go home."}
	talksDay3 = Doc{ID: "talks-d3", Source: "Outlet C", Time: day0.Add(47 * time.Hour),
		Title: "Stanic proposes staged prisoner exchange to rescue Orsova talks",
		Text: "Envoy Mirela Stanic put a staged prisoner exchange on the table in Orsova to rescue the stalled " +
			"talks: a first group of wounded prisoners would cross at once, the rest once Varnen and Keldor " +
			"agree on monitors for the ceasefire."}
	talksDay4 = Doc{ID: "talks-d4", Source: "Outlet D", Time: day0.Add(76 * time.Hour),
		Title: "Wounded prisoners cross in first stage of Orsova exchange",
		Text: "Forty wounded prisoners crossed the lines on Thursday in the first stage of the staged exchange " +
			"proposed by envoy Mirela Stanic at the Orsova talks, after Varnen and Keldor accepted ceasefire " +
			"monitors. The rest of the prisoners are to follow once the monitors are in place."}
	talksRound2 = Doc{ID: "talks-round2", Source: "Outlet A", Time: day0.Add(33 * 24 * time.Hour),
		Title: "Varnen and Keldor return to Orsova for second round of ceasefire talks",
		Text: "Delegations from Varnen and Keldor are back in Orsova for a second round of ceasefire talks led by " +
			"envoy Mirela Stanic. The front line along the Tisna river and the remaining prisoners are again on " +
			"the agenda, alongside the work of the monitors."}
	talksRound2b = Doc{ID: "talks-round2b", Source: "Outlet C", Time: day0.Add(33*24*time.Hour + 5*time.Hour),
		Title: "Second round of Orsova talks opens with prisoner list",
		Text: "Mirela Stanic opened the second round of talks in Orsova by handing Varnen and Keldor a list of the " +
			"prisoners still held. Both delegations said the ceasefire along the Tisna river had mostly held."}
	talksSet = []Doc{talksDay1, talksDay2, talksDay3, talksDay4, flood, wire, talksRound2, talksRound2b}
)

// The days of coverage are one story, not one story a day: a story is
// compared by its latest coverage, so the fourth day's article, which
// shares little with the first day's, still joins through the third's.
// The second round a month later, same names and all, is a story of its
// own.
func TestEventCoveredOverSeveralDaysIsOneStory(t *testing.T) {
	t.Parallel()
	want := []string{"flood", "talks-d1+talks-d2+talks-d3+talks-d4", "talks-round2+talks-round2b", "wire"}
	fixed := DefaultOptions()
	fixed.Vocabulary = NewVocabulary(talksSet, fixed.LeadWords)
	for name, opts := range map[string]Options{"learned vocabulary": DefaultOptions(), "fixed vocabulary": fixed} {
		g, _ := newGrouper(t, opts)
		var ids []string
		for _, d := range talksSet {
			addAll(t, g, []Doc{d})
			id, _ := g.StoryOf(d.ID)
			ids = append(ids, id)
		}
		if got := partition(g); !slices.Equal(got, want) {
			t.Errorf("%s: grouping %v, want %v", name, got, want)
		}
		// Each day's article joined the story as it arrived: the story kept
		// the first day's ID, so a digest sees one story updated, not a new
		// story each day.
		for i := 1; i < 4; i++ {
			if ids[i] != ids[0] {
				t.Errorf("%s: day %d went to story %s, not to day 1's %s", name, i+1, ids[i], ids[0])
			}
		}
		if ids[6] == ids[0] {
			t.Errorf("%s: the second round a month later went to the first round's story %s", name, ids[0])
		}
	}
}

// What carries the story over the days is the coverage in between: the
// first day's article and the third day's alone (two days apart, sharing
// the names but not the news) are two stories, since a story of one day
// is held to the strict time decay.
func TestWithoutTheDaysBetweenTheyAreApart(t *testing.T) {
	t.Parallel()
	g, _ := newGrouper(t, DefaultOptions())
	addAll(t, g, []Doc{talksDay1, flood, wire, talksDay3})
	a, _ := g.StoryOf(talksDay1.ID)
	b, _ := g.StoryOf(talksDay3.ID)
	if a == b {
		t.Errorf("day 1 and day 3 alone are one story %s: %v", a, partition(g))
	}
}

// Feeds deliver late (an outlet that publishes late, a backfilled feed), so
// the days of coverage can arrive in any order. When a late article could
// join either of two stories, they merge if the originals of the two, taken
// in date order, would have joined one story and run over more than two
// days (see Grouper.inDateOrder); the chain then continues through the
// stories linked to the merged one. That gives one story in 16 of the 24
// orders (8 before: only those starting with days 1 and 2, or days 3 and
// 4). The other 8 are listed: in each, days 2 and 3 form a story of their
// own, under a day long, before day 1 is with day 2; day 1 then neither
// joins it (a story of one day is held to the strict decay, and day 3 is
// two days off) nor merges with it (the three run less than two days, where
// a late article, seeing only part of each day's coverage, merged labelled
// events apart on allsides-dev). In every order the second round a month
// later stays a story of its own and the unrelated stories stay apart.
func TestArrivalOrdersOfTheDays(t *testing.T) {
	t.Parallel()
	days := []Doc{talksDay1, talksDay2, talksDay3, talksDay4}
	one := []string{"flood", "talks-d1+talks-d2+talks-d3+talks-d4", "talks-round2+talks-round2b", "wire"}
	dayOneApart := []string{"flood", "talks-d1", "talks-d2+talks-d3+talks-d4", "talks-round2+talks-round2b", "wire"}
	dayOneAndFourApart := []string{"flood", "talks-d1", "talks-d2+talks-d3", "talks-d4", "talks-round2+talks-round2b", "wire"}
	split := map[string]bool{}
	for _, o := range []string{"1324", "2314", "2341", "2431", "3124", "3214", "3241", "4231"} {
		split[o] = true
	}
	fixed := DefaultOptions()
	fixed.Vocabulary = NewVocabulary(talksSet, fixed.LeadWords)
	for name, opts := range map[string]Options{"learned vocabulary": DefaultOptions(), "fixed vocabulary": fixed} {
		n, whole := 0, 0
		permute(slices.Clone(days), 0, func(order []Doc) {
			n++
			key := ""
			for _, d := range order {
				key += d.ID[len(d.ID)-1:]
			}
			g, _ := newGrouper(t, opts)
			// The unrelated stories first, the second round last, so that
			// it meets the days of coverage as they have ended up.
			addAll(t, g, []Doc{flood, wire})
			addAll(t, g, order)
			addAll(t, g, []Doc{talksRound2, talksRound2b})
			got := partition(g)
			switch {
			case slices.Equal(got, one):
				whole++
				if split[key] {
					t.Logf("%s, order %s: now one story; move it out of the known splits", name, key)
				}
			case !split[key]:
				t.Errorf("%s, order %s: grouping %v, want %v", name, key, got, one)
			case !slices.Equal(got, dayOneApart) && !slices.Equal(got, dayOneAndFourApart):
				// A known split, but not the known one: day 1 apart from
				// days 2 and 3, day 4 with them or on its own.
				t.Errorf("%s, order %s: grouping %v, want day 1 apart, %v or %v", name, key, got, dayOneApart, dayOneAndFourApart)
			}
		})
		if n != 24 {
			t.Fatalf("%s: tried %d orders, want 24", name, n)
		}
		if whole < 16 {
			t.Errorf("%s: %d of 24 orders give one story, want at least 16", name, whole)
		}
	}
}

// Arriving out of order does not carry the first day over to the third on
// its own either: with nothing between them, in either order, they stay
// two stories.
func TestDayOneAndThreeStayApartInEitherOrder(t *testing.T) {
	t.Parallel()
	for _, order := range [][]Doc{{talksDay1, talksDay3}, {talksDay3, talksDay1}} {
		g, _ := newGrouper(t, DefaultOptions())
		addAll(t, g, append([]Doc{flood, wire}, order...))
		a, _ := g.StoryOf(talksDay1.ID)
		b, _ := g.StoryOf(talksDay3.ID)
		if a == b {
			t.Errorf("order %v: day 1 and day 3 alone are one story %s", ids(order), a)
		}
	}
}
