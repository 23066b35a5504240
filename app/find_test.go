package app

import (
	"context"
	"errors"
	"testing"

	"github.com/geobrief/geobrief/corpus"
	"github.com/geobrief/geobrief/store/storetest"
)

func newTestApp(t *testing.T, docs ...corpus.Document) *App {
	t.Helper()
	return New(storetest.Open(t, docs...), nil, nil)
}

func doc(id, title, body string) corpus.Document { return storetest.Doc(id, title, body) }

func TestFind(t *testing.T) {
	t.Parallel()
	a := newTestApp(t,
		doc("oman-talks", "Envoy travels to Oman for nuclear talks", "The envoy met Iranian officials in Muscat for nuclear talks."),
		doc("navy-meeting", "Navy meeting in St Petersburg", "The president chaired a meeting about the navy and shipbuilding."),
		doc("oman-talks-copy", "Envoy travels to Oman for nuclear talks", "The envoy met Iranian officials in Muscat for nuclear talks."),
	)
	ctx := context.Background()

	m, err := a.Find(ctx, "navy-meeting")
	if err != nil || m.Doc.ID != "navy-meeting" || len(m.Others) != 0 {
		t.Fatalf("by ID: %+v, %v", m, err)
	}
	m, err = a.Find(ctx, "  shipbuilding navy ")
	if err != nil || m.Doc.ID != "navy-meeting" {
		t.Fatalf("by words: %+v, %v", m.Doc.ID, err)
	}
	m, err = a.Find(ctx, "oman nuclear talks envoy")
	if err != nil || !(m.Doc.ID == "oman-talks" || m.Doc.ID == "oman-talks-copy") {
		t.Fatalf("oman: %q, %v", m.Doc.ID, err)
	}
	if len(m.Others) != 1 || m.Others[0].ID == m.Doc.ID {
		t.Fatalf("the copy, scoring the same, is the alternative: %+v", m.Others)
	}

	var nm *NoMatchError
	if _, err := a.Find(ctx, "zzzunknownword"); !errors.As(err, &nm) || nm.Query != "zzzunknownword" {
		t.Fatalf("no match: %v", err)
	}
	if _, err := a.Find(ctx, "   "); !errors.As(err, &nm) || nm.Query != "" {
		t.Fatalf("empty: %v", err)
	}
	var nf *NotFoundError
	if _, err := a.Document(ctx, "missing"); !errors.As(err, &nf) || nf.ID != "missing" {
		t.Fatalf("Document: %v", err)
	}
}

func TestFindInAnEmptyCorpus(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	if _, err := a.Find(context.Background(), "anything"); !errors.Is(err, ErrEmptyCorpus) {
		t.Fatalf("err = %v, want ErrEmptyCorpus", err)
	}
}
