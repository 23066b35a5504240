package bot

import (
	"context"
	"fmt"
	"github.com/geobrief/geobrief/discordfmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/geobrief/geobrief/corpus"
	"github.com/geobrief/geobrief/store"
)

const (
	maxChoices    = 25
	maxChoiceName = 100
	maxCustomID   = 100
	maxLabel      = 80
	maxRowButtons = 5 // buttons in one action row
	maxButtonRows = 5 // action rows under one message
)

// articleOption is the autocompleted "article" option of /summarize and /facts.
func articleOption() *discordgo.ApplicationCommandOption {
	return &discordgo.ApplicationCommandOption{
		Type:         discordgo.ApplicationCommandOptionString,
		Name:         "article",
		Description:  "The news document: pick one from the list, type words to search, or paste a link",
		Required:     true,
		Autocomplete: true,
		// Room for a news link (they run long); words past 200 characters
		// would not search better.
		MaxLength: 1000,
	}
}

// completeArticle lists documents matching what the user typed so far, or
// the most recent ones when nothing is typed. It only reads the index.
func (b *Bot) completeArticle(ctx context.Context, _ *request, focused *discordgo.ApplicationCommandInteractionDataOption) ([]*discordgo.ApplicationCommandOptionChoice, error) {
	input := ""
	if focused.Type == discordgo.ApplicationCommandOptionString {
		input = strings.TrimSpace(focused.StringValue())
	}
	var hits []store.Hit
	var err error
	if input == "" {
		hits, err = b.lib.Recent(ctx, maxChoices)
	} else {
		hits, err = b.lib.Autocomplete(ctx, input, maxChoices)
	}
	if err != nil {
		return nil, fmt.Errorf("bot: autocomplete %q: %w", input, err)
	}
	return hitChoices(hits), nil
}

// hitChoices turns hits into at most 25 choices named by title and date,
// whose value is the document ID.
func hitChoices(hits []store.Hit) []*discordgo.ApplicationCommandOptionChoice {
	choices := []*discordgo.ApplicationCommandOptionChoice{}
	for _, h := range hits {
		if len(choices) == maxChoices {
			break
		}
		if h.ID == "" || utf8.RuneCountInString(h.ID) > maxChoiceName {
			continue
		}
		choices = append(choices, &discordgo.ApplicationCommandOptionChoice{
			Name:  choiceName(h),
			Value: h.ID,
		})
	}
	return choices
}

func choiceName(h store.Hit) string {
	title := discordfmt.OneLine(h.Title)
	if title == "" {
		title = h.ID
	}
	date := ""
	if d := hitDate(h); !d.IsZero() {
		date = " · " + d.Format("2006-01-02")
	}
	return discordfmt.Cut(title, maxChoiceName-utf8.RuneCountInString(date)) + date
}

func hitDate(h store.Hit) time.Time {
	if !h.Published.IsZero() {
		return h.Published
	}
	return h.Added
}

// summarizeButtons offers one "summarize this instead" button per hit.
func summarizeButtons(hits []store.Hit) []discordgo.MessageComponent {
	var buttons []discordgo.Button
	for _, h := range hits {
		id, ok := buttonCustomID(summarizeButtonPrefix, h.ID)
		if !ok {
			continue // the ID cannot travel in a button
		}
		label := discordfmt.OneLine(h.Title)
		if label == "" {
			label = h.ID
		}
		buttons = append(buttons, discordgo.Button{
			Label:    discordfmt.Cut("Summarize: "+label, maxLabel),
			Style:    discordgo.SecondaryButton,
			CustomID: id,
		})
	}
	return buttonRows(buttons)
}

// buttonCustomID is the custom ID "<prefix>:<id>" of a button that acts on
// id, and false when it is longer than Discord accepts: such an ID cannot
// travel in a button, so the caller offers none for it.
func buttonCustomID(prefix, id string) (string, bool) {
	customID := prefix + ":" + id
	return customID, utf8.RuneCountInString(customID) <= maxCustomID
}

// buttonRows lays buttons out as Discord allows under one message: five to
// an action row, five rows at the most. The buttons past the 25th are left
// out rather than failing the whole reply, which Discord would reject.
func buttonRows(buttons []discordgo.Button) []discordgo.MessageComponent {
	var rows []discordgo.MessageComponent
	for len(buttons) > 0 && len(rows) < maxButtonRows {
		n := min(len(buttons), maxRowButtons)
		row := make([]discordgo.MessageComponent, n)
		for i, b := range buttons[:n] {
			row[i] = b
		}
		rows = append(rows, discordgo.ActionsRow{Components: row})
		buttons = buttons[n:]
	}
	return rows
}

// sourceLine describes where a document comes from, for an embed's author.
func sourceLine(doc corpus.Document) string {
	var parts []string
	if doc.Source != "" {
		parts = append(parts, discordfmt.OneLine(doc.Source))
	}
	if !doc.Published.IsZero() {
		parts = append(parts, doc.Published.Format("2 Jan 2006"))
	}
	if t := discordfmt.OneLine(doc.Title); t != "" {
		parts = append(parts, t)
	}
	return strings.Join(parts, " · ")
}
