package main

import (
	"encoding/json"
	"testing"
)

func TestParseCommand(t *testing.T) {
	cases := map[string]string{
		"summarize article:talks in Oman length:short": `summarize [{"name":"article","type":3,"value":"talks in Oman"},{"name":"length","type":3,"value":"short"}]`,
		"help":                 `help []`,
		"digest-schedule show": `digest-schedule [{"name":"show","options":[],"type":1}]`,
		"digest-schedule set channel:9 times:08:00,18:00 timezone:Asia/Tokyo": `digest-schedule [{"name":"set","options":[{"name":"channel","type":7,"value":"9"},{"name":"times","type":3,"value":"08:00,18:00"},{"name":"timezone","type":3,"value":"Asia/Tokyo"}],"type":1}]`,
	}
	for in, want := range cases {
		name, opts, err := parseCommand(in)
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		js, _ := json.Marshal(opts)
		if got := name + " " + string(js); got != want {
			t.Errorf("%q:\n got %s\nwant %s", in, got, want)
		}
	}
	if _, _, err := parseCommand("digest-schedule set oops nope"); err == nil {
		t.Error("a stray word after a subcommand was accepted")
	}
}

func TestRenderShowsEmbedsAndButtons(t *testing.T) {
	got := render(json.RawMessage(`{"content":"Hi","flags":64,"embeds":[{"title":"T","description":"D","fields":[{"name":"F","value":"V"}],"footer":{"text":"foot"}}],
		"components":[{"components":[{"label":"Summarize","custom_id":"sum:x"}]}]}`))
	want := "(only you can see this)\nHi\n┃ T\n┃ D\n┃\n┃ F\n┃ V\n┃\n┃ foot\n[Summarize]  (type !sum:x)"
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}
