package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/geobrief/geobrief/discord/discordfake"
)

const (
	guildID   = "700000000000000001"
	channelID = "710000000000000001"
	// manageGuild is in the member's permissions, so /digest-schedule works.
	manageGuild = "32"
)

// session sends interactions typed by the user and prints the answers; its
// watcher prints what the bot posts on its own (scheduled digests,
// follow-ups) as it arrives.
type session struct {
	f       *discordfake.Server
	out     *syncWriter
	timeout time.Duration

	mu sync.Mutex
	// closed holds the channels answered as missing or forbidden, with the
	// answer.
	closed map[string]string
	nonces map[string]bool
}

func newSession(f *discordfake.Server, out io.Writer, timeout time.Duration) *session {
	return &session{f: f, out: &syncWriter{w: out}, timeout: timeout, closed: map[string]string{}, nonces: map[string]bool{}}
}

// syncWriter lets the prompt and the watcher print without interleaving.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.w.Write(p)
}

// The answers a channel can be given, as Discord sends them.
var channelAnswers = map[string]struct {
	status, code int
	message      string
}{
	"missing":   {404, 10003, "Unknown Channel"},
	"forbidden": {403, 50001, "Missing Access"},
}

// setChannel handles ":missing ID", ":forbidden ID" and ":ok ID".
func (s *session) setChannel(line string) error {
	what, channel, _ := strings.Cut(strings.TrimSpace(line), " ")
	channel = strings.Trim(strings.TrimSpace(channel), "<#>")
	if channel == "" {
		return errors.New("which channel? e.g. :missing 710000000000000001")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if what == "ok" {
		s.f.SetChannelError(channel, 0, 0, "")
		delete(s.closed, channel)
		fmt.Fprintf(s.out, "Channel %s accepts posts again.\n", channel)
		return nil
	}
	a, ok := channelAnswers[what]
	if !ok {
		return fmt.Errorf("%q: use :missing, :forbidden or :ok", what)
	}
	s.f.SetChannelError(channel, a.status, a.code, a.message)
	s.closed[channel] = fmt.Sprintf("%d %s", a.status, a.message)
	fmt.Fprintf(s.out, "Channel %s now answers posts with %d %s.\n", channel, a.status, a.message)
	return nil
}

// watch prints, until ctx ends, every message the bot posts to a channel
// (scheduled digests) and every follow-up, as they arrive.
func (s *session) watch(ctx context.Context) {
	seen := 0
	for {
		reqs, err := s.f.WaitRequests(ctx, seen)
		if err != nil {
			return
		}
		seen += len(reqs)
		for _, r := range reqs {
			if text, ok := s.describe(r); ok {
				fmt.Fprintln(s.out, text)
			}
		}
	}
}

// describe tells what the bot did with r, when r is a post of its own.
func (s *session) describe(r discordfake.Request) (string, bool) {
	if r.Method != "POST" {
		return "", false
	}
	parts := strings.Split(strings.Trim(r.Path, "/"), "/")
	switch {
	case len(parts) == 5 && parts[2] == "channels" && parts[4] == "messages":
		channel := parts[3]
		var m struct {
			Nonce string `json:"nonce"`
		}
		_ = r.Decode(&m)
		s.mu.Lock()
		refused, closed := s.closed[channel]
		repeat := m.Nonce != "" && s.nonces[channel+"/"+m.Nonce]
		if !closed && m.Nonce != "" {
			s.nonces[channel+"/"+m.Nonce] = true
		}
		s.mu.Unlock()
		head := fmt.Sprintf("── post to #%s at %s ──", channel, r.Time.Format("15:04:05"))
		switch {
		case closed:
			return head + fmt.Sprintf("\n(refused: %s; the bot should pause this schedule, see /digest-schedule show)", refused), true
		case repeat:
			return head + "\n(the same nonce again: Discord keeps the first message, nothing new shown)", true
		}
		return head + "\n" + render(r.Body), true
	case len(parts) == 5 && parts[2] == "webhooks":
		return "── follow-up ──\n" + render(r.Body), true
	}
	return "", false
}

// Option types of the options the bot's commands take (Discord's numbers).
var optionTypes = map[string]int{
	"article": 3, "length": 3, "query": 3, "since": 3, "times": 3, "timezone": 3, "channel": 7,
}

func (s *session) send(ctx context.Context, line string) error {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	var in map[string]any
	switch line[0] {
	case '/':
		name, opts, err := parseCommand(line[1:])
		if err != nil {
			return err
		}
		in = s.interaction(2, map[string]any{"id": "1", "name": name, "type": 1, "options": opts})
	case '?':
		name, typed, _ := strings.Cut(strings.TrimSpace(line[1:]), " ")
		option := "article"
		if name == "digest-schedule" {
			option = "timezone"
		}
		focused := []map[string]any{{"name": option, "type": 3, "value": typed, "focused": true}}
		if name == "digest-schedule" {
			focused = []map[string]any{{"name": "set", "type": 1, "options": focused}}
		}
		in = s.interaction(4, map[string]any{"id": "1", "name": name, "type": 1, "options": focused})
	case ':':
		return s.setChannel(line[1:])
	case '!':
		in = s.interaction(3, map[string]any{"custom_id": strings.TrimSpace(line[1:]), "component_type": 2})
	default:
		return errors.New("start with / for a command, ? for autocomplete, ! for a button or : for a channel (:missing ID, :forbidden ID, :ok ID)")
	}
	if err := s.f.Dispatch(ctx, in); err != nil {
		return err
	}
	return s.printAnswer(ctx, in)
}

func (s *session) interaction(typ int, data map[string]any) map[string]any {
	id := s.f.NewID()
	return map[string]any{
		"id": id, "application_id": s.f.AppID, "type": typ, "token": "tok-" + id,
		"guild_id": guildID, "channel_id": channelID, "version": 1,
		"member": map[string]any{"user": map[string]any{"id": "42", "username": "you"}, "permissions": manageGuild},
		"data":   data,
	}
}

// parseCommand reads `summarize article:talks in Oman length:short`. A word
// `name:` starts an option when name is one the bot uses; other words
// belong to the option before. A bare word after the command name is a
// subcommand (`digest-schedule show`).
func parseCommand(s string) (string, []map[string]any, error) {
	words := strings.Fields(s)
	if len(words) == 0 {
		return "", nil, errors.New("which command?")
	}
	name := words[0]
	var opts []map[string]any
	var sub map[string]any
	for _, w := range words[1:] {
		key, value, ok := strings.Cut(w, ":")
		if typ, known := optionTypes[key]; ok && known {
			opts = append(opts, map[string]any{"name": key, "type": typ, "value": value})
			continue
		}
		if len(opts) == 0 && sub == nil {
			sub = map[string]any{"name": w, "type": 1}
			continue
		}
		if len(opts) == 0 {
			return "", nil, fmt.Errorf("%q: options look like name:value", w)
		}
		last := opts[len(opts)-1]
		last["value"] = last["value"].(string) + " " + w
	}
	if sub != nil {
		if opts == nil {
			opts = []map[string]any{}
		}
		sub["options"] = opts
		return name, []map[string]any{sub}, nil
	}
	if opts == nil {
		opts = []map[string]any{}
	}
	return name, opts, nil
}

// printAnswer waits for the bot's answer to in: its callback and, when the
// reply was deferred, the final edit and any follow-ups.
func (s *session) printAnswer(ctx context.Context, in map[string]any) error {
	start := time.Now()
	cb, err := s.f.WaitCallback(ctx, in["id"].(string))
	if err != nil {
		return err
	}
	var resp struct {
		Type int             `json:"type"`
		Data json.RawMessage `json:"data"`
	}
	if err := cb.Decode(&resp); err != nil {
		return err
	}
	switch resp.Type {
	case 8:
		var d struct {
			Choices []struct{ Name, Value string }
		}
		_ = json.Unmarshal(resp.Data, &d)
		for _, c := range d.Choices {
			fmt.Fprintf(s.out, "  %s  (%s)\n", c.Name, c.Value)
		}
		if len(d.Choices) == 0 {
			fmt.Fprintln(s.out, "  (no choices)")
		}
		return nil
	case 4:
		fmt.Fprintln(s.out, render(resp.Data))
		return nil
	}
	fmt.Fprintf(s.out, "(acknowledged in %s; waiting for the answer)\n", time.Since(start).Round(time.Millisecond))
	token := in["token"].(string)
	seen := 0
	for {
		reqs, err := s.f.WaitRequests(ctx, seen)
		if err != nil {
			return fmt.Errorf("no answer: %w", err)
		}
		seen += len(reqs)
		for _, r := range reqs {
			if r.Method != "PATCH" || !strings.Contains(r.Path, "/"+token+"/messages/@original") {
				continue
			}
			text := render(r.Body)
			if isProgress(text) {
				fmt.Fprintln(s.out, "  …", text)
				continue
			}
			fmt.Fprintln(s.out, text)
			return nil
		}
	}
}

// isProgress tells the bot's status lines from its answers.
func isProgress(text string) bool {
	for _, p := range []string{"Summarizing document", "Read ", "Still working"} {
		if strings.HasPrefix(text, p) {
			return true
		}
	}
	return false
}

// render shows a message body as text.
func render(body json.RawMessage) string {
	var m struct {
		Content string `json:"content"`
		Embeds  []struct {
			Title       string                 `json:"title"`
			Description string                 `json:"description"`
			URL         string                 `json:"url"`
			Author      *struct{ Name string } `json:"author"`
			Fields      []struct{ Name, Value string }
			Footer      *struct{ Text string } `json:"footer"`
		} `json:"embeds"`
		Components []struct {
			Components []struct {
				Label    string `json:"label"`
				CustomID string `json:"custom_id"`
			} `json:"components"`
		} `json:"components"`
		Flags int `json:"flags"`
	}
	_ = json.Unmarshal(body, &m)
	var b strings.Builder
	if m.Flags&64 != 0 {
		b.WriteString("(only you can see this)\n")
	}
	if m.Content != "" {
		b.WriteString(m.Content + "\n")
	}
	for _, e := range m.Embeds {
		if e.Author != nil && e.Author.Name != "" {
			b.WriteString("┃ " + e.Author.Name + "\n")
		}
		if e.Title != "" {
			b.WriteString("┃ " + e.Title + "\n")
		}
		if e.Description != "" {
			b.WriteString(indent(e.Description) + "\n")
		}
		for _, f := range e.Fields {
			b.WriteString("┃\n┃ " + f.Name + "\n" + indent(f.Value) + "\n")
		}
		if e.Footer != nil && e.Footer.Text != "" {
			b.WriteString("┃\n┃ " + e.Footer.Text + "\n")
		}
	}
	for _, row := range m.Components {
		for _, c := range row.Components {
			fmt.Fprintf(&b, "[%s]  (type !%s)\n", c.Label, c.CustomID)
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

func indent(s string) string { return "┃ " + strings.ReplaceAll(s, "\n", "\n┃ ") }
