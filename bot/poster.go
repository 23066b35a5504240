package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/bwmarrin/discordgo"

	"github.com/geobrief/geobrief/digest"
)

// channelMessage is the create-message body, with the nonce fields that
// discordgo v0.29.0's MessageSend lacks.
type channelMessage struct {
	Content         string                            `json:"content"`
	Nonce           string                            `json:"nonce"`
	EnforceNonce    bool                              `json:"enforce_nonce"`
	AllowedMentions *discordgo.MessageAllowedMentions `json:"allowed_mentions"`
}

// Post sends a digest message to a channel (digest.Poster). With
// enforce_nonce, Discord answers a repeated create with the same nonce by
// returning the first message instead of posting twice; that is what makes
// a post retried after a crash safe.
func (b *Bot) Post(ctx context.Context, channelID, content, nonce string) (string, error) {
	url := discordgo.EndpointChannelMessages(channelID)
	body := channelMessage{Content: FitContent(content), Nonce: nonce, EnforceNonce: true, AllowedMentions: noMentions()}
	resp, err := b.session.RequestWithBucketID("POST", url, body, url, discordgo.WithContext(ctx))
	if err != nil {
		var re *discordgo.RESTError
		if errors.As(err, &re) && re.Response != nil &&
			(re.Response.StatusCode == http.StatusNotFound || re.Response.StatusCode == http.StatusForbidden) {
			reason := http.StatusText(re.Response.StatusCode)
			if re.Message != nil && re.Message.Message != "" {
				reason = re.Message.Message
			}
			return "", fmt.Errorf("discord answered %d %s: %w", re.Response.StatusCode, reason, digest.ErrChannelUnavailable)
		}
		return "", fmt.Errorf("bot: post to channel %s: %w", channelID, err)
	}
	var m struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(resp, &m); err != nil || m.ID == "" {
		return "", fmt.Errorf("bot: post to channel %s: no message in the answer", channelID)
	}
	return m.ID, nil
}

var _ digest.Poster = (*Bot)(nil)
