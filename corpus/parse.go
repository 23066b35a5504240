package corpus

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits on what ParseFile accepts.
const (
	// MaxFileSize is the largest file ParseFile reads, in bytes (2 MB).
	MaxFileSize = 2 << 20
	// MaxIDLength is the longest ID in characters, so that an ID always fits
	// in a Discord option value.
	MaxIDLength = 100
)

// Kinds of bad files. Errors returned by ParseFile wrap one of them, so a
// caller can test errors.Is(err, corpus.ErrNotUTF8) while the message itself
// says exactly what is wrong (e.g. "not UTF-8 text (invalid byte at offset 120)").
var (
	ErrBadName     = errors.New("bad file name")
	ErrEmpty       = errors.New("empty file")
	ErrTooLarge    = errors.New("file too large")
	ErrBinary      = errors.New("looks binary")
	ErrNotUTF8     = errors.New("not UTF-8 text")
	ErrFrontMatter = errors.New("bad front matter")
)

// parseError carries a precise message and the kind it belongs to.
type parseError struct {
	kind error
	msg  string
}

func (e *parseError) Error() string { return e.msg }
func (e *parseError) Unwrap() error { return e.kind }

func fail(kind error, format string, args ...any) error {
	return &parseError{kind: kind, msg: fmt.Sprintf(format, args...)}
}

const utf8BOM = "\xEF\xBB\xBF"

// ParseFile turns the bytes of one file into a Document. name is the file's
// path in the documents folder: the ID is name without its extension (see
// IDOf). modTime becomes Added; when
// it is zero (files of an embed.FS carry no time) Added is Published instead.
//
// The file may open with front matter: a line "---", "key: value" lines
// (title, source, url, published, language, tags; others are ignored), and a
// closing "---". Without a title, the first line is taken as the title when it
// reads as a headline, and is then left out of Body; otherwise the title is
// the first sentence, cut to at most 100 characters. A title given in the
// front matter is kept as written, whatever its length.
//
// A front matter line or field that cannot be used is left out, and
// ignored says which and why; the rest of the document is kept. Errors say
// in a few lowercase words why the file cannot be used at all.
func ParseFile(name string, raw []byte, modTime time.Time) (doc Document, ignored []string, err error) {
	id := IDOf(name)
	if err := checkID(id); err != nil {
		return Document{}, nil, err
	}
	if err := checkBytes(raw); err != nil {
		return Document{}, nil, err
	}

	text := strings.TrimPrefix(string(raw), utf8BOM)
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")

	fm, body, ignored, err := splitFrontMatter(text)
	if err != nil {
		return Document{}, nil, err
	}
	body = strings.TrimSpace(body)
	if body == "" {
		if fm.present {
			return Document{}, nil, fail(ErrEmpty, "no text after the front matter")
		}
		return Document{}, nil, fail(ErrEmpty, "empty file")
	}

	doc = Document{
		ID:        id,
		Title:     fm.title,
		Source:    fm.source,
		URL:       fm.url,
		Language:  fm.language,
		Tags:      fm.tags,
		Published: fm.published,
		Added:     modTime,
		Body:      body,
	}
	if doc.Title == "" {
		doc.Title, doc.Body = titleFromBody(body)
	}
	if doc.Added.IsZero() {
		doc.Added = doc.Published
	}
	sum := sha256.Sum256(raw)
	doc.Hash = hex.EncodeToString(sum[:])
	return doc, ignored, nil
}

// IDOf is the ID of the document in the file at name, a slash-separated
// path relative to the documents folder: the path without its extension
// ("iran/talks.md" is "iran/talks").
func IDOf(name string) string { return strings.TrimSuffix(name, path.Ext(name)) }

func checkID(id string) error {
	switch {
	case strings.TrimSpace(id) == "":
		return fail(ErrBadName, "file name has no ID before its extension")
	case !utf8.ValidString(id):
		return fail(ErrBadName, "file name is not UTF-8")
	case strings.IndexFunc(id, unicode.IsControl) >= 0:
		return fail(ErrBadName, "file name contains a control character")
	}
	if n := utf8.RuneCountInString(id); n > MaxIDLength {
		return fail(ErrBadName, "ID longer than %d characters (%d)", MaxIDLength, n)
	}
	return nil
}

// checkBytes rejects files that are empty, too large or not UTF-8 text.
func checkBytes(raw []byte) error {
	if len(raw) == 0 {
		return fail(ErrEmpty, "empty file")
	}
	if len(raw) > MaxFileSize {
		return tooLarge(int64(len(raw)))
	}
	if bytes.HasPrefix(raw, []byte{0xFF, 0xFE}) || bytes.HasPrefix(raw, []byte{0xFE, 0xFF}) {
		return fail(ErrNotUTF8, "not UTF-8 text (UTF-16 byte order mark; save it as UTF-8)")
	}
	if i := bytes.IndexByte(raw, 0); i >= 0 {
		return fail(ErrBinary, "looks binary (NUL byte at offset %d)", i)
	}
	if !utf8.Valid(raw) {
		return fail(ErrNotUTF8, "not UTF-8 text (invalid byte at offset %d)", invalidOffset(raw))
	}
	return nil
}

func tooLarge(size int64) error {
	mb := strconv.FormatFloat(float64(size)/(1<<20), 'f', 1, 64) + " MB"
	if mb == "2.0 MB" {
		// Just over the limit: one decimal would read as if it were within it.
		mb = strconv.FormatInt(size, 10) + " bytes"
	}
	return fail(ErrTooLarge, "larger than 2 MB (%s)", mb)
}

func invalidOffset(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(b)
}
