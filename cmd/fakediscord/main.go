// Command fakediscord lets you use the bot's slash commands from a
// terminal, with no Discord account: it runs the in-repo fake Discord on
// loopback, waits for `geobrief bot` to connect to it, then sends what you
// type as interactions and prints the bot's answers.
//
//	go run ./cmd/fakediscord
//	# in another terminal, with the URL it prints:
//	DISCORD_TOKEN=fake DISCORD_API_URL=http://127.0.0.1:PORT go run ./cmd/geobrief bot
//
// Then type commands as in Discord:
//
//	/summarize article:talks in Oman length:short
//	/search query:sanctions
//	?summarize oma            (what autocomplete offers for "oma")
//	!sum:DOCUMENT-ID          (press a button)
//	:missing CHANNEL-ID       (the channel answers 404 Unknown Channel)
//	:forbidden CHANNEL-ID     (403 Missing Access)
//	:ok CHANNEL-ID            (posts work again)
//
// Messages the bot posts on its own (scheduled digests, follow-ups) are
// printed as they arrive, so pausing a schedule can be watched: set a
// digest schedule, answer its channel as missing, and see the post refused
// and the schedule paused in /digest-schedule show.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/geobrief/geobrief/discord/discordfake"
)

func main() {
	timeout := flag.Duration("timeout", 2*time.Minute, "how long to wait for each answer")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Stdin, os.Stdout, *timeout); err != nil && ctx.Err() == nil {
		fmt.Fprintln(os.Stderr, "fakediscord:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, in io.Reader, out io.Writer, timeout time.Duration) error {
	f := discordfake.New()
	defer f.Close()
	fmt.Fprintf(out, "Fake Discord listening. Start the bot against it in another terminal:\n\n"+
		"  DISCORD_TOKEN=fake DISCORD_API_URL=%s DISCORD_GUILD_ID=%s go run ./cmd/geobrief bot\n\nWaiting for the bot to connect...\n", f.URL(), guildID)
	if err := f.WaitConnected(ctx); err != nil {
		return err
	}
	fmt.Fprintln(out, "Bot connected. Type a command (/help, /summarize article:..., /search query:..., ?summarize oma, !sum:ID),\n"+
		"answer a channel as gone (:missing ID, :forbidden ID, :ok ID), or quit. Scheduled digest posts show as they arrive.")
	s := newSession(f, out, timeout)
	wctx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	go s.watch(wctx)
	out = s.out
	lines := bufio.NewScanner(in)
	for {
		fmt.Fprint(out, "> ")
		if !lines.Scan() {
			return lines.Err()
		}
		line := strings.TrimSpace(lines.Text())
		switch {
		case line == "":
			continue
		case line == "quit" || line == "exit":
			return nil
		}
		if err := s.send(ctx, line); err != nil {
			fmt.Fprintln(out, "error:", err)
		}
	}
}
