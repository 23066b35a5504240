package discordfmt

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
)

func TestCut(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		limit int
		want  string
	}{
		{"fits", "Short text.", 20, "Short text."},
		{"exact", "abcde", 5, "abcde"},
		{"sentence", "First sentence here. Second sentence is long.", 30, "First sentence here. …"},
		{"word", "alpha beta gamma delta epsilon", 18, "alpha beta gamma…"},
		{"no boundary", "abcdefghijklmnopqrstuvwxyz", 10, "abcdefghi…"},
		{"runes not bytes", "ééééééééé", 5, "éééé…"},
		{"zero", "anything", 0, ""},
		{"one", "anything", 1, "…"},
		{"word drops trailing comma", "one two, three four five six", 12, "one two…"},
		{"invalid utf8", "ab\xffcd", 10, "ab\uFFFDcd"},
		{"cjk sentence", "第一句很长。第二句很长很长很长。", 10, "第一句很长。 …"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Cut(tt.in, tt.limit)
			if got != tt.want {
				t.Errorf("Cut(%q, %d) = %q, want %q", tt.in, tt.limit, got, tt.want)
			}
			if n := utf8.RuneCountInString(got); n > max(tt.limit, 0) {
				t.Errorf("cut gave %d characters, limit %d", n, tt.limit)
			}
		})
	}
}

func words(n int) string {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		if i%12 == 11 {
			b.WriteString("end. ")
		} else {
			b.WriteString("word ")
		}
	}
	return b.String()[:n]
}

func TestFitEmbedsPerItem(t *testing.T) {
	var fields []*discordgo.MessageEmbedField
	for range 30 {
		fields = append(fields, &discordgo.MessageEmbedField{Name: words(300), Value: words(2000)})
	}
	e := &discordgo.MessageEmbed{
		Title:       words(400),
		Description: words(5000),
		Footer:      &discordgo.MessageEmbedFooter{Text: words(3000)},
		Author:      &discordgo.MessageEmbedAuthor{Name: words(300)},
		Fields:      fields,
	}
	got := FitEmbeds([]*discordgo.MessageEmbed{e})
	checkLimits(t, got)
	if len(e.Fields) != 30 || utf8.RuneCountInString(e.Title) != 400 {
		t.Error("FitEmbeds changed its input")
	}
	if len(got[0].Fields) == 0 {
		t.Error("every field was dropped; the first ones should survive")
	}
}

func TestFitEmbedsPriority(t *testing.T) {
	// 3000 description + 5 fields of 1000: over by about 2000, more than
	// the description can give.
	e := &discordgo.MessageEmbed{
		Title:       "Headline",
		Description: words(3000),
		Footer:      &discordgo.MessageEmbedFooter{Text: "model x"},
		Fields: []*discordgo.MessageEmbedField{
			{Name: "one", Value: words(1000)},
			{Name: "two", Value: words(1000)},
			{Name: "three", Value: words(1000)},
			{Name: "four", Value: words(1000)},
			{Name: "five", Value: words(1000)},
		},
	}
	got := FitEmbeds([]*discordgo.MessageEmbed{e})
	checkLimits(t, got)
	g := got[0]
	if n := utf8.RuneCountInString(g.Description); n > softDescription {
		t.Errorf("description kept %d characters; should have shrunk to %d first", n, softDescription)
	}
	if g.Title != "Headline" || g.Footer.Text != "model x" {
		t.Errorf("title/footer changed: %q %q", g.Title, g.Footer.Text)
	}
	if len(g.Fields) != 5 {
		t.Fatalf("got %d fields, want 5 (last one shortened)", len(g.Fields))
	}
	if g.Fields[0].Value != e.Fields[0].Value {
		t.Error("first field changed; the last should give way first")
	}
	if !strings.HasSuffix(g.Fields[4].Value, "…") {
		t.Errorf("last field not cut: %q", g.Fields[4].Value)
	}
}

func TestFitEmbedsDropsLastFields(t *testing.T) {
	var fields []*discordgo.MessageEmbedField
	for range 10 {
		fields = append(fields, &discordgo.MessageEmbedField{Name: "n", Value: words(1000)})
	}
	got := FitEmbeds([]*discordgo.MessageEmbed{{Description: words(1000), Fields: fields}})
	checkLimits(t, got)
	if n := len(got[0].Fields); n < 4 || n > 5 {
		t.Errorf("kept %d fields, want 4 or 5", n)
	}
}

func TestFitEmbedsEmptyFieldParts(t *testing.T) {
	got := FitEmbeds([]*discordgo.MessageEmbed{{Fields: []*discordgo.MessageEmbedField{{Name: " ", Value: ""}}}})
	if f := got[0].Fields[0]; f.Name == "" || f.Value == "" || strings.TrimSpace(f.Name) == "" {
		t.Errorf("empty field parts kept: %+v", f)
	}
}

func TestFitEmbedsManyEmbeds(t *testing.T) {
	var es []*discordgo.MessageEmbed
	for range 12 {
		es = append(es, &discordgo.MessageEmbed{Title: words(250), Description: words(2000)})
	}
	got := FitEmbeds(es)
	checkLimits(t, got)
	if got[0].Title != es[0].Title {
		t.Error("the first embed's title should be kept")
	}
}

func checkLimits(t testing.TB, embeds []*discordgo.MessageEmbed) {
	t.Helper()
	for _, p := range Check("", embeds) {
		t.Error(p)
	}
}

func FuzzFitEmbed(f *testing.F) {
	f.Add("title", "description. More text here.", "name", "value", uint8(3), "footer", "author", 1)
	f.Add(strings.Repeat("é", 300), words(5000), words(300), words(1100), uint8(30), words(2100), words(300), 12)
	f.Add("\xff\xfe", "a\xc3", "", "", uint8(1), "", "", 0)
	f.Fuzz(func(t *testing.T, title, desc, name, value string, nFields uint8, footer, author string, nEmbeds int) {
		nEmbeds = max(0, min(nEmbeds, 12))
		if nFields > 30 {
			nFields = 30
		}
		// Repeat inputs so short fuzz strings still reach the limits.
		grow := func(s string, n int) string {
			if s == "" {
				return s
			}
			return strings.Repeat(s, n/len(s)+1)
		}
		var es []*discordgo.MessageEmbed
		for range nEmbeds {
			e := &discordgo.MessageEmbed{
				Title:       grow(title, 300),
				Description: grow(desc, 4500),
				Footer:      &discordgo.MessageEmbedFooter{Text: grow(footer, 2100)},
				Author:      &discordgo.MessageEmbedAuthor{Name: grow(author, 300)},
			}
			for range nFields {
				e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: grow(name, 300), Value: grow(value, 1100)})
			}
			es = append(es, e)
		}
		checkLimits(t, FitEmbeds(es))
		c := FitContent(grow(desc, 2100))
		if !utf8.ValidString(c) || utf8.RuneCountInString(c) > MaxContent {
			t.Errorf("content: %d characters, valid %v", utf8.RuneCountInString(c), utf8.ValidString(c))
		}
	})
}
