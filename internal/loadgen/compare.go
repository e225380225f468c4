package loadgen

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"
)

// Comparison runs one subject (warroom) and its peers (Alertmanager, a bare
// handler) after one another, in pairs, so that a machine shared with other
// work slows each side of a pair alike: the ratios within a pair are what
// carry over.
type Comparison struct {
	Subject  Target
	Peers    []Target
	Senders  []int         // closed-loop sender counts, e.g. 8 and 32
	Pairs    int           // rounds per measurement
	Duration time.Duration // of each run
	Warmup   time.Duration // a closed-loop run before the first pair, per target, not counted
	Rate     float64       // open-loop requests/s; 0 skips the open-loop runs
	MaxOpen  int           // open-loop requests in flight at most
	Log      io.Writer     // one line per run; nil: none
}

// Report holds every run of a comparison.
type Report struct {
	Closed map[int][][]Result // senders → pair → results (subject first, then peers)
	Open   [][]Result         // pair → results (subject first, then peers)
	c      *Comparison
}

// Run performs the comparison.
func (c *Comparison) Run(ctx context.Context) (*Report, error) {
	if c.Pairs < 1 || c.Duration <= 0 || len(c.Senders) == 0 {
		return nil, fmt.Errorf("a comparison needs pairs (%d), a duration (%v) and sender counts (%v)", c.Pairs, c.Duration, c.Senders)
	}
	targets := append([]Target{c.Subject}, c.Peers...)
	rep := &Report{Closed: map[int][][]Result{}, c: c}
	client := Client(max(slices.Max(c.Senders), c.MaxOpen))
	if c.Warmup > 0 {
		for _, t := range targets {
			if _, err := c.one(ctx, t, func(t Target) (Result, error) { return Closed(ctx, client, t, c.Senders[0], c.Warmup) }); err != nil {
				return nil, err
			}
		}
	}
	for _, n := range c.Senders {
		for p := range c.Pairs {
			row, err := c.pair(ctx, targets, p, func(t Target) (Result, error) { return Closed(ctx, client, t, n, c.Duration) })
			if err != nil {
				return nil, err
			}
			rep.Closed[n] = append(rep.Closed[n], row)
		}
	}
	if c.Rate > 0 {
		for p := range c.Pairs {
			row, err := c.pair(ctx, targets, p, func(t Target) (Result, error) { return Open(ctx, client, t, c.Rate, c.Duration, c.MaxOpen) })
			if err != nil {
				return nil, err
			}
			rep.Open = append(rep.Open, row)
		}
	}
	return rep, nil
}

// pair runs every target once, in turn; odd pairs run them in reverse
// order, so that neither side always runs first. The results are in the
// targets' order.
func (c *Comparison) pair(ctx context.Context, targets []Target, p int, do func(Target) (Result, error)) ([]Result, error) {
	row := make([]Result, len(targets))
	order := make([]int, len(targets))
	for i := range order {
		order[i] = i
	}
	if p%2 == 1 {
		slices.Reverse(order)
	}
	for _, i := range order {
		r, err := c.one(ctx, targets[i], do)
		if err != nil {
			return nil, err
		}
		row[i] = r
	}
	return row, nil
}

// one runs do against t with bodies no earlier run sent.
func (c *Comparison) one(ctx context.Context, t Target, do func(Target) (Result, error)) (Result, error) {
	b, err := NewBodies(t.Bodies.Format, t.Bodies.PerRequest)
	if err != nil {
		return Result{}, err
	}
	t.Bodies = b
	r, err := do(t)
	if err != nil {
		return Result{}, err
	}
	if ctx.Err() != nil {
		return Result{}, context.Cause(ctx)
	}
	if c.Log != nil {
		fmt.Fprintf(c.Log, "%-12s %7.0f alerts/s  cpu/req %6.0f µs  p50 %7.2f ms  p99 %7.2f ms  ok %d failed %d %s\n",
			r.Target, r.AlertsPerSec(), us(r.CPUPerRequest()), ms(r.Quantile(0.5)), ms(r.Quantile(0.99)), r.OK, r.Failed, r.FirstErr)
	}
	if r.OK == 0 {
		return Result{}, fmt.Errorf("%s answered no request with 2xx: %s", t.Name, r.FirstErr)
	}
	return r, nil
}

func us(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// span is the minimum, median and maximum of xs.
type span struct{ min, med, max float64 }

func spanOf(xs []float64) span {
	s := slices.Clone(xs)
	slices.Sort(s)
	return span{s[0], s[len(s)/2], s[len(s)-1]}
}

func (s span) format(unit string, digits int) string {
	f := func(x float64) string { return fmt.Sprintf("%.*f", digits, x) }
	if f(s.min) == f(s.max) {
		return f(s.min) + unit
	}
	return fmt.Sprintf("%s–%s%s (median %s)", f(s.min), f(s.max), unit, f(s.med))
}

// column collects f of result i of every row.
func column(rows [][]Result, i int, f func(Result) float64) []float64 {
	out := make([]float64, len(rows))
	for p, row := range rows {
		out[p] = f(row[i])
	}
	return out
}

// ratio collects f(row[0]) / f(row[i]) of every row.
func ratio(rows [][]Result, i int, f func(Result) float64) []float64 {
	out := make([]float64, len(rows))
	for p, row := range rows {
		if d := f(row[i]); d != 0 {
			out[p] = f(row[0]) / d
		}
	}
	return out
}

// WriteMarkdown writes the report as Markdown tables: absolute figures
// with their spread over pairs, then the subject's ratio to each peer.
func (r *Report) WriteMarkdown(w io.Writer) {
	names := []string{r.c.Subject.Name}
	for _, p := range r.c.Peers {
		names = append(names, p.Name)
	}
	rate := func(x Result) float64 { return x.AlertsPerSec() }
	cpu := func(x Result) float64 { return us(x.CPUPerRequest()) }
	fmt.Fprintf(w, "Closed loop, %d alerts per request, %d pairs of %v runs (min–max over pairs):\n\n", r.c.Subject.Bodies.PerRequest, r.c.Pairs, r.c.Duration)
	fmt.Fprintf(w, "| senders | server | alerts/s | server CPU per request | failed requests |\n|---|---|---|---|---|\n")
	for _, n := range r.c.Senders {
		rows := r.Closed[n]
		for i, name := range names {
			failed := 0.0
			for _, row := range rows {
				failed += float64(row[i].Failed)
			}
			fmt.Fprintf(w, "| %d | %s | %s | %s | %.0f |\n", n, name, spanOf(column(rows, i, rate)).format("", 0), spanOf(column(rows, i, cpu)).format(" µs", 0), failed)
		}
	}
	fmt.Fprintf(w, "\n| senders | ratio | alerts/s | CPU per request |\n|---|---|---|---|\n")
	for _, n := range r.c.Senders {
		rows := r.Closed[n]
		for i := 1; i < len(names); i++ {
			fmt.Fprintf(w, "| %d | %s / %s | %s | %s |\n", n, names[0], names[i],
				spanOf(ratio(rows, i, rate)).format("×", 2), spanOf(ratio(rows, i, cpu)).format("×", 2))
		}
	}
	if len(r.Open) == 0 {
		return
	}
	fmt.Fprintf(w, "\nOpen loop at %.0f requests/s (%.0f alerts/s) for %v, latency from the intended send time (min–max over pairs):\n\n",
		r.c.Rate, r.c.Rate*float64(r.c.Subject.Bodies.PerRequest), r.c.Duration)
	fmt.Fprintf(w, "| server | p50 | p99 | max | server CPU per request | failed requests |\n|---|---|---|---|---|---|\n")
	q := func(f float64) func(Result) float64 { return func(x Result) float64 { return ms(x.Quantile(f)) } }
	for i, name := range names {
		failed := 0.0
		for _, row := range r.Open {
			failed += float64(row[i].Failed)
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %.0f |\n", name, spanOf(column(r.Open, i, q(0.5))).format(" ms", 2),
			spanOf(column(r.Open, i, q(0.99))).format(" ms", 2), spanOf(column(r.Open, i, q(1))).format(" ms", 1),
			spanOf(column(r.Open, i, cpu)).format(" µs", 0), failed)
	}
	fmt.Fprintln(w)
	for i := 1; i < len(names); i++ {
		fmt.Fprintf(w, "p99 %s / %s: %s\n", names[0], names[i], spanOf(ratio(r.Open, i, q(0.99))).format("×", 2))
	}
}
