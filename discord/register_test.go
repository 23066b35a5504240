package discord

import (
	"encoding/json"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// What Discord lists back (IDs, versions, permissions as a string, dm_permission
// filled in) is the same as the definitions; a change to who may use a
// command or to an option's channel types is not.
func TestSameCommandsSeesPermissionsAndChannelTypes(t *testing.T) {
	t.Parallel()
	perm, noDM := int64(discordgo.PermissionManageGuild), false
	defs := []*discordgo.ApplicationCommand{
		{Name: "help", Description: "What this bot does"},
		{Name: "digest", Description: "A digest", Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionString, Name: "since", Description: "How far back", MaxLength: 32},
		}},
		{Name: "digest-schedule", Description: "Post digests", DefaultMemberPermissions: &perm, DMPermission: &noDM,
			Options: []*discordgo.ApplicationCommandOption{{
				Type: discordgo.ApplicationCommandOptionSubCommand, Name: "set", Description: "Set",
				Options: []*discordgo.ApplicationCommandOption{{
					Type: discordgo.ApplicationCommandOptionChannel, Name: "channel", Description: "Where", Required: true,
					ChannelTypes: []discordgo.ChannelType{discordgo.ChannelTypeGuildText, discordgo.ChannelTypeGuildNews},
				}},
			}}},
	}

	// As Discord answers GET .../commands.
	listed := func(edit func(m map[string]any)) []*discordgo.ApplicationCommand {
		t.Helper()
		raw, err := json.Marshal(defs)
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

	if !sameCommands(listed(nil), defs) {
		t.Error("the definitions as Discord lists them differ from themselves")
	}
	if sameCommands(listed(func(m map[string]any) { m["default_member_permissions"] = "0" }), defs) {
		t.Error("a changed default_member_permissions is not noticed")
	}
	if sameCommands(listed(func(m map[string]any) { delete(m, "default_member_permissions") }), defs) {
		t.Error("a command open to everyone is taken for one limited to Manage Server")
	}
	if sameCommands(listed(func(m map[string]any) { m["dm_permission"] = true }), defs) {
		t.Error("a changed dm_permission is not noticed")
	}
	if sameCommands(listed(func(m map[string]any) {
		set := m["options"].([]any)[0].(map[string]any)
		channel := set["options"].([]any)[0].(map[string]any)
		channel["channel_types"] = []int{0}
	}), defs) {
		t.Error("changed channel types are not noticed")
	}
}
