package corpus

import (
	"context"
	"io/fs"
	"strconv"
	"strings"
	"time"
)

// Poll watches fsys until ctx is done. Every tick it lists the documents'
// names, sizes and modification times, which is cheap; only when that list
// differs from the previous tick does it Load the folder and call changed
// with the result. The first list is taken when Poll starts, without calling
// changed: load the folder yourself before polling. changed runs on Poll's
// goroutine, so a slow changed delays the next tick. A non-positive every
// means one second.
//
// Changes that keep a file's size and modification time are not seen. To
// avoid loading a half-written file, write it under another name (such as
// "x.md.tmp") and rename it.
func Poll(ctx context.Context, fsys fs.FS, every time.Duration, changed func(docs []Document, warnings []Warning)) {
	if every <= 0 {
		every = time.Second
	}
	last := fingerprint(fsys)
	ticker := time.NewTicker(every)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
		now := fingerprint(fsys)
		if now == last {
			continue
		}
		last = now
		docs, warnings := Load(fsys)
		if ctx.Err() != nil {
			return
		}
		changed(docs, warnings)
	}
}

// fingerprint describes the files Load would read without reading them.
func fingerprint(fsys fs.FS) string {
	if fsys == nil {
		return ""
	}
	var b strings.Builder
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		b.WriteString("error: " + err.Error() + "\n")
	}
	for _, e := range entries {
		if !isDocumentName(e.Name()) {
			continue
		}
		b.WriteString(e.Name())
		info, err := fs.Stat(fsys, e.Name())
		if err != nil {
			b.WriteString(" error: " + err.Error() + "\n")
			continue
		}
		b.WriteString(" " + info.Mode().String())
		b.WriteString(" " + strconv.FormatInt(info.Size(), 10))
		b.WriteString(" " + strconv.FormatInt(info.ModTime().UnixNano(), 10) + "\n")
	}
	return b.String()
}
