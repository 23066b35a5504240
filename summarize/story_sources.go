package summarize

import (
	"crypto/sha256"
	"encoding/hex"
	"hash/fnv"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/geobrief/geobrief/corpus"
)

// storySource is one distinct source of a story, with the copies folded
// into it.
type storySource struct {
	label    string // "S1", "S2": how the prompts name it
	doc      corpus.Document
	outlet   string
	hash     string // content hash: Doc.Hash, else one of title and body
	shingles map[uint64]bool
	copies   []StoryCopy
	copyOf   string // StorySource.CopyOf

	check *factChecker // built on first use
}

func (s *storySource) checker() *factChecker {
	if s.check == nil {
		s.check = newFactChecker(s.doc.Title, s.doc.Body)
	}
	return s.check
}

// copyThreshold is the share of the shorter text's word 5-grams found in
// the other text (containment) above which two texts are one text
// republished: a wire story with a site's own headline, a dateline or a
// closing line added, or cut short. Such a copy adds nothing to the story.
// Two outlets' own reports of one event share names and phrases, but few
// runs of five words.
const copyThreshold = 0.8

const shingleWords = 5

// distinctSources orders the documents canonically (published time, then
// content) and folds copies into the first of them, so that the same set
// of documents gives the same sources, labels and prompt in any order.
func distinctSources(in []StorySource) []*storySource {
	all := make([]*storySource, 0, len(in))
	for _, s := range in {
		all = append(all, &storySource{doc: s.Doc, outlet: outletOf(s), hash: contentHash(s.Doc), shingles: shingles(s.Doc.Body),
			copyOf: strings.TrimSpace(s.CopyOf)})
	}
	ids := map[string]bool{}
	for _, s := range all {
		ids[s.doc.ID] = true
	}
	sort.SliceStable(all, func(a, b int) bool {
		pa, pb := all[a].doc.Published, all[b].doc.Published
		if !pa.Equal(pb) {
			if pa.IsZero() || pb.IsZero() {
				return !pa.IsZero() // dated documents first
			}
			return pa.Before(pb)
		}
		if all[a].hash != all[b].hash {
			return all[a].hash < all[b].hash
		}
		return all[a].doc.ID < all[b].doc.ID
	})
	var out, marked []*storySource
	for _, s := range all {
		if s.copyOf != "" && s.copyOf != s.doc.ID && ids[s.copyOf] {
			marked = append(marked, s) // folded below, once its original has a place
			continue
		}
		if rep := copyOf(s, out); rep != nil {
			rep.addCopy(s)
			continue
		}
		s.label = "S" + strconv.Itoa(len(out)+1)
		out = append(out, s)
	}
	// A copy of a copy lands with the original once the copy it names has
	// landed; marks that never reach a source (a loop) are ignored, and the
	// documents judged by their text like the others: none is ever lost.
	for len(marked) > 0 {
		var left []*storySource
		for _, s := range marked {
			if rep := holding(out, s.copyOf); rep != nil {
				rep.addCopy(s)
			} else {
				left = append(left, s)
			}
		}
		if len(left) == len(marked) {
			for _, s := range left {
				if rep := copyOf(s, out); rep != nil {
					rep.addCopy(s)
					continue
				}
				s.label = "S" + strconv.Itoa(len(out)+1)
				out = append(out, s)
			}
			break
		}
		marked = left
	}
	for _, s := range out {
		sort.Slice(s.copies, func(a, b int) bool { return s.copies[a].DocID < s.copies[b].DocID })
	}
	return out
}

func (s *storySource) addCopy(c *storySource) {
	s.copies = append(s.copies, StoryCopy{DocID: c.doc.ID, Outlet: c.outlet, URL: c.doc.URL})
}

// holding is the source that is, or holds as a copy, the document id.
func holding(srcs []*storySource, id string) *storySource {
	for _, s := range srcs {
		if s.doc.ID == id {
			return s
		}
		for _, c := range s.copies {
			if c.DocID == id {
				return s
			}
		}
	}
	return nil
}

// copyOf returns the source s copies, or nil.
func copyOf(s *storySource, reps []*storySource) *storySource {
	for _, r := range reps {
		if r.hash == s.hash || containment(r.shingles, s.shingles) >= copyThreshold {
			return r
		}
	}
	return nil
}

func outletOf(s StorySource) string {
	if o := strings.Join(strings.Fields(s.Outlet), " "); o != "" {
		return o
	}
	if o := strings.Join(strings.Fields(s.Doc.Source), " "); o != "" {
		return o
	}
	if u, err := url.Parse(s.Doc.URL); err == nil && u.Hostname() != "" {
		return strings.TrimPrefix(u.Hostname(), "www.")
	}
	return s.Doc.ID
}

// contentHash is the document's own hash, or one of its title and body when
// it has none (documents built in memory).
func contentHash(d corpus.Document) string {
	if d.Hash != "" {
		return d.Hash
	}
	h := sha256.Sum256([]byte(d.Title + "\x00" + d.Body))
	return hex.EncodeToString(h[:])
}

// shingles are the hashed word 5-grams of a text, compared folded (case,
// quotes, dashes) so that typographic edits do not hide a copy.
func shingles(text string) map[uint64]bool {
	ws := strings.Fields(normalize(text))
	out := map[uint64]bool{}
	if len(ws) == 0 {
		return out
	}
	n := min(shingleWords, len(ws))
	for i := 0; i+n <= len(ws); i++ {
		h := fnv.New64a()
		for _, w := range ws[i : i+n] {
			h.Write([]byte(strings.Trim(w, `"'.,;:!?()`)))
			h.Write([]byte{0})
		}
		out[h.Sum64()] = true
	}
	return out
}

// containment is the share of the smaller set found in the other.
func containment(a, b map[uint64]bool) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	shared := 0
	for k := range a {
		if b[k] {
			shared++
		}
	}
	return float64(shared) / float64(len(a))
}

func sourceInfos(srcs []*storySource) []StorySourceInfo {
	out := make([]StorySourceInfo, len(srcs))
	for i, s := range srcs {
		out[i] = StorySourceInfo{DocID: s.doc.ID, Outlet: s.outlet, Title: s.doc.Title, URL: s.doc.URL, Copies: s.copies}
	}
	return out
}

// bySource finds a source by the name a model gave it: its label ("S2", in
// any case), its document ID, or its outlet when no other source has that
// outlet (models often write "Reuters" where the prompt said "S1").
func bySource(srcs []*storySource, name string) *storySource {
	name = strings.TrimSpace(name)
	var byOutlet *storySource
	outlets := 0
	for _, s := range srcs {
		if strings.EqualFold(name, s.label) || name == s.doc.ID {
			return s
		}
		if strings.EqualFold(name, s.outlet) {
			byOutlet = s
			outlets++
		}
	}
	if outlets == 1 {
		return byOutlet
	}
	return nil
}

// StorySourcesKey fingerprints the distinct sources of a story: their
// content and outlets as a set, copies left out. It changes when a story
// gains or loses a source or a source's text changes, and not when a copy
// is republished or the documents come in another order: what a digest
// needs to tell an updated story from a repeated one.
func StorySourcesKey(sources []StorySource) string {
	return sourcesKey(distinctSources(sources))
}

// sourcesKey is the set of distinct sources (content hash and outlet),
// sorted so that order does not matter.
func sourcesKey(srcs []*storySource) string {
	items := make([]string, len(srcs))
	for i, s := range srcs {
		items[i] = s.hash + "\x00" + s.outlet
	}
	sort.Strings(items)
	h := sha256.New()
	for _, it := range items {
		h.Write([]byte(it))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}
