// Command loadgen drives alert receivers for `make bench-peer`
// (scripts/bench-peer.sh): it compares the shipped `warroom serve` with
// Prometheus Alertmanager and a bare Go handler, or serves that bare
// handler. It is a benchmark tool; the warroom binary does not include it.
//
//	loadgen compare -warroom URL -warroom-pid PID -token T \
//	    -alertmanager URL -alertmanager-pid PID -bare URL -bare-pid PID
//	loadgen bare -addr 127.0.0.1:19091
//
// With -baseline URL -baseline-pid PID, compare also drives a second
// warroom (an older build serving its own database, same token) pair by
// pair, for a before/after ratio taken under the same load.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/warroom/warroom/internal/loadgen"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) == 0 {
		return errors.New("usage: loadgen compare|bare [flags] (-h for the flags)")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	switch args[0] {
	case "compare":
		return compare(ctx, args[1:])
	case "bare":
		return bare(ctx, args[1:])
	}
	return fmt.Errorf("unknown subcommand %q: compare or bare", args[0])
}

func compare(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	wrURL := fs.String("warroom", "", "warroom's /webhooks/alertmanager URL (required)")
	wrPID := fs.Int("warroom-pid", 0, "warroom's process id, for its CPU time")
	token := fs.String("token", "", "the webhook token warroom expects (default $WARROOM_WEBHOOK_TOKEN)")
	amURL := fs.String("alertmanager", "", "Alertmanager's /api/v2/alerts URL")
	amPID := fs.Int("alertmanager-pid", 0, "Alertmanager's process id")
	bareURL := fs.String("bare", "", "a bare handler's URL (loadgen bare)")
	barePID := fs.Int("bare-pid", 0, "the bare handler's process id")
	baseURL := fs.String("baseline", "", "another warroom's /webhooks/alertmanager URL (an older build, same token), compared like a peer")
	basePID := fs.Int("baseline-pid", 0, "the other warroom's process id")
	senders := fs.String("senders", "8,32", "closed-loop sender counts, comma-separated")
	pairs := fs.Int("pairs", 3, "interleaved rounds per measurement")
	duration := fs.Duration("duration", 5*time.Second, "length of each run")
	warmup := fs.Duration("warmup", 2*time.Second, "an uncounted run per server first")
	rate := fs.Float64("rate", 200, "open-loop requests per second; 0 skips the open-loop runs")
	maxOpen := fs.Int("max-open", 256, "open-loop requests in flight at most")
	perReq := fs.Int("alerts", 10, "alerts per request")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *wrURL == "" {
		return errors.New("-warroom is required")
	}
	if *token == "" {
		*token = os.Getenv("WARROOM_WEBHOOK_TOKEN")
	}
	var counts []int
	for f := range strings.SplitSeq(*senders, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return fmt.Errorf("-senders: %q is not a positive number", f)
		}
		counts = append(counts, n)
	}
	target := func(name, url, token string, pid int, f loadgen.Format) (loadgen.Target, error) {
		b, err := loadgen.NewBodies(f, *perReq)
		return loadgen.Target{Name: name, URL: url, Token: token, PID: pid, Bodies: b}, err
	}
	subject, err := target("warroom", *wrURL, *token, *wrPID, loadgen.Webhook)
	if err != nil {
		return err
	}
	c := &loadgen.Comparison{Subject: subject, Senders: counts, Pairs: *pairs, Duration: *duration, Warmup: *warmup,
		Rate: *rate, MaxOpen: *maxOpen, Log: os.Stderr}
	if *amURL != "" {
		t, err := target("alertmanager", *amURL, "", *amPID, loadgen.AlertmanagerAPI)
		if err != nil {
			return err
		}
		c.Peers = append(c.Peers, t)
	}
	if *baseURL != "" {
		t, err := target("baseline", *baseURL, *token, *basePID, loadgen.Webhook)
		if err != nil {
			return err
		}
		c.Peers = append(c.Peers, t)
	}
	if *bareURL != "" {
		t, err := target("bare", *bareURL, "", *barePID, loadgen.Webhook)
		if err != nil {
			return err
		}
		c.Peers = append(c.Peers, t)
	}
	rep, err := c.Run(ctx)
	if err != nil {
		return err
	}
	rep.WriteMarkdown(os.Stdout)
	return nil
}

func bare(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bare", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:19091", "listen address")
	if err := fs.Parse(args); err != nil {
		return err
	}
	srv := &http.Server{Addr: *addr, Handler: loadgen.BareHandler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
