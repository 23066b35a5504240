package prompts

import (
	"strings"
	"testing"
)

// Every template must render with the data the summarizer gives it; a
// misspelt field would otherwise only fail in front of a user.
func TestEveryPromptRenders(t *testing.T) {
	s, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	data := map[string]any{
		"Title": "T", "Article": "A", "Part": 2, "Parts": 3,
		"SummarySentences": 3, "Facts": 5, "PartialBriefs": "[]", "Items": "[]",
		"Problem": "unexpected end of JSON input", "Shorter": true,
		"Sources": []map[string]string{{"ID": "S1", "Outlet": "O", "Title": "T", "Text": "A"}},
	}
	want := []string{"brief.system", "brief.user", "combine.system", "combine.user", "repair.user", "story.system", "story.user", "story_combine.system", "story_combine.user", "topline.system", "topline.user"}
	if got := s.Names(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("templates = %v, want %v", got, want)
	}
	for _, name := range s.Names() {
		out, err := s.Render(name, data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if strings.TrimSpace(out) == "" || strings.Contains(out, "<no value>") {
			t.Fatalf("%s rendered badly: %q", name, out)
		}
	}
}

// The mock LLM and the summarizer agree on this contract: the first line of
// a system prompt names the task.
func TestSystemPromptsStartWithTask(t *testing.T) {
	s, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, task := range []string{"brief", "combine", "topline", "story", "story_combine"} {
		out, err := s.Render(task+".system", map[string]any{"SummarySentences": 3, "Facts": 5})
		if err != nil {
			t.Fatal(err)
		}
		if first, _, _ := strings.Cut(out, "\n"); first != "task: "+task {
			t.Errorf("%s.system starts with %q", task, first)
		}
	}
}

func TestMissingFieldFails(t *testing.T) {
	s, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Render("brief.user", map[string]any{"Title": "x"}); err == nil {
		t.Fatal("rendering without Article should fail")
	}
}

func TestVersionIsStable(t *testing.T) {
	a, _ := Load()
	b, _ := Load()
	if a.Version() != b.Version() || len(a.Version()) != 13 {
		t.Fatalf("version %q vs %q", a.Version(), b.Version())
	}
}
