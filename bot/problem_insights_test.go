package bot_test

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/warroom/warroom/bot"
)

func TestFindCandidates(t *testing.T) {
	day := 24 * time.Hour
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	row := func(n int64, service, rule string, d int, linked bool) bot.RecurrenceRow {
		return bot.RecurrenceRow{Incident: n, Service: service, Rule: rule, DeclaredAt: t0.Add(time.Duration(d) * day), Linked: linked}
	}
	rows := []bot.RecurrenceRow{
		// DiskFull on db: 3 within 30 days (one incident has two rules).
		row(1, "db", "DiskFull", 0, false), row(2, "db", "DiskFull", 10, false), row(2, "db", "DiskHigh", 10, false),
		row(3, "db", "DiskFull", 20, false),
		// checkout: 3 incidents, but spread over 60 days.
		row(4, "checkout", "", 0, false), row(5, "checkout", "", 35, false), row(6, "checkout", "", 70, false),
		// search: 3 within days, one linked to a problem already.
		row(7, "search", "", 1, false), row(8, "search", "", 2, true), row(9, "search", "", 3, false),
	}
	got := bot.FindCandidates(rows, bot.CandidateRule{Count: 3, Window: 30 * day}, t0)
	want := []bot.ProblemCandidate{
		{Kind: "rule", Name: "DiskFull", Incidents: 3, Keys: []string{"INC-1", "INC-2", "INC-3"}, FirstAt: t0, LastAt: t0.Add(20 * day)},
		{Kind: "service", Name: "db", Incidents: 3, Keys: []string{"INC-1", "INC-2", "INC-3"}, FirstAt: t0, LastAt: t0.Add(20 * day)},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("candidates (-want +got):\n%s", diff)
	}
	// A wider window takes checkout in; a run that ended before since does not count.
	got = bot.FindCandidates(rows, bot.CandidateRule{Count: 3, Window: 80 * day}, t0.Add(25*day))
	if len(got) != 1 || got[0].Name != "checkout" {
		t.Errorf("80d window since day 25: %+v", got)
	}
	// A private incident counts towards a candidate but is never listed.
	rows[1].Private, rows[2].Private = true, true // INC-2 (both of its rules)
	got = bot.FindCandidates(rows, bot.CandidateRule{Count: 3, Window: 30 * day}, t0)
	if len(got) != 2 || got[0].Incidents != 3 || got[0].Private != 1 || !slices.Equal(got[0].Keys, []string{"INC-1", "INC-3"}) {
		t.Errorf("with INC-2 private: %+v", got)
	}
	for _, bad := range []bot.CandidateRule{{Count: 1, Window: day}, {Count: 3, Window: time.Minute}, {Count: 3, Window: 400 * day}} {
		if bot.ErrorCode(bad.Check()) != bot.CodeInvalid {
			t.Errorf("Check(%+v) passed", bad)
		}
	}
}

// TestCandidatesOfAgrees checks CandidatesOf (the incidents as the KPIs
// read them, and their marks) against FindCandidates (one row per
// incident and rule) over random histories: ties in time, long runs,
// private and linked incidents, incidents with several rules or none.
func TestCandidatesOfAgrees(t *testing.T) {
	day := 24 * time.Hour
	t0 := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	r := rand.New(rand.NewPCG(7, 8))
	for round := range 60 {
		n := 1 + r.IntN(400)
		var rows []bot.RecurrenceRow
		byService := map[string][]bot.Occurrence{}
		var marks bot.RecurrenceMarks
		for i := range n {
			num := int64(1000 + i)
			at := t0.Add(time.Duration(r.Int64N(int64(90*day/time.Second))) * time.Second)
			if r.IntN(5) == 0 { // a tie with the one before
				at = t0.Add(time.Duration(i%7) * day)
			}
			svc := []string{"", "db", "api", "web"}[r.IntN(4)]
			linked, private := r.IntN(10) == 0, r.IntN(6) == 0
			if linked {
				marks.Linked = append(marks.Linked, num)
			}
			if private {
				marks.Private = append(marks.Private, num)
			}
			byService[svc] = append(byService[svc], bot.Occurrence{At: at.UnixMicro(), Incident: num})
			rules := []string{""}
			switch r.IntN(3) {
			case 1:
				rules = []string{"R" + strconv.Itoa(r.IntN(3))}
			case 2:
				rules = []string{"R" + strconv.Itoa(r.IntN(3)), "R" + strconv.Itoa(3+r.IntN(2))}
			}
			for _, rule := range rules {
				rows = append(rows, bot.RecurrenceRow{Incident: num, Service: svc, Rule: rule, DeclaredAt: at, Linked: linked, Private: private})
				if rule != "" {
					marks.Rules = append(marks.Rules, bot.IncidentRule{Incident: num, Rule: rule})
					if r.IntN(4) == 0 { // the same rule from a second alert
						marks.Rules = append(marks.Rules, bot.IncidentRule{Incident: num, Rule: rule})
					}
				}
			}
		}
		// Marks of incidents outside the window count for nothing.
		marks.Rules = append(marks.Rules, bot.IncidentRule{Incident: 1, Rule: "R0"})
		r.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
		for _, os := range byService {
			r.Shuffle(len(os), func(i, j int) { os[i], os[j] = os[j], os[i] })
		}
		rule := bot.CandidateRule{Count: 2 + r.IntN(4), Window: time.Duration(1+r.IntN(40)) * day}
		since := t0.Add(time.Duration(r.IntN(60)) * day)
		want := bot.FindCandidates(rows, rule, since)
		got := bot.CandidatesOf(byService, marks, rule, since)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("round %d: candidates (-FindCandidates +CandidatesOf):\n%s", round, diff)
		}
	}
}
