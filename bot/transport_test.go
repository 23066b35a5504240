package bot

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/geobrief/geobrief/corpus"
)

func TestAPITransportRewrites(t *testing.T) {
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Host + r.URL.EscapedPath()
	}))
	defer srv.Close()
	tr, err := newAPITransport(srv.URL + "/proxy/")
	if err != nil {
		t.Fatal(err)
	}
	resp, err := (&http.Client{Transport: tr}).Get("https://discord.com/api/v9/gateway")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if want := srv.Listener.Addr().String() + "/proxy/api/v9/gateway"; got != want {
		t.Errorf("request went to %s, want %s", got, want)
	}
	for _, bad := range []string{"discord.com", "ftp://x", "http://", "://"} {
		if _, err := newAPITransport(bad); err == nil {
			t.Errorf("DISCORD_API_URL %q accepted", bad)
		}
	}
}

// A burst of interactions is deferred and answered over a bounded set of
// connections that the next burst reuses, instead of one new connection per
// callback.
func TestBurstReusesConnections(t *testing.T) {
	h := setup(t, func(c *Config, s *fakeBriefer) {
		c.UserRatePerMinute = -1
		s.delay = 20 * time.Millisecond
	})
	for n := range 3 * maxDiscordConns {
		id := fmt.Sprintf("burst-%03d", n)
		h.lib.docs[id] = corpus.Document{ID: id, Title: "Burst " + id, Body: "body"}
	}
	for round := range 2 {
		before := h.f.Connections()
		var ins []map[string]any
		for n := range 3 * maxDiscordConns {
			in := h.slash("summarize", fmt.Sprint("user-", n), opt("article", fmt.Sprintf("burst-%03d", n)))
			if err := h.f.Dispatch(h.ctx, in); err != nil {
				t.Fatal(err)
			}
			ins = append(ins, in)
		}
		for _, in := range ins {
			cb, ed := h.await(in)
			if typ, _ := callbackData(t, cb); typ != 5 {
				t.Fatalf("interaction %s answered with type %d, want deferred (5)", in["id"], typ)
			}
			if m := decodeMessage(t, ed); len(m.Embeds) != 1 {
				t.Fatalf("interaction %s: final edit without its embed: %.200s", in["id"], ed.Body)
			}
		}
		opened := h.f.Connections() - before
		t.Logf("round %d: %d interactions, %d new connections", round+1, len(ins), opened)
		if opened > maxDiscordConns {
			t.Errorf("round %d: %d new connections for %d interactions, want at most %d", round+1, opened, len(ins), maxDiscordConns)
		}
		if round == 1 && opened > 0 {
			t.Errorf("second burst opened %d new connections, want the kept ones reused", opened)
		}
	}
}
