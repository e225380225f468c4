package console_test

import (
	"encoding/csv"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/console"
	"github.com/warroom/warroom/internal/testkit"
)

func get(t *testing.T, u string) (int, http.Header, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

// historyStack is a console over 1,500 generated incidents of the 60 days
// before now.
func historyStack(t *testing.T) (string, []*bot.Incident) {
	t.Helper()
	s := newStack(t, console.Config{})
	now := time.Now().UTC()
	incs := testkit.History(1500, now.Add(-60*24*time.Hour), now.Add(-time.Minute), 5)
	testkit.ImportHistory(t, s.store, incs)
	return s.serve(t).URL, incs
}

func TestInsightsPageAndCSV(t *testing.T) {
	base, _ := historyStack(t)
	code, _, body := get(t, base+"/insights?period=30d&service=api&severity=sev1&severity=sev2")
	if code != 200 {
		t.Fatalf("GET /insights: %d %s", code, body)
	}
	for _, want := range []string{`class="tile"`, "MTTR p90", "Acknowledge SLA", `id="chart-incidents"`, `id="heatmap"`,
		`/console/static/uplot/uPlot.iife.min.js`, `<option value="api" selected>`, `value="SEV1" checked`, "Download CSV"} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	// Every tile but the action items links to the incident list, with the
	// page's filters.
	if n := strings.Count(body, `href="/incidents?`); n < 10 {
		t.Errorf("%d links to the incident list, want at least one per figure", n)
	}
	if !strings.Contains(body, "service=api") {
		t.Error("the links do not carry the service filter")
	}

	code, h, body := get(t, base+"/insights.csv?period=30d&service=api")
	if code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") || !strings.Contains(h.Get("Content-Disposition"), "attachment") {
		t.Fatalf("GET /insights.csv: %d %v", code, h)
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range rows {
		got[r[0]+"/"+r[1]+"/"+r[2]] = r[3]
	}
	// The CSV and the page's data come from the same figures as the API.
	_, _, page := get(t, base+"/insights?period=30d&service=api")
	total := got["incidents//total"]
	if total == "" || total == "0" || !strings.Contains(page, `<span class="tile-value">`+total+`</span>`) {
		t.Errorf("CSV total %q is not the page's incidents tile", total)
	}
	for _, k := range []string{"mtta_seconds//p50", "mttr_seconds//p90", "sla/SEV1/acknowledge_met", "open_incidents//total"} {
		if _, ok := got[k]; !ok {
			t.Errorf("the CSV lacks %s", k)
		}
	}
}

func TestInsightsBadPeriod(t *testing.T) {
	base, _ := historyStack(t)
	if code, _, _ := get(t, base+"/insights?period=soon"); code != 400 {
		t.Errorf("a bad period: %d, want 400", code)
	}
}

func TestIncidentListFiltersSortsAndPages(t *testing.T) {
	base, incs := historyStack(t)
	from := time.Now().UTC().Add(-20 * 24 * time.Hour).Truncate(time.Second)
	want := 0
	for _, inc := range incs {
		if inc.Service == "db" && inc.Severity == bot.SEV2 && !inc.DeclaredAt.Before(from) {
			want++
		}
	}
	q := url.Values{"status": {"all"}, "service": {"db"}, "severity": {"SEV2"}, "from": {from.Format(time.RFC3339)}}
	code, _, body := get(t, base+"/incidents?"+q.Encode())
	if code != 200 {
		t.Fatalf("GET /incidents: %d %s", code, body)
	}
	if !strings.Contains(body, strconv.Itoa(want)+" incidents") {
		t.Errorf("the list does not say %d incidents", want)
	}
	// Paging past the old cut of 500: the last page of everything.
	_, _, body = get(t, base+"/incidents?status=all&page=30")
	if !strings.Contains(body, "1500 incidents, showing 1451–1500") || !strings.Contains(body, "INC-1<") {
		t.Errorf("page 30 of 1500 is not the oldest 50:\n%s", body[:min(len(body), 400)])
	}
	// Sorting by severity, most severe first.
	_, _, body = get(t, base+"/incidents?status=all&sort=severity&dir=asc")
	if i := strings.Index(body, `class="sev sev-`); i < 0 || !strings.HasPrefix(body[i:], `class="sev sev-1"`) {
		t.Error("sorted by severity, the first row is not SEV1")
	}
	// Text in the title.
	_, _, body = get(t, base+"/incidents?status=all&q=GENERATED")
	if !strings.Contains(body, "1500 incidents") {
		t.Error("a title search in another case does not match")
	}
	_, _, body = get(t, base+"/incidents?status=all&q=nothing%25like")
	if !strings.Contains(body, "No incidents match") {
		t.Error("a title search for nothing matches something")
	}
	if code, _, _ := get(t, base+"/incidents?status=bogus"); code != 400 {
		t.Errorf("a bad status: %d, want 400", code)
	}
}

// Every heatmap cell links to the incident list filtered to exactly the
// incidents it counts, in the viewer's time zone.
func TestHeatmapCellsDrillDown(t *testing.T) {
	base, _ := historyStack(t)
	code, _, body := get(t, base+"/insights?period=30d&tz=America/New_York")
	if code != 200 {
		t.Fatalf("GET /insights: %d", code)
	}
	cells := regexp.MustCompile(`<td class="h\d" title="(\d+) incident\(s\)"><a href="([^"]+)">`).FindAllStringSubmatch(body, -1)
	if len(cells) < 20 {
		t.Fatalf("%d linked heatmap cells", len(cells))
	}
	total := regexp.MustCompile(`id="list-total">(\d+) incident`)
	sum := 0
	for _, c := range cells {
		href := html.UnescapeString(c[2])
		if !strings.Contains(href, "tz=America%2FNew_York") || !strings.Contains(href, "hour=") || !strings.Contains(href, "weekday=") {
			t.Fatalf("cell link %s", href)
		}
		code, _, list := get(t, base+href)
		m := total.FindStringSubmatch(list)
		if code != 200 || m == nil || m[1] != c[1] {
			t.Errorf("cell of %s incidents links to %s: %d, %v", c[1], href, code, m)
		}
		n, _ := strconv.Atoi(c[1])
		sum += n
	}
	if m := regexp.MustCompile(`<span class="tile-value">(\d+)</span>`).FindStringSubmatch(body); m == nil || m[1] != strconv.Itoa(sum) {
		t.Errorf("the cells add up to %d, the incidents tile says %v", sum, m)
	}
}
