package corpus

import (
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
)

// Warning tells about a file that Load skipped, or about a part of a file
// that it left out.
type Warning struct {
	// File is the file's path in the folder ("iran/talks.md"); it is empty
	// when the folder itself could not be read.
	File   string
	Reason string
	// Kept says the document was read without the part Reason is about (a
	// front matter field it could not use); otherwise the file was skipped.
	Kept bool
}

// String reads like "bad.txt: skipped: not UTF-8 text (invalid byte at
// offset 120)" or, for a document that was kept, "a.md: front matter:
// published: cannot parse "soon" (...); left out, the rest is used".
func (w Warning) String() string {
	switch {
	case w.File == "":
		return "corpus: " + w.Reason
	case w.Kept:
		return w.File + ": " + w.Reason + "; left out, the rest is used"
	}
	return w.File + ": skipped: " + w.Reason
}

// ID is the ID the file would have had.
func (w Warning) ID() string { return IDOf(w.File) }

// isDocumentName tells whether Load reads a file of that name: *.txt and
// *.md in any letter case, except hidden files (editors' lock and backup
// files start with a dot).
func isDocumentName(name string) bool {
	if isHidden(name) {
		return false
	}
	switch strings.ToLower(path.Ext(name)) {
	case ".txt", ".md":
		return true
	}
	return false
}

func isHidden(name string) bool { return strings.HasPrefix(name, ".") }

// documentFiles lists the paths of the files Load reads, in its order:
// *.txt and *.md files in the folder and its subfolders (a folder per topic
// is a common way to keep news), skipping hidden folders (.git). Links to
// folders are not followed, so a link cannot make a loop. listErr
// describes a folder that could not be listed; the files found elsewhere
// are still returned.
func documentFiles(fsys fs.FS) (files []string, listErr error) {
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if listErr == nil {
				listErr = err
			}
			if d != nil && d.IsDir() && p != "." {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if p != "." && isHidden(d.Name()) {
				return fs.SkipDir
			}
			return nil
		}
		if isDocumentName(d.Name()) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil && listErr == nil {
		listErr = err
	}
	return files, listErr
}

// Load reads the *.txt and *.md files of fsys, subfolders included, and
// returns their documents sorted by ID. A file in a subfolder has the
// folder in its ID ("iran/talks"). A file that cannot be used is skipped
// with one Warning; when two files share an ID (a.md and a.txt) the first
// by name is kept. A front matter field that cannot be used costs that
// field, with a Warning, not the document. Hidden files and folders and
// other extensions are ignored silently.
func Load(fsys fs.FS) ([]Document, []Warning) {
	if fsys == nil {
		return nil, []Warning{{Reason: "no folder to read"}}
	}
	var warnings []Warning
	files, err := documentFiles(fsys)
	if err != nil {
		warnings = append(warnings, Warning{Reason: "cannot list the folder: " + err.Error()})
	}
	var docs []Document
	byID := map[string]string{} // ID -> file it was read from
	for _, name := range files {
		id := IDOf(name)
		if first, ok := byID[id]; ok {
			warnings = append(warnings, Warning{File: name, Reason: "duplicate ID " + strconv.Quote(id) + ", already read from " + first})
			continue
		}
		doc, ignored, reason, skip := loadFile(fsys, name)
		if skip {
			continue
		}
		if reason != "" {
			warnings = append(warnings, Warning{File: name, Reason: reason})
			continue
		}
		for _, why := range ignored {
			warnings = append(warnings, Warning{File: name, Reason: why, Kept: true})
		}
		byID[id] = name
		docs = append(docs, doc)
	}
	slices.SortFunc(docs, func(a, b Document) int { return strings.Compare(a.ID, b.ID) })
	return docs, warnings
}

// loadFile reads and parses one file. It returns the reason when the file
// cannot be used, or skip when it is a folder after all (a symbolic link).
func loadFile(fsys fs.FS, name string) (doc Document, ignored []string, reason string, skip bool) {
	info, err := fs.Stat(fsys, name)
	if err != nil {
		return Document{}, nil, "cannot read: " + err.Error(), false
	}
	if info.IsDir() {
		return Document{}, nil, "", true
	}
	if !info.Mode().IsRegular() {
		// Reading a named pipe or a device could block forever.
		return Document{}, nil, "not a regular file", false
	}
	if info.Size() > MaxFileSize {
		return Document{}, nil, tooLarge(info.Size()).Error(), false
	}
	raw, err := fs.ReadFile(fsys, name)
	if err != nil {
		return Document{}, nil, "cannot read: " + err.Error(), false
	}
	doc, ignored, err = ParseFile(name, raw, info.ModTime())
	if err != nil {
		return Document{}, nil, err.Error(), false
	}
	return doc, ignored, "", false
}
