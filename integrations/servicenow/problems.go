package servicenow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/warroom/warroom/bot"
)

// Problems in the problem table (Config.Problems, README.md "Problem
// management"): each warroom problem has one record, correlation_id PRB-3,
// whose short description, description, cause notes, workaround and known
// error flag follow the problem. Its state is left to ServiceNow's own
// problem workflow; the description names warroom's status.

const problemPath = "/api/now/table/problem"

// problemFields are read back to compare with the problem.
const problemFields = "sys_id,number,short_description,description,cause_notes,workaround,known_error"

// Problems is what the problem sync needs of bot.Service.
type Problems interface {
	Get(ctx context.Context, number int64) (*bot.Problem, error)
	Links(ctx context.Context, f bot.ProblemLinkFilter) ([]bot.ProblemLink, error)
	SetLink(ctx context.Context, cause bot.Cause, number int64, system string, l bot.Link) (*bot.Problem, error)
}

// handleProblemSync makes the problem's record match the problem.
func (s *ServiceNow) handleProblemSync(ctx context.Context, job bot.Job) error {
	var ps bot.ProblemSync
	if err := json.Unmarshal(job.Payload, &ps); err != nil || ps.Problem <= 0 {
		return bot.Permanent(fmt.Errorf("decode problem sync: %v", err))
	}
	if s.cfg.Problems == nil {
		return bot.Permanent(errors.New("servicenow: problem sync is not configured"))
	}
	p, err := s.cfg.Problems.Get(ctx, ps.Problem)
	if bot.ErrorCode(err) == bot.CodeNotFound {
		return bot.Permanent(err)
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", bot.FormatProblemKey(ps.Problem), err)
	}
	want, err := s.problemWant(ctx, p)
	if err != nil {
		return err
	}
	rec, created, err := s.ensureProblem(ctx, p, want)
	if err != nil || created {
		return err
	}
	set := map[string]string{}
	for k, v := range want {
		if strings.TrimSpace(rec[k]) != strings.TrimSpace(v) {
			set[k] = v
		}
	}
	if len(set) == 0 {
		return nil
	}
	if err := s.api.do(ctx, "PATCH", problemPath+"/"+url.PathEscape(rec["sys_id"]), nil, set, nil); err != nil {
		return s.outcome("update servicenow problem "+rec["number"], err)
	}
	s.metrics.Writes.WithLabelValues("problem_update").Inc()
	return nil
}

// problemWant is the record's fields as the problem has them now.
func (s *ServiceNow) problemWant(ctx context.Context, p *bot.Problem) (map[string]string, error) {
	links, err := s.cfg.Problems.Links(ctx, bot.ProblemLinkFilter{Problem: p.Number})
	if err != nil {
		return nil, fmt.Errorf("read the incidents of %s: %w", p.Key(), err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "warroom problem %s, status %s", p.Key(), p.Status)
	if p.Owner != "" {
		b.WriteString(", owner " + p.Owner)
	}
	b.WriteString(".")
	if len(links) > 0 {
		keys := make([]string, len(links))
		for i, l := range links {
			keys[i] = bot.FormatKey(l.Incident)
		}
		b.WriteString("\nLinked incidents: " + strings.Join(keys, ", ") + ".")
	}
	if s.cfg.PublicURL != "" {
		b.WriteString("\n" + strings.TrimRight(s.cfg.PublicURL, "/") + "/problems/" + p.Key())
	}
	known := "false"
	if p.Status == bot.ProblemKnownError {
		known = "true"
	}
	return map[string]string{
		"short_description": p.Key() + ": " + p.Title, "description": b.String(),
		"cause_notes": p.RootCause, "workaround": p.Workaround, "known_error": known,
	}, nil
}

// ensureProblem returns the problem's record: the linked one, else the one
// whose correlation_id is the problem key (adopted), else a new one
// created with want (created is then true). After a create whose outcome
// is unknown the job waits and looks it up first: never two records.
func (s *ServiceNow) ensureProblem(ctx context.Context, p *bot.Problem, want map[string]string) (record, bool, error) {
	query := "correlation_id=" + p.Key() + "^correlation_display=warroom^ORDERBYsys_created_on"
	l, linked := p.Links[System]
	if linked && l.ID != "" {
		query = "number=" + l.ID
	}
	var found []record
	q := url.Values{"sysparm_query": {query}, "sysparm_limit": {"1"}, "sysparm_fields": {problemFields},
		"sysparm_exclude_reference_link": {"true"}}
	if err := s.api.do(ctx, "GET", problemPath, q, nil, &found); err != nil {
		return nil, false, s.outcome("look up the servicenow problem of "+p.Key(), err)
	}
	if len(found) > 0 {
		rec := found[0]
		if l.ID != rec["number"] {
			s.log.Info("adopted existing servicenow problem", "problem", p.Key(), "record", rec["number"])
			if err := s.linkProblem(ctx, p.Number, rec); err != nil {
				return nil, false, err
			}
		}
		return rec, false, nil
	}
	if linked && l.ID != "" {
		return nil, false, bot.Permanent(fmt.Errorf("servicenow problem %s of %s does not exist (or warroom may not read it)", l.ID, p.Key()))
	}
	body := map[string]string{"correlation_id": p.Key(), "correlation_display": "warroom"}
	for k, v := range want {
		body[k] = v
	}
	if s.cfg.AssignmentGroup != "" {
		body["assignment_group"] = s.cfg.AssignmentGroup
	}
	rec, err := s.create(ctx, problemPath, problemFields, "create a servicenow problem for "+p.Key(), body, nil)
	if err != nil {
		return nil, false, err
	}
	s.metrics.Writes.WithLabelValues("problem_create").Inc()
	s.log.Info("created servicenow problem", "problem", p.Key(), "record", rec["number"])
	return rec, true, s.linkProblem(ctx, p.Number, rec)
}

func (s *ServiceNow) linkProblem(ctx context.Context, number int64, rec record) error {
	l := bot.Link{ID: rec["number"], URL: s.cfg.URL + "/nav_to.do?uri=" + url.QueryEscape("problem.do?sys_id="+rec["sys_id"])}
	if l.ID == "" {
		l.ID = rec["sys_id"]
	}
	if _, err := s.cfg.Problems.SetLink(ctx, bot.Cause{Origin: System}, number, System, l); err != nil {
		return fmt.Errorf("link %s to %s: %w", l.ID, bot.FormatProblemKey(number), err)
	}
	return nil
}
