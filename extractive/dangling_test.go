package extractive

import "testing"

func TestOpensDangling(t *testing.T) {
	for s, want := range map[string]bool{
		"His visit was the third this year.":      true,
		"“They said no,” an official added.":      true,
		"However, talks stalled.":                 true,
		"But the envoy left early.":               true,
		"Witkoff arrived in Oman on Saturday.":    false,
		"Thesis defences were postponed.":         false, // "The..." words are not pronouns
		"The Kremlin said it expected no change.": false,
	} {
		if got := opensDangling(s); got != want {
			t.Errorf("opensDangling(%q) = %v, want %v", s, got, want)
		}
	}
}
