package main

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/geobrief/geobrief/app"
)

// usage prints LLM token usage per day and guild for the last 30 days.
func (c *cli) usage(ctx context.Context, args []string) error {
	if _, err := newCmdLine("usage", "geobrief usage", 0, 0).parse(args, c.stdout); err != nil {
		return err
	}
	cfg, _, err := c.settings(false)
	if err != nil {
		return err
	}
	stdout := c.stdout
	// DATABASE_URL's PostgreSQL when set: that is where usage is counted.
	st, err := app.OpenStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	since := time.Now().UTC().AddDate(0, 0, -30).Format("2006-01-02")
	rows, err := st.Usage(ctx, since)
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		fmt.Fprintln(stdout, "No LLM usage recorded in the last 30 days.")
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "DAY\tGUILD\tCALLS\tPROMPT\tCOMPLETION\tTOTAL\t")
	var calls, prompt, answer int
	for _, r := range rows {
		guild := r.Guild
		if guild == "" {
			guild = "(command line)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t\n", r.Day, guild, r.Calls, r.PromptTokens, r.CompletionTokens, r.PromptTokens+r.CompletionTokens)
		calls, prompt, answer = calls+r.Calls, prompt+r.PromptTokens, answer+r.CompletionTokens
	}
	fmt.Fprintf(tw, "total\t\t%d\t%d\t%d\t%d\t\n", calls, prompt, answer, prompt+answer)
	if err := tw.Flush(); err != nil {
		return err
	}
	if cfg.LLM.DailyTokenBudget > 0 {
		fmt.Fprintf(stdout, "Daily budget: %d tokens overall (LLM_DAILY_TOKEN_BUDGET)\n", cfg.LLM.DailyTokenBudget)
	}
	if cfg.LLM.GuildTokenBudget > 0 {
		fmt.Fprintf(stdout, "Daily budget per guild: %d tokens (LLM_GUILD_DAILY_TOKEN_BUDGET)\n", cfg.LLM.GuildTokenBudget)
	}
	return nil
}
