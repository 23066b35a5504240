package discord

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/geobrief/geobrief/discordfmt"
)

// channelMessage is the create-message body, with the nonce fields that
// discordgo v0.29.0's MessageSend lacks.
type channelMessage struct {
	Content         string                            `json:"content"`
	Nonce           string                            `json:"nonce"`
	EnforceNonce    bool                              `json:"enforce_nonce"`
	AllowedMentions *discordgo.MessageAllowedMentions `json:"allowed_mentions"`
}

// Post sends a digest message to a channel (a digest Poster). With
// enforce_nonce, Discord answers a repeated create with the same nonce by
// returning the first message instead of posting twice; that is what makes
// a post retried after a crash safe.
func (g *Gateway) Post(ctx context.Context, channelID, content, nonce string) (string, error) {
	return post(ctx, g.session, channelID, content, nonce)
}

// post is Post for either transport: posting is REST only.
func post(ctx context.Context, s *discordgo.Session, channelID, content, nonce string) (string, error) {
	url := discordgo.EndpointChannelMessages(channelID)
	body := channelMessage{Content: discordfmt.FitContent(content), Nonce: nonce, EnforceNonce: true, AllowedMentions: NoMentions()}
	resp, err := s.RequestWithBucketID("POST", url, body, url, discordgo.WithContext(ctx))
	if err != nil {
		return "", channelError("post to", channelID, err)
	}
	var m struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(resp, &m); err != nil || m.ID == "" {
		return "", fmt.Errorf("discord: post to channel %s: no message in the answer", channelID)
	}
	return m.ID, nil
}

// FindPosted looks among the channel's messages since after for one the
// bot posted with exactly this content (a digest Finder): how a digest part
// whose post succeeded just before a crash is found once Discord no longer
// remembers its nonce. It needs the Read Message History permission.
func (g *Gateway) FindPosted(ctx context.Context, channelID, content string, after time.Time) (string, bool, error) {
	self := ""
	if u := g.session.State.Ready.User; u != nil {
		self = u.ID
	}
	return findPosted(ctx, g.session, self, channelID, content, after)
}

// findPosted is FindPosted for either transport; self is the bot's user ID.
func findPosted(ctx context.Context, s *discordgo.Session, self, channelID, content string, after time.Time) (string, bool, error) {
	msgs, err := s.ChannelMessages(channelID, 100, "", snowflakeAt(after), "", discordgo.WithContext(ctx))
	if err != nil {
		return "", false, channelError("read", channelID, err)
	}
	want := discordfmt.FitContent(content)
	for _, m := range msgs {
		if m.Author != nil && m.Author.ID == self && m.Content == want {
			return m.ID, true, nil
		}
	}
	return "", false, nil
}

// ChannelError is Discord's answer that a channel is gone (404) or closed
// to the bot (403): retrying will not fix it.
type ChannelError struct {
	ChannelID string
	Status    int
	Reason    string
}

func (e *ChannelError) Error() string {
	return fmt.Sprintf("discord answered %d %s for channel %s", e.Status, e.Reason, e.ChannelID)
}

// ChannelUnavailable is how the digest scheduler recognises the error
// without knowing this package.
func (e *ChannelError) ChannelUnavailable() bool { return true }

// channelError turns 404 and 403 into a *ChannelError.
func channelError(what, channelID string, err error) error {
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Response != nil &&
		(re.Response.StatusCode == http.StatusNotFound || re.Response.StatusCode == http.StatusForbidden) {
		reason := http.StatusText(re.Response.StatusCode)
		if re.Message != nil && re.Message.Message != "" {
			reason = re.Message.Message
		}
		return &ChannelError{ChannelID: channelID, Status: re.Response.StatusCode, Reason: reason}
	}
	return fmt.Errorf("discord: %s channel %s: %w", what, channelID, err)
}

// snowflakeAt is the smallest Discord ID of the moment t.
func snowflakeAt(t time.Time) string {
	ms := max(t.UnixMilli()-discordEpochMillis, 0)
	return strconv.FormatInt(ms<<22, 10)
}

// discordEpochMillis is the first second of 2015, where Discord IDs count from.
const discordEpochMillis = 1420070400000
