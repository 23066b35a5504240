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
		"One of them is a retired teacher.":       true,
		"Both of those talks failed.":             true,
		"One of the negotiators left early.":      false,
		"Two of the four ministers resigned.":     false,
		"Still, the talks went on.":               true,
		"Still waters run deep.":                  false,
		"Which was what the envoy wanted.":        true,
	} {
		if got := LeansBack(s); got != want {
			t.Errorf("LeansBack(%q) = %v, want %v", s, got, want)
		}
	}
}
