package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// geobriefCommand is `geobrief <subcommand>` run as a process of its own
// in dir, with an environment of PATH, HOME and DATA_DIR (both in dir)
// and then env: nothing of the developer's environment, or of a .env in
// the source tree, reaches it, so every process test sees only the
// settings it names. A later entry of env wins over an earlier one.
func geobriefCommand(bin, subcommand, dir string, env ...string) *exec.Cmd {
	cmd := exec.Command(bin, subcommand)
	cmd.Dir = dir // no .env from the source tree
	cmd.Env = append([]string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + dir,
		"DATA_DIR=" + filepath.Join(dir, "data"),
	}, env...)
	return cmd
}

// terminate stops cmd as a deploy or Ctrl-C does (SIGTERM) and waits, for
// as long as ctx allows, for its exit on exited, which must be 0: the
// shutdown path drains and closes everything before it returns.
func terminate(ctx context.Context, cmd *exec.Cmd, exited <-chan error) error {
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return err
	}
	select {
	case err := <-exited:
		if err != nil {
			return fmt.Errorf("exited with %v after SIGTERM, want 0", err)
		}
		return nil
	case <-ctx.Done():
		return errors.New("still running after SIGTERM")
	}
}

// startProcess starts cmd with its output collected in logs and returns
// the channel its exit arrives on. When the test ends, a process still
// running is killed, and a failed test logs what the process printed.
func startProcess(t *testing.T, cmd *exec.Cmd, logs *watchedLog) <-chan error {
	t.Helper()
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1) // buffered: the test may never read it
	done := make(chan struct{})
	go func() {
		exited <- cmd.Wait()
		close(done)
	}()
	t.Cleanup(func() {
		select {
		case <-done:
		default:
			_ = cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("geobrief output:\n%s", logs.String())
		}
	})
	return exited
}

// watchedLog collects the process's output and tells when a line appears.
type watchedLog struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{}
}

func newWatchedLog() *watchedLog { return &watchedLog{changed: make(chan struct{})} }

func (l *watchedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	close(l.changed)
	l.changed = make(chan struct{})
	return l.buf.Write(p)
}

func (l *watchedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// wait returns once the output contains s, or ctx's error.
func (l *watchedLog) wait(ctx context.Context, s string) error {
	for {
		l.mu.Lock()
		has, changed := strings.Contains(l.buf.String(), s), l.changed
		l.mu.Unlock()
		if has {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
