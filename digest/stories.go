package digest

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/geobrief/geobrief/corpus"
	"github.com/geobrief/geobrief/store"
)

// StoryIndex says which story a document belongs to (package stories,
// through the app). It is declared here, where it is used, so that the
// digest can be tested with a fake and the grouping can change underneath.
type StoryIndex interface {
	// StoryOf returns the story a document belongs to now, with all of its
	// documents; ok is false for a document not grouped yet, which is then
	// a story of its own.
	StoryOf(ctx context.Context, docID string) (s Story, ok bool, err error)
}

// Story is a story as the digest needs it.
type Story struct {
	ID       string
	Headline string
	// Sources are the distinct sources of its documents that are not
	// copies, in the order they first covered it.
	Sources []string
	// Docs are all of its documents, copies included.
	Docs []StoryDoc
}

// StoryDoc is one document of a story.
type StoryDoc struct {
	ID, Source string
	Time       time.Time
	// CopyOf is the document this one is a near-identical copy of; "" for
	// an original.
	CopyOf string
}

// storyPick is a story with something new for the channel.
type storyPick struct {
	story   Story
	fresh   []corpus.Document // its documents new to the channel, newest first
	updated bool
	last    time.Time
}

// pickStories turns the documents new to the channel into stories: a
// story the channel never got is an item; one it got comes back, marked
// Updated, only when a source it was not told about has covered it since,
// or an article it got has been edited by its outlet. A re-published
// copy, or another article from a source already told, brings nothing
// back. The items are ranked by breadth of coverage
// (distinct sources), then by their latest document.
func (b *Builder) pickStories(ctx context.Context, docs []corpus.Document, sent map[string]string, d *Digest) ([]corpus.Document, error) {
	var picks []*storyPick
	byStory := map[string]*storyPick{}
	seen := map[string]*storyPick{} // document -> its story, once looked up
	for _, doc := range docs {
		if hash, ok := sent[doc.ID]; ok && hash == doc.Hash {
			continue
		}
		if p, ok := seen[doc.ID]; ok {
			p.fresh = append(p.fresh, doc)
			continue
		}
		s, ok, err := b.stories.StoryOf(ctx, doc.ID)
		if err != nil {
			return nil, fmt.Errorf("digest: story of %s: %w", doc.ID, err)
		}
		if !ok || len(s.Docs) == 0 {
			s = Story{Headline: doc.Title, Docs: []StoryDoc{{ID: doc.ID, Source: doc.Source, Time: docTime(doc)}}}
			if src := strings.TrimSpace(doc.Source); src != "" {
				s.Sources = []string{src}
			}
		}
		p := byStory[s.ID]
		if p == nil || s.ID == "" {
			p = &storyPick{story: s}
			if s.ID != "" {
				byStory[s.ID] = p
			}
			picks = append(picks, p)
		}
		for _, sd := range s.Docs {
			seen[sd.ID] = p
		}
		seen[doc.ID] = p
		p.fresh = append(p.fresh, doc)
	}

	var keep []*storyPick
	for _, p := range picks {
		told := toldSources(p.story, sent)
		if len(told) > 0 {
			if !hasNewSource(p.story.Sources, told) && !editedOriginal(p, sent) {
				continue
			}
			p.updated = true
		}
		for _, sd := range p.story.Docs {
			if sd.Time.After(p.last) {
				p.last = sd.Time
			}
		}
		keep = append(keep, p)
	}
	slices.SortStableFunc(keep, func(x, y *storyPick) int {
		return cmp.Or(
			cmp.Compare(len(y.story.Sources), len(x.story.Sources)),
			y.last.Compare(x.last),
			cmp.Compare(x.story.ID, y.story.ID))
	})
	d.New = len(keep)
	var picked []corpus.Document
	for _, p := range keep[:min(len(keep), b.maxItems)] {
		rep := representative(p)
		picked = append(picked, rep)
		d.Items = append(d.Items, Item{
			DocID: rep.ID, Hash: rep.Hash, StoryID: p.story.ID, Sources: p.story.Sources,
			Source: rep.Source, URL: rep.URL, Published: rep.Published, Updated: p.updated,
			covers: covers(p, sent),
		})
	}
	return picked, nil
}

// toldSources are the sources of a story the channel already got: those
// of its documents recorded as sent (a copy tells its original's source).
func toldSources(s Story, sent map[string]string) map[string]bool {
	source := map[string]string{}
	for _, sd := range s.Docs {
		source[sd.ID] = sd.Source
	}
	told := map[string]bool{}
	for _, sd := range s.Docs {
		if _, ok := sent[sd.ID]; !ok {
			continue
		}
		src := sd.Source
		if sd.CopyOf != "" {
			if orig, ok := source[sd.CopyOf]; ok {
				src = orig
			}
		}
		told[sourceKey(src)] = true
	}
	return told
}

// editedOriginal tells whether an original the channel got has changed
// its text since (an article corrected or rewritten by its outlet), as a
// document digest marks it. A copy's edits do not count.
func editedOriginal(p *storyPick, sent map[string]string) bool {
	isCopy := map[string]bool{}
	for _, sd := range p.story.Docs {
		isCopy[sd.ID] = sd.CopyOf != ""
	}
	for _, doc := range p.fresh {
		if h, ok := sent[doc.ID]; ok && h != "" && h != doc.Hash && !isCopy[doc.ID] {
			return true
		}
	}
	return false
}

func hasNewSource(sources []string, told map[string]bool) bool {
	for _, s := range sources {
		if !told[sourceKey(s)] {
			return true
		}
	}
	return false
}

func sourceKey(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// representative is the document whose Brief stands for the story: the
// newest original among those new to the channel (for an update, the
// new source's report), else the newest of them.
func representative(p *storyPick) corpus.Document {
	isCopy := map[string]bool{}
	for _, sd := range p.story.Docs {
		isCopy[sd.ID] = sd.CopyOf != ""
	}
	best := -1
	for i, doc := range p.fresh {
		if isCopy[doc.ID] {
			continue
		}
		if best < 0 || docTime(doc).After(docTime(p.fresh[best])) {
			best = i
		}
	}
	if best < 0 {
		best = 0 // fresh is newest first
	}
	return p.fresh[best]
}

// covers are what the item adds to the channel's record: every document
// of the story not recorded yet (older ones too, so that their sources
// count as told), and the new ones with their hash. A document already
// recorded keeps its row, which belongs to the edition that sent it: were
// this edition to fail, only what it added is given back.
func covers(p *storyPick, sent map[string]string) []store.SentDoc {
	var out []store.SentDoc
	done := map[string]bool{}
	for _, doc := range p.fresh {
		out = append(out, store.SentDoc{DocID: doc.ID, Hash: doc.Hash})
		done[doc.ID] = true
	}
	for _, sd := range p.story.Docs {
		if _, ok := sent[sd.ID]; ok || done[sd.ID] {
			continue
		}
		// Its hash is not known here; "" only means "sent in a story".
		out = append(out, store.SentDoc{DocID: sd.ID})
		done[sd.ID] = true
	}
	return out
}

func docTime(d corpus.Document) time.Time {
	if !d.Published.IsZero() {
		return d.Published
	}
	return d.Added
}
