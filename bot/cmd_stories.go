package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/geobrief/geobrief/app"
	"github.com/geobrief/geobrief/corpus"
	"github.com/geobrief/geobrief/digest"
	"github.com/geobrief/geobrief/discordfmt"
	"github.com/geobrief/geobrief/store"
	"github.com/geobrief/geobrief/summarize"
)

const (
	storyButtonPrefix = "story"
	// storiesShown is how many stories /stories lists, each with a button
	// (two rows of five).
	storiesShown = 10
	// storiesWindow is how far back /stories looks without a since.
	storiesWindow = 24 * time.Hour
	// storyBriefPending is said where the story brief would be, when the
	// bot has no story briefer.
	storyBriefPending = "Story briefs are off here: these are the story's documents; summarize one with its button."
)

// /stories [since]
func (b *Bot) storiesCommand() *command {
	return &command{
		def: &discordgo.ApplicationCommand{
			Name:        "stories",
			Description: "The top news stories: one event each, with every source that covered it",
			Options: []*discordgo.ApplicationCommandOption{{
				Type:        discordgo.ApplicationCommandOptionString,
				Name:        "since",
				Description: "How far back: 24h, 3d or a date like 2025-04-01 (default: the last day)",
				MaxLength:   32,
			}},
		},
		help: "`[since]`: the top stories (one event, every source that covered it), widest coverage first, with a button for each.",
		run: func(ctx context.Context, _ *request, opts options) (reply, error) {
			now := b.clock.Now()
			since := now.Add(-storiesWindow)
			if s := opts.string("since"); s != "" {
				var err error
				if since, err = digest.ParseSince(s, now, time.UTC); err != nil {
					return reply{content: "I can't read that `since`: " + discordfmt.Escape(err.Error()) + ".", rejected: true}, nil
				}
			}
			views, err := b.cfg.Stories.Stories(ctx, since)
			if err != nil {
				return reply{}, fmt.Errorf("bot: stories: %w", err)
			}
			when := since.UTC().Format("2 Jan 2006 15:04 MST")
			if len(views) == 0 {
				return reply{content: "No news since " + when + ". Try a longer `since`, like `7d`."}, nil
			}
			total := len(views)
			views = views[:min(len(views), storiesShown)]
			var lines []string
			for n, v := range views {
				lines = append(lines, fmt.Sprintf("%d. **%s**\n%s", n+1,
					discordfmt.Escape(discordfmt.Cut(discordfmt.OneLine(v.Headline), 200)), storySummaryLine(v)))
			}
			footer := "Press a button to open a story."
			if total > len(views) {
				footer = fmt.Sprintf("The %d widest of %d stories. ", len(views), total) + footer
			}
			e := &discordgo.MessageEmbed{
				Title:       "Top stories since " + when,
				Description: strings.Join(lines, "\n"),
				Color:       discordfmt.Color,
				Footer:      &discordgo.MessageEmbedFooter{Text: footer},
			}
			return reply{embeds: []*discordgo.MessageEmbed{e}, components: storyButtons(views)}, nil
		},
	}
}

// storySummaryLine says how widely a story was covered: "3 sources
// (Reuters, AP, BBC) · 4 documents · 10 Mar 2026".
func storySummaryLine(v app.StoryView) string {
	line := fmt.Sprintf("%d %s", len(v.Sources), plural(len(v.Sources), "source", "sources"))
	if len(v.Sources) > 0 {
		line += " (" + discordfmt.Escape(discordfmt.Cut(discordfmt.OneLine(strings.Join(v.Sources, ", ")), 150)) + ")"
	}
	line += fmt.Sprintf(" · %d %s · %s", len(v.Documents), plural(len(v.Documents), "document", "documents"), v.LastSeen.UTC().Format("2 Jan 2006"))
	return line
}

// storyButtons makes a "story:<id>" button per story, five to a row.
func storyButtons(views []app.StoryView) []discordgo.MessageComponent {
	var buttons []discordgo.Button
	for _, v := range views {
		id, ok := buttonCustomID(storyButtonPrefix, v.ID)
		if !ok {
			continue // the ID cannot travel in a button
		}
		buttons = append(buttons, discordgo.Button{
			Label:    discordfmt.Cut(fmt.Sprintf("%d %s: %s", len(v.Sources), plural(len(v.Sources), "source", "sources"), discordfmt.OneLine(v.Headline)), maxLabel),
			Style:    discordgo.SecondaryButton,
			CustomID: id,
		})
	}
	return buttonRows(buttons)
}

// The "story:<id>" button under /stories, /summarize and /facts.
func (b *Bot) storyButton() *button {
	if b.cfg.Stories == nil {
		return nil
	}
	return &button{
		prefix: storyButtonPrefix,
		// A brief may ask the LLM: it counts like a summary.
		limited: b.cfg.StoryBriefs != nil,
		run: func(ctx context.Context, r *request, id string) (reply, error) {
			if b.cfg.StoryBriefs == nil {
				v, err := b.cfg.Stories.Story(ctx, id)
				if errors.Is(err, app.ErrNoSuchStory) {
					return reply{content: msgStoryGone}, nil
				}
				if err != nil {
					return reply{}, fmt.Errorf("bot: story %q: %w", id, err)
				}
				return storyDocumentsReply(v), nil
			}
			v, br, err := b.cfg.StoryBriefs.StoryBrief(ctx, id, summarize.Options{
				Length:   summarize.Standard,
				Guild:    r.i.GuildID,
				Progress: partProgress(r),
			})
			if errors.Is(err, app.ErrNoSuchStory) {
				return reply{content: msgStoryGone}, nil
			}
			if err != nil {
				return reply{}, fmt.Errorf("bot: brief of story %q: %w", id, err)
			}
			return storyBriefReply(v, br), nil
		},
	}
}

const msgStoryGone = "That story is no longer in the corpus: its documents were removed. Try `/stories`."

// storyBriefReply shows a story brief (discordfmt.StoryEmbed: summary,
// where the sources differ with each side quoted, each verified fact with
// its sources' words), names the story in the footer, and gives a button
// to summarize each source.
func storyBriefReply(v app.StoryView, br summarize.StoryBrief) reply {
	if strings.TrimSpace(br.Headline) == "" {
		br.Headline = v.Headline
	}
	e := discordfmt.StoryEmbed(br)
	e.Footer.Text = discordfmt.Cut("Story "+v.ID+" · "+e.Footer.Text, discordfmt.MaxFooter)
	var sources []string
	var hits []store.Hit
	for _, s := range br.Sources {
		line := discordfmt.Escape(discordfmt.OneLine(firstNonBlank(s.Outlet, s.DocID)))
		if len(s.Copies) > 0 {
			line += fmt.Sprintf(" (+%d %s)", len(s.Copies), plural(len(s.Copies), "copy", "copies"))
		}
		sources = append(sources, line)
		hits = append(hits, store.Hit{ID: s.DocID, Title: s.Title})
	}
	content := fmt.Sprintf("Story brief from %d %s: %s.", len(br.Sources), plural(len(br.Sources), "source", "sources"),
		discordfmt.Cut(strings.Join(sources, ", "), 1500))
	return reply{content: content, embeds: []*discordgo.MessageEmbed{e}, components: summarizeButtons(hits)}
}

// storyDocumentsReply lists a story's documents, oldest first, with a
// button to summarize each original.
func storyDocumentsReply(v app.StoryView) reply {
	var lines []string
	var originals []store.Hit
	for _, d := range v.Documents {
		line := "• **" + discordfmt.Escape(discordfmt.Cut(discordfmt.OneLine(firstNonBlank(d.Title, d.ID)), 150)) + "**"
		if src := strings.TrimSpace(d.Source); src != "" {
			line += " · " + discordfmt.Escape(discordfmt.Cut(discordfmt.OneLine(src), 60))
		}
		line += " · " + d.Time.UTC().Format("2 Jan 2006") + " · `" + strings.ReplaceAll(d.ID, "`", "") + "`"
		if d.CopyOf != "" {
			line += " (a copy of `" + strings.ReplaceAll(d.CopyOf, "`", "") + "`)"
		} else {
			originals = append(originals, store.Hit{ID: d.ID, Title: d.Title})
		}
		lines = append(lines, line)
	}
	e := &discordgo.MessageEmbed{
		Title:       discordfmt.OneLine(v.Headline),
		Description: strings.Join(lines, "\n"),
		Color:       discordfmt.Color,
		Footer:      &discordgo.MessageEmbedFooter{Text: "Story " + v.ID + " · " + storyCoverage(v)},
	}
	return reply{content: storyBriefPending, embeds: []*discordgo.MessageEmbed{e}, components: summarizeButtons(originals)}
}

func storyCoverage(v app.StoryView) string {
	return fmt.Sprintf("%d %s, %d %s", len(v.Sources), plural(len(v.Sources), "source", "sources"),
		len(v.Documents), plural(len(v.Documents), "document", "documents"))
}

// alsoCovered says which other sources covered a document's story ("Also
// covered by 3 sources: …") with a button to open the story; nothing for a
// story of one source, or when stories are off. A failure to read the
// story is logged and leaves the answer without it: the summary is what
// was asked for.
func (b *Bot) alsoCovered(ctx context.Context, doc corpus.Document) (string, []discordgo.MessageComponent) {
	if b.cfg.Stories == nil {
		return "", nil
	}
	v, err := b.cfg.Stories.StoryOf(ctx, doc.ID)
	if err != nil {
		b.log.Warn("story of a document unavailable", slog.String("doc_id", doc.ID), slog.Any("error", err))
		return "", nil
	}
	n := v.OtherSources(doc.Source)
	if n == 0 {
		return "", nil
	}
	var others []string
	for _, s := range v.Sources {
		if !strings.EqualFold(strings.TrimSpace(s), strings.TrimSpace(doc.Source)) {
			others = append(others, s)
		}
	}
	line := fmt.Sprintf("Also covered by %d %s: %s.", n, plural(n, "source", "sources"),
		discordfmt.Escape(discordfmt.Cut(discordfmt.OneLine(strings.Join(others, ", ")), 300)))
	id, ok := buttonCustomID(storyButtonPrefix, v.ID)
	if !ok {
		return line, nil
	}
	return line, []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		discordgo.Button{Label: fmt.Sprintf("Story brief (%d sources)", len(v.Sources)), Style: discordgo.PrimaryButton, CustomID: id},
	}}}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
