package store

import "testing"

func TestRebind(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`SELECT 1`, `SELECT 1`},
		{`SELECT a FROM t WHERE b = ? AND c = ?`, `SELECT a FROM t WHERE b = $1 AND c = $2`},
		// Numbered ones keep their number; a bare one follows the largest.
		{`WHERE id = ?1 OR id = ?1 LIMIT ?2`, `WHERE id = $1 OR id = $1 LIMIT $2`},
		{`WHERE a = ?2 AND b = ?`, `WHERE a = $2 AND b = $3`},
		// Not in literals, quoted names or comments.
		{`SELECT '?', "a?b", ? -- why?` + "\n" + `, ?`, `SELECT '?', "a?b", $1 -- why?` + "\n" + `, $2`},
		{`SELECT 'it''s ?', ?`, `SELECT 'it''s ?', $1`},
		{`SELECT 'open ?`, `SELECT 'open ?`},
		{`SELECT ? -- to the end ?`, `SELECT $1 -- to the end ?`},
	} {
		if got := rebind(c.in); got != c.want {
			t.Errorf("rebind(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := sqlite.q(`a = ?`); got != `a = ?` {
		t.Errorf("SQLite rewrote %q", got)
	}
}
