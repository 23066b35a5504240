package discord

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestAPITransportRewrites(t *testing.T) {
	t.Parallel()
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

// With DISCORD_API_URL set, a failure names that URL, not discord.com.
func TestErrorsNameTheAPIURL(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	base := srv.URL
	srv.Close() // nothing listens there any more
	g, err := New(Config{Token: "t", APIURL: base, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	err = g.Open(context.Background(), echo{})
	if err == nil {
		t.Fatal("Open succeeded with nothing listening")
	}
	if msg := err.Error(); !strings.Contains(msg, base+"/api/v9/gateway") || strings.Contains(msg, "discord.com") {
		t.Fatalf("error %q should name %s and not discord.com", msg, base)
	}
}
