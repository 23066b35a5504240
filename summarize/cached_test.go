package summarize

import (
	"strings"
	"testing"
)

func TestHashKeyKeepsPartsApart(t *testing.T) {
	a := hashKey("brief:", "ab", "c")
	if !strings.HasPrefix(a, "brief:") || len(a) != len("brief:")+64 {
		t.Fatalf("hashKey = %q, want brief: and a hex SHA-256", a)
	}
	if b := hashKey("brief:", "a", "bc"); a == b {
		t.Fatalf("parts ab|c and a|bc give the same key %q", a)
	}
	if b := hashKey("brief:", "ab", "c", ""); a == b {
		t.Fatalf("an added empty part gives the same key %q", a)
	}
}
