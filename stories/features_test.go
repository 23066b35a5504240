package stories

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFeaturesNameRunsNotSentenceStarts(t *testing.T) {
	t.Parallel()
	f := features("Talks resume", "Officials said Anna Kallberg met the Port of Valdora union. Then officials left.")
	for _, want := range []string{"name:anna kallberg", "name:port valdora", "talks", "kallberg"} {
		if f[want] == 0 {
			t.Errorf("no %q in %v", want, f)
		}
	}
	for _, not := range []string{"name:officials", "name:then", "the", "said"} {
		if f[not] != 0 {
			t.Errorf("%q counted in %v", not, f)
		}
	}
	if f["talks"] != titleWeight {
		t.Errorf("title word weighs %v, want %v", f["talks"], titleWeight)
	}
}

func TestMinhashTellsCopiesFromRewrites(t *testing.T) {
	t.Parallel()
	a, ok1 := minhash(wire.Title + "\n" + wire.Text)
	b, ok2 := minhash(wireCopy.Title + "\n" + wireCopy.Text)
	c, ok3 := minhash(summitB.Title + "\n" + summitB.Text)
	if !ok1 || !ok2 || !ok3 {
		t.Fatal("no signature for a full article")
	}
	if s := a.similarity(&b); s < DefaultOptions().CopySimilarity {
		t.Errorf("copy similarity %v", s)
	}
	if s := a.similarity(&c); s > 0.2 {
		t.Errorf("unrelated texts have similarity %v", s)
	}
	if _, ok := minhash("too short to judge"); ok {
		t.Error("a signature for five words")
	}
}

func FuzzFeatures(f *testing.F) {
	f.Add("Talks in Tallinn", "Anna Kallberg met Luc Moreau. It's G-7's turn — ‘Biden’s’ plan.")
	f.Add("", "\xff\xfe broken utf8 É")
	f.Fuzz(func(t *testing.T, title, text string) {
		for term, w := range features(title, text) {
			if w <= 0 || strings.TrimSpace(strings.TrimPrefix(term, "name:")) == "" {
				t.Fatalf("term %q weight %v", term, w)
			}
		}
		for _, w := range words(text) {
			if w.text == "" || (utf8.ValidString(text) && !utf8.ValidString(w.text)) {
				t.Fatalf("bad word %q", w.text)
			}
		}
		minhash(title + text)
	})
}
