package stories

import (
	"context"
	"sync"
)

// Store records which story each document belongs to. The Grouper tells it
// every assignment and every merge as they happen, so a persistent Store
// (SQLite, in the app) never needs to recompute anything.
type Store interface {
	// SetStory records that the document belongs to the story.
	SetStory(ctx context.Context, docID, storyID string) error
	// MergeStories moves every document of from into into; from must keep
	// resolving to into afterwards.
	MergeStories(ctx context.Context, from, into string) error
}

// MemStore is a Store held in memory, for tests and evaluation.
type MemStore struct {
	mu      sync.Mutex
	storyOf map[string]string   // document -> story as recorded
	docs    map[string][]string // story -> documents
	alias   map[string]string   // merged story -> the story it went into
}

var _ Store = (*MemStore)(nil)

// NewMemStore returns an empty MemStore.
func NewMemStore() *MemStore {
	return &MemStore{storyOf: map[string]string{}, docs: map[string][]string{}, alias: map[string]string{}}
}

// SetStory implements Store.
func (m *MemStore) SetStory(_ context.Context, docID, storyID string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	storyID = m.resolve(storyID)
	if old, ok := m.storyOf[docID]; ok {
		m.docs[old] = remove(m.docs[old], docID)
	}
	m.storyOf[docID] = storyID
	m.docs[storyID] = append(m.docs[storyID], docID)
	return nil
}

// MergeStories implements Store.
func (m *MemStore) MergeStories(_ context.Context, from, into string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	from, into = m.resolve(from), m.resolve(into)
	if from == into {
		return nil
	}
	for _, d := range m.docs[from] {
		m.storyOf[d] = into
	}
	m.docs[into] = append(m.docs[into], m.docs[from]...)
	delete(m.docs, from)
	m.alias[from] = into
	return nil
}

// Resolve returns the story a story ID now stands for: itself, or the
// story it was merged into.
func (m *MemStore) Resolve(storyID string) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.resolve(storyID)
}

func (m *MemStore) resolve(id string) string {
	for {
		next, ok := m.alias[id]
		if !ok {
			return id
		}
		id = next
	}
}

// StoryOf returns the story of a document, "" if it has none.
func (m *MemStore) StoryOf(docID string) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.storyOf[docID]
}

// Docs returns the documents of a story (after resolving merges), in the
// order they joined.
func (m *MemStore) Docs(storyID string) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.docs[m.resolve(storyID)]...)
}

func remove(s []string, v string) []string {
	for i, x := range s {
		if x == v {
			return append(s[:i], s[i+1:]...)
		}
	}
	return s
}
