package feeds

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// trackingParams are query parameters that say how a reader arrived, not what they
// read; the same article carries different ones in different feeds.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "gclsrc": true, "dclid": true, "msclkid": true,
	"yclid": true, "igshid": true, "mc_cid": true, "mc_eid": true, "_ga": true, "_gl": true,
	"ocid": true, "cmpid": true, "smid": true, "smtyp": true, "ito": true, "at_medium": true,
	"at_campaign": true, "at_custom1": true, "at_custom2": true, "at_custom3": true,
	"at_custom4": true, "at_format": true, "at_link_id": true, "at_link_origin": true,
	"at_link_type": true, "at_ptr_name": true, "at_bbc_team": true, "ns_mchannel": true,
	"ns_source": true, "ns_campaign": true, "ns_linkname": true, "ns_fee": true,
	"rss": true, "feedtype": true, "taid": true, "s_cid": true, "wt.mc_id": true,
	"spm": true, "ref_src": true, "__twitter_impression": true, "guccounter": true,
	"guce_referrer": true, "guce_referrer_sig": true, "mkt_tok": true, "vero_id": true,
	"oly_anon_id": true, "oly_enc_id": true, "_hsenc": true, "_hsmi": true, "hsctatracking": true,
}

func isTracking(name string) bool {
	n := strings.ToLower(name)
	return strings.HasPrefix(n, "utm_") || strings.HasPrefix(n, "pk_") || trackingParams[n]
}

// CanonicalLink normalises an article URL so that the same article reached through
// different feeds gets the same link: scheme and host lower-cased, default port and
// fragment dropped, tracking parameters (utm_*, fbclid, gclid, ...) dropped, remaining
// query parameters sorted, an empty path written "/". Only http and https are accepted.
func CanonicalLink(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", fmt.Errorf("feeds: link %q: %w", raw, err)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("feeds: link %q: not an http or https URL", raw)
	}
	if u.Host == "" || u.Opaque != "" {
		return "", fmt.Errorf("feeds: link %q: no host", raw)
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if host == "" {
		return "", fmt.Errorf("feeds: link %q: no host", raw)
	}
	port := u.Port()
	if (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	u.Host = host
	u.User = nil // credentials are never part of an article's identity
	u.Fragment, u.RawFragment = "", ""
	if u.Path == "" {
		u.Path, u.RawPath = "/", ""
	}
	if u.RawQuery != "" {
		q, err := url.ParseQuery(u.RawQuery)
		if err != nil {
			// A query that does not parse is kept as it is: dropping it could merge
			// different articles.
			q = nil
		}
		if q != nil {
			for name := range q {
				if isTracking(name) {
					delete(q, name)
				}
			}
			keys := make([]string, 0, len(q))
			for k := range q {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			var b strings.Builder
			for _, k := range keys {
				vals := q[k]
				sort.Strings(vals)
				for _, v := range vals {
					if b.Len() > 0 {
						b.WriteByte('&')
					}
					b.WriteString(url.QueryEscape(k))
					b.WriteByte('=')
					b.WriteString(url.QueryEscape(v))
				}
			}
			u.RawQuery = b.String()
		}
	}
	u.ForceQuery = false
	return u.String(), nil
}

// ItemKey identifies an item across polls and feeds: its GUID (canonicalised when it is
// a URL, as it usually is), else its canonical link. "" when it has neither.
func ItemKey(it Item) string {
	if g := strings.TrimSpace(it.GUID); g != "" {
		lower := strings.ToLower(g)
		if c, err := CanonicalLink(g); err == nil && (strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://")) {
			return c
		}
		return "guid:" + g
	}
	if c, err := CanonicalLink(it.Link); err == nil {
		return c
	}
	return ""
}

// MaxIDLen is the longest document ID: IDs are Discord option values (at most 100).
const MaxIDLen = 100

const idHashLen = 8

// DocumentID is a stable, readable ID for an article: a slug of its title (lower case,
// accents dropped, letters and digits of any script, words joined by "-") and a short
// hash of its canonical link, at most MaxIDLen bytes, e.g.
// "harbour-talks-resume-in-valletta-3f2a9c1b". The hash keeps two articles with the same
// title apart; the slug makes the ID readable in logs and autocomplete.
func DocumentID(title, canonicalLink string) string {
	sum := sha256.Sum256([]byte(canonicalLink))
	hash := hex.EncodeToString(sum[:])[:idHashLen]
	slug := slugify(title, MaxIDLen-idHashLen-1)
	if slug == "" {
		return "article-" + hash
	}
	return slug + "-" + hash
}

func slugify(s string, max int) string {
	// NFD splits "é" into "e" and a combining accent, which is then dropped.
	s = norm.NFD.String(strings.ToLower(s))
	var words []string
	var cur strings.Builder
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			cur.WriteRune(r)
		default:
			if cur.Len() > 0 {
				words = append(words, cur.String())
				cur.Reset()
			}
		}
	}
	if cur.Len() > 0 {
		words = append(words, cur.String())
	}
	var b strings.Builder
	for _, w := range words {
		w = norm.NFC.String(w)
		extra := len(w)
		if b.Len() > 0 {
			extra++
		}
		if b.Len()+extra > max {
			if b.Len() == 0 { // one very long word: cut it on a rune boundary
				for len(w) > max {
					_, size := utf8.DecodeLastRuneInString(w)
					w = w[:len(w)-size]
				}
				b.WriteString(w)
			}
			break
		}
		if b.Len() > 0 {
			b.WriteByte('-')
		}
		b.WriteString(w)
	}
	return b.String()
}
