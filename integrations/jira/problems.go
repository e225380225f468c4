package jira

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	jira "github.com/andygrunwald/go-jira"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/internal/ticket"
)

// Problems as issues of their own type (Config.ProblemIssueType, README.md
// "Problem management"): each warroom problem has one issue, labelled
// warroom-prb-3, whose summary and description follow the problem. It is
// created through createOnce (recorded before it is sent, found again by
// its label after an unknown outcome): never two issues for one problem.

// Problems is what the problem sync needs of bot.Service.
type Problems interface {
	Get(ctx context.Context, number int64) (*bot.Problem, error)
	Links(ctx context.Context, f bot.ProblemLinkFilter) ([]bot.ProblemLink, error)
	SetLink(ctx context.Context, cause bot.Cause, number int64, system string, l bot.Link) (*bot.Problem, error)
}

// problemLabel identifies a problem's issue: warroom-prb-3.
func problemLabel(number int64) string { return "warroom-prb-" + strconv.FormatInt(number, 10) }

// handleProblemSync makes the problem's issue match the problem.
func (j *Jira) handleProblemSync(ctx context.Context, job bot.Job) error {
	var ps bot.ProblemSync
	if err := json.Unmarshal(job.Payload, &ps); err != nil || ps.Problem <= 0 {
		return bot.Permanent(fmt.Errorf("decode problem sync: %v", err))
	}
	if j.cfg.Problems == nil || j.cfg.ProblemIssueType == "" {
		return bot.Permanent(errors.New("jira: problem sync is not configured"))
	}
	p, err := j.cfg.Problems.Get(ctx, ps.Problem)
	if bot.ErrorCode(err) == bot.CodeNotFound {
		return bot.Permanent(err)
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", bot.FormatProblemKey(ps.Problem), err)
	}
	summary, desc, err := j.problemFields(ctx, p)
	if err != nil {
		return err
	}
	key := p.Links[System].ID
	if key == "" {
		var created bool
		key, created, err = j.createOnce(ctx, 0, problemLabel(p.Number), func(ctx context.Context) (string, error) {
			return j.createProblem(ctx, p, summary, desc)
		})
		if err != nil {
			return err
		}
		if _, err := j.cfg.Problems.SetLink(ctx, bot.Cause{Origin: System}, p.Number, System, bot.Link{ID: key, URL: j.browseURL(key)}); err != nil {
			return fmt.Errorf("link %s to %s: %w", key, p.Key(), err)
		}
		if created {
			return nil
		}
	}
	issue, _, err := j.client.Issue.GetWithContext(ctx, key, &jira.GetQueryOptions{Fields: "summary,description"})
	if err != nil {
		return j.outcome("read jira issue "+key, err)
	}
	set := map[string]any{}
	if cur := issue.Fields; cur == nil || cur.Summary != summary {
		set["summary"] = summary
	}
	if cur := issue.Fields; cur == nil || strings.TrimSpace(cur.Description) != strings.TrimSpace(desc) {
		set["description"] = desc
	}
	if len(set) == 0 {
		return nil
	}
	if _, err := j.client.Issue.UpdateIssueWithContext(ctx, key, map[string]any{"fields": set}); err != nil {
		return j.outcome("update jira issue "+key, err)
	}
	j.metrics.Writes.WithLabelValues("problem_update").Inc()
	return nil
}

// problemFields are the issue's summary and description as the problem
// has them now.
func (j *Jira) problemFields(ctx context.Context, p *bot.Problem) (summary, desc string, err error) {
	links, err := j.cfg.Problems.Links(ctx, bot.ProblemLinkFilter{Problem: p.Number})
	if err != nil {
		return "", "", fmt.Errorf("read the incidents of %s: %w", p.Key(), err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "warroom problem %s, status *%s*", p.Key(), p.Status)
	if p.Owner != "" {
		b.WriteString(", owner " + p.Owner)
	}
	b.WriteString(".\n\n*Root cause:* " + orNotKnown(p.RootCause) + "\n\n*Workaround:* " + orNotKnown(p.Workaround))
	if len(links) > 0 {
		keys := make([]string, len(links))
		for i, l := range links {
			keys[i] = bot.FormatKey(l.Incident)
		}
		b.WriteString("\n\n*Linked incidents:* " + strings.Join(keys, ", "))
	}
	if j.cfg.PublicURL != "" {
		b.WriteString("\n\n" + strings.TrimRight(j.cfg.PublicURL, "/") + "/problems/" + p.Key())
	}
	return ticket.Cut(p.Key()+": "+p.Title, maxSummary), b.String(), nil
}

func orNotKnown(s string) string {
	if s == "" {
		return "not known yet"
	}
	return s
}

// createProblem creates the problem's issue. A failure whose outcome is
// unknown is retried after lookupWait; the next attempt looks it up first.
func (j *Jira) createProblem(ctx context.Context, p *bot.Problem, summary, desc string) (string, error) {
	labels := append([]string{problemLabel(p.Number)}, j.labels(0)[1:]...)
	issue, _, err := j.client.Issue.CreateWithContext(ctx, &jira.Issue{Fields: &jira.IssueFields{
		Project: jira.Project{Key: j.cfg.Project}, Type: jira.IssueType{Name: j.cfg.ProblemIssueType},
		Summary: summary, Description: desc, Labels: labels,
	}})
	if err == nil && (issue == nil || issue.Key == "") {
		err = errors.New("jira answered without an issue key")
	}
	if err != nil {
		what := "create jira issue for " + p.Key()
		if ticket.IsClientError(err) {
			return "", j.outcome(what, err)
		}
		j.metrics.Errors.WithLabelValues(ticket.Class(err)).Inc()
		return "", bot.RetryAfter(fmt.Errorf("%s (outcome unknown: the next attempt looks it up first): %w", what, err), max(lookupWait, hintOf(err)))
	}
	j.metrics.Writes.WithLabelValues("problem_create").Inc()
	j.log.Info("created jira issue", "problem", p.Key(), "issue", issue.Key)
	return issue.Key, nil
}
