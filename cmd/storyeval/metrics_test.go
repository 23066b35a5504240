package main

import (
	"math"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestScoreOfAPerfectClustering(t *testing.T) {
	t.Parallel()
	truth := map[string]string{"a": "1", "b": "1", "c": "2"}
	got := map[string]string{"a": "x", "b": "x", "c": "y"}
	sc := score(got, truth)
	if !near(sc.bF, 1) || !near(sc.pF, 1) {
		t.Errorf("perfect clustering scored %+v", sc)
	}
}

// Everything in one cluster: story {a,b} and story {c}. B-cubed precision
// is (2/3+2/3+1/3)/3 = 5/9, recall 1; pairwise precision 1 of 3 pairs.
func TestScoreOfOneBigCluster(t *testing.T) {
	t.Parallel()
	truth := map[string]string{"a": "1", "b": "1", "c": "2"}
	got := map[string]string{"a": "x", "b": "x", "c": "x"}
	sc := score(got, truth)
	if !near(sc.bP, 5.0/9) || !near(sc.bR, 1) || !near(sc.pP, 1.0/3) || !near(sc.pR, 1) {
		t.Errorf("one cluster scored %+v", sc)
	}
}

// Every document alone: B-cubed precision 1, recall (1/2+1/2+1)/3 = 2/3;
// no pair predicted, so pairwise precision and recall are 0.
func TestScoreOfSingletons(t *testing.T) {
	t.Parallel()
	truth := map[string]string{"a": "1", "b": "1", "c": "2"}
	got := map[string]string{"a": "x", "b": "y", "c": "z"}
	sc := score(got, truth)
	if !near(sc.bP, 1) || !near(sc.bR, 2.0/3) || sc.pF != 0 {
		t.Errorf("singletons scored %+v", sc)
	}
}

func TestGeneratedDocumentsComeInTimeOrder(t *testing.T) {
	t.Parallel()
	docs := generate(400)
	if len(docs) != 400 {
		t.Fatalf("generated %d documents", len(docs))
	}
	for i := 1; i < len(docs); i++ {
		if docs[i].Time.Before(docs[i-1].Time) {
			t.Fatalf("document %d is older than the one before", i)
		}
	}
}
