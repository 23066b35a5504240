package corpus

import (
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
)

// Warning tells about a file that Load skipped.
type Warning struct {
	// File is the file's name in the folder; it is empty when the folder
	// itself could not be read.
	File   string
	Reason string
}

// String reads like "bad.txt: skipped: not UTF-8 text (invalid byte at offset 120)".
func (w Warning) String() string {
	if w.File == "" {
		return "corpus: " + w.Reason
	}
	return w.File + ": skipped: " + w.Reason
}

// isDocumentName tells whether Load reads a file of that name: *.txt and
// *.md in any letter case, except hidden files (editors' lock and backup
// files start with a dot).
func isDocumentName(name string) bool {
	if strings.HasPrefix(name, ".") {
		return false
	}
	switch strings.ToLower(path.Ext(name)) {
	case ".txt", ".md":
		return true
	}
	return false
}

// Load reads the *.txt and *.md files at the top of fsys and returns their
// documents sorted by ID. A file that cannot be used is skipped with one
// Warning; when two files share an ID (a.md and a.txt) the first by name is
// kept. Folders, hidden files and other extensions are ignored silently.
func Load(fsys fs.FS) ([]Document, []Warning) {
	if fsys == nil {
		return nil, []Warning{{Reason: "no folder to read"}}
	}
	var warnings []Warning
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		// ReadDir may still have returned some entries: read those.
		warnings = append(warnings, Warning{Reason: "cannot list the folder: " + err.Error()})
	}
	var docs []Document
	byID := map[string]string{} // ID -> file it was read from
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !isDocumentName(name) {
			continue
		}
		id := strings.TrimSuffix(name, path.Ext(name))
		if first, ok := byID[id]; ok {
			warnings = append(warnings, Warning{File: name, Reason: "duplicate ID " + strconv.Quote(id) + ", already read from " + first})
			continue
		}
		doc, reason, skip := loadFile(fsys, name)
		if skip {
			continue
		}
		if reason != "" {
			warnings = append(warnings, Warning{File: name, Reason: reason})
			continue
		}
		byID[id] = name
		docs = append(docs, doc)
	}
	slices.SortFunc(docs, func(a, b Document) int { return strings.Compare(a.ID, b.ID) })
	return docs, warnings
}

// loadFile reads and parses one file. It returns the reason when the file
// cannot be used, or skip when it is a folder after all (a symbolic link).
func loadFile(fsys fs.FS, name string) (doc Document, reason string, skip bool) {
	info, err := fs.Stat(fsys, name)
	if err != nil {
		return Document{}, "cannot read: " + err.Error(), false
	}
	if info.IsDir() {
		return Document{}, "", true
	}
	if !info.Mode().IsRegular() {
		// Reading a named pipe or a device could block forever.
		return Document{}, "not a regular file", false
	}
	if info.Size() > MaxFileSize {
		return Document{}, tooLarge(info.Size()).Error(), false
	}
	raw, err := fs.ReadFile(fsys, name)
	if err != nil {
		return Document{}, "cannot read: " + err.Error(), false
	}
	doc, err = ParseFile(name, raw, info.ModTime())
	if err != nil {
		return Document{}, err.Error(), false
	}
	return doc, "", false
}
