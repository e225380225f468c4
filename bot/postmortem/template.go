package postmortem

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"text/template"
	"text/template/parse"
	"time"

	"github.com/warroom/warroom/bot"
)

//go:embed default.md.tmpl
var defaultTemplate string

// DefaultTemplate is the embedded template's text.
func DefaultTemplate() string { return defaultTemplate }

// Limits of one rendering.
const (
	DefaultMaxBytes = 256 << 10
	DefaultTimeout  = 2 * time.Second
	maxRangeDepth   = 2
	maxTemplateSize = 64 << 10
)

// ErrTooLarge and ErrTimeout stop a rendering that writes or runs too much.
var (
	ErrTooLarge = errors.New("postmortem draft is larger than the limit")
	ErrTimeout  = errors.New("postmortem template ran out of time")
)

// Config configures a Drafter.
type Config struct {
	Template string         // template text; "": the embedded default
	Name     string         // for errors, e.g. the file name
	MaxBytes int            // 0: DefaultMaxBytes
	Timeout  time.Duration  // 0: DefaultTimeout
	Location *time.Location // times in drafts; nil: UTC
}

// Drafter renders postmortem drafts from one parsed template. It is safe
// for concurrent use.
type Drafter struct {
	t       *template.Template
	max     int
	timeout time.Duration
	loc     *time.Location
}

// Funcs are the functions a template may call besides the harmless
// builtins (and, or, not, len, index, slice, eq, ne, lt, le, gt, ge, print,
// println, html, js, urlquery). printf is a bounded version; call is off.
func Funcs() template.FuncMap {
	return template.FuncMap{
		"printf":  safePrintf,
		"call":    func(...any) (string, error) { return "", errors.New("call is not allowed in postmortem templates") },
		"default": func(def, v string) string { return orDefault(v, def) },
		"upper":   strings.ToUpper,
		"lower":   strings.ToLower,
		"trim":    strings.TrimSpace,
		"join":    func(sep string, xs []string) string { return strings.Join(xs, sep) },
		"oneline": func(s string) string { return strings.Join(strings.Fields(s), " ") },
		"quote":   func(s string) string { return "> " + strings.ReplaceAll(s, "\n", "\n> ") },
		"cell":    cell,
	}
}

// cell makes text safe in a markdown table cell: one line, | escaped.
func cell(s string) string {
	return strings.ReplaceAll(strings.Join(strings.Fields(s), " "), "|", `\|`)
}

func orDefault(v, def string) string {
	if strings.TrimSpace(v) == "" {
		return def
	}
	return v
}

// New parses and checks cfg.Template.
func New(cfg Config) (*Drafter, error) {
	text, name := cfg.Template, cfg.Name
	if text == "" {
		text, name = defaultTemplate, "default postmortem template"
	}
	if name == "" {
		name = "postmortem template"
	}
	if len(text) > maxTemplateSize {
		return nil, fmt.Errorf("%s: larger than %d KiB", name, maxTemplateSize>>10)
	}
	t, err := template.New("postmortem").Funcs(Funcs()).Option("missingkey=error").Parse(text)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := check(t); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	d := &Drafter{t: t, max: cfg.MaxBytes, timeout: cfg.Timeout, loc: cfg.Location}
	if d.max <= 0 {
		d.max = DefaultMaxBytes
	}
	if d.timeout <= 0 {
		d.timeout = DefaultTimeout
	}
	if d.loc == nil {
		d.loc = time.UTC
	}
	return d, nil
}

// check refuses what could make a rendering run away: other templates
// (define, block, template), ranges over anything but a field of the data,
// and ranges nested more than maxRangeDepth deep.
func check(t *template.Template) error {
	if len(t.Templates()) > 1 {
		return errors.New("define and block are not allowed: use one template")
	}
	if t.Tree == nil || t.Tree.Root == nil {
		return errors.New("the template is empty")
	}
	return walk(t.Tree.Root, 0)
}

func walk(n parse.Node, depth int) error {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return nil
		}
		for _, c := range n.Nodes {
			if err := walk(c, depth); err != nil {
				return err
			}
		}
	case *parse.TemplateNode:
		return fmt.Errorf("line %d: {{template}} is not allowed", n.Line)
	case *parse.RangeNode:
		if depth >= maxRangeDepth {
			return fmt.Errorf("line %d: ranges may nest %d deep at most", n.Line, maxRangeDepth)
		}
		if !fieldPipe(n.Pipe) {
			return fmt.Errorf("line %d: range only over a field of the data, like {{range .Timeline}}", n.Line)
		}
		if err := walk(n.List, depth+1); err != nil {
			return err
		}
		return walk(n.ElseList, depth)
	case *parse.IfNode:
		if err := walk(n.List, depth); err != nil {
			return err
		}
		return walk(n.ElseList, depth)
	case *parse.WithNode:
		if err := walk(n.List, depth); err != nil {
			return err
		}
		return walk(n.ElseList, depth)
	}
	return nil
}

// fieldPipe reports whether a range pipeline is one field reference:
// .Timeline, $.Actions, $x.Roles.
func fieldPipe(p *parse.PipeNode) bool {
	if p == nil || len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 1 {
		return false
	}
	switch a := p.Cmds[0].Args[0].(type) {
	case *parse.FieldNode:
		return true
	case *parse.VariableNode:
		return len(a.Ident) > 1
	case *parse.ChainNode:
		return len(a.Field) > 0
	}
	return false
}

var printfVerb = regexp.MustCompile(`%[-+# 0]*(\d*|\*)(?:\.(\d*|\*))?`)

// safePrintf is printf with widths and precisions of at most 3 digits.
func safePrintf(format string, args ...any) (string, error) {
	for _, m := range printfVerb.FindAllStringSubmatch(format, -1) {
		for _, n := range m[1:] {
			if n == "*" {
				return "", errors.New("printf: * widths are not allowed")
			}
			if v, _ := strconv.Atoi(n); v > 200 {
				return "", errors.New("printf: widths above 200 are not allowed")
			}
		}
	}
	return fmt.Sprintf(format, args...), nil
}

// Render drafts the postmortem of inc as markdown.
func (d *Drafter) Render(ctx context.Context, inc *bot.Incident, timeline []bot.Entry, actions []bot.ActionItem, now time.Time) (string, error) {
	return d.Execute(ctx, NewData(inc, timeline, actions, now, d.loc))
}

// Execute renders data, stopping at MaxBytes or Timeout.
func (d *Drafter) Execute(ctx context.Context, data Data) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	w := &cappedWriter{max: d.max, ctx: ctx}
	done := make(chan error, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- fmt.Errorf("postmortem template panicked: %v", r)
			}
		}()
		done <- d.t.Execute(w, data)
	}()
	select {
	case err := <-done:
		switch {
		case errors.Is(err, ErrTooLarge), errors.Is(err, ErrTimeout):
			return "", err
		case err != nil:
			return "", fmt.Errorf("render postmortem: %w", err)
		}
		return w.buf.String(), nil
	case <-ctx.Done():
		return "", ErrTimeout // the rendering's next write fails, ending it
	}
}

// cappedWriter fails writes past max bytes or after its context ends.
type cappedWriter struct {
	max int
	ctx context.Context
	buf bytes.Buffer
}

func (w *cappedWriter) Write(p []byte) (int, error) {
	if w.ctx.Err() != nil {
		return 0, ErrTimeout
	}
	if w.buf.Len()+len(p) > w.max {
		return 0, ErrTooLarge
	}
	return w.buf.Write(p)
}
