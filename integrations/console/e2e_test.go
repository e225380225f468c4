package console_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/warroom/warroom/integrations/console"
)

// chromium finds Debian's chromium, skipping the test without it (failing
// it when CI=true, where it must run).
func chromium(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/chromium", "chromium", "chromium-browser"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium not found: apt-get install chromium (CI=true: the browser test must run)")
	}
	t.Skip("chromium not found: apt-get install chromium")
	return ""
}

// newBrowser starts headless Chromium for the test; step fails the test
// with the page's HTML when err is not nil, wait polls a JavaScript
// expression until it is truthy.
func newBrowser(t *testing.T, ctx context.Context, path string) (context.Context, func(string, error), func(string, string)) {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(acancel)
	bctx, bcancel := chromedp.NewContext(actx, chromedp.WithErrorf(func(string, ...any) {}))
	t.Cleanup(bcancel)
	step := func(what string, err error) {
		t.Helper()
		if err == nil {
			return
		}
		html, herr := chromedp.Run(bctx, chromedp.OuterHTML(chromedp.CSS("body")))
		if herr != nil {
			html = herr.Error()
		}
		t.Fatalf("%s: %v\npage:\n%s", what, err, html)
	}
	wait := func(what, expr string) {
		t.Helper()
		_, err := chromedp.Run(bctx, chromedp.Poll[chromedp.Void](expr,
			chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(10*time.Second)))
		step("wait for "+what, err)
	}
	return bctx, step, wait
}

// TestBrowser drives the console in headless Chromium: declare, acknowledge
// with a click (the card is edited in place), resolve through the card's
// form, and read the timeline on the incident page.
func TestBrowser(t *testing.T) {
	path := chromium(t)
	s := newStack(t, console.Config{Poll: 150 * time.Millisecond, LocalUser: "alice"})
	srv := s.serve(t)

	wctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.worker.Run(wctx) }()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("outbox worker: %v", err)
		}
	})

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	bctx, step, wait := newBrowser(t, ctx, path)

	const announce = `#messages .msg.card[data-ref="announce:INC-1"]`
	status := func(card string) string {
		return `(document.querySelector('` + card + ` .field[data-label="Status"] dd') || {}).textContent`
	}

	// Declare from #incidents, as the local operator.
	step("open the console", chromedp.Do(bctx,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(chromedp.ID("command")),
		chromedp.SendKeys(chromedp.ID("command"), "/incident declare sev2 Checkout latency above SLO --service payments\r"),
	))
	wait("the reply", `[...document.querySelectorAll('#messages .msg.reply')].some(m => m.textContent.includes('Declared INC-1'))`)
	wait("the card", status(announce)+` === 'triggered'`)
	wait("the channel in the sidebar", `document.querySelector('#sidebar a[data-channel="inc-1-checkout-latency-above-slo"]')`)

	id, err := chromedp.Run(bctx, chromedp.AttributeValue(chromedp.CSS(announce), "id"))
	step("read the card's id", err)

	// Acknowledge with a click: the same card changes.
	step("click Acknowledge", chromedp.Do(bctx, chromedp.Click(chromedp.CSS(announce+` button[data-command^="ack "]`))))
	wait("the acknowledged card", status(announce)+` === 'acknowledged'`)
	cards, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll('#messages .msg.card')].map(m => m.id + ' ' + m.dataset.ref)`))
	step("list the cards", err)
	if len(cards) != 1 || cards[0] != id.Value+" announce:INC-1" {
		t.Fatalf("after acknowledging: cards %v, want the one card %s edited in place", cards, id.Value)
	}
	edited, err := chromedp.Run(bctx, chromedp.Evaluate[bool](
		`!!document.querySelector('`+announce+` .edited') && !document.querySelector('`+announce+` button[data-command^="ack "]')`))
	step("check the edit", err)
	if !edited {
		t.Fatal("the card is not marked edited, or still offers Acknowledge")
	}

	// Resolve through the card's button and its inline form.
	step("open the resolve form", chromedp.Do(bctx,
		chromedp.Click(chromedp.CSS(announce+` button[data-form="resolve"]`)),
		chromedp.WaitVisible(chromedp.CSS(announce+` .formslot input`)),
		chromedp.SendKeys(chromedp.CSS(announce+` .formslot input`), "Rolled back deploy 1234\r"),
	))
	wait("the resolved card", status(announce)+` === 'resolved'`)
	wait("the resolution post", `[...document.querySelectorAll('#messages .msg:not(.card)')].some(m => m.textContent.includes('Rolled back deploy 1234'))`)

	// The incident's channel has its own card, in the same state.
	step("open the incident channel", chromedp.Do(bctx,
		chromedp.Click(chromedp.CSS(`#sidebar a[data-channel="inc-1-checkout-latency-above-slo"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#messages .msg.card[data-ref="card:INC-1"]`)),
	))
	wait("the channel card", status(`#messages .msg.card[data-ref="card:INC-1"]`)+` === 'resolved'`)

	// The incident page shows the timeline.
	step("open the incident page", chromedp.Do(bctx,
		chromedp.Navigate(srv.URL+"/incidents/INC-1"),
		chromedp.WaitVisible(chromedp.ID("timeline")),
	))
	kinds, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#timeline .entry')].map(e => e.dataset.kind)`))
	step("read the timeline", err)
	for _, k := range []string{"declared", "acknowledged", "resolved"} {
		if !slices.Contains(kinds, k) {
			t.Errorf("timeline %v lacks %q", kinds, k)
		}
	}
	text, err := chromedp.Run(bctx, chromedp.Text(chromedp.ID("timeline")))
	step("read the timeline text", err)
	if !strings.Contains(text, "Acknowledged\n— alice") || !strings.Contains(text, "Rolled back deploy 1234") {
		t.Errorf("timeline text:\n%s", text)
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Fatal("the browser test ran out of time")
	}
}
