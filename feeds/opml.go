package feeds

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// Source is a feed to poll.
type Source struct {
	URL   string
	Title string
}

type opmlDoc struct {
	XMLName xml.Name    `xml:"opml"`
	Version string      `xml:"version,attr"`
	Title   string      `xml:"head>title"`
	Body    []opmlEntry `xml:"body>outline"`
}

type opmlEntry struct {
	Text     string      `xml:"text,attr,omitempty"`
	Title    string      `xml:"title,attr,omitempty"`
	Type     string      `xml:"type,attr,omitempty"`
	XMLURL   string      `xml:"xmlUrl,attr,omitempty"`
	HTMLURL  string      `xml:"htmlUrl,attr,omitempty"`
	Children []opmlEntry `xml:"outline"`
}

// maxOPML bounds what ReadOPML reads: a list of feeds, not a data dump.
const maxOPML = 10 << 20

// ReadOPML returns the feeds listed in an OPML file: every outline with an xmlUrl, at any
// depth (readers group feeds in folders), in file order, each URL once. Feed URLs must
// be http or https.
func ReadOPML(r io.Reader) ([]Source, error) {
	var doc opmlDoc
	dec := xml.NewDecoder(io.LimitReader(r, maxOPML))
	dec.Strict = false // real OPML exports carry bare "&" and HTML entities
	dec.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		if l := strings.ToLower(label); l == "utf-8" || l == "us-ascii" || l == "ascii" {
			return in, nil
		}
		return nil, fmt.Errorf("encoding %q not supported (use UTF-8)", label)
	}
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("feeds: reading OPML: %w", err)
	}
	var out []Source
	seen := map[string]bool{}
	var walk func([]opmlEntry) error
	walk = func(entries []opmlEntry) error {
		for _, e := range entries {
			if u := strings.TrimSpace(e.XMLURL); u != "" {
				c, err := CanonicalLink(u)
				if err != nil {
					return fmt.Errorf("feeds: OPML outline %q: %w", firstNonEmpty(e.Title, e.Text), err)
				}
				// Feed URLs are kept as written (some servers need their exact query);
				// the canonical form only detects duplicates.
				if !seen[c] {
					seen[c] = true
					out = append(out, Source{URL: u, Title: oneLine(firstNonEmpty(e.Title, e.Text))})
				}
			}
			if err := walk(e.Children); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(doc.Body); err != nil {
		return nil, err
	}
	return out, nil
}

// WriteOPML writes feeds as an OPML 2.0 document that feed readers import.
func WriteOPML(w io.Writer, title string, feeds []Source) error {
	doc := opmlDoc{Version: "2.0", Title: title}
	for _, f := range feeds {
		text := f.Title
		if text == "" {
			text = f.URL
		}
		doc.Body = append(doc.Body, opmlEntry{Text: text, Title: f.Title, Type: "rss", XMLURL: f.URL})
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("feeds: writing OPML: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("feeds: writing OPML: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("feeds: writing OPML: %w", err)
	}
	return nil
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}
