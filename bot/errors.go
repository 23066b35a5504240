package bot

import (
	"errors"
	"fmt"
	"time"

	"github.com/geobrief/geobrief/app"
	"github.com/geobrief/geobrief/discordfmt"
	"github.com/geobrief/geobrief/feeds"
	"github.com/geobrief/geobrief/llm"
	"github.com/geobrief/geobrief/webfetch"
)

// What users read. Short, and each says what to do; details go to the log.
// Only what trying again can fix says to try again.
const (
	msgInternal    = "Something went wrong on our side; it has been logged for the operator."
	msgUnknown     = "This command is no longer supported. Type `/help` to see what the bot can do."
	msgRestarting  = "The bot is restarting. Try again in a minute."
	msgBusy        = "The summarizer is busy right now. Try again in a minute."
	msgUnavailable = "The summarizer is down at the moment. Try again later."
	msgBudget      = "Today's summarizing budget is spent. Try again tomorrow."
	msgTimeout     = "That took too long. Try again, or ask for `length: short`."
	// msgSettings answers a key the LLM refuses, or a request it rejects
	// (a wrong model or URL): a setting is wrong, and only the operator
	// can change it.
	msgSettings = "The summarizer's settings are wrong (it has been logged); the bot's operator must fix them. Trying again will not help."
	// msgUnusable answers a model whose answer could not be used even
	// after a repair request: the same request would likely fail again.
	msgUnusable = "The model's answer could not be used (it has been logged). Trying again will likely not help; try another document or `length: short`."
	// msgOperator answers failures nothing classifies: not known to be
	// temporary, so no one is told to retry.
	msgOperator = "The bot cannot do this until its operator fixes something on their side (it has been logged). Trying again will not help."
	// msgNotAFeed answers /feeds add of a URL that is not a feed.
	msgNotAFeed = "That URL did not give an RSS, Atom or JSON feed. Check the link (it must be the feed itself, not the site's page)."
)

// userMessage turns an error into the short text shown in Discord. It is
// the one place that decides what a user is told; whether an LLM failure
// is worth trying again is llm.Classify's call, not ours.
func userMessage(err error) string {
	var nm *app.NoMatchError
	var refused *webfetch.RefusedError
	var fetchStatus *webfetch.StatusError
	switch {
	case errors.Is(err, app.ErrEmptyCorpus):
		return "There are no documents yet. Ask the bot's operator to add some."
	case errors.As(err, &nm):
		q := discordfmt.Cut(discordfmt.OneLine(nm.Query), 80)
		if q == "" {
			return "Pick a document from the list, or find one with `/search`."
		}
		return fmt.Sprintf("No document matches “%s”. Try `/search query:%s`.", discordfmt.Escape(q), discordfmt.Escape(q))
	case errors.As(err, &refused):
		// webfetch's own line names the URL and why, which is what the
		// user can act on.
		return discordfmt.Escape(discordfmt.Cut(discordfmt.OneLine("That link is refused: "+refused.Reason+"."), 400))
	case errors.As(err, &fetchStatus):
		return fmt.Sprintf("The page answered HTTP %d. Check the link, or try again later.", fetchStatus.Status)
	case errors.Is(err, app.ErrFeedExists):
		return "That feed is already in the list (see `/feeds list`)."
	case errors.Is(err, app.ErrNoSuchFeed):
		return "No feed in the list has that URL (see `/feeds list`)."
	case errors.Is(err, feeds.ErrNotAFeed):
		return msgNotAFeed
	}
	switch llm.Classify(err) {
	case llm.KindBusy:
		return msgBusy
	case llm.KindUnavailable:
		return msgUnavailable
	case llm.KindTimeout:
		return msgTimeout
	case llm.KindCanceled:
		return msgRestarting
	case llm.KindBudgetSpent:
		return msgBudget
	case llm.KindBadCredentials, llm.KindRejected:
		return msgSettings
	case llm.KindUnusable:
		return msgUnusable
	}
	return msgOperator
}

func rateLimitedMessage(perMinute int, wait time.Duration) string {
	secs := int(wait.Round(time.Second) / time.Second)
	if secs < 1 {
		secs = 1
	}
	return fmt.Sprintf("You can ask for %d summaries a minute. Try again in %d s.", perMinute, secs)
}
