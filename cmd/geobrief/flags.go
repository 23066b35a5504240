package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/geobrief/geobrief/summarize"
)

// cmdLine is one subcommand's command line: its flags, its usage line and
// how many words it takes after them. Every subcommand parses through it,
// so a mistake reads the same everywhere and is always exit code 2.
type cmdLine struct {
	name  string
	usage string // e.g. "geobrief search [--limit N] [--json] QUERY"
	flags *flag.FlagSet
	// minWords and maxWords bound the words left after the flags; maxWords
	// < 0 means any number.
	minWords, maxWords int
}

// newCmdLine starts the command line of a subcommand that takes between
// minWords and maxWords words (maxWords < 0: any number).
func newCmdLine(name, usage string, minWords, maxWords int) *cmdLine {
	fl := flag.NewFlagSet(name, flag.ContinueOnError)
	fl.SetOutput(io.Discard)
	return &cmdLine{name: name, usage: usage, flags: fl, minWords: minWords, maxWords: maxWords}
}

// errHelp: the user asked for the subcommand's help, which was printed.
var errHelp = errors.New("help shown")

// parse reads args, with flags allowed after the words too (`summarize oman
// --json`), and returns the words. help receives the usage and the flags'
// descriptions when the user asks for them with -h or --help.
func (c *cmdLine) parse(args []string, help io.Writer) ([]string, error) {
	ordered, err := c.reorder(args)
	if err == nil {
		err = c.flags.Parse(ordered)
	}
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(help, "Usage: "+c.usage)
		c.flags.SetOutput(help)
		c.flags.PrintDefaults()
		return nil, errHelp
	}
	if err != nil {
		return nil, c.usageErr("%v", err)
	}
	words := c.flags.Args()
	switch {
	case len(words) < c.minWords:
		return nil, c.usageErr("missing argument")
	case c.maxWords >= 0 && len(words) > c.maxWords:
		return nil, c.usageErr("unexpected %s", clipQuote(strings.Join(words[c.maxWords:], " ")))
	}
	return words, nil
}

// lengthFlag adds --length, the summary length of the subcommands that
// summarize (summarize, story), and returns how to read it once parse has
// run: a length summarize does not know is a usage mistake, exit code 2.
func (c *cmdLine) lengthFlag() func() (summarize.Length, error) {
	v := c.flags.String("length", "standard", "short, standard or detailed")
	return func() (summarize.Length, error) {
		length, err := summarize.ParseLength(*v)
		if err != nil {
			return "", c.usageErr("%v", err)
		}
		return length, nil
	}
}

// usageErr is a mistake on this subcommand's command line, followed by how
// to use it.
func (c *cmdLine) usageErr(format string, a ...any) error {
	return usageErr("%s: %s (usage: %s)", c.name, fmt.Sprintf(format, a...), c.usage)
}

// reorder moves flags written after the words to the front, so both
// `summarize --json oman` and `summarize oman --json` work. Whether a flag
// takes a value comes from its definition, so the word after a boolean flag
// is never taken as its value, and a flag that needs a value and has none
// (`summarize --doc`, `--doc --json`) is an error rather than silently
// taking the next flag as its value.
func (c *cmdLine) reorder(args []string) ([]string, error) {
	var flags, words []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			words = append(words, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			words = append(words, a)
			continue
		}
		flags = append(flags, a)
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		f := c.flags.Lookup(name)
		if hasValue || f == nil || isBoolFlag(f) {
			continue // unknown flags are reported by Parse
		}
		if i+1 == len(args) || strings.HasPrefix(args[i+1], "--") {
			return nil, fmt.Errorf("flag needs a value: -%s", name)
		}
		flags = append(flags, args[i+1])
		i++
	}
	return append(append(flags, "--"), words...), nil
}

func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// clipQuote quotes what a user typed for an error message, cut so that a
// pasted paragraph does not fill the terminal.
func clipQuote(s string) string {
	const max = 60
	r := []rune(s)
	if len(r) <= max {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf("%q", string(r[:max-1])+"…")
}
