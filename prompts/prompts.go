// Package prompts holds the text geobrief sends to the LLM. The prompts are
// template files embedded in the binary; one Render function fills them.
package prompts

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"text/template"
)

//go:embed *.tmpl
var files embed.FS

// Set is the parsed prompt templates plus their version.
type Set struct {
	tmpl    *template.Template
	version string
}

// Load parses the embedded prompts. It fails only if a template is broken,
// which the package's tests catch.
func Load() (*Set, error) {
	tmpl, err := template.New("prompts").Option("missingkey=error").ParseFS(files, "*.tmpl")
	if err != nil {
		return nil, fmt.Errorf("prompts: parse: %w", err)
	}
	version, err := hashFiles(files)
	if err != nil {
		return nil, err
	}
	return &Set{tmpl: tmpl, version: version}, nil
}

// Version identifies the prompt text. It is derived from the files' bytes,
// so any edit to a prompt changes it, and with it every cache key: a Brief
// made with old wording is never served as if made with the new one.
func (s *Set) Version() string { return s.version }

// Render fills the template named name (for example "brief.system").
func (s *Set) Render(name string, data any) (string, error) {
	var b strings.Builder
	if err := s.tmpl.ExecuteTemplate(&b, name, data); err != nil {
		return "", fmt.Errorf("prompts: render %s: %w", name, err)
	}
	return b.String(), nil
}

// Names lists every renderable template, for tests.
func (s *Set) Names() []string {
	var names []string
	for _, t := range s.tmpl.Templates() {
		if strings.Contains(t.Name(), ".") && !strings.HasSuffix(t.Name(), ".tmpl") {
			names = append(names, t.Name())
		}
	}
	sort.Strings(names)
	return names
}

func hashFiles(fsys fs.FS) (string, error) {
	names, err := fs.Glob(fsys, "*.tmpl")
	if err != nil {
		return "", fmt.Errorf("prompts: list: %w", err)
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return "", fmt.Errorf("prompts: read %s: %w", n, err)
		}
		fmt.Fprintf(h, "%s\x00%d\x00", n, len(b))
		h.Write(b)
	}
	return "p" + hex.EncodeToString(h.Sum(nil))[:12], nil
}
