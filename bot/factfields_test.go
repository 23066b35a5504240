package bot

import (
	"testing"

	"github.com/geobrief/geobrief/summarize"
)

func TestFactFieldsDoNotRepeatAQuoteAsItsName(t *testing.T) {
	t.Parallel()
	fields := factFields([]summarize.Fact{
		{Text: "Talks are on Saturday", Quote: "due in Oman on Saturday for talks", Verified: true},
		{Text: "Moscow offered to help.", Quote: "Moscow offered to help.", Verified: true},
	})
	if fields[0].Name != "Talks are on Saturday" || fields[0].Value != "> “due in Oman on Saturday for talks”" {
		t.Fatalf("LLM fact field = %+v", fields[0])
	}
	if fields[1].Name != "Fact 2" || fields[1].Value != "> “Moscow offered to help.”" {
		t.Fatalf("offline fact field = %+v", fields[1])
	}
}
