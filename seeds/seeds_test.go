package seeds_test

import (
	"strings"
	"testing"

	"github.com/geobrief/geobrief/corpus"
	"github.com/geobrief/geobrief/seeds"
)

func TestSeedsLoad(t *testing.T) {
	docs, warnings := corpus.Load(seeds.FS)
	for _, w := range warnings {
		t.Errorf("warning: %s", w)
	}
	if n := len(docs); n < 6 || n > 10 {
		t.Errorf("%d seed documents, want 6 to 10", n)
	}
	for _, d := range docs {
		if d.Title == "" {
			t.Errorf("%s: no title", d.ID)
		}
		if d.Published.IsZero() {
			t.Errorf("%s: no published date", d.ID)
		}
		if !d.Added.Equal(d.Published) {
			t.Errorf("%s: Added = %v, want Published for an embedded file", d.ID, d.Added)
		}
		if n := len(strings.Fields(d.Body)); n < 100 {
			t.Errorf("%s: body of %d words, want at least 100", d.ID, n)
		}
		if d.Language != "en" || d.Source == "" || len(d.Tags) == 0 {
			t.Errorf("%s: language %q, source %q, tags %q", d.ID, d.Language, d.Source, d.Tags)
		}
		if !strings.HasPrefix(d.ID, d.Published.Format("2006-01-02")+"-") {
			t.Errorf("%s: ID does not start with the published date", d.ID)
		}
	}
}
