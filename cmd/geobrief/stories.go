package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/geobrief/geobrief/app"
	"github.com/geobrief/geobrief/digest"
	"github.com/geobrief/geobrief/summarize"
)

// storyJSON is one story in `geobrief stories --json`.
type storyJSON struct {
	ID        string    `json:"id"`
	Headline  string    `json:"headline"`
	Documents []string  `json:"documents"`
	Sources   []string  `json:"sources"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
}

// toStoryJSON is v as `geobrief stories --json` lists it and `geobrief
// story --json` heads its brief with it: one shape for both.
func toStoryJSON(v app.StoryView) storyJSON {
	return storyJSON{
		ID: v.ID, Headline: v.Headline, Documents: v.DocumentIDs(), Sources: nonNil(v.Sources),
		FirstSeen: v.FirstSeen, LastSeen: v.LastSeen,
	}
}

// stories lists the stories active in a window, the widest coverage first.
func (c *cli) stories(ctx context.Context, args []string) error {
	cl := newCmdLine("stories", "geobrief stories [--since 24h|7d|2025-04-01] [--json]", 0, 0)
	sinceFlag := cl.flags.String("since", "24h", "how far back: a duration (24h, 90m), a number of days (7d) or a date (2025-04-01); a document counts by its published time, else when it was added")
	asJSON := cl.flags.Bool("json", false, "print the stories as JSON")
	if _, err := cl.parse(args, c.stdout); err != nil {
		return err
	}
	// A mistake in --since is found before the corpus is opened.
	since, err := digest.ParseSince(*sinceFlag, time.Now(), time.Local)
	if err != nil {
		return cl.usageErr("--since: %v", err)
	}

	lib, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer lib.Close()
	views, err := lib.Stories(ctx, since)
	if err != nil {
		return err
	}
	if *asJSON {
		out := make([]storyJSON, 0, len(views))
		for _, v := range views {
			out = append(out, toStoryJSON(v))
		}
		return printJSON(c.stdout, out)
	}
	printStories(c.stdout, views, since)
	return nil
}

// printStories writes the stories for a person at a terminal.
func printStories(w io.Writer, views []app.StoryView, since time.Time) {
	heading := "Stories since " + since.Local().Format("Mon 2 Jan 2006 15:04")
	fmt.Fprintln(w, heading)
	fmt.Fprintln(w, strings.Repeat("=", min(len([]rune(heading)), 78)))
	if len(views) == 0 {
		fmt.Fprintln(w, "No document was published or added in that time.")
		return
	}
	for i, v := range views {
		fmt.Fprintln(w)
		fmt.Fprintln(w, wrap(fmt.Sprintf("%d. %s", i+1, v.Headline), 78, "   "))
		sources := fmt.Sprintf("%d %s", len(v.Sources), plural(len(v.Sources), "source", "sources"))
		if len(v.Sources) > 0 {
			sources += ": " + strings.Join(v.Sources, ", ")
		}
		fmt.Fprintln(w, "   "+wrap(sources, 75, "   "))
		fmt.Fprintf(w, "   %d %s, %s · story %s\n", len(v.Documents), plural(len(v.Documents), "document", "documents"),
			seenSpan(v.FirstSeen, v.LastSeen), v.ID)
	}
}

// seenSpan shows when a story was covered: one day, or first to last.
func seenSpan(first, last time.Time) string {
	const day = "2 Jan 2006"
	if first.Local().Format(day) == last.Local().Format(day) {
		return first.Local().Format(day)
	}
	return first.Local().Format(day) + " to " + last.Local().Format(day)
}

// nonNil makes an empty list print as [] rather than null.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// story prints the brief of a story, named by its ID or by the ID of one of
// its documents.
func (c *cli) story(ctx context.Context, args []string) error {
	cl := newCmdLine("story", "geobrief story [--length short|standard|detailed] [--json] STORY_ID|DOCUMENT_ID", 1, 1)
	asJSON := cl.flags.Bool("json", false, "print the story and its brief as JSON")
	lengthFlag := cl.lengthFlag()
	words, err := cl.parse(args, c.stdout)
	if err != nil {
		return err
	}
	length, err := lengthFlag()
	if err != nil {
		return err
	}
	id := strings.TrimSpace(words[0])

	lib, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer lib.Close()
	v, err := lib.Story(ctx, id)
	if errors.Is(err, app.ErrNoSuchStory) {
		// Not a story's ID: perhaps one of its documents'.
		var nf *app.NotFoundError
		if v, err = lib.StoryOf(ctx, id); errors.As(err, &nf) {
			return fmt.Errorf("no story or document has the ID %s (geobrief stories lists the stories)", clipQuote(id))
		}
	}
	if err != nil {
		return err
	}
	_, brief, err := lib.StoryBrief(ctx, v.ID, c.summaryOptions(length))
	if err != nil {
		return explainLLMError(err)
	}
	if *asJSON {
		out := struct {
			Story storyJSON            `json:"story"`
			Brief summarize.StoryBrief `json:"brief"`
		}{
			Story: toStoryJSON(v),
			Brief: brief,
		}
		return printJSON(c.stdout, out)
	}
	printStoryBrief(c.stdout, v, brief)
	return nil
}

// printStoryBrief writes a story brief for a person at a terminal: each
// fact with the words of every source that backs it, and where the
// sources differ, each side.
func printStoryBrief(w io.Writer, v app.StoryView, b summarize.StoryBrief) {
	headline := strings.TrimSpace(b.Headline)
	if headline == "" {
		headline = v.Headline
	}
	fmt.Fprintln(w, headline)
	fmt.Fprintln(w, strings.Repeat("=", min(len([]rune(headline)), 78)))
	fmt.Fprintln(w)
	fmt.Fprintln(w, wrap(b.Summary, 78, ""))
	for _, d := range b.Disagreements {
		fmt.Fprintln(w)
		fmt.Fprintln(w, wrap("! "+d.String(), 78, "  "))
		for _, s := range d.Sides {
			fmt.Fprintln(w, "  "+wrap(s.Outlet+": “"+s.Quote+"”", 76, "    "))
		}
	}
	fmt.Fprintln(w)
	facts := b.VerifiedFacts()
	fmt.Fprintf(w, "Key facts (%d of %d checked against the source they cite):\n", len(facts), len(b.Facts))
	if len(facts) == 0 {
		fmt.Fprintln(w, "  (none could be checked)")
	}
	for _, f := range facts {
		fmt.Fprintln(w, wrap("- "+f.Text, 78, "  "))
		for _, c := range f.Citations {
			if c.Quote != f.Text {
				fmt.Fprintln(w, "  "+wrap(c.Outlet+": “"+c.Quote+"”", 76, "    "))
			} else {
				fmt.Fprintln(w, "  ("+c.Outlet+")")
			}
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "Sources (%d):\n", len(b.Sources))
	for _, s := range b.Sources {
		line := fmt.Sprintf("- %s: %s [%s]", s.Outlet, s.Title, s.DocID)
		for _, cp := range s.Copies {
			line += fmt.Sprintf("; copied by %s [%s]", cp.Outlet, cp.DocID)
		}
		fmt.Fprintln(w, wrap(line, 78, "  "))
	}
	fmt.Fprintf(w, "Story %s · made by: %s\n", v.ID, describeMaker(b.Meta))
}
