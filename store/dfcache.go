package store

import "sync"

// dfCache keeps, between writes, how many documents hold each query word
// (wordDocsSQL's count and highest rowid). Counting a word reads up to 501
// entries of its FTS5 list on every query, and the common words of a query
// are the same from one query to the next; the counts only change when
// documents do.
//
// It is emptied two ways: every write path of documents (SyncDocuments,
// SaveWebDocument, PruneWebDocuments) calls invalidate after its
// transaction, and Search keys the cache on FTS5's averages record and the
// rowid range it reads anyway, so that a write from another process (which
// changes the number of documents or of tokens, or the rowids) empties it too.
type dfCache struct {
	mu    sync.Mutex
	gen   uint64 // bumped by invalidate
	key   string // averages record and rowid range the entries were read with
	words map[string]wordDocs
}

// wordDocs is what wordDocsSQL returns for one word: the number of documents
// holding it, up to narrowDocs+1, and the highest rowid among them (0 when
// none).
type wordDocs struct {
	n, upTo int64
}

// maxCachedWords bounds the cache; past it the cache starts over, which
// costs one query per word, as without a cache.
const maxCachedWords = 50000

// invalidate drops every entry, and makes puts of counts read before the
// call be ignored.
func (c *dfCache) invalidate() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.words = nil
}

// begin returns the generation to pass to put for counts read from now on,
// after emptying the cache if key differs from the one its entries were
// read with.
func (c *dfCache) begin(key string) uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	if key != c.key {
		c.key = key
		c.words = nil
	}
	return c.gen
}

func (c *dfCache) get(word string) (wordDocs, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	wd, ok := c.words[word]
	return wd, ok
}

// put records the counts of word, read after begin returned gen with key,
// unless a write or another key came in between: the counts may then be
// stale.
func (c *dfCache) put(gen uint64, key, word string, wd wordDocs) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen || key != c.key {
		return
	}
	if c.words == nil || len(c.words) >= maxCachedWords {
		c.words = make(map[string]wordDocs)
	}
	c.words[word] = wd
}
