package bot

import (
	"context"
	"fmt"
	"github.com/geobrief/geobrief/discordfmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/geobrief/geobrief/digest"
	"github.com/geobrief/geobrief/store"
)

// manageServer is the permission the schedule commands need. Discord hides
// the command from other members (default_member_permissions), and the
// handler checks again, since server admins can override the default.
const manageServer = int64(discordgo.PermissionManageGuild)

const msgNeedsManageServer = "Only members with the **Manage Server** permission can change digest schedules."

// canManageServer reads the member's permissions in the channel, as Discord
// sends them with the interaction. Administrators hold every permission,
// whatever the other bits say.
func canManageServer(perms int64) bool {
	return perms&(manageServer|discordgo.PermissionAdministrator) != 0
}

// /digest-schedule set|show|clear
func (b *Bot) digestScheduleCommand() *command {
	perm := manageServer
	noDM := false
	channel := &discordgo.ApplicationCommandOption{
		Type:         discordgo.ApplicationCommandOptionChannel,
		Name:         "channel",
		Description:  "The channel that gets the digests",
		Required:     true,
		ChannelTypes: []discordgo.ChannelType{discordgo.ChannelTypeGuildText, discordgo.ChannelTypeGuildNews},
	}
	return &command{
		def: &discordgo.ApplicationCommand{
			Name:                     "digest-schedule",
			Description:              "Post news digests to a channel at set times",
			DefaultMemberPermissions: &perm,
			DMPermission:             &noDM,
			Options: []*discordgo.ApplicationCommandOption{
				{
					Type:        discordgo.ApplicationCommandOptionSubCommand,
					Name:        "set",
					Description: "Post digests to a channel at these local times",
					Options: []*discordgo.ApplicationCommandOption{
						channel,
						{Type: discordgo.ApplicationCommandOptionString, Name: "times", Description: "Local times, like 08:00,18:00", Required: true, MaxLength: 200},
						{Type: discordgo.ApplicationCommandOptionString, Name: "timezone", Description: "IANA time zone, like Europe/Kyiv", Required: true, Autocomplete: true, MaxLength: 64},
					},
				},
				{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "show", Description: "The digest schedules of this server"},
				{
					Type:        discordgo.ApplicationCommandOptionSubCommand,
					Name:        "clear",
					Description: "Stop posting digests to a channel",
					Options:     []*discordgo.ApplicationCommandOption{channel},
				},
			},
		},
		help: "`set`|`show`|`clear`: post digests to a channel at set local times (Manage Server).",
		complete: func(_ context.Context, _ *request, focused *discordgo.ApplicationCommandInteractionDataOption) ([]*discordgo.ApplicationCommandOptionChoice, error) {
			return zoneChoices(focused.StringValue()), nil
		},
		run: func(ctx context.Context, r *request, opts options) (reply, error) {
			if r.i.GuildID == "" || r.i.Member == nil {
				return reply{content: "Digest schedules belong to a server: use this command in one."}, nil
			}
			if !canManageServer(r.i.Member.Permissions) {
				return reply{content: msgNeedsManageServer}, nil
			}
			for name, sub := range opts {
				subOpts := options{}
				for _, o := range sub.Options {
					subOpts[o.Name] = o
				}
				switch name {
				case "set":
					return b.setSchedule(ctx, r, subOpts)
				case "show":
					return b.showSchedules(ctx, r)
				case "clear":
					return b.clearSchedule(ctx, subOpts)
				}
			}
			return reply{content: msgUnknown}, nil
		},
	}
}

func (b *Bot) setSchedule(ctx context.Context, r *request, opts options) (reply, error) {
	channelID := opts.channel("channel")
	if channelID == "" {
		return reply{content: msgPickChannel}, nil
	}
	times, err := digest.ParseTimes(opts.string("times"))
	if err != nil {
		return reply{content: "Times: " + discordfmt.Escape(err.Error()) + ".", rejected: true}, nil
	}
	zone := strings.TrimSpace(opts.string("timezone"))
	if _, err := digest.LoadZone(zone); err != nil {
		return reply{content: "Time zone: " + discordfmt.Escape(err.Error()) + ".", rejected: true}, nil
	}
	s := digest.Schedule{ChannelID: channelID, GuildID: r.i.GuildID, Times: times, Zone: zone, Created: b.cfg.Digests.Now().UTC()}
	// The schedule the channel had, if any, to say that it was replaced.
	existing, err := b.cfg.Digests.Schedules.Schedules(ctx, r.i.GuildID)
	if err != nil {
		return reply{}, fmt.Errorf("bot: list schedules: %w", err)
	}
	if err := b.cfg.Digests.Schedules.PutSchedule(ctx, s.ToRow()); err != nil {
		return reply{}, fmt.Errorf("bot: save schedule: %w", err)
	}
	msg := fmt.Sprintf("Digests will be posted in <#%s> at %s (%s).", channelID, listTimes(digest.FormatTimes(times)), zone)
	for _, old := range existing {
		if old.ChannelID == channelID {
			msg = fmt.Sprintf("Replaced the digest schedule of <#%s> (was %s (%s)): digests will now be posted at %s (%s).",
				channelID, listTimes(old.Times), old.Zone, listTimes(digest.FormatTimes(times)), zone)
			if old.Paused != "" {
				msg += " Its pause is lifted."
			}
		}
	}
	return reply{content: msg}, nil
}

// listTimes shows stored times ("08:00,18:00") as "08:00, 18:00".
func listTimes(times string) string {
	return strings.Join(strings.Split(times, ","), ", ")
}

func (b *Bot) showSchedules(ctx context.Context, r *request) (reply, error) {
	rows, err := b.cfg.Digests.Schedules.Schedules(ctx, r.i.GuildID)
	if err != nil {
		return reply{}, fmt.Errorf("bot: list schedules: %w", err)
	}
	if len(rows) == 0 {
		return reply{content: "No digest schedules in this server. Add one with `/digest-schedule set`."}, nil
	}
	e := &discordgo.MessageEmbed{Title: "Digest schedules", Color: discordfmt.Color}
	for _, row := range rows {
		var lines []string
		lines = append(lines, fmt.Sprintf("%s (%s)", listTimes(row.Times), row.Zone))
		if row.Paused != "" {
			lines = append(lines, "**Paused:** "+discordfmt.Escape(row.Paused)+". Set the schedule again once the bot can post there.")
		}
		eds, err := b.cfg.Digests.Schedules.Editions(ctx, row.ChannelID, 3)
		if err != nil {
			return reply{}, fmt.Errorf("bot: list editions: %w", err)
		}
		for _, ed := range eds {
			line := fmt.Sprintf("%s: %s", ed.DueAt.Format("2 Jan 15:04 MST"), ed.Status)
			if ed.Reason != "" && ed.Status != store.EditionPosted {
				line += " (" + discordfmt.Escape(ed.Reason) + ")"
			}
			lines = append(lines, line)
		}
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "#" + row.ChannelID, Value: "<#" + row.ChannelID + ">\n" + strings.Join(lines, "\n")})
	}
	return reply{embeds: []*discordgo.MessageEmbed{e}}, nil
}

func (b *Bot) clearSchedule(ctx context.Context, opts options) (reply, error) {
	channelID := opts.channel("channel")
	if channelID == "" {
		return reply{content: msgPickChannel}, nil
	}
	ok, err := b.cfg.Digests.Schedules.DeleteSchedule(ctx, channelID)
	if err != nil {
		return reply{}, fmt.Errorf("bot: delete schedule: %w", err)
	}
	if !ok {
		return reply{content: fmt.Sprintf("<#%s> has no digest schedule.", channelID)}, nil
	}
	return reply{content: fmt.Sprintf("Digests to <#%s> stopped.", channelID)}, nil
}

// msgPickChannel answers a missing channel option, which Discord should
// prevent (the option is required).
const msgPickChannel = "Pick the channel from the list Discord offers."
