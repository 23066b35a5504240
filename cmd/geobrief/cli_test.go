package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/geobrief/geobrief/config"
	"github.com/geobrief/geobrief/mockllm"
)

// Mistakes on the command line are usage errors (exit 2) that name the
// mistake and show the usage, before any work is done.
func TestCommandLineMistakes(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("sanctions on Russian oil ", 20)
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"flag of another command", []string{"usage", "--json"}, "flag provided but not defined: -json"},
		{"check takes no words", []string{"check", "extra"}, `check: unexpected "extra"`},
		{"bot takes no words", []string{"bot", "now"}, `bot: unexpected "now"`},
		{"digest takes no words", []string{"digest", "yesterday"}, `digest: unexpected "yesterday"`},
		{"doc and a query", []string{"summarize", "--doc", "ID", "navy"}, "give --doc ID or a QUERY, not both"},
		{"doc without a value", []string{"summarize", "--doc"}, "flag needs a value: -doc"},
		{"doc followed by a flag", []string{"summarize", "--doc", "--json"}, "flag needs a value: -doc"},
		{"limit without a value", []string{"search", "navy", "--limit"}, "flag needs a value: -limit"},
		{"limit out of range", []string{"search", "--limit", "0", "navy"}, "--limit must be between 1 and 100"},
		{"unknown flag", []string{"search", "--fast", "navy"}, "flag provided but not defined: -fast"},
		{"bad since", []string{"digest", "--since", "last week"}, "not a duration"},
		{"long unknown command", []string{long}, "unknown command"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			out, errOut, code := runCLI(t, map[string]string{}, c.args...)
			if code != 2 || !strings.Contains(errOut, c.want) {
				t.Fatalf("exit %d, stderr %q; want exit 2 with %q", code, errOut, c.want)
			}
			if out != "" || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
				t.Fatalf("want one line on stderr and nothing on stdout; got %q and %q", out, errOut)
			}
			if len(errOut) > 300 {
				t.Fatalf("the error echoes too much (%d bytes): %q", len(errOut), errOut)
			}
		})
	}
}

// A query that matches nothing is quoted back, but not a whole pasted
// paragraph of it.
func TestLongQueryNotEchoedInFull(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("zzqx ", 200)
	_, errOut, code := runCLI(t, map[string]string{}, "summarize", long)
	if code != 1 || !strings.Contains(errOut, `no document matches "zzqx zzqx`) || !strings.Contains(errOut, "…") || len(errOut) > 200 {
		t.Fatalf("exit %d: %q", code, errOut)
	}
}

// geobrief COMMAND --help prints that command's usage and flags, exit 0,
// whatever the settings say.
func TestSubcommandHelp(t *testing.T) {
	t.Parallel()
	out, errOut, code := runCLI(t, map[string]string{"LLM_TIMEOUT": "soon"}, "summarize", "--help")
	if code != 0 || !strings.Contains(out, "Usage: geobrief summarize") || !strings.Contains(out, "-length") || errOut != "" {
		t.Fatalf("exit %d: %q\n%s", code, errOut, out)
	}
}

// Settings are all checked at start: each problem is one line naming its
// variable, all of them at once, exit 2, and check lists them too.
func TestSettingsCheckedAtStart(t *testing.T) {
	t.Parallel()
	env := func() map[string]string {
		return map[string]string{"DIGEST_TIMES": "25:99", "DIGEST_CHANNEL_ID": "xyz", "DISCORD_GUILD_ID": "abc", "METRICS_ADDR": "nowhere"}
	}
	_, errOut, code := runCLI(t, env(), "search", "navy")
	lines := strings.Split(strings.TrimSpace(errOut), "\n")
	if code != 2 || len(lines) != 4 {
		t.Fatalf("exit %d, want 2 with one line per setting:\n%s", code, errOut)
	}
	for i, key := range []string{"METRICS_ADDR", "DISCORD_GUILD_ID", "DIGEST_CHANNEL_ID", "DIGEST_TIMES"} {
		if !strings.HasPrefix(lines[i], "geobrief: invalid setting "+key+"=") {
			t.Errorf("line %d = %q, want it about %s", i, lines[i], key)
		}
	}
	if !strings.Contains(errOut, `"25:99" is not a time of day`) {
		t.Errorf("DIGEST_TIMES problem not explained:\n%s", errOut)
	}

	out, errOut, code := runCLI(t, env(), "check")
	if code != 2 || strings.Count(out, "\n  ") != 4 || !strings.Contains(errOut, "4 settings are invalid") {
		t.Fatalf("check: exit %d, %q\n%s", code, errOut, out)
	}
}

// Missing SEEDS_DIR, a bad .env and a bad METRICS_ADDR are settings
// mistakes: exit 2, as the README says.
func TestSettingMistakesExit2(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	_, errOut, code := runCLI(t, map[string]string{"SEEDS_DIR": filepath.Join(dir, "nope")}, "search", "navy")
	if code != 2 || !strings.Contains(errOut, "SEEDS_DIR") || !strings.Contains(errOut, "no such folder") {
		t.Fatalf("missing SEEDS_DIR: exit %d, %q", code, errOut)
	}
	_, errOut, code = runCLI(t, map[string]string{"METRICS_ADDR": "9090"}, "bot")
	if code != 2 || !strings.Contains(errOut, "METRICS_ADDR") {
		t.Fatalf("bad METRICS_ADDR: exit %d, %q", code, errOut)
	}

	dotenv := filepath.Join(dir, ".env")
	if err := os.WriteFile(dotenv, []byte("LLM_MODEL='unterminated\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, stderr bytes.Buffer
	c := &cli{stdout: &out, stderr: &stderr, lookup: config.MapLookup(map[string]string{"DATA_DIR": t.TempDir()}), dotenv: dotenv}
	if code := exit(c.run(context.Background(), []string{"search", "navy"}), false, &stderr); code != 2 || !strings.Contains(stderr.String(), dotenv) {
		t.Fatalf("bad .env: exit %d, %q", code, stderr.String())
	}
	// A good .env is read, behind the real environment.
	if err := os.WriteFile(dotenv, []byte("LLM_TIMEOUT=soon\nDATA_DIR=/nonexistent/never\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	stderr.Reset()
	if code := exit(c.run(context.Background(), []string{"search", "navy"}), false, &stderr); code != 2 || !strings.Contains(stderr.String(), "LLM_TIMEOUT") {
		t.Fatalf(".env not read: exit %d, %q", code, stderr.String())
	}
}

// The command line prints no log lines before its answer; a skipped file
// is warned about once; a field that cannot be used is left out, the file
// kept; and --doc of a skipped file says why it was skipped.
func TestCommandLineIsQuietAndExplainsSkippedFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The README's front matter example, comment included.
	write("oman.md", "---\ntitle: Envoy heads to Oman for talks with Iran\nsource: Reuters\npublished: 2025-04-12          # or RFC 3339\ntags: [iran, diplomacy]\n---\nThe envoy flew to Muscat on Saturday for talks with Iranian officials about the nuclear programme. Both sides called the talks constructive.")
	write("navy/meeting.md", "---\npublished: someday\n---\nNavy meeting in St Petersburg\nThe president chaired a meeting on shipbuilding and the navy's future.")
	write("navy/broken.md", "---\ntitle: never closed\nThe text.")

	env := map[string]string{"SEEDS_DIR": dir}
	out, errOut, code := runCLI(t, env, "search", "--json", "oman")
	if code != 0 || !strings.Contains(out, `"id": "oman"`) || !strings.Contains(out, `"published": "2025-04-12T00:00:00Z"`) {
		t.Fatalf("the README example: exit %d, %q\n%s", code, errOut, out)
	}
	lines := strings.Split(strings.TrimSpace(errOut), "\n")
	if len(lines) != 2 || strings.Count(errOut, "navy/broken.md") != 1 || strings.Count(errOut, "navy/meeting.md") != 1 {
		t.Fatalf("want one warning per problem file and nothing else:\n%s", errOut)
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "geobrief: warning: ") {
			t.Errorf("not a warning line: %q", l)
		}
	}

	env["DATA_DIR"] = t.TempDir()
	runCLI(t, env, "search", "oman")
	out, errOut, code = runCLI(t, env, "summarize", "shipbuilding navy")
	if errOut != "" {
		t.Fatalf("warned again about the same files:\n%s", errOut)
	}
	if code != 0 || !strings.Contains(out, "[navy/meeting]") {
		t.Fatalf("the document with a bad date, in a subfolder: exit %d\n%s", code, out)
	}

	_, errOut, code = runCLI(t, env, "summarize", "--doc", "navy/broken")
	if code != 1 || !strings.Contains(errOut, `the document "navy/broken" was skipped`) || !strings.Contains(errOut, "no closing ---") {
		t.Fatalf("--doc of a skipped file: exit %d, %q", code, errOut)
	}
}

// The empty-corpus message says what was looked for, and where.
func TestEmptyCorpusSaysWhatWasLookedFor(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, args := range [][]string{{"summarize", "navy"}, {"search", "navy"}, {"summarize", "--doc", "x"}} {
		_, errOut, code := runCLI(t, map[string]string{"SEEDS_DIR": dir}, args...)
		if code != 1 || !strings.Contains(errOut, "corpus is empty: no .txt or .md files in SEEDS_DIR=\""+dir+"\" (subfolders included)") {
			t.Fatalf("%v: exit %d, %q", args, code, errOut)
		}
	}
	_, errOut, code := runCLI(t, map[string]string{"SEEDS_DIR": dir}, "check")
	if code != 1 || !strings.Contains(errOut, "corpus is empty") {
		t.Fatalf("check: exit %d, %q", code, errOut)
	}
}

// The terminal digest is plain text, says how many of the new stories it
// shows, and its top line does not repeat the items below it.
func TestDigestForATerminal(t *testing.T) {
	t.Parallel()
	out, errOut, code := runCLI(t, map[string]string{"DIGEST_MAX_ITEMS": "2"}, "digest", "--since", "2025-01-01")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "2 of 3 new stories shown") {
		t.Errorf("no count of the stories shown:\n%s", out)
	}
	if strings.Contains(out, "**") || strings.Contains(out, "\\") || strings.Contains(out, "_(") {
		t.Errorf("Discord markdown in the terminal:\n%s", out)
	}
	// Every item's sentence appears once: the offline top line, made of the
	// first items' sentences, is not printed above them.
	blocks := strings.Split(out, "\n\n")
	for _, b := range blocks[1:] {
		lines := strings.Split(b, "\n")
		if len(lines) < 2 {
			t.Fatalf("item without its sentence: %q", b)
		}
		first := strings.TrimSpace(lines[1])
		if n := strings.Count(strings.Join(strings.Fields(out), " "), first); n != 1 {
			t.Errorf("%q shown %d times:\n%s", first, n, out)
		}
	}
}

// When a summary takes a while, the command line says once that it is
// waiting for the LLM; a quick one says nothing.
func TestSaysItIsWaitingForTheLLM(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	mock := mockllm.New(mockllm.Options{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/chat/completions") {
			<-release
		}
		mock.ServeHTTP(w, r)
	}))
	defer srv.Close()
	env := map[string]string{"OPENAI_BASE_URL": srv.URL + "/v1", "LLM_MODEL": "mock", "DATA_DIR": t.TempDir()}

	stderr := &notifyingWriter{written: make(chan struct{}, 1)}
	var out bytes.Buffer
	c := &cli{stdout: &out, stderr: stderr, lookup: config.MapLookup(env), dotenv: filepath.Join(t.TempDir(), "none"), waitNotice: 1}
	done := make(chan error, 1)
	go func() { done <- c.run(context.Background(), []string{"summarize", "navy meeting"}) }()
	<-stderr.written // the LLM is held until the notice is out
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := stderr.String(); strings.Count(got, "waiting for the LLM") != 1 || !strings.Contains(got, srv.URL) {
		t.Fatalf("stderr = %q", got)
	}
	if !strings.Contains(out.String(), "Made by: model mock") {
		t.Fatalf("no Brief:\n%s", out.String())
	}

	// Again: from the cache, long before the notice would be due.
	quiet := &notifyingWriter{written: make(chan struct{}, 1)}
	out.Reset()
	c = &cli{stdout: &out, stderr: quiet, lookup: config.MapLookup(env), dotenv: filepath.Join(t.TempDir(), "none"), waitNotice: waitNotice * 1000}
	if err := c.run(context.Background(), []string{"summarize", "navy meeting"}); err != nil {
		t.Fatal(err)
	}
	if quiet.String() != "" || !strings.Contains(out.String(), "from cache") {
		t.Fatalf("stderr = %q\n%s", quiet.String(), out.String())
	}
}

// Ctrl-C ends the program quietly with 130, as shells expect.
func TestInterruptExits130Quietly(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, stderr bytes.Buffer
	c := &cli{stdout: &out, stderr: &stderr, lookup: config.MapLookup(map[string]string{"DATA_DIR": t.TempDir()}), dotenv: filepath.Join(t.TempDir(), "none")}
	err := c.run(ctx, []string{"search", "navy"})
	if code := exit(err, ctx.Err() != nil, &stderr); code != 130 || stderr.Len() != 0 {
		t.Fatalf("exit %d, stderr %q (err %v)", code, stderr.String(), err)
	}
}

// notifyingWriter signals its first write.
type notifyingWriter struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	written chan struct{}
}

func (w *notifyingWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	select {
	case w.written <- struct{}{}:
	default:
	}
	return w.buf.Write(p)
}

func (w *notifyingWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}
