package bot

import (
	"context"
	"errors"
	"fmt"
	"github.com/geobrief/geobrief/discordfmt"
	"time"

	"github.com/geobrief/geobrief/app"
	"github.com/geobrief/geobrief/llm"
)

// What users read. Short, and each says what to do; details go to the log.
const (
	msgInternal    = "Something went wrong on our side; it has been logged. Please try again."
	msgUnknown     = "This command is no longer supported. Type `/help` to see what the bot can do."
	msgRestarting  = "The bot is restarting. Try again in a minute."
	msgBusy        = "The summarizer is busy right now. Try again in a minute."
	msgUnavailable = "The summarizer is down at the moment. Try again later."
	msgBudget      = "Today's summarizing budget is spent. Try again tomorrow."
	msgTimeout     = "That took too long. Try again, or ask for `length: short`."
	msgGeneric     = "Something went wrong. Try again later."
)

// userMessage turns an error into the short text shown in Discord.
func userMessage(err error) string {
	var nm *app.NoMatchError
	switch {
	case errors.Is(err, app.ErrEmptyCorpus):
		return "There are no documents yet. Ask the bot's operator to add some."
	case errors.As(err, &nm):
		q := discordfmt.Cut(discordfmt.OneLine(nm.Query), 80)
		if q == "" {
			return "Pick a document from the list, or find one with `/search`."
		}
		return fmt.Sprintf("No document matches “%s”. Try `/search query:%s`.", discordfmt.Escape(q), discordfmt.Escape(q))
	case errors.Is(err, llm.ErrBusy):
		return msgBusy
	case errors.Is(err, llm.ErrUnavailable):
		return msgUnavailable
	case errors.Is(err, llm.ErrBudgetExhausted):
		return msgBudget
	case errors.Is(err, context.DeadlineExceeded):
		return msgTimeout
	case errors.Is(err, context.Canceled):
		return msgRestarting
	}
	return msgGeneric
}

func rateLimitedMessage(perMinute int, wait time.Duration) string {
	secs := int(wait.Round(time.Second) / time.Second)
	if secs < 1 {
		secs = 1
	}
	return fmt.Sprintf("You can ask for %d summaries a minute. Try again in %d s.", perMinute, secs)
}
