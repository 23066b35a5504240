package mockllm

import (
	"fmt"
	"strings"
	"time"
)

// Mode names. A mode changes how the server answers a completion request;
// several can be combined ("429,think", "fence,think").
const (
	ModeNone         = "none"           // answer normally; "mock:none" overrides flag modes
	ModeLatency      = "latency"        // "latency=D": wait D before answering, honouring cancellation
	Mode429          = "429"            // 429 with Retry-After: 1
	Mode500          = "500"            // 500 with an OpenAI error body
	ModeHang         = "hang"           // never answer until the client goes away
	ModeFence        = "fence"          // JSON inside ```json fences
	ModeThink        = "think"          // a <think>…</think> preamble before the JSON
	ModeInvalid      = "invalid"        // broken JSON every time
	ModeInvalidOnce  = "invalid-once"   // broken JSON unless the conversation has an assistant message
	ModeLength       = "length"         // truncated content, finish_reason "length"
	ModeUnquoted     = "unquoted"       // one extra key fact whose quote is not in the article
	ModeNoJSONSchema = "no-json-schema" // 400 when response_format is json_schema
	ModeNoJSONObject = "no-json-object" // 400 when response_format is json_object
	ModeNoUsage      = "no-usage"       // omit usage
	ModeError200     = "error-200"      // status 200 with an error object and no choices
	ModeCutStream    = "cut-stream"     // the SSE stream stops before finish_reason and [DONE]
	ModeWrongNumber  = "wrong-number"   // one extra key fact with a real quote whose number the fact changes
	ModeSummaryNum   = "summary-number" // a number in the summary changed to one the article does not contain
	ModeWrongSource  = "wrong-source"   // one extra story fact quoting one source under another source's id
)

// ModeNames lists every mode name, in the order GET /v1/models shows them.
// "latency" takes a duration: "latency=200ms".
var ModeNames = []string{
	ModeNone, ModeLatency, Mode429, Mode500, ModeHang, ModeFence, ModeThink,
	ModeInvalid, ModeInvalidOnce, ModeLength, ModeUnquoted, ModeNoJSONSchema,
	ModeNoJSONObject, ModeNoUsage, ModeError200, ModeCutStream, ModeWrongNumber, ModeSummaryNum,
	ModeWrongSource,
}

// Mode is one parsed fault mode.
type Mode struct {
	Name  string        // one of ModeNames
	Delay time.Duration // only for ModeLatency
}

// String gives the mode back in the syntax ParseModes reads.
func (m Mode) String() string {
	if m.Name == ModeLatency {
		return ModeLatency + "=" + m.Delay.String()
	}
	return m.Name
}

// ParseModes reads a comma-separated list of modes such as "429,think" or
// "fence,latency=200ms". Spaces around names and empty items are ignored; an
// empty string gives no modes. Unknown names and bad durations are errors
// that name the offending item and the valid names.
func ParseModes(s string) ([]Mode, error) {
	var modes []Mode
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		name, arg, hasArg := strings.Cut(item, "=")
		name = strings.ToLower(strings.TrimSpace(name))
		arg = strings.TrimSpace(arg)
		if name == ModeLatency {
			if !hasArg {
				return nil, fmt.Errorf("mockllm: mode %q needs a duration, as in latency=200ms", item)
			}
			d, err := time.ParseDuration(arg)
			if err != nil {
				return nil, fmt.Errorf("mockllm: mode %q: bad duration %q (use a unit, as in 200ms or 2s)", item, arg)
			}
			if d < 0 {
				return nil, fmt.Errorf("mockllm: mode %q: duration must not be negative", item)
			}
			modes = append(modes, Mode{Name: ModeLatency, Delay: d})
			continue
		}
		if !knownMode(name) {
			return nil, fmt.Errorf("mockllm: unknown mode %q (valid: %s)", item, strings.Join(ModeNames, ", "))
		}
		if hasArg {
			return nil, fmt.Errorf("mockllm: mode %q takes no value", name)
		}
		modes = append(modes, Mode{Name: name})
	}
	return modes, nil
}

func knownMode(name string) bool {
	for _, n := range ModeNames {
		if n == name && n != ModeLatency {
			return true
		}
	}
	return false
}

// modeSet is the effective set of modes for one request.
type modeSet struct {
	names   map[string]bool
	latency time.Duration
	hasLat  bool
	text    string // for logs
}

func newModeSet(modes []Mode) modeSet {
	ms := modeSet{names: make(map[string]bool, len(modes))}
	parts := make([]string, 0, len(modes))
	for _, m := range modes {
		ms.names[m.Name] = true
		if m.Name == ModeLatency {
			ms.latency, ms.hasLat = m.Delay, true
		}
		parts = append(parts, m.String())
	}
	ms.text = strings.Join(parts, ",")
	if ms.text == "" {
		ms.text = ModeNone
	}
	return ms
}

func (ms modeSet) has(name string) bool { return ms.names[name] }

// modelModes extracts the modes from a model name of the form "mock:<modes>".
// ok is false when the model name carries no modes (any other name, "mock",
// "mock:"), in which case the server's own modes apply.
func modelModes(model string) (modes []Mode, ok bool, err error) {
	rest, found := strings.CutPrefix(model, "mock:")
	if !found || strings.TrimSpace(rest) == "" {
		return nil, false, nil
	}
	modes, err = ParseModes(rest)
	if err != nil {
		return nil, false, err
	}
	return modes, true, nil
}
