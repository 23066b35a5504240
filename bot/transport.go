package bot

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// apiTransport sends every request to base instead of the host discordgo
// built it for. discordgo's endpoints are package variables computed at
// init, so rewriting requests is how DISCORD_API_URL works without
// touching globals.
type apiTransport struct {
	base *url.URL // nil: requests go where they were addressed
	next http.RoundTripper
}

func newAPITransport(apiURL string) (*apiTransport, error) {
	next := http.DefaultTransport.(*http.Transport).Clone()
	// Many interactions answer at once; keep their connections for reuse.
	next.MaxIdleConnsPerHost = 256
	next.IdleConnTimeout = 90 * time.Second
	t := &apiTransport{next: next}
	if apiURL == "" {
		return t, nil
	}
	u, err := url.Parse(apiURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("bot: DISCORD_API_URL must be an http(s) base URL, got %q", apiURL)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	t.base = u
	return t, nil
}

func (t *apiTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if t.base == nil {
		return t.next.RoundTrip(r)
	}
	r = r.Clone(r.Context())
	r.URL.Scheme = t.base.Scheme
	r.URL.Host = t.base.Host
	r.URL.Path = t.base.Path + r.URL.Path
	if r.URL.RawPath != "" {
		r.URL.RawPath = t.base.EscapedPath() + r.URL.RawPath
	}
	r.Host = ""
	return t.next.RoundTrip(r)
}
