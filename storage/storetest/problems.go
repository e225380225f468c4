package storetest

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

func newProblem(t *testing.T, s bot.Store, title string) *bot.Problem {
	t.Helper()
	p := &bot.Problem{Title: title, Status: bot.ProblemOpen, CreatedBy: "alice", CreatedAt: t0, UpdatedAt: t0, Version: 1}
	inTx(t, s, func(ctx context.Context, tx bot.Tx) error {
		n, err := tx.NextProblemNumber(ctx)
		if err != nil {
			return err
		}
		p.Number = n
		return tx.CreateProblem(ctx, p)
	})
	return p
}

func testProblems(t *testing.T, s bot.Store) {
	ctx := context.Background()
	p1, p2 := newProblem(t, s, "Disks fill up"), newProblem(t, s, "TLS expiry")
	if p1.Number != 1 || p2.Number != 2 {
		t.Fatalf("problem numbers %d, %d; want 1, 2", p1.Number, p2.Number)
	}
	_, err := s.Problem(ctx, 99)
	wantNotFound(t, "Problem(99)", err)

	inTx(t, s, func(ctx context.Context, tx bot.Tx) error {
		p, err := tx.LockProblem(ctx, p1.Number)
		if err != nil {
			return err
		}
		p.Status, p.RootCause, p.Workaround, p.Owner = bot.ProblemKnownError, "log rotation off", "delete old logs", "bob"
		p.ResolvedAt, p.ClosedAt = ptr(at(time.Hour)), ptr(at(2*time.Hour))
		p.UpdatedAt, p.Version = at(time.Minute), 2
		p.Links = map[string]bot.Link{bot.LinkServiceNow: {ID: "PRB0040001", URL: "https://sn.example/problem.do?sys_id=1"}}
		*p1 = *p
		return tx.UpdateProblem(ctx, p)
	})
	got, err := s.Problem(ctx, p1.Number)
	if err != nil {
		t.Fatal(err)
	}
	diff(t, "updated problem", p1, got)

	list, err := s.Problems(ctx, bot.ProblemFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Number != 2 {
		t.Errorf("Problems: %+v, want PRB-2 then PRB-1", list)
	}
	for _, f := range []bot.ProblemFilter{{Statuses: []bot.ProblemStatus{bot.ProblemKnownError}}, {Owner: "bob"}, {Limit: 1}} {
		list, err := s.Problems(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 {
			t.Errorf("Problems(%+v): %d problems, want 1", f, len(list))
		}
	}
	_, err = s.ProblemActions(ctx, bot.ProblemActionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	err = s.InTx(ctx, func(tx bot.Tx) error { _, err := tx.LockProblem(ctx, 42); return err })
	wantNotFound(t, "LockProblem(42)", err)
}

func testProblemLinksAndActions(t *testing.T, s bot.Store) {
	ctx := context.Background()
	p := newProblem(t, s, "Disks fill up")
	i1, i2 := newIncident(t, s, "disk full", bot.StatusResolved), newIncident(t, s, "disk full again", bot.StatusInvestigating)
	var fresh []bool
	inTx(t, s, func(ctx context.Context, tx bot.Tx) error {
		for _, n := range []int64{i1.Number, i2.Number, i1.Number} {
			ok, err := tx.LinkProblem(ctx, &bot.ProblemLink{Problem: p.Number, Incident: n, LinkedAt: t0, LinkedBy: "alice"})
			if err != nil {
				return err
			}
			fresh = append(fresh, ok)
		}
		return nil
	})
	diff(t, "link reports", []bool{true, true, false}, fresh)
	links, err := s.ProblemLinks(ctx, bot.ProblemLinkFilter{Incident: i2.Number})
	if err != nil {
		t.Fatal(err)
	}
	diff(t, "links of INC-2", []bot.ProblemLink{{Problem: p.Number, Incident: i2.Number, LinkedAt: t0, LinkedBy: "alice"}}, links)
	var removed []bool
	inTx(t, s, func(ctx context.Context, tx bot.Tx) error {
		for range 2 {
			ok, err := tx.UnlinkProblem(ctx, p.Number, i2.Number)
			if err != nil {
				return err
			}
			removed = append(removed, ok)
		}
		return nil
	})
	diff(t, "unlink reports", []bool{true, false}, removed)
	if links, _ = s.ProblemLinks(ctx, bot.ProblemLinkFilter{Problem: p.Number}); len(links) != 1 || links[0].Incident != i1.Number {
		t.Errorf("links after unlink: %+v", links)
	}

	a := &bot.ProblemAction{Problem: p.Number, Seq: 1, Title: "rotate logs", Owner: "bob", Due: ptr(at(24 * time.Hour)),
		Kind: bot.ActionPreventive, Status: bot.ActionOpen, CreatedAt: t0}
	inTx(t, s, func(ctx context.Context, tx bot.Tx) error { return tx.AddProblemAction(ctx, a) })
	if a.ID == 0 {
		t.Fatal("AddProblemAction set no id")
	}
	dup := *a
	if err := s.InTx(ctx, func(tx bot.Tx) error { return tx.AddProblemAction(ctx, &dup) }); bot.ErrorCode(err) != bot.CodeConflict {
		t.Errorf("a second #1: %v, want conflict", err)
	}
	a.Status, a.DoneAt = bot.ActionDone, ptr(at(time.Hour))
	inTx(t, s, func(ctx context.Context, tx bot.Tx) error {
		if err := tx.UpdateProblemAction(ctx, a); err != nil {
			return err
		}
		items, err := tx.ActionsOfProblem(ctx, p.Number)
		diff(t, "actions in tx", []bot.ProblemAction{*a}, items)
		return err
	})
	open, err := s.ProblemActions(ctx, bot.ProblemActionFilter{OpenOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(open) != 0 {
		t.Errorf("open actions: %+v, want none", open)
	}
	mine, err := s.ProblemActions(ctx, bot.ProblemActionFilter{Owner: "bob", Problem: p.Number})
	if err != nil {
		t.Fatal(err)
	}
	diff(t, "bob's actions", []bot.ProblemAction{*a}, mine)
}

func testProblemInsights(t *testing.T, s bot.Store) {
	ctx := context.Background()
	p := newProblem(t, s, "Disks fill up")
	newProblem(t, s, "Nothing linked")
	i1, i2 := newIncident(t, s, "disk full", bot.StatusResolved), newIncident(t, s, "disk full again", bot.StatusInvestigating)
	inTx(t, s, func(ctx context.Context, tx bot.Tx) error {
		_, err := tx.LinkProblem(ctx, &bot.ProblemLink{Problem: p.Number, Incident: i1.Number, LinkedAt: t0})
		if err != nil {
			return err
		}
		return tx.AddProblemAction(ctx, &bot.ProblemAction{Problem: p.Number, Seq: 1, Title: "rotate", Due: ptr(at(time.Hour)),
			Kind: bot.ActionCorrective, Status: bot.ActionOpen, CreatedAt: t0})
	})
	// INC-2 has two alerts of one rule and one of another: a row per rule.
	inTx(t, s, func(ctx context.Context, tx bot.Tx) error {
		for i, rule := range []string{"DiskFull", "DiskFull", "Inodes"} {
			a := &bot.Alert{Source: "alertmanager", Fingerprint: "f" + rule + string(rune('a'+i)), Status: bot.AlertFiring, Title: rule,
				Rule: rule, StartsAt: t0, Incident: i2.Number}
			if _, err := tx.InsertAlert(ctx, a, t0); err != nil {
				return err
			}
		}
		return nil
	})
	rows, err := s.RecurrenceRows(ctx, t0, at(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	diff(t, "recurrence rows", []bot.RecurrenceRow{
		{Incident: i1.Number, DeclaredAt: t0, Linked: true},
		{Incident: i2.Number, Rule: "DiskFull", DeclaredAt: t0}, {Incident: i2.Number, Rule: "Inodes", DeclaredAt: t0},
	}, rows)
	if rows, _ := s.RecurrenceRows(ctx, at(time.Second), at(time.Hour)); len(rows) != 0 {
		t.Errorf("rows outside the period: %+v", rows)
	}
	rec, err := s.ProblemRecurrence(ctx, t0, at(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	diff(t, "recurrence", []bot.ProblemRecurrence{
		{Problem: 2, Title: "Nothing linked", Status: bot.ProblemOpen},
		{Problem: 1, Title: "Disks fill up", Status: bot.ProblemOpen, Linked: 1, InPeriod: 1, LastAt: ptr(t0)},
	}, rec)
	for _, c := range []struct {
		now           time.Time
		open, overdue int64
	}{{t0, 2, 0}, {at(2 * time.Hour), 2, 1}} {
		open, overdue, err := s.ProblemCounts(ctx, c.now)
		if err != nil || open != c.open || overdue != c.overdue {
			t.Errorf("ProblemCounts(%v) = %d, %d, %v; want %d, %d", c.now, open, overdue, err, c.open, c.overdue)
		}
	}
	testCandidatesOfMarks(t, s, i2.Number)
}

// testCandidatesOfMarks checks that the incidents as KPIRows reads them
// (Numbers) and RecurrenceMarks give the candidates RecurrenceRows gives.
func testCandidatesOfMarks(t *testing.T, s bot.Store, alerted int64) {
	ctx := context.Background()
	mr, ok := s.(bot.RecurrenceMarksReader)
	if !ok {
		t.Fatalf("%T reads no recurrence marks", s)
	}
	// Three more on one service, one of them private, a minute apart.
	var last int64
	for i := range 3 {
		inc := &bot.Incident{Title: "db slow", Source: "manual", Service: "db", Severity: bot.SEV2, Status: bot.StatusTriggered,
			StartedAt: at(time.Duration(i+1) * time.Minute), DeclaredAt: at(time.Duration(i+1) * time.Minute), UpdatedAt: t0, Version: 1, Private: i == 1}
		inTx(t, s, func(ctx context.Context, tx bot.Tx) error {
			n, err := tx.NextIncidentNumber(ctx)
			if err != nil {
				return err
			}
			inc.Number = n
			return tx.CreateIncident(ctx, inc)
		})
		last = inc.Number
	}
	from, to := t0, at(time.Hour)
	rows, err := s.RecurrenceRows(ctx, from, to)
	if err != nil {
		t.Fatal(err)
	}
	byService := map[string][]bot.Occurrence{}
	err = s.KPIRows(ctx, bot.KPIQuery{From: from, To: to, CountsOnly: true, Numbers: true}, func(r *bot.KPIRow) error {
		byService[r.Service] = append(byService[r.Service], bot.Occurrence{At: r.DeclaredAt.UnixMicro(), Incident: r.Number})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Every kind of row pass says the same numbers and times.
	for _, q := range []bot.KPIQuery{{From: from, To: to, Numbers: true}, {From: from, To: to, Numbers: true, Tiles: true}} {
		again := map[string][]bot.Occurrence{}
		err = s.KPIRows(ctx, q, func(r *bot.KPIRow) error {
			again[r.Service] = append(again[r.Service], bot.Occurrence{At: r.DeclaredAt.UnixMicro(), Incident: r.Number})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		diff(t, fmt.Sprintf("occurrences of %+v", q), byService, again)
	}
	marks, err := mr.RecurrenceMarks(ctx, 1, last)
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(marks.Rules, func(i, j int) bool { return marks.Rules[i].Rule < marks.Rules[j].Rule })
	diff(t, "marks", bot.RecurrenceMarks{Linked: []int64{1}, Private: []int64{last - 1},
		Rules: []bot.IncidentRule{{Incident: alerted, Rule: "DiskFull"}, {Incident: alerted, Rule: "DiskFull"}, {Incident: alerted, Rule: "Inodes"}}}, marks)
	for _, count := range []int{2, 3} {
		rule := bot.CandidateRule{Count: count, Window: time.Hour}
		want := bot.FindCandidates(rows, rule, from)
		if len(want) == 0 {
			t.Fatalf("no candidates of %d", count)
		}
		diff(t, "candidates", want, bot.CandidatesOf(byService, marks, rule, from))
	}
}
