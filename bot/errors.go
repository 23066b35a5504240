package bot

import (
	"context"
	"errors"
	"fmt"
	"github.com/geobrief/geobrief/discordfmt"
	"net"
	"time"

	"github.com/geobrief/geobrief/app"
	"github.com/geobrief/geobrief/llm"
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
	msgTemporary   = "Something went wrong for a moment. Try again later."
	// msgOperator answers failures that trying again cannot fix: a
	// rejected key, a wrong model or URL, a request the LLM refuses, an
	// answer the summarizer cannot use.
	msgOperator = "The bot cannot do this until its operator fixes something on their side (it has been logged). Trying again will not help."
)

// userMessage turns an error into the short text shown in Discord. It is
// the one place that decides what a user is told, and so whether an error
// is worth trying again.
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
	case temporary(err):
		return msgTemporary
	}
	return msgOperator
}

// temporary reports errors that trying again later may fix: an LLM status
// that says so (429, 5xx), a network error. Anything not known to be
// temporary is taken as permanent, so that no one is told to retry what
// cannot work. (When llm gains its own classifier, this is the one place
// to use it.)
func temporary(err error) bool {
	var se *llm.StatusError
	if errors.As(err, &se) {
		return se.Temporary()
	}
	var ne net.Error
	return errors.As(err, &ne)
}

func rateLimitedMessage(perMinute int, wait time.Duration) string {
	secs := int(wait.Round(time.Second) / time.Second)
	if secs < 1 {
		secs = 1
	}
	return fmt.Sprintf("You can ask for %d summaries a minute. Try again in %d s.", perMinute, secs)
}
