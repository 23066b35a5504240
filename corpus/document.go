// Package corpus reads news documents from a folder: front matter, titles,
// validation of bad files, and noticing changes while the program runs.
package corpus

import "time"

// Document is one news article of the corpus, as read from its file.
type Document struct {
	// ID is the file name without its extension. It is stable across runs and
	// short enough (at most 100 characters) to be a Discord option value.
	ID       string
	Title    string
	Source   string
	URL      string
	Language string
	Tags     []string
	// Published is zero when the document does not say when it was published.
	Published time.Time
	// Added is when the document entered the corpus: the file's modification time.
	Added time.Time
	// Body is the article text without its front matter.
	Body string
	// Hash is the hex SHA-256 of the file's bytes; it changes whenever the file does.
	Hash string
}
