package mockllm

import (
	"strings"
	"testing"
	"time"
)

func TestParseModes(t *testing.T) {
	good := []struct {
		in   string
		want string
	}{
		{"", ""},
		{"fence", "fence"},
		{" 429 , think ,", "429,think"},
		{"latency=200ms,hang", "latency=200ms,hang"},
		{"LATENCY=1s", "latency=1s"},
		{"invalid-once,no-json-schema,no-json-object,no-usage,error-200,cut-stream,unquoted,length,500,none",
			"invalid-once,no-json-schema,no-json-object,no-usage,error-200,cut-stream,unquoted,length,500,none"},
		{"Wrong-Number, summary-number", "wrong-number,summary-number"},
	}
	for _, tc := range good {
		modes, err := ParseModes(tc.in)
		if err != nil {
			t.Errorf("ParseModes(%q): %v", tc.in, err)
			continue
		}
		var names []string
		for _, m := range modes {
			names = append(names, m.String())
		}
		if got := strings.Join(names, ","); got != tc.want {
			t.Errorf("ParseModes(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if m, _ := ParseModes("latency=1.5s"); len(m) != 1 || m[0].Delay != 1500*time.Millisecond {
		t.Errorf("latency=1.5s parsed as %+v", m)
	}

	bad := []struct{ in, mention string }{
		{"fense", `unknown mode "fense"`},
		{"fence,bogus", `"bogus"`},
		{"latency", "needs a duration"},
		{"latency=200", "bad duration"},
		{"latency=-1s", "negative"},
		{"fence=1", "takes no value"},
	}
	for _, tc := range bad {
		_, err := ParseModes(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.mention) {
			t.Errorf("ParseModes(%q) error %v, want one mentioning %s", tc.in, err, tc.mention)
		}
	}
}

func TestModelModes(t *testing.T) {
	cases := []struct {
		model string
		ok    bool
		text  string
	}{
		{"mock", false, ""},
		{"mock:", false, ""},
		{"gpt-4o", false, ""},
		{"mockingbird:fence", false, ""},
		{"mock:fence", true, "fence"},
		{"mock:429,think", true, "429,think"},
		{"mock:latency=200ms", true, "latency=200ms"},
	}
	for _, tc := range cases {
		modes, ok, err := modelModes(tc.model)
		if err != nil || ok != tc.ok || (ok && newModeSet(modes).text != tc.text) {
			t.Errorf("modelModes(%q) = %v, %v, %v", tc.model, modes, ok, err)
		}
	}
	if _, _, err := modelModes("mock:nope"); err == nil {
		t.Errorf("mock:nope: no error")
	}
}

func TestValidate(t *testing.T) {
	bad := []Options{
		{Latency: -time.Second},
		{Modes: []string{"fence", "nope"}},
		{Rate429: 1.5},
		{Rate500: -0.1},
		{Rate429: 0.7, Rate500: 0.7},
	}
	for _, o := range bad {
		if err := o.Validate(); err == nil {
			t.Errorf("Validate(%+v): no error", o)
		}
	}
	if err := (Options{Modes: []string{"fence,think", "latency=1s"}, Rate429: 0.5, Rate500: 0.5}).Validate(); err != nil {
		t.Errorf("valid options: %v", err)
	}
	defer func() {
		if recover() == nil {
			t.Errorf("New with an unknown mode did not panic")
		}
	}()
	New(Options{Modes: []string{"nope"}})
}
