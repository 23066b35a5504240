package mockllm

import (
	"encoding/json"
	"strings"
	"testing"
)

// FuzzAnswer feeds arbitrary system and user text to the prompt parser: it
// must never panic, errors must be prompt errors, and every brief quote must
// be verbatim text of the user message.
func FuzzAnswer(f *testing.F) {
	f.Add("task: brief", "<title>T</title>\n<article>\nOne sentence. Another one.\n</article>")
	f.Add("task: brief", "<article>\n</article>\n<article>\nx\n</article>\n</article>")
	f.Add("task: combine", "<partial_briefs>\n[{\"headline\":\"h\",\"summary\":\"A. B.\",\"key_facts\":[{\"fact\":\"f\",\"quote\":\"q\"}]}]\n</partial_briefs>")
	f.Add("task: topline", "<items>\n[{\"headline\":\"h\",\"summary\":\"\"}]\n</items>")
	f.Add("task: topline", "<items>\r\n[]\r\n</items>")
	f.Add("", "")
	f.Fuzz(func(t *testing.T, system, user string) {
		msgs := []chatMessage{{Role: "system", Content: system}, {Role: "user", Content: user}}
		content, err := answer(msgs, factFaults{})
		if err != nil {
			if _, ok := err.(*promptError); !ok {
				t.Fatalf("error %v is not a *promptError", err)
			}
			return
		}
		if !json.Valid([]byte(content)) {
			t.Fatalf("answer is not JSON: %s", content)
		}
		if task, _, _ := findTask(msgs); task == taskBrief {
			var b briefJSON
			if err := json.Unmarshal([]byte(content), &b); err != nil {
				t.Fatal(err)
			}
			for _, kf := range b.KeyFacts {
				if !strings.Contains(user, kf.Quote) {
					t.Fatalf("quote %q is not in the user message", kf.Quote)
				}
			}
		}
	})
}
