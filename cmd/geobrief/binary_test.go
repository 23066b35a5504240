package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// binDir holds the geobrief binary built for this test binary's run; made
// by TestMain and removed after every test.
var binDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "geobrief-test-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, "cannot make a folder for the test binary:", err)
		os.Exit(1)
	}
	binDir = dir
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// built is the one build of the geobrief binary shared by the tests that
// start processes: several processes of a test, and several tests, use
// the same file instead of each paying for a link.
var built struct {
	once sync.Once
	path string
	skip string // why there is no binary, when the go tool is missing
	err  error
}

// geobriefBinary returns the path of the geobrief binary, building it on
// first use. A test skips when there is no go tool to build it with.
func geobriefBinary(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		goTool, err := exec.LookPath("go")
		if err != nil {
			built.skip = "the go tool is not on PATH: cannot build the geobrief binary for the end-to-end test"
			return
		}
		path := filepath.Join(binDir, "geobrief")
		if out, err := exec.Command(goTool, "build", "-o", path, ".").CombinedOutput(); err != nil {
			built.err = fmt.Errorf("go build: %v\n%s", err, out)
			return
		}
		built.path = path
	})
	switch {
	case built.skip != "":
		t.Skip(built.skip)
	case built.err != nil:
		t.Fatal(built.err)
	}
	return built.path
}
