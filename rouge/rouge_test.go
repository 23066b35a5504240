package rouge

import (
	"math"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func check(t *testing.T, name string, got, want Scores) {
	t.Helper()
	if !near(got.Precision, want.Precision) || !near(got.Recall, want.Recall) || !near(got.F1, want.F1) {
		t.Errorf("%s = %+v, want %+v", name, got, want)
	}
}

func TestN(t *testing.T) {
	// candidate: the cat sat on the mat (6 tokens)
	// reference: the cat is on the mat today (7 tokens)
	// unigrams shared, clipped: the×2, cat, on, mat = 5.
	// bigrams of candidate: the cat, cat sat, sat on, on the, the mat (5);
	// of reference: the cat, cat is, is on, on the, the mat, mat today (6);
	// shared: the cat, on the, the mat = 3.
	cand, ref := "The cat sat on the mat.", "the cat is on the mat, today"
	check(t, "ROUGE-1", N(cand, ref, 1), Scores{5.0 / 6, 5.0 / 7, 2 * (5.0 / 6) * (5.0 / 7) / (5.0/6 + 5.0/7)})
	check(t, "ROUGE-2", N(cand, ref, 2), Scores{3.0 / 5, 3.0 / 6, 2 * 0.6 * 0.5 / 1.1})
}

func TestNClipsRepeats(t *testing.T) {
	// "the the the" against "the cat": one "the" matches, not three.
	check(t, "ROUGE-1", N("the the the", "the cat", 1), Scores{1.0 / 3, 1.0 / 2, 0.4})
}

func TestL(t *testing.T) {
	// LCS of "a b c d e" and "a x c y e" is "a c e" = 3.
	check(t, "ROUGE-L", L("a b c d e", "a x c y e"), Scores{0.6, 0.6, 0.6})
	// Order matters for L but not for N: reversed text shares one token in order.
	check(t, "ROUGE-L reversed", L("c b a", "a b c"), Scores{1.0 / 3, 1.0 / 3, 1.0 / 3})
	check(t, "ROUGE-1 reversed", N("c b a", "a b c", 1), Scores{1, 1, 1})
}

func TestEmptyAndIdentical(t *testing.T) {
	check(t, "empty candidate", N("", "a b", 1), Scores{})
	check(t, "empty reference", L("a b", ""), Scores{})
	check(t, "too short for bigrams", N("a", "a", 2), Scores{})
	check(t, "identical", L("Kyiv, Moscow; Minsk!", "kyiv moscow minsk"), Scores{1, 1, 1})
}

func TestTokens(t *testing.T) {
	got := Tokens("U.S. profits rose 3.5% — “Strongly”")
	want := []string{"u", "s", "profits", "rose", "3", "5", "strongly"}
	if len(got) != len(want) {
		t.Fatalf("Tokens = %q, want %q", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("Tokens = %q, want %q", got, want)
		}
	}
}
