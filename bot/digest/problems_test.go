package digest_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/digest"
	"github.com/warroom/warroom/bot/kpi"
)

// The fixture has no problems: the problem figures are empty.

func (m memSource) RecurrenceRows(context.Context, time.Time, time.Time) ([]bot.RecurrenceRow, error) {
	return nil, nil
}

func (m memSource) ProblemRecurrence(context.Context, time.Time, time.Time) ([]bot.ProblemRecurrence, error) {
	return nil, nil
}

func (m memSource) ProblemCounts(context.Context, time.Time) (int64, int64, error) { return 0, 0, nil }

// problemSource is the fixture with problems: one that recurred, and a
// run of DiskFull incidents no problem covers.
type problemSource struct{ memSource }

func (problemSource) RecurrenceRows(context.Context, time.Time, time.Time) ([]bot.RecurrenceRow, error) {
	var rows []bot.RecurrenceRow
	for i := range 3 {
		rows = append(rows, bot.RecurrenceRow{Incident: int64(10 + i), Service: "db", Rule: "DiskFull", DeclaredAt: t0.Add(-time.Duration(i+1) * 24 * time.Hour)})
	}
	return rows, nil
}

func (problemSource) ProblemRecurrence(context.Context, time.Time, time.Time) ([]bot.ProblemRecurrence, error) {
	last := t0.Add(-time.Hour)
	return []bot.ProblemRecurrence{
		{Problem: 2, Title: "Closed long ago", Status: bot.ProblemClosed, Linked: 4},
		{Problem: 1, Title: "TLS expiry", Status: bot.ProblemKnownError, Linked: 5, InPeriod: 2, LastAt: &last},
	}, nil
}

func (problemSource) ProblemCounts(context.Context, time.Time) (int64, int64, error) {
	return 1, 2, nil
}

func TestDigestProblems(t *testing.T) {
	d, err := digest.NewBuilder(problemSource{fixture()}, slas(), nil).Build(context.Background(),
		digest.Options{Period: 7 * kpi.Day, End: t0, Candidates: bot.CandidateRule{Count: 3, Window: 7 * kpi.Day}})
	if err != nil {
		t.Fatal(err)
	}
	md := digest.Markdown(d)
	for _, want := range []string{"## Problems\n\n1 open, 2 overdue problem action item(s).",
		"- PRB-1 TLS expiry (known-error): 2 incident(s) in the period, 5 linked in all",
		"Candidate problems (3 or more incidents within 7d, linked to no problem):",
		"- rule DiskFull: 3 incidents (INC-12, INC-11, INC-10)", "- service db: 3 incidents"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "PRB-2") {
		t.Errorf("a closed problem that did not recur is listed:\n%s", md)
	}
	if text := digest.Message(d).Text; !strings.Contains(text, "Candidate problems: rule DiskFull: 3, service db: 3") ||
		!strings.Contains(text, "Problem action items overdue: 2") {
		t.Errorf("chat digest:\n%s", text)
	}
	in := digest.InsightsOf(d)
	if in.Problems == nil || len(in.Problems.Candidates) != 2 || len(in.Problems.Recurrence) != 1 || in.Problems.CandidateRule.Window != "7d" {
		t.Errorf("insights problems: %+v", in.Problems)
	}
}

// TestBuilderCandidateRule: the configured rule applies when a query names none.
func TestBuilderCandidateRule(t *testing.T) {
	b := digest.NewBuilder(problemSource{fixture()}, slas(), nil).WithCandidates(bot.CandidateRule{Count: 4, Window: 30 * kpi.Day})
	for _, c := range []struct {
		rule bot.CandidateRule
		want int
	}{{bot.CandidateRule{}, 0}, {bot.CandidateRule{Count: 3, Window: 30 * kpi.Day}, 2}} {
		d, err := b.Build(context.Background(), digest.Options{Period: 7 * kpi.Day, End: t0, Candidates: c.rule})
		if err != nil {
			t.Fatal(err)
		}
		if got := len(d.Problems.Candidates); got != c.want {
			t.Errorf("rule %+v: %d candidates, want %d", c.rule, got, c.want)
		}
	}
}

func TestQueryCandidates(t *testing.T) {
	o, err := digest.ParseQuery(url.Values{"candidates": {"4"}, "within": {"14d"}}, t0, nil)
	if err != nil || o.Candidates != (bot.CandidateRule{Count: 4, Window: 14 * kpi.Day}) {
		t.Fatalf("ParseQuery = %+v, %v", o.Candidates, err)
	}
	if v := digest.Values(o); v.Get("candidates") != "4" || v.Get("within") != "14d" {
		t.Errorf("Values = %v", v)
	}
	for _, bad := range []url.Values{{"candidates": {"x"}}, {"candidates": {"1"}}, {"within": {"soon"}}, {"within": {"30m"}}} {
		if _, err := digest.ParseQuery(bad, t0, nil); bot.ErrorCode(err) != bot.CodeInvalid {
			t.Errorf("ParseQuery(%v): %v", bad, err)
		}
	}
}
