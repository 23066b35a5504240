package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// startLimited serves h with lim on a loopback port and returns its
// address; the server is closed when the test ends.
func startLimited(t *testing.T, h http.Handler, lim httpLimits) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := newHTTPServer(h, lim, slog.New(slog.DiscardHandler))
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String()
}

// closedByServer reports whether the server ends conn (EOF or a reset)
// before the failure bound, reading and dropping whatever it sends first.
func closedByServer(t *testing.T, conn net.Conn) bool {
	t.Helper()
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, err := io.Copy(io.Discard, conn)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return false // our bound, not the server's
	}
	return true
}

// A client that sends its headers too slowly, or a body too slowly, is cut
// off by the server's read limits, not held on to (slowloris).
func TestServeCutsOffSlowClients(t *testing.T) {
	t.Parallel()
	bodyErr := make(chan error, 1)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, err := io.ReadAll(r.Body)
		bodyErr <- err
	})
	lim := httpLimits{readHeader: 200 * time.Millisecond, read: 400 * time.Millisecond, write: time.Second, idle: time.Second, maxHeaderBytes: 4 << 10}
	addr := startLimited(t, h, lim)

	headers, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer headers.Close()
	fmt.Fprint(headers, "POST /interactions HTTP/1.1\r\nHost: geobrief\r\nX-Signature-Ed25519: ") // and nothing more
	if !closedByServer(t, headers) {
		t.Error("a client that never finishes its headers is kept")
	}

	body, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer body.Close()
	fmt.Fprint(body, "POST /interactions HTTP/1.1\r\nHost: geobrief\r\nContent-Length: 1000\r\n\r\n{\"type\":") // 8 of 1000 bytes
	select {
	case err := <-bodyErr:
		if err == nil {
			t.Error("a body sent too slowly was read as complete")
		}
	case <-time.After(10 * time.Second): // a failure bound only
		t.Error("a client that never finishes its body is kept")
	}
}

// Headers past the limit are refused with 431 before any handler runs.
func TestServeRefusesOversizedHeaders(t *testing.T) {
	t.Parallel()
	ran := make(chan struct{}, 1)
	h := http.HandlerFunc(func(http.ResponseWriter, *http.Request) { ran <- struct{}{} })
	addr := startLimited(t, h, serveLimits)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	big := strings.Repeat("a", 2*serveLimits.maxHeaderBytes)
	fmt.Fprintf(conn, "POST /interactions HTTP/1.1\r\nHost: geobrief\r\nX-Padding: %s\r\nContent-Length: 0\r\n\r\n", big)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("status %d, want 431", resp.StatusCode)
	}
	select {
	case <-ran:
		t.Error("the handler ran for a request with oversized headers")
	default:
	}
}

// The production limits leave room for what serve must do: the write
// timeout outlasts the wait for a first answer (3 s), and a signed
// interaction's headers fit.
func TestServeLimitsFitDiscord(t *testing.T) {
	t.Parallel()
	if serveLimits.write <= 3*time.Second+time.Second {
		t.Errorf("write timeout %s does not outlast the 3 s wait for the first answer", serveLimits.write)
	}
	if serveLimits.readHeader <= 0 || serveLimits.read <= 0 || serveLimits.idle <= 0 {
		t.Errorf("a read or idle limit is off: %+v", serveLimits)
	}
	if serveLimits.maxHeaderBytes < 4<<10 {
		t.Errorf("headers limited to %d bytes: a load balancer's added headers may not fit", serveLimits.maxHeaderBytes)
	}
}
