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
		all = append(all, &storySource{doc: s.Doc, outlet: outletOf(s), hash: contentHash(s.Doc), shingles: shingles(s.Doc.Body)})
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
	var out []*storySource
	for _, s := range all {
		if rep := copyOf(s, out); rep != nil {
			rep.copies = append(rep.copies, StoryCopy{DocID: s.doc.ID, Outlet: s.outlet, URL: s.doc.URL})
			continue
		}
		s.label = "S" + strconv.Itoa(len(out)+1)
		out = append(out, s)
	}
	return out
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
// any case), or its document ID.
func bySource(srcs []*storySource, name string) *storySource {
	name = strings.TrimSpace(name)
	for _, s := range srcs {
		if strings.EqualFold(name, s.label) || name == s.doc.ID {
			return s
		}
	}
	return nil
}
