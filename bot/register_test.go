package bot

import (
	"encoding/json"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// What Discord lists back (IDs, versions, permissions as a string, dm_permission
// filled in) is the same as the definitions; a change to who may use a
// command or to an option's channel types is not.
func TestSameCommandsSeesPermissionsAndChannelTypes(t *testing.T) {
	b := &Bot{commands: map[string]*command{}}
	b.routes()
	for _, c := range []*command{b.digestCommand(), b.digestScheduleCommand()} {
		b.defs = append(b.defs, c.def)
	}

	// As Discord answers GET .../commands.
	listed := func(edit func(m map[string]any)) []*discordgo.ApplicationCommand {
		t.Helper()
		raw, err := json.Marshal(b.defs)
		if err != nil {
			t.Fatal(err)
		}
		var ms []map[string]any
		if err := json.Unmarshal(raw, &ms); err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			m["id"], m["application_id"], m["version"] = "1", "2", "3"
			if _, ok := m["dm_permission"]; !ok {
				m["dm_permission"] = true
			}
			if edit != nil && m["name"] == "digest-schedule" {
				edit(m)
			}
		}
		raw, _ = json.Marshal(ms)
		var out []*discordgo.ApplicationCommand
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatal(err)
		}
		return out
	}

	if !sameCommands(listed(nil), b.defs) {
		t.Error("the definitions as Discord lists them differ from themselves")
	}
	if sameCommands(listed(func(m map[string]any) { m["default_member_permissions"] = "0" }), b.defs) {
		t.Error("a changed default_member_permissions is not noticed")
	}
	if sameCommands(listed(func(m map[string]any) { delete(m, "default_member_permissions") }), b.defs) {
		t.Error("a command open to everyone is taken for one limited to Manage Server")
	}
	if sameCommands(listed(func(m map[string]any) { m["dm_permission"] = true }), b.defs) {
		t.Error("a changed dm_permission is not noticed")
	}
	if sameCommands(listed(func(m map[string]any) {
		set := m["options"].([]any)[0].(map[string]any)
		channel := set["options"].([]any)[0].(map[string]any)
		channel["channel_types"] = []int{0}
	}), b.defs) {
		t.Error("changed channel types are not noticed")
	}
}
