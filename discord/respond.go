package discord

import (
	"context"
	"fmt"

	"github.com/bwmarrin/discordgo"

	"github.com/geobrief/geobrief/discordfmt"
)

// Message is an answer to an interaction. Every message is fitted to
// Discord's limits and sent with mentions disabled.
type Message struct {
	Content    string
	Embeds     []*discordgo.MessageEmbed
	Components []discordgo.MessageComponent
	// Ephemeral messages are seen only by the user who asked (immediate
	// answers only).
	Ephemeral bool
}

// Responder answers one interaction. Deferred answers come by Edit.
type Responder interface {
	// Defer acknowledges with "thinking…"; the answer comes by Edit.
	Defer(ctx context.Context) error
	// Respond answers at once with a message.
	Respond(ctx context.Context, m Message) error
	// Autocomplete answers an autocomplete interaction.
	Autocomplete(ctx context.Context, choices []*discordgo.ApplicationCommandOptionChoice) error
	// Edit replaces the deferred (or first) answer.
	Edit(ctx context.Context, m Message) error
	// FollowUp sends one more message after the answer.
	FollowUp(ctx context.Context, m Message) error
}

// NoMentions lets no mention in a message ping anyone: documents and model
// output may contain @everyone or role mentions.
func NoMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

// responder answers through the gateway session's REST client.
type responder struct {
	s *discordgo.Session
	i *discordgo.Interaction
}

var _ Responder = (*responder)(nil)

func (r *responder) Defer(ctx context.Context) error {
	return r.callback(ctx, deferResponse(), "defer")
}

func (r *responder) Respond(ctx context.Context, m Message) error {
	return r.callback(ctx, messageResponse(m), "respond")
}

func (r *responder) Autocomplete(ctx context.Context, choices []*discordgo.ApplicationCommandOptionChoice) error {
	return r.callback(ctx, autocompleteResponse(choices), "autocomplete")
}

// callback sends an initial response through the REST callback endpoint.
func (r *responder) callback(ctx context.Context, resp *discordgo.InteractionResponse, what string) error {
	if err := r.s.InteractionRespond(r.i, resp, discordgo.WithContext(ctx)); err != nil {
		return fmt.Errorf("discord: %s: %w", what, err)
	}
	return nil
}

// The initial responses, built in one place for both transports: the
// gateway sends them to the callback endpoint, the HTTP endpoint writes
// them as its reply.

func deferResponse() *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{AllowedMentions: NoMentions()},
	}
}

func messageResponse(m Message) *discordgo.InteractionResponse {
	data := &discordgo.InteractionResponseData{
		Content:         discordfmt.FitContent(m.Content),
		Embeds:          discordfmt.FitEmbeds(m.Embeds),
		Components:      m.Components,
		AllowedMentions: NoMentions(),
	}
	if m.Ephemeral {
		data.Flags = discordgo.MessageFlagsEphemeral
	}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: data}
}

func autocompleteResponse(choices []*discordgo.ApplicationCommandOptionChoice) *discordgo.InteractionResponse {
	if choices == nil {
		choices = []*discordgo.ApplicationCommandOptionChoice{}
	}
	return &discordgo.InteractionResponse{
		Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: choices},
	}
}

// Edit replaces the original response. Each interaction gets its own
// rate-limit bucket (the URL with its token): discordgo puts every webhook
// edit in one bucket and holds its lock for the whole round trip, which
// would make edits for different interactions wait on each other.
func (r *responder) Edit(ctx context.Context, m Message) error {
	content := discordfmt.FitContent(m.Content)
	embeds := discordfmt.FitEmbeds(m.Embeds)
	if embeds == nil {
		embeds = []*discordgo.MessageEmbed{} // clears a previous embed
	}
	components := m.Components
	if components == nil {
		components = []discordgo.MessageComponent{}
	}
	edit := &discordgo.WebhookEdit{
		Content:         &content,
		Embeds:          &embeds,
		Components:      &components,
		AllowedMentions: NoMentions(),
	}
	url := discordgo.EndpointWebhookMessage(r.i.AppID, r.i.Token, "@original")
	if _, err := r.s.RequestWithBucketID("PATCH", url, edit, url, discordgo.WithContext(ctx)); err != nil {
		return fmt.Errorf("discord: edit reply: %w", err)
	}
	return nil
}

// FollowUp sends one more message. Like edits, each interaction's
// follow-ups get their own rate-limit bucket.
func (r *responder) FollowUp(ctx context.Context, m Message) error {
	params := &discordgo.WebhookParams{
		Content:         discordfmt.FitContent(m.Content),
		Embeds:          discordfmt.FitEmbeds(m.Embeds),
		AllowedMentions: NoMentions(),
	}
	url := discordgo.EndpointWebhookToken(r.i.AppID, r.i.Token) + "?wait=true"
	if _, err := r.s.RequestWithBucketID("POST", url, params, url, discordgo.WithContext(ctx)); err != nil {
		return fmt.Errorf("discord: follow-up: %w", err)
	}
	return nil
}
