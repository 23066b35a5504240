package discord

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// maxDiscordConns bounds the connections to Discord's REST API (or to
// DISCORD_API_URL), and every one of them is kept for reuse. Without a bound,
// a burst of interactions dials one connection per callback, and without
// keeping them all the next burst dials again: a burst of 500 opened about
// 460 connections, and dialing and accepting them took a third of the CPU
// the burst needed. Over HTTP/2 (discord.com) a few connections carry every
// request; over HTTP/1.1 (a REST proxy, the fake in tests) requests beyond
// the bound wait for a free connection, which on a nearby proxy is shorter
// than a dial.
const maxDiscordConns = 64

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
	next.MaxConnsPerHost = maxDiscordConns
	next.MaxIdleConnsPerHost = maxDiscordConns
	// MaxIdleConns is 100 in DefaultTransport, a cap over all hosts that
	// would close idle connections the per-host limit allows.
	next.MaxIdleConns = 2 * maxDiscordConns
	next.IdleConnTimeout = 90 * time.Second
	t := &apiTransport{next: next}
	if apiURL == "" {
		return t, nil
	}
	u, err := url.Parse(apiURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("discord: DISCORD_API_URL must be an http(s) base URL, got %q", apiURL)
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
	resp, err := t.next.RoundTrip(r)
	if err != nil {
		// Name the URL the request really went to: http.Client reports the
		// one discordgo built (discord.com), which would mislead whoever
		// set DISCORD_API_URL.
		return nil, fmt.Errorf("%s %s (DISCORD_API_URL): %w", r.Method, r.URL.Redacted(), err)
	}
	return resp, nil
}

// realError drops http.Client's *url.Error, which names the discord.com
// URL discordgo built, when the transport sent the request elsewhere and
// said so in the error it wraps.
func realError(err error, apiURL string) error {
	var ue *url.Error
	if apiURL != "" && errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
