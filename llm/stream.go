package llm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Stream is Complete with the answer handed to onDelta piece by piece as it
// arrives (without any leading <think> block). A stream that ends before its
// finish_reason is an error; it is retried only if nothing was delivered.
// On such an error the Response holds what was delivered.
func (c *Client) Stream(ctx context.Context, req Request, onDelta func(string)) (Response, error) {
	if onDelta == nil {
		onDelta = func(string) {}
	}
	return c.call(ctx, req, onDelta)
}

// streamOnce makes one streaming attempt. delivered reports whether onDelta
// was called, after which the attempt cannot be repeated.
func (c *Client) streamOnce(ctx context.Context, req Request, mode string, onDelta func(string)) (Response, bool, error) {
	creq, ex := c.chatRequest(req, mode)
	actx, cancel := context.WithTimeout(withExchange(ctx, ex), c.cfg.Timeout)
	defer cancel()

	stream, err := c.api.CreateChatCompletionStream(actx, creq)
	if err != nil {
		return Response{}, false, c.statusFrom(err, ex, creq.Model)
	}
	defer stream.Close()

	var (
		raw       strings.Builder
		filter    thinkFilter
		delivered bool
		out       = Response{Model: creq.Model}
	)
	emit := func(s string) {
		if s != "" {
			delivered = true
			onDelta(s)
		}
	}
	for {
		chunk, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			out.Content = stripThink(raw.String())
			return out, delivered, fmt.Errorf("llm: stream failed: %w", c.statusFrom(err, ex, creq.Model))
		}
		if chunk.Model != "" {
			out.Model = chunk.Model
		}
		if chunk.Usage != nil {
			out.Usage.PromptTokens = chunk.Usage.PromptTokens
			out.Usage.CompletionTokens = chunk.Usage.CompletionTokens
		}
		for _, ch := range chunk.Choices {
			if ch.Index != 0 {
				continue
			}
			raw.WriteString(ch.Delta.Content)
			emit(filter.feed(ch.Delta.Content))
			if ch.FinishReason != "" && ch.FinishReason != "null" {
				out.FinishReason = string(ch.FinishReason)
			}
		}
	}
	emit(filter.flush())
	out.Content = stripThink(raw.String())
	if out.FinishReason == "" {
		return out, delivered, fmt.Errorf("llm: %w", errStreamCut)
	}
	if out.Usage.Total() == 0 {
		out.Usage = estimateUsage(req.Messages, raw.String())
	}
	return out, delivered, nil
}

// thinkFilter holds back a leading <think>...</think> block from a stream.
type thinkFilter struct {
	state int // 0 start, 1 inside the block, 2 after it (skipping space), 3 passing through
	buf   strings.Builder
}

const (
	thinkOpen  = "<think>"
	thinkClose = "</think>"
)

func (f *thinkFilter) feed(s string) string {
	switch f.state {
	case 3:
		return s
	case 2:
		t := strings.TrimLeft(s, " \t\r\n")
		if t != "" {
			f.state = 3
		}
		return t
	}
	f.buf.WriteString(s)
	b := f.buf.String()
	if f.state == 0 {
		t := strings.TrimLeft(b, " \t\r\n")
		switch {
		case t == "" || strings.HasPrefix(thinkOpen, t):
			return "" // may still become <think>
		case !strings.HasPrefix(t, thinkOpen):
			f.state = 3
			f.buf.Reset()
			return b
		}
		f.state = 1
		b = t[len(thinkOpen):]
		f.buf.Reset()
		f.buf.WriteString(b)
	}
	i := strings.Index(b, thinkClose)
	if i < 0 {
		return ""
	}
	f.buf.Reset()
	f.state = 2
	return f.feed(b[i+len(thinkClose):])
}

// flush returns what is still held back when the stream ends.
func (f *thinkFilter) flush() string {
	if f.state == 0 {
		s := f.buf.String()
		f.buf.Reset()
		return s
	}
	return ""
}
