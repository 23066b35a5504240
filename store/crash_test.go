package store

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestKilledProcessLosesNoCommittedState runs a child process that claims
// digest editions as fast as it can and reports each claim once it is
// committed, kills it with SIGKILL mid-stream, and checks that every
// reported claim survived, whole: the edition, all its messages and its
// sent documents. No half-written edition may appear either.
//
// SQLite only: it tests that the embedded database's WAL file and
// synchronous=NORMAL keep what a killed process committed. On PostgreSQL
// durability is the server's, and a killed client only loses its open
// transactions.
func TestKilledProcessLosesNoCommittedState(t *testing.T) {
	if os.Getenv("GEOBRIEF_CRASH_CHILD") != "" {
		crashChild(os.Getenv("GEOBRIEF_CRASH_CHILD"))
		return
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestKilledProcessLosesNoCommittedState$")
	cmd.Env = append(os.Environ(), "GEOBRIEF_CRASH_CHILD="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var reported []string
	lines := bufio.NewScanner(out)
	deadline := time.Now().Add(20 * time.Second)
	for lines.Scan() && time.Now().Before(deadline) {
		if key, ok := strings.CutPrefix(lines.Text(), "committed "); ok {
			reported = append(reported, key)
			if len(reported) == 50 {
				break
			}
		}
	}
	_ = cmd.Process.Kill() // SIGKILL: no deferred Close, no clean shutdown
	_ = cmd.Wait()
	if len(reported) < 50 {
		t.Fatalf("child reported only %d claims", len(reported))
	}

	s, err := Open(context.Background(), dir)
	if err != nil {
		t.Fatalf("reopening after the kill: %v", err)
	}
	defer s.Close()
	ctx := context.Background()
	for _, key := range reported {
		if st, err := s.EditionStatus(ctx, key); err != nil || st != EditionClaimed {
			t.Fatalf("committed edition %s lost: status %q, %v", key, st, err)
		}
	}
	unfinished, err := s.UnfinishedEditions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range unfinished {
		if len(e.Parts) != 3 {
			t.Fatalf("edition %s has %d of its 3 messages: a torn transaction", e.Key, len(e.Parts))
		}
	}
	sent, err := s.SentDocs(ctx, "c")
	if err != nil {
		t.Fatal(err)
	}
	if len(sent) < len(reported) {
		t.Fatalf("%d sent documents for %d committed editions", len(sent), len(reported))
	}
}

// crashChild claims editions until it is killed, printing each committed key.
func crashChild(dir string) {
	s, err := Open(context.Background(), dir)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	for i := 0; ; i++ {
		e := EditionRow{Key: fmt.Sprintf("c/2026-11-28/%05d", i), ChannelID: "c", DueAt: time.Now()}
		for p := range 3 {
			e.Parts = append(e.Parts, EditionPart{Index: p, Nonce: fmt.Sprintf("n%d-%d", i, p), Content: strings.Repeat("digest text ", 100)})
		}
		if _, err := s.ClaimEdition(context.Background(), e, []SentDoc{{DocID: fmt.Sprintf("doc-%d", i), Hash: "h"}}); err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		fmt.Println("committed", e.Key)
	}
}
