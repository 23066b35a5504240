package summarize

import "github.com/geobrief/geobrief/llm"

// The JSON Schemas sent with json_schema mode. They mirror modelBrief and
// the topline answer; the answer is validated by parseBrief regardless,
// because many servers accept a schema without enforcing it.
var (
	briefSchema = &llm.Schema{Name: "brief", JSON: []byte(`{
  "type": "object",
  "properties": {
    "headline": {"type": "string"},
    "summary": {"type": "string"},
    "key_facts": {
      "type": "array",
      "items": {
        "type": "object",
        "properties": {"fact": {"type": "string"}, "quote": {"type": "string"}},
        "required": ["fact", "quote"],
        "additionalProperties": false
      }
    },
    "people": {"type": "array", "items": {"type": "string"}},
    "places": {"type": "array", "items": {"type": "string"}},
    "organizations": {"type": "array", "items": {"type": "string"}}
  },
  "required": ["headline", "summary", "key_facts", "people", "places", "organizations"],
  "additionalProperties": false
}`)}
	toplineSchema = &llm.Schema{Name: "topline", JSON: []byte(`{
  "type": "object",
  "properties": {"topline": {"type": "string"}},
  "required": ["topline"],
  "additionalProperties": false
}`)}
)
