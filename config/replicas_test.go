package config

import (
	"strings"
	"testing"
	"time"
)

func TestReplicaSettings(t *testing.T) {
	c, err := Load(MapLookup(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Digest.PostsPerSecond != 5 || c.Digest.Lease != time.Minute {
		t.Fatalf("defaults: %d posts a second, lease %s", c.Digest.PostsPerSecond, c.Digest.Lease)
	}
	c, err = Load(MapLookup(map[string]string{"DIGEST_POSTS_PER_SECOND": "3", "DIGEST_LEASE": "10s"}))
	if err != nil || c.Digest.PostsPerSecond != 3 || c.Digest.Lease != 10*time.Second {
		t.Fatalf("set: %+v, %v", c.Digest, err)
	}
	_, err = Load(MapLookup(map[string]string{"DIGEST_POSTS_PER_SECOND": "0", "DIGEST_LEASE": "1s"}))
	for _, name := range []string{"DIGEST_POSTS_PER_SECOND", "DIGEST_LEASE"} {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s: %v", name, err)
		}
	}
}
