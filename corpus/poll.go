package corpus

import (
	"context"
	"io/fs"
	"strconv"
	"strings"
	"time"
)

// Snapshot describes a folder's documents (names, sizes, modification
// times) without reading them: what Poll compares between ticks.
type Snapshot string

// TakeSnapshot describes the documents Load would read from fsys. Take it
// before loading the folder, and give it to Poll: a file changed while the
// first load was under way is then noticed on the first tick.
func TakeSnapshot(fsys fs.FS) Snapshot { return Snapshot(fingerprint(fsys)) }

// Poll watches fsys until ctx is done. Every tick it takes a Snapshot, which
// is cheap; only when it differs from the previous one (since, at first)
// does it Load the folder and call changed with the result. When changed
// fails, the next tick loads and calls it again, so a failed re-index is
// retried instead of forgotten. changed runs on Poll's goroutine, so a slow
// changed delays the next tick. A non-positive every means one second.
//
// Changes that keep a file's size and modification time are not seen. To
// avoid loading a half-written file, write it under another name (such as
// "x.md.tmp") and rename it.
func Poll(ctx context.Context, fsys fs.FS, every time.Duration, since Snapshot, changed func(docs []Document, warnings []Warning) error) {
	if every <= 0 {
		every = time.Second
	}
	last := since
	ticker := time.NewTicker(every)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
		now := TakeSnapshot(fsys)
		if now == last {
			continue
		}
		docs, warnings := Load(fsys)
		if ctx.Err() != nil {
			return
		}
		if err := changed(docs, warnings); err != nil {
			continue // last stays as it was: the next tick tries again
		}
		last = now
	}
}

// fingerprint describes the files Load would read without reading them.
func fingerprint(fsys fs.FS) string {
	if fsys == nil {
		return ""
	}
	var b strings.Builder
	files, err := documentFiles(fsys)
	if err != nil {
		b.WriteString("error: " + err.Error() + "\n")
	}
	for _, name := range files {
		b.WriteString(name)
		info, err := fs.Stat(fsys, name)
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
