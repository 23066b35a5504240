package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/geobrief/geobrief/cmd/internal/latency"
)

const minimalToken = "minimal-token"

// minimalBot is a discordgo bot that does nothing but defer: the baseline
// geobrief's acknowledgements are measured against, on the same fake
// Discord (at apiURL), in the same burst.
func minimalBot(apiURL string) (*discordgo.Session, error) {
	s, err := discordgo.New("Bot " + minimalToken)
	if err != nil {
		return nil, err
	}
	// The same connection pool as geobrief's transport (64 kept
	// connections): with Go's default of 2 idle connections a host, the
	// baseline would redial under a burst and look slower than it is.
	base, err := url.Parse(apiURL)
	if err != nil {
		return nil, err
	}
	pooled := http.DefaultTransport.(*http.Transport).Clone()
	pooled.MaxConnsPerHost, pooled.MaxIdleConnsPerHost, pooled.MaxIdleConns = 64, 64, 128
	s.Client = &http.Client{Timeout: 20 * time.Second, Transport: toHost{host: base.Host, next: pooled}}
	s.Identify.Intents = discordgo.IntentsNone
	s.StateEnabled = false
	s.AddHandler(func(s *discordgo.Session, ic *discordgo.InteractionCreate) {
		_ = s.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		})
	})
	if err := s.Open(); err != nil {
		return nil, fmt.Errorf("minimal bot: %w", err)
	}
	return s, nil
}

// toHost sends every request to host over plain HTTP (the fake).
type toHost struct {
	host string
	next http.RoundTripper
}

func (t toHost) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.URL.Scheme, r.URL.Host, r.Host = "http", t.host, ""
	return t.next.RoundTrip(r)
}

// beside runs rounds of a burst of n /summarize, each from another user,
// to geobrief and to the minimal bot at once (interleaved, alternating
// which goes first), and prints each one's dispatch-to-deferral p50 and
// p99 and the ratio of the p50s, per round and the median over rounds
// (after a warm-up round).
func (r *rig) beside(ctx context.Context, n, rounds int, sameProcess bool) error {
	where := "in a process of its own"
	if sameProcess {
		min, err := minimalBot(r.discord.URL())
		if err != nil {
			return err
		}
		defer func() {
			min.ShouldReconnectOnError = false
			_ = min.Close()
		}()
		where = "in this process"
	} else {
		stop, err := startMinimalProcess(ctx, r.discord.URL())
		if err != nil {
			return err
		}
		defer stop()
	}
	fmt.Printf("beside: bursts of %d /summarize to geobrief and to a discordgo bot that only defers (%s), on one fake Discord\n", n, where)
	var ratios []float64
	// Round 0 warms up (connections dialed, caches filled) and is not counted.
	for round := range rounds + 1 {
		geo := make([]interaction, n)
		mins := make([]interaction, n)
		for k := range n {
			geo[k] = r.summarize()
			mins[k] = r.summarize()
		}
		sent := map[string]time.Time{}
		for k := range n {
			order := []struct {
				token string
				in    interaction
			}{{"Bot " + geobriefToken, geo[k]}, {"Bot " + minimalToken, mins[k]}}
			if k%2 == 1 {
				slices.Reverse(order)
			}
			for _, o := range order {
				at, err := r.discord.DispatchTimedTo(ctx, o.token, o.in.payload)
				if err != nil {
					return err
				}
				sent[o.in.id] = at
			}
		}
		ack := func(ins []interaction) ([]time.Duration, error) {
			var ds []time.Duration
			for _, in := range ins {
				cb, err := r.discord.WaitCallback(ctx, in.id)
				if err != nil {
					return nil, err
				}
				ds = append(ds, cb.Time.Sub(sent[in.id]))
			}
			return ds, nil
		}
		g, err := ack(geo)
		if err != nil {
			return err
		}
		m, err := ack(mins)
		if err != nil {
			return err
		}
		ratio := float64(latency.Percentile(g, 50)) / float64(latency.Percentile(m, 50))
		if round > 0 {
			ratios = append(ratios, ratio)
		}
		label := fmt.Sprint("round ", round)
		if round == 0 {
			label = "warm-up"
		}
		fmt.Printf("  %s: geobrief ack p50 %s  p99 %s; minimal bot ack p50 %s  p99 %s; ratio of p50s %.2f\n",
			label, latency.Percentile(g, 50), latency.Percentile(g, 99), latency.Percentile(m, 50), latency.Percentile(m, 99), ratio)
		// Let geobrief finish this burst's work before the next round.
		for _, in := range geo {
			if _, err := r.finalEdit(ctx, in); err != nil {
				return err
			}
		}
	}
	slices.Sort(ratios)
	fmt.Printf("beside: median ratio (geobrief p50 / minimal p50) over %d rounds: %.2f (min %.2f, max %.2f)\n",
		rounds, ratios[len(ratios)/2], ratios[0], ratios[len(ratios)-1])
	return nil
}

// startMinimalProcess runs this program again as the minimal bot
// (-minimal-bot), so that its CPU is its own, as a separate bot's would
// be, and returns once it is connected.
func startMinimalProcess(ctx context.Context, apiURL string) (stop func(), err error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, self, "-minimal-bot", apiURL)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	stop = func() {
		_ = stdin.Close() // the child exits when its stdin closes
		_ = cmd.Wait()
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "ready" {
		stop()
		return nil, fmt.Errorf("minimal bot process: %q %v", line, err)
	}
	return stop, nil
}

// runMinimalBot is the child process: connect, say "ready", defer every
// interaction until stdin closes.
func runMinimalBot(apiURL string) error {
	s, err := minimalBot(apiURL)
	if err != nil {
		return err
	}
	fmt.Println("ready")
	_, _ = io.Copy(io.Discard, os.Stdin)
	s.ShouldReconnectOnError = false
	return s.Close()
}
