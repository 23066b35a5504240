package bot

import (
	"context"
	"fmt"
	"github.com/geobrief/geobrief/discordfmt"

	"github.com/bwmarrin/discordgo"
)

// reply is what a handler answers with. It is fitted to Discord's limits
// and sent with mentions disabled.
type reply struct {
	content    string
	embeds     []*discordgo.MessageEmbed
	components []discordgo.MessageComponent
	// followups are further messages sent after the reply, in order, for
	// answers too long for one message (a digest).
	followups []string
}

// noMentions lets no mention in a message ping anyone: documents and model
// output may contain @everyone or role mentions.
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

// deferReply acknowledges i with "thinking…" (type 5); the answer comes by
// editing the original response.
func (b *Bot) deferReply(ctx context.Context, i *discordgo.Interaction) error {
	err := b.session.InteractionRespond(i, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{AllowedMentions: noMentions()},
	}, discordgo.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("bot: defer: %w", err)
	}
	return nil
}

// respondNow answers i at once with a message, ephemeral (seen only by the
// user) when asked.
func (b *Bot) respondNow(ctx context.Context, i *discordgo.Interaction, r reply, ephemeral bool) error {
	data := &discordgo.InteractionResponseData{
		Content:         discordfmt.FitContent(r.content),
		Embeds:          discordfmt.FitEmbeds(r.embeds),
		Components:      r.components,
		AllowedMentions: noMentions(),
	}
	if ephemeral {
		data.Flags = discordgo.MessageFlagsEphemeral
	}
	err := b.session.InteractionRespond(i, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: data,
	}, discordgo.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("bot: respond: %w", err)
	}
	return nil
}

// editReply replaces the original response of i with r. Each interaction
// gets its own rate-limit bucket (the URL with its token): discordgo puts
// every webhook edit in one bucket and holds its lock for the whole round
// trip, which would make edits for different interactions wait on each
// other.
func (b *Bot) editReply(ctx context.Context, i *discordgo.Interaction, r reply) error {
	content := discordfmt.FitContent(r.content)
	embeds := discordfmt.FitEmbeds(r.embeds)
	if embeds == nil {
		embeds = []*discordgo.MessageEmbed{} // clears a previous embed
	}
	components := r.components
	if components == nil {
		components = []discordgo.MessageComponent{}
	}
	edit := &discordgo.WebhookEdit{
		Content:         &content,
		Embeds:          &embeds,
		Components:      &components,
		AllowedMentions: noMentions(),
	}
	url := discordgo.EndpointWebhookMessage(i.AppID, i.Token, "@original")
	if _, err := b.session.RequestWithBucketID("PATCH", url, edit, url, discordgo.WithContext(ctx)); err != nil {
		return fmt.Errorf("bot: edit reply: %w", err)
	}
	return nil
}

// autocomplete answers an autocomplete interaction with choices (type 8).
func (b *Bot) autocomplete(ctx context.Context, i *discordgo.Interaction, choices []*discordgo.ApplicationCommandOptionChoice) error {
	if choices == nil {
		choices = []*discordgo.ApplicationCommandOptionChoice{}
	}
	err := b.session.InteractionRespond(i, &discordgo.InteractionResponse{
		Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: choices},
	}, discordgo.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("bot: autocomplete: %w", err)
	}
	return nil
}

// followUp sends one more message after the reply to i. Like edits, each
// interaction's follow-ups get their own rate-limit bucket.
func (b *Bot) followUp(ctx context.Context, i *discordgo.Interaction, content string) error {
	params := &discordgo.WebhookParams{Content: discordfmt.FitContent(content), AllowedMentions: noMentions()}
	url := discordgo.EndpointWebhookToken(i.AppID, i.Token) + "?wait=true"
	if _, err := b.session.RequestWithBucketID("POST", url, params, url, discordgo.WithContext(ctx)); err != nil {
		return fmt.Errorf("bot: follow-up: %w", err)
	}
	return nil
}
