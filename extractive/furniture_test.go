package extractive

import (
	"slices"
	"strings"
	"testing"
)

// festivalArticle is prose on one line, as page extractors give it, with
// page furniture where newspaper pages put it. The furniture repeats the
// article's most frequent words, so a ranking that does not recognise it
// picks it.
const festivalArticle = `By Jane Hollis and Tom Reyes for MailOnline ` +
	`The kite festival in Brighton drew 40,000 visitors to the beach on Sunday, organisers said. ` +
	`Kite makers from 12 countries flew giant kites over the beach for six hours. ` +
	`Scroll down for video ` +
	`Colourful: Kites of all shapes and sizes filled the sky over the Brighton beach festival on Sunday ` +
	`Packed: Visitors to the kite festival crowded the Brighton beach to watch the giant kites ` +
	`Ever since the first festival in 1998, the event has grown every year, the council said. ` +
	`Read more: Brighton kite festival visitors beach kites giant festival ` +
	`Share or comment on this article: Brighton kite festival giant kites beach visitors ` +
	`The council said the festival brought £2million to local businesses. ` +
	`Next year the festival will move to a larger stretch of the beach to make room for more kite makers. ` +
	`Kites of all shapes at the Brighton beach kite festival, where giant kites filled the sky for visitors`

func TestFurnitureIsNeverChosen(t *testing.T) {
	t.Parallel()
	s := Summarize("", festivalArticle, Options{SummarySentences: 3, Facts: 5})
	chosen := append(append([]string{}, s.Summary...), s.Facts...)
	if len(s.Summary) != 3 {
		t.Fatalf("summary = %q, want 3 sentences", s.Summary)
	}
	for _, x := range chosen {
		for _, bad := range []string{"By Jane Hollis", "Scroll down", "Colourful:", "Packed:", "Read more", "Share or comment", "Kites of all shapes at"} {
			if strings.Contains(x, bad) {
				t.Errorf("furniture %q chosen: %q", bad, x)
			}
		}
		if !strings.Contains(festivalArticle, x) {
			t.Errorf("not verbatim: %q", x)
		}
	}
	// The sentence glued behind the captions is article text and stays
	// available on its own.
	want := "Ever since the first festival in 1998, the event has grown every year, the council said."
	if all := doc(festivalArticle); !slices.Contains(all, want) {
		t.Errorf("sentence after the captions lost; units %q", all)
	}
}

// doc returns the texts of the units Summarize ranks.
func doc(body string) []string {
	return newDocument("", Sentences(body)).allTexts()
}

func TestSplitFurniture(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   string
		want []piece
	}{
		{"Scroll down for video", []piece{{"Scroll down for video", true}}},
		{"Scroll down for video The minister resigned on Monday.",
			[]piece{{"Scroll down for video", true}, {"The minister resigned on Monday.", false}}},
		{"Calm: The harbour at dawn Later the storm arrived in the town.",
			[]piece{{"Calm: The harbour at dawn", true}, {"Later the storm arrived in the town.", false}}},
		{"Calm: The harbour at dawn, before the storm", []piece{{"Calm: The harbour at dawn, before the storm", true}}},
		{"The mayor met crowds (pictured) at the harbour It was the first visit since May.",
			[]piece{{"The mayor met crowds (pictured) at the harbour", true}, {"It was the first visit since May.", false}}},
		{"By JANE HOLLIS", []piece{{"By JANE HOLLIS", true}}},
		{"The harbour master (left) and the mayor (right) at the reopening on Monday.",
			[]piece{{"The harbour master (left) and the mayor (right) at the reopening on Monday.", true}}},
		{"The mayor (pictured) said the harbour would reopen.", []piece{{"The mayor (pictured) said the harbour would reopen.", false}}},
		{"By Daily Mail Reporter", []piece{{"By Daily Mail Reporter", true}}},
		{"Share this article", []piece{{"Share this article", true}}},
		{"READ MORE: Why the harbour flooded", []piece{{"READ MORE: Why the harbour flooded", true}}},
		{"See also: Five storms that shaped the coast", []piece{{"See also: Five storms that shaped the coast", true}}},
		// Article text that looks a little like furniture is kept.
		{"By Monday the talks had collapsed.", []piece{{"By Monday the talks had collapsed.", false}}},
		{"He said: 'We will rebuild the harbour.'", []piece{{"He said: 'We will rebuild the harbour.'", false}}},
		{"The mayor told The Times the harbour would reopen.", []piece{{"The mayor told The Times the harbour would reopen.", false}}},
		{"The team flew to The Hague on Tuesday.", []piece{{"The team flew to The Hague on Tuesday.", false}}},
		{"Voters go to the polls on May 7 and I think turnout will be high.",
			[]piece{{"Voters go to the polls on May 7 and I think turnout will be high.", false}}},
	} {
		if got := splitFurniture(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("splitFurniture(%q)\n got %+v\nwant %+v", tt.in, got, tt.want)
		}
	}
}

func FuzzSplitFurniture(f *testing.F) {
	for _, s := range []string{"", "Scroll down for video", "A: B c D", "x It y", "By A", "Calm: The harbour Later it rained."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		last := 0
		for _, p := range splitFurniture(in) {
			if p.text == "" {
				t.Fatalf("empty piece from %q", in)
			}
			i := strings.Index(in[last:], p.text)
			if i < 0 {
				t.Fatalf("piece %q is not in order in %q", p.text, in)
			}
			last += i + len(p.text)
		}
	})
}
