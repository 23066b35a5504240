package bot

import (
	"fmt"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// The grid every button list goes through: Discord rejects a message with
// a sixth button in a row or a sixth row, so the layout must stop there.
func TestButtonRowsFillsRowsOfFiveAndStopsAtFiveRows(t *testing.T) {
	for _, tc := range []struct {
		buttons  int
		wantRows []int // buttons in each row
	}{
		{0, nil},
		{1, []int{1}},
		{5, []int{5}},
		{7, []int{5, 2}},
		{25, []int{5, 5, 5, 5, 5}},
		{27, []int{5, 5, 5, 5, 5}},
	} {
		var in []discordgo.Button
		for i := range tc.buttons {
			in = append(in, discordgo.Button{CustomID: fmt.Sprint("b", i)})
		}
		rows := buttonRows(in)
		if len(rows) != len(tc.wantRows) {
			t.Fatalf("%d buttons: %d rows, want %d", tc.buttons, len(rows), len(tc.wantRows))
		}
		next := 0
		for r, c := range rows {
			row := c.(discordgo.ActionsRow)
			if len(row.Components) != tc.wantRows[r] {
				t.Fatalf("%d buttons: row %d has %d, want %d", tc.buttons, r, len(row.Components), tc.wantRows[r])
			}
			for _, b := range row.Components {
				if got, want := b.(discordgo.Button).CustomID, fmt.Sprint("b", next); got != want {
					t.Fatalf("%d buttons: button %s where %s belongs (order lost)", tc.buttons, got, want)
				}
				next++
			}
		}
	}
}

func TestButtonCustomIDRefusesWhatDiscordWouldReject(t *testing.T) {
	fits := strings.Repeat("é", maxCustomID-len("story:")) // runes, not bytes, count
	if id, ok := buttonCustomID("story", fits); !ok || id != "story:"+fits {
		t.Fatalf("a custom ID of exactly %d runes: %q, %v; want it accepted", maxCustomID, id, ok)
	}
	if _, ok := buttonCustomID("story", fits+"x"); ok {
		t.Fatalf("a custom ID of %d runes was accepted", maxCustomID+1)
	}
}
