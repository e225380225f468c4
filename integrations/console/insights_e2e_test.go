package console_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/console"
	"github.com/warroom/warroom/internal/testkit"
)

// artifacts is where the browser tests leave their screenshots (ignored
// by git).
const artifacts = "testdata/artifacts"

func screenshot(t *testing.T, bctx context.Context, step func(string, error), name string, w, h int64) {
	t.Helper()
	step("resize for "+name, chromedp.Do(bctx, chromedp.EmulateViewport(w, h)))
	png, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
	step("screenshot "+name, err)
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(artifacts, name)
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", p)
}

// TestInsightsBrowser drives the insights page in headless Chromium over a
// generated history: load it, check its tiles against the JSON API, change
// the period and a filter (kept in the URL), follow a figure to the
// filtered incident list, and keep screenshots at desktop and phone widths.
func TestInsightsBrowser(t *testing.T) {
	path := chromium(t)
	s := newStack(t, console.Config{Token: "test-token-0123456789"})
	now := time.Now().UTC()
	testkit.ImportHistory(t, s.store, testkit.History(2000, now.Add(-100*24*time.Hour), now.Add(-time.Minute), 11))
	srv := s.serve(t)

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	bctx, step, wait := newBrowser(t, ctx, path)

	// apiTotal asks the JSON API, from the page, for the incidents of the
	// view shown (the page's own query), so both are computed at once.
	tile := func(label string) string {
		v, err := chromedp.Run(bctx, chromedp.Evaluate[string](`[...document.querySelectorAll('.tile')].find(t =>
			t.querySelector('.tile-label').textContent === '`+label+`').querySelector('.tile-value').textContent`))
		step("read tile "+label, err)
		return v
	}
	agree := func(what string) {
		t.Helper()
		total, err := chromedp.Run(bctx, chromedp.Evaluate[float64](`JSON.parse(document.getElementById('insights').dataset.json).incidents.total`))
		step("read the page's data", err)
		var api float64
		_, err = chromedp.Run(bctx, chromedp.Evaluate[chromedp.Void](`fetch('/api/v1/insights' + location.search,
			{headers: {Authorization: 'Bearer test-token-0123456789'}}).then(r => r.json()).then(j => { window.apiTotal = j.incidents.total })`))
		step("ask the API", err)
		wait("the API's answer", `window.apiTotal !== undefined`)
		api, err = chromedp.Run(bctx, chromedp.Evaluate[float64](`window.apiTotal`))
		step("read the API's answer", err)
		if shown := tile("Incidents"); shown != strconv.Itoa(int(api)) || total != api {
			t.Errorf("%s: the page shows %s incidents (data %v), the API answers %v", what, shown, total, api)
		}
	}

	// settled waits across a navigation: an evaluation that fails while
	// the old page goes away counts as not yet.
	settled := func(what, expr string) {
		t.Helper()
		testkit.Eventually(t, what, func() bool {
			ok, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`!!(`+expr+`)`))
			return err == nil && ok
		})
	}

	step("load the insights", chromedp.Do(bctx,
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(srv.URL+"/insights?period=30d"),
		chromedp.WaitVisible(chromedp.CSS(".tiles")),
	))
	wait("the charts", `document.querySelectorAll('#chart-incidents .uplot, #chart-trend .uplot, #chart-sla .uplot').length === 3`)
	agree("30 days")
	if tile("Incidents") == "0" {
		t.Fatal("no incidents in the last 30 days of the history")
	}
	legend, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.querySelector('#chart-incidents .u-legend').textContent`))
	step("read the legend", err)
	for _, want := range []string{"SEV1", "SEV4"} {
		if !strings.Contains(legend, want) {
			t.Errorf("the incidents chart's legend %q lacks %s", legend, want)
		}
	}
	screenshot(t, bctx, step, "insights-desktop.png", 1280, 900)

	// Change the period: the page reloads with it in the URL (setting a
	// value fires its change event).
	step("choose 7 days", chromedp.Do(bctx,
		chromedp.SetValue(chromedp.ID("f-period"), "7d"),
	))
	settled("the 7-day view", `location.search.includes('period=7d') && document.readyState === 'complete' && !!document.querySelector('#chart-incidents .uplot')`)
	agree("7 days")

	// And a filter.
	step("choose a service", chromedp.Do(bctx,
		chromedp.SetValue(chromedp.ID("f-service"), "api"),
	))
	settled("the filtered view", `location.search.includes('service=api') && location.search.includes('period=7d') && document.readyState === 'complete' && !!document.querySelector('#chart-incidents .uplot')`)
	agree("7 days of api")
	shown := tile("Incidents")

	// Follow the figure to the incident list.
	step("follow the incidents tile", chromedp.Do(bctx, chromedp.Click(chromedp.CSS(`.tile[href]`))))
	settled("the list", `location.pathname === '/incidents' && document.readyState === 'complete' && document.getElementById('list-total')`)
	total, err := chromedp.Run(bctx, chromedp.Text(chromedp.ID("list-total")))
	step("read the total", err)
	if !strings.HasPrefix(total, shown+" incident") {
		t.Errorf("the list says %q, the tile %s", total, shown)
	}
	services, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('table.incidents tbody tr td:nth-child(5)')].map(td => td.textContent)`))
	step("read the services", err)
	for _, s := range services {
		if s != "api" {
			t.Errorf("the list shows an incident of %q, not api", s)
			break
		}
	}

	// The open list updates live (server-sent events) when an incident is
	// declared.
	step("open the open list", chromedp.Do(bctx, chromedp.Navigate(srv.URL+"/incidents?status=open"), chromedp.WaitVisible(chromedp.ID("list-total"))))
	before, err := chromedp.Run(bctx, chromedp.Text(chromedp.ID("list-total")))
	step("read the open total", err)
	n, _ := strconv.Atoi(strings.Fields(before)[0])
	if _, err := s.svc.Declare(context.Background(), bot.DeclareInput{Title: "Live one", Severity: bot.SEV1, Service: "api", Actor: "alice"}); err != nil {
		t.Fatal(err)
	}
	settled("the list to show the new incident", `document.getElementById('list-total').textContent.startsWith('`+strconv.Itoa(n+1)+` incidents') &&
		[...document.querySelectorAll('table.incidents td')].some(td => td.textContent.includes('Live one'))`)

	// The phone width.
	step("back to the insights", chromedp.Do(bctx, chromedp.Navigate(srv.URL+"/insights?period=30d")))
	wait("the charts", `document.querySelectorAll('#chart-incidents .uplot').length === 1`)
	screenshot(t, bctx, step, "insights-phone.png", 390, 844)
}
