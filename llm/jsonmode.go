package llm

import (
	"strings"
	"sync"
)

// JSON modes for Config.JSONMode.
const (
	JSONModeAuto   = "auto"
	JSONModeSchema = "json_schema"
	JSONModeObject = "json_object"
	JSONModeNone   = "none"
)

// jsonModes picks the response_format for requests with a Schema. In auto
// mode it starts with json_schema and steps down for the client's life each
// time the server rejects one.
type jsonModes struct {
	auto bool
	mu   sync.Mutex
	mode string
}

func newJSONModes(configured string) *jsonModes {
	switch configured {
	case JSONModeSchema, JSONModeObject, JSONModeNone:
		return &jsonModes{mode: configured}
	default:
		return &jsonModes{auto: true, mode: JSONModeSchema}
	}
}

func (j *jsonModes) current() string {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.mode
}

// stepDown moves below from, unless another call already did; it returns the
// mode to use next and whether there is one to try.
func (j *jsonModes) stepDown(from string) (string, bool) {
	if !j.auto {
		return from, false
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.mode == from {
		switch from {
		case JSONModeSchema:
			j.mode = JSONModeObject
		case JSONModeObject:
			j.mode = JSONModeNone
		default:
			return from, false
		}
	}
	return j.mode, j.mode != from
}

// set records what a probe found (auto mode only).
func (j *jsonModes) set(mode string) {
	if !j.auto {
		return
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	j.mode = mode
}

// formatRejected reports whether a 400 is about response_format rather than
// something else in the request (context length, a bad message...). An
// empty message counts: the one thing we changed is the format.
func formatRejected(se *StatusError) bool {
	if se.Code != 400 && se.Code != 422 {
		return false
	}
	m := strings.ToLower(se.Message)
	if m == "" || m == "(an html page)" {
		return true
	}
	for _, w := range []string{"response_format", "response format", "json_schema", "json_object", "schema", "grammar", "guided", "structured", "format"} {
		if strings.Contains(m, w) {
			return true
		}
	}
	return false
}
