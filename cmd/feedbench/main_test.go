package main

import (
	"bytes"
	"net"
	"strings"
	"testing"
)

// TestRunSmall runs the benchmark on 2 feeds x 3 items without latency or spacing and
// checks what it reports, not how fast.
func TestRunSmall(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.3:0")
	if err != nil {
		t.Skipf("this system cannot listen on 127.0.0.3: %v", err)
	}
	ln.Close()
	var out bytes.Buffer
	if err := run([]string{"-feeds", "2", "-items", "3", "-latency", "0s", "-host-delay", "0s"}, &out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"feeds 2 new 6 updated 0 skipped 0 errors 0  requests 10 (pages 6, robots.txt 2, conditional 0, answered 304 0)",
		"feeds 2 new 0 updated 0 skipped 0 errors 0  requests 2 (pages 0, robots.txt 0, conditional 2, answered 304 2)",
		"documents stored: 6",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}
