package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/geobrief/geobrief/corpus"
)

// The synthetic corpus imitates news text: a vocabulary whose word
// frequencies follow Zipf's law (stop words at the top, then common words,
// then a long tail of rare names), titles drawn from the topical middle of
// it, bodies of about 300 words.

// stopWords are the most frequent words, in order.
var stopWords = strings.Fields(`the of and to in a that for on is said with was as
by at from it has have be are its were will an this after over about who more
not their they but had been which also would new than into two one up`)

// topicWords are frequent, topical words; titles mostly use them.
var topicWords = strings.Fields(`government minister president election war ceasefire
sanctions talks summit troops border missile drone attack army navy military defence
security nuclear treaty alliance nato union council parliament vote protest opposition
coup junta rebels militia refugees aid humanitarian famine grain oil gas pipeline energy
prices inflation economy trade tariffs exports imports debt bank currency markets
investment china russia ukraine kyiv moscow beijing washington brussels europe african
sahel mali niger sudan ethiopia somalia israel gaza iran iraq syria lebanon yemen saudi
turkey india pakistan afghanistan taiwan korea japan philippines indonesia brazil
venezuela mexico argentina colombia canada arctic pacific atlantic sea strait port
shipping fleet tanker convoy corridor blockade embargo diplomacy envoy ambassador
negotiations agreement deal accord peace offensive frontline shelling strikes casualties
civilians hostages prisoners exchange elections referendum constitution court ruling
corruption investigation leaders cabinet resignation reform budget spending climate
drought floods migration asylum cyber hackers satellite space intelligence spy espionage
weapons arms supplies ammunition tanks jets artillery bases drills exercises patrols
coastguard fishing minerals lithium copper rare earths chips semiconductors technology`)

type generator struct {
	rng   *rand.Rand
	vocab []string // by decreasing frequency
	zipf  *rand.Zipf
}

func newGenerator(seed uint64) *generator {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	g := &generator{rng: rng}

	seen := map[string]bool{}
	add := func(w string) {
		if !seen[w] {
			seen[w] = true
			g.vocab = append(g.vocab, w)
		}
	}
	for _, w := range stopWords {
		add(w)
	}
	for _, w := range topicWords {
		add(w)
	}
	// A long tail of made-up names and rare words, from syllables.
	syl := strings.Fields(`ka ro mi ta le su na vo ri den bar kel tor sam ul ith an
		or es ov ski ga pa zu hem lin dra fi gro mon vas ye`)
	for len(g.vocab) < 30000 {
		n := 2 + rng.IntN(3)
		var b strings.Builder
		for range n {
			b.WriteString(syl[rng.IntN(len(syl))])
		}
		add(b.String())
	}
	// s = 1.07 puts "the" at about 6% of the words, like English news text.
	g.zipf = rand.NewZipf(rng, 1.07, 2, uint64(len(g.vocab)-1))
	return g
}

func (g *generator) word() string { return g.vocab[g.zipf.Uint64()] }

// titleWord is a topical word most of the time, else a tail name.
func (g *generator) titleWord() string {
	if g.rng.IntN(4) > 0 {
		return topicWords[g.rng.IntN(len(topicWords))]
	}
	return g.vocab[len(stopWords)+len(topicWords)+g.rng.IntN(len(g.vocab)-len(stopWords)-len(topicWords))]
}

func (g *generator) title() string {
	n := 5 + g.rng.IntN(7)
	w := make([]string, n)
	for i := range w {
		w[i] = g.titleWord()
	}
	w[0] = strings.ToUpper(w[0][:1]) + w[0][1:]
	return strings.Join(w, " ")
}

func (g *generator) body() string {
	var b strings.Builder
	n := 250 + g.rng.IntN(100)
	sentence := 0
	for i := range n {
		w := g.word()
		if sentence == 0 {
			w = strings.ToUpper(w[:1]) + w[1:]
		}
		b.WriteString(w)
		sentence++
		switch {
		case i == n-1:
			b.WriteString(".")
		case sentence > 8 && g.rng.IntN(8) == 0:
			b.WriteString(". ")
			sentence = 0
		case g.rng.IntN(15) == 0:
			b.WriteString(", ")
		default:
			b.WriteString(" ")
		}
	}
	return b.String()
}

func (g *generator) documents(n int) []corpus.Document {
	start := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	docs := make([]corpus.Document, n)
	for i := range docs {
		title := g.title()
		added := start.Add(time.Duration(i) * 17 * time.Minute)
		// IDs are file names: a date and the start of the title.
		slug := strings.Fields(strings.ToLower(title))
		d := corpus.Document{
			ID:       fmt.Sprintf("%s-%s-%d", added.Format("2006-01-02"), strings.Join(slug[:3], "-"), i),
			Title:    title,
			Source:   "Synthetic Wire",
			Language: "en",
			Tags:     []string{topicWords[g.rng.IntN(len(topicWords))]},
			Added:    added,
			Body:     g.body(),
		}
		d.URL = "https://example.org/" + d.ID
		if g.rng.IntN(5) > 0 {
			d.Published = d.Added.Add(-time.Duration(g.rng.IntN(72)) * time.Hour)
		}
		sum := sha256.Sum256([]byte(d.ID + "\x00" + d.Title + "\x00" + d.Body))
		d.Hash = hex.EncodeToString(sum[:])
		docs[i] = d
	}
	return docs
}

// queries returns n Search queries of 1 to 3 words. Each word is a topical
// word half of the time (what people search for), else a word drawn with the
// corpus' own frequencies (so stop words and very common words do occur).
func (g *generator) queries(n int) []string {
	qs := make([]string, n)
	for i := range qs {
		w := make([]string, 1+g.rng.IntN(3))
		for j := range w {
			if g.rng.IntN(2) == 0 {
				w[j] = topicWords[g.rng.IntN(len(topicWords))]
			} else {
				w[j] = g.word()
			}
		}
		qs[i] = strings.Join(w, " ")
	}
	return qs
}

// prefixes returns n Autocomplete inputs as typed: the first 1 to 3 words of
// a random title, the last one cut after a random number of letters (from 1).
func (g *generator) prefixes(docs []corpus.Document, n int) []string {
	ps := make([]string, n)
	for i := range ps {
		words := strings.Fields(strings.ToLower(docs[g.rng.IntN(len(docs))].Title))
		k := 1 + g.rng.IntN(min(3, len(words)))
		words = words[:k]
		last := words[k-1]
		words[k-1] = last[:1+g.rng.IntN(len(last))]
		ps[i] = strings.Join(words, " ")
	}
	return ps
}
