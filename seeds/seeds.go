// Package seeds holds geobrief's default news documents, embedded in the
// binary so it works from any folder with no setup.
package seeds

import "embed"

// FS holds the default documents (*.md with front matter).
//
//go:embed *.md
var FS embed.FS
