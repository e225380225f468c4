package jira

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	jira "github.com/andygrunwald/go-jira"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/internal/ticket"
)

// handleAction makes an action item's own issue match the item: created
// (or adopted by its label) and linked to the incident's issue, and moved
// to done when the item is done.
func (j *Jira) handleAction(ctx context.Context, job bot.Job) error {
	var p bot.TicketAction
	if err := json.Unmarshal(job.Payload, &p); err != nil || p.Seq <= 0 {
		return bot.Permanent(fmt.Errorf("decode ticket action: %v", err))
	}
	inc, err := j.incident(ctx, job.Incident)
	if err != nil {
		return err
	}
	defer j.locks.Lock(inc.Number)()
	parent, _, err := j.ensure(ctx, inc)
	if err != nil {
		return err
	}
	items, err := j.svc.Actions(ctx, bot.ActionFilter{Incident: inc.Number})
	if err != nil {
		return fmt.Errorf("read action items of %s: %w", inc.Key(), err)
	}
	var item *bot.ActionItem
	for i := range items {
		if items[i].Seq == p.Seq {
			item = &items[i]
		}
	}
	if item == nil {
		return bot.Permanent(fmt.Errorf("%s has no action item #%d", inc.Key(), p.Seq))
	}
	key := item.Ticket
	if key == "" {
		key, _, err = j.createOnce(ctx, inc.Number, actionLabel(inc.Number, item.Seq), func(ctx context.Context) (string, error) {
			return j.createAction(ctx, inc, item)
		})
		if err != nil {
			return err
		}
	}
	issue, _, err := j.client.Issue.GetWithContext(ctx, key, &jira.GetQueryOptions{Fields: "issuelinks,status"})
	if err != nil {
		return j.outcome("read jira issue "+key, err)
	}
	if !linkedTo(issue, parent) {
		link := &jira.IssueLink{
			Type:         jira.IssueLinkType{Name: j.cfg.LinkType},
			InwardIssue:  &jira.Issue{Key: key},
			OutwardIssue: &jira.Issue{Key: parent},
		}
		if _, err := j.client.Issue.AddLinkWithContext(ctx, link); err != nil {
			return j.outcome(fmt.Sprintf("link %s to %s", key, parent), err)
		}
		j.metrics.Writes.WithLabelValues("link").Inc()
	}
	if item.Ticket != key {
		if _, err := j.svc.SetActionTicket(ctx, bot.Cause{Origin: System}, inc.Number, item.Seq, System, key, j.browseURL(key)); err != nil {
			return fmt.Errorf("record %s on action item #%d: %w", key, item.Seq, err)
		}
	}
	if item.Status != bot.ActionDone || statusDone(issue) {
		return nil
	}
	ts, _, err := j.client.Issue.GetTransitionsWithContext(ctx, key)
	if err != nil {
		return j.outcome("list transitions of "+key, err)
	}
	t, ok := pickTransition(ts, j.cfg.ActionDone)
	if !ok {
		j.log.Warn("no configured transition finishes the action issue", "issue", key, "names", j.cfg.ActionDone)
		return nil
	}
	if _, err := j.client.Issue.DoTransitionWithPayloadWithContext(ctx, key, map[string]any{"transition": map[string]string{"id": t.ID}}); err != nil {
		return j.outcome(fmt.Sprintf("transition %s by %q", key, t.Name), err)
	}
	j.metrics.Writes.WithLabelValues("transition").Inc()
	return nil
}

// createAction creates an action item's issue; like create, an unknown
// outcome is looked up by label on the next attempt.
func (j *Jira) createAction(ctx context.Context, inc *bot.Incident, a *bot.ActionItem) (string, error) {
	var d strings.Builder
	fmt.Fprintf(&d, "Action item #%d (%s) of %s: %s\n\n", a.Seq, a.Kind, inc.Key(), wikiLine(inc.Title))
	if a.Owner != "" {
		fmt.Fprintf(&d, "*Owner:* %s\n", wikiLine(a.Owner))
	}
	if a.Due != nil {
		fmt.Fprintf(&d, "*Due:* %s\n", a.Due.UTC().Format(time.DateOnly))
	}
	if j.cfg.PublicURL != "" {
		fmt.Fprintf(&d, "[Open %s in warroom|%s/incidents/%d]\n", inc.Key(), j.cfg.PublicURL, inc.Number)
	}
	f := &jira.IssueFields{
		Project:     jira.Project{Key: j.cfg.Project},
		Type:        jira.IssueType{Name: j.cfg.ActionIssueType},
		Summary:     ticket.Cut(fmt.Sprintf("[%s] action #%d: %s", inc.Key(), a.Seq, a.Title), maxSummary),
		Description: d.String(),
		Labels:      append([]string{actionLabel(inc.Number, a.Seq)}, j.cfg.Labels...),
	}
	issue, _, err := j.client.Issue.CreateWithContext(ctx, &jira.Issue{Fields: f})
	if err == nil && (issue == nil || issue.Key == "") {
		err = fmt.Errorf("jira answered without an issue key")
	}
	if err != nil {
		what := fmt.Sprintf("create jira issue for action #%d of %s", a.Seq, inc.Key())
		if ticket.IsClientError(err) {
			return "", j.outcome(what, err)
		}
		j.metrics.Errors.WithLabelValues(ticket.Class(err)).Inc()
		return "", bot.RetryAfter(fmt.Errorf("%s (outcome unknown: the next attempt looks it up first): %w", what, err), max(lookupWait, hintOf(err)))
	}
	j.metrics.Writes.WithLabelValues("create").Inc()
	return issue.Key, nil
}

func linkedTo(issue *jira.Issue, key string) bool {
	if issue == nil || issue.Fields == nil {
		return false
	}
	for _, l := range issue.Fields.IssueLinks {
		if l == nil {
			continue
		}
		if (l.InwardIssue != nil && l.InwardIssue.Key == key) || (l.OutwardIssue != nil && l.OutwardIssue.Key == key) {
			return true
		}
	}
	return false
}

func statusDone(issue *jira.Issue) bool {
	return issue != nil && issue.Fields != nil && issue.Fields.Status != nil &&
		issue.Fields.Status.StatusCategory.Key == jira.StatusCategoryComplete
}
