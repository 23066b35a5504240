package webfetch

import (
	"net/netip"
	"testing"
)

func TestInternalReason(t *testing.T) {
	t.Parallel()
	internal := []string{
		"127.0.0.1", "127.255.0.9", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
		"169.254.169.254", "100.64.0.1", "100.127.255.254", "0.0.0.0", "0.1.2.3", "224.0.0.1",
		"255.255.255.255", "240.0.0.1", "192.0.2.10", "198.18.0.1",
		"::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1", "fec0::1",
		"::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254",
		"64:ff9b::a9fe:a9fe", // NAT64 of 169.254.169.254
		"2002:7f00:1::",      // 6to4 of 127.0.0.1
		"2001:db8::1",
	}
	for _, s := range internal {
		if why := internalReason(netip.MustParseAddr(s)); why == "" {
			t.Errorf("%s: allowed, want refused", s)
		}
	}
	public := []string{
		"93.184.216.34", "8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "192.169.0.1",
		"2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::",
	}
	for _, s := range public {
		if why := internalReason(netip.MustParseAddr(s)); why != "" {
			t.Errorf("%s: refused (%s), want allowed", s, why)
		}
	}
}

func TestRetryAfterAndMaxAge(t *testing.T) {
	t.Parallel()
	now := netipTime()
	cases := []struct {
		in   string
		want string
	}{
		{"120", "2m0s"},
		{"0", "0s"},
		{"-5", "0s"},
		{"soon", "0s"},
		{"", "0s"},
		{now.Add(90e9).UTC().Format("Mon, 02 Jan 2006 15:04:05 GMT"), "1m30s"},
		{now.Add(-90e9).UTC().Format("Mon, 02 Jan 2006 15:04:05 GMT"), "0s"},
	}
	for _, c := range cases {
		if got := retryAfter(c.in, now).String(); got != c.want {
			t.Errorf("retryAfter(%q) = %s, want %s", c.in, got, c.want)
		}
	}
	ma := map[string]string{
		"max-age=300":                         "5m0s",
		"public, max-age=60, must-revalidate": "1m0s",
		`max-age="30"`:                        "30s",
		"no-cache":                            "0s",
		"max-age=abc":                         "0s",
		"":                                    "0s",
	}
	for in, want := range ma {
		if got := maxAge(in).String(); got != want {
			t.Errorf("maxAge(%q) = %s, want %s", in, got, want)
		}
	}
}
