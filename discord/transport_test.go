package discord

import (
	"net/http"
	"net/http/httptest"
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
