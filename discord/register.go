package discord

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/bwmarrin/discordgo"
)

// register overwrites the commands in one bulk call (to the guild when
// GuildID is set, else globally), unless Discord already has exactly these
// definitions: Discord allows 200 command creates a day per guild.
func (g *Gateway) register(ctx context.Context, appID string, defs []*discordgo.ApplicationCommand) error {
	return register(ctx, g.session, g.log, appID, g.cfg.GuildID, defs)
}

// register is shared by both transports: registration is REST only.
func register(ctx context.Context, s *discordgo.Session, log *slog.Logger, appID, guildID string, defs []*discordgo.ApplicationCommand) error {
	existing, err := s.ApplicationCommands(appID, guildID, discordgo.WithContext(ctx))
	if err != nil {
		log.Warn("cannot list registered commands; overwriting", slog.Any("error", err))
	} else if sameCommands(existing, defs) {
		log.Info("commands unchanged; registration skipped", slog.Int("commands", len(defs)))
		return nil
	}
	if _, err := s.ApplicationCommandBulkOverwrite(appID, guildID, defs, discordgo.WithContext(ctx)); err != nil {
		return fmt.Errorf("discord: cannot register commands: %w", err)
	}
	log.Info("commands registered", slog.Int("commands", len(defs)), slog.String("guild_id", guildID))
	return nil
}

// commandShape is what a definition means to users, without the IDs and
// versions Discord adds. Who may use a command is part of it: a change to
// default_member_permissions or dm_permission must be registered too.
type commandShape struct {
	Name        string        `json:"name"`
	Description string        `json:"description"`
	Type        int           `json:"type"`
	Options     []optionShape `json:"options,omitempty"`
	// MemberPermissions is default_member_permissions as sent ("32"); nil:
	// everyone.
	MemberPermissions any `json:"default_member_permissions"`
	// DMPermission nil means true, Discord's default.
	DMPermission *bool `json:"dm_permission"`
}

type optionShape struct {
	Type         int           `json:"type"`
	Name         string        `json:"name"`
	Description  string        `json:"description"`
	Required     bool          `json:"required"`
	Autocomplete bool          `json:"autocomplete"`
	Choices      []choiceShape `json:"choices,omitempty"`
	Options      []optionShape `json:"options,omitempty"`
	MaxLength    int           `json:"max_length,omitempty"`
	ChannelTypes []int         `json:"channel_types,omitempty"`
}

type choiceShape struct {
	Name  string `json:"name"`
	Value any    `json:"value"`
}

// shapes returns the canonical JSON of cmds, keyed and sorted by name.
func shapes(cmds []*discordgo.ApplicationCommand) (string, error) {
	raw, err := json.Marshal(cmds)
	if err != nil {
		return "", err
	}
	var list []commandShape
	if err := json.Unmarshal(raw, &list); err != nil {
		return "", err
	}
	out := map[string]commandShape{}
	for _, c := range list {
		if c.Type == 0 {
			c.Type = int(discordgo.ChatApplicationCommand)
		}
		if c.DMPermission == nil {
			yes := true
			c.DMPermission = &yes
		}
		out[c.Name] = c
	}
	canon, err := json.Marshal(out) // map keys are sorted
	return string(canon), err
}

func sameCommands(a, b []*discordgo.ApplicationCommand) bool {
	sa, err1 := shapes(a)
	sb, err2 := shapes(b)
	return err1 == nil && err2 == nil && len(a) == len(b) && sa == sb
}
