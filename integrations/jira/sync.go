package jira

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	jira "github.com/andygrunwald/go-jira"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/internal/ticket"
)

// handleSync makes the incident's issue match the incident as it is now.
func (j *Jira) handleSync(ctx context.Context, job bot.Job) error {
	inc, err := j.incident(ctx, job.Incident)
	if err != nil {
		return err
	}
	defer j.locks.Lock(inc.Number)()
	key, created, err := j.ensure(ctx, inc)
	if err != nil {
		return err
	}
	status := ""
	if !created {
		if status, err = j.update(ctx, key, inc); err != nil {
			return err
		}
	}
	return j.transition(ctx, key, status, inc.Status)
}

// handleComment adds one comment, once.
func (j *Jira) handleComment(ctx context.Context, job bot.Job) error {
	var c bot.TicketComment
	if err := json.Unmarshal(job.Payload, &c); err != nil || c.Ref == "" {
		return bot.Permanent(fmt.Errorf("decode ticket comment: %v", err))
	}
	inc, err := j.incident(ctx, job.Incident)
	if err != nil {
		return err
	}
	defer j.locks.Lock(inc.Number)()
	key, _, err := j.ensure(ctx, inc)
	if err != nil {
		return err
	}
	return j.addComment(ctx, key, inc.Key(), ticket.Named(c, j.cfg.Names), job.Attempts > 1)
}

// addComment posts a comment; when an earlier attempt may have posted it
// (check), it looks for the comment's marker first.
func (j *Jira) addComment(ctx context.Context, key, incKey string, c bot.TicketComment, check bool) error {
	body := commentBody(incKey, c)
	if check {
		issue, _, err := j.client.Issue.GetWithContext(ctx, key, &jira.GetQueryOptions{Fields: "comment"})
		if err != nil {
			return j.outcome("read comments of "+key, err)
		}
		if issue.Fields != nil && issue.Fields.Comments != nil {
			m := marker(incKey, c.Ref)
			for _, old := range issue.Fields.Comments.Comments {
				if old != nil && strings.Contains(old.Body, m) {
					return nil
				}
			}
		}
	}
	if _, _, err := j.client.Issue.AddCommentWithContext(ctx, key, &jira.Comment{Body: body}); err != nil {
		return j.outcome("comment on "+key, err)
	}
	j.metrics.Writes.WithLabelValues("comment").Inc()
	return nil
}

// incident reads an incident for a job; a vanished one ends the job.
func (j *Jira) incident(ctx context.Context, number int64) (*bot.Incident, error) {
	inc, err := j.svc.Get(ctx, number)
	if bot.ErrorCode(err) == bot.CodeNotFound || errors.Is(err, bot.ErrNotFound) {
		return nil, bot.Permanent(fmt.Errorf("%s does not exist", bot.FormatKey(number)))
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", bot.FormatKey(number), err)
	}
	return j.svc.Outward(inc), nil // a private incident under its neutral title
}

// ensure returns the key of the incident's issue: the linked one, else one
// found by its label (adopted), else a new one (createOnce: never two). created reports whether
// this call created it with the current state (no update needed). Every
// path records the link on the incident.
func (j *Jira) ensure(ctx context.Context, inc *bot.Incident) (key string, created bool, err error) {
	if l, ok := inc.Links[System]; ok && l.ID != "" {
		return l.ID, false, nil
	}
	key, created, err = j.createOnce(ctx, inc.Number, label(inc.Number), func(ctx context.Context) (string, error) {
		return j.create(ctx, inc)
	})
	if err != nil {
		return "", false, err
	}
	if !created {
		j.log.Info("adopted existing jira issue", "incident", inc.Key(), "issue", key)
	}
	return key, created, j.link(ctx, inc.Number, key)
}

// find looks an issue up by label in the project: the oldest if several.
func (j *Jira) find(ctx context.Context, lbl string) (string, error) {
	jql := fmt.Sprintf(`project = "%s" AND labels = "%s" ORDER BY created ASC`, jqlEscape(j.cfg.Project), lbl)
	issues, _, err := j.client.Issue.SearchV2JQLWithContext(ctx, jql, &jira.SearchOptionsV2{MaxResults: 5, Fields: []string{"key", "labels"}})
	if err != nil {
		return "", err
	}
	for _, is := range issues {
		if is.Key != "" {
			return is.Key, nil
		}
	}
	return "", nil
}

// create creates the incident's issue. A failure whose outcome is unknown
// (a 5xx, a timeout, a cut connection) is retried after lookupWait: the next
// attempt reconciles first (createOnce), so the issue is adopted if it was
// created.
func (j *Jira) create(ctx context.Context, inc *bot.Incident) (string, error) {
	f := &jira.IssueFields{
		Project:     jira.Project{Key: j.cfg.Project},
		Type:        jira.IssueType{Name: j.cfg.IssueType},
		Summary:     summary(inc),
		Description: j.description(inc),
		Labels:      j.labels(inc.Number),
	}
	if p := j.cfg.Priority[inc.Severity]; p != "" {
		f.Priority = &jira.Priority{Name: p}
	}
	unknowns := map[string]any{}
	for k, v := range j.cfg.CustomFields {
		unknowns[k] = v
	}
	if j.cfg.CommanderField != "" && inc.Commander() != "" {
		unknowns[j.cfg.CommanderField] = inc.Commander()
	}
	for id, v := range j.mappedFields(inc) {
		if v.text != "" {
			unknowns[id] = v.jira()
		}
	}
	if len(unknowns) > 0 {
		f.Unknowns = unknowns
	}
	issue, _, err := j.client.Issue.CreateWithContext(ctx, &jira.Issue{Fields: f})
	if err == nil && (issue == nil || issue.Key == "") {
		err = errors.New("jira answered without an issue key")
	}
	if err != nil {
		what := "create jira issue for " + inc.Key()
		if ticket.IsClientError(err) {
			return "", j.outcome(what, err)
		}
		j.metrics.Errors.WithLabelValues(ticket.Class(err)).Inc()
		return "", bot.RetryAfter(fmt.Errorf("%s (outcome unknown: the next attempt looks it up first): %w", what, err), max(lookupWait, hintOf(err)))
	}
	j.metrics.Writes.WithLabelValues("create").Inc()
	j.log.Info("created jira issue", "incident", inc.Key(), "issue", issue.Key)
	return issue.Key, nil
}

func hintOf(err error) time.Duration {
	var ae *ticket.APIError
	if errors.As(err, &ae) {
		return ae.RetryAfter
	}
	return 0
}

// link records the issue on the incident, as a change from Jira itself so
// that it writes no job back.
func (j *Jira) link(ctx context.Context, number int64, key string) error {
	_, err := j.svc.SetLink(ctx, bot.Cause{Origin: System}, number, "warroom", System, bot.Link{ID: key, URL: j.browseURL(key)})
	if err != nil {
		return fmt.Errorf("link %s to %s: %w", key, bot.FormatKey(number), err)
	}
	return nil
}

// update writes the fields that differ from the incident and returns the
// issue's status name.
func (j *Jira) update(ctx context.Context, key string, inc *bot.Incident) (string, error) {
	fields := "summary,description,priority,status"
	if j.cfg.CommanderField != "" {
		fields += "," + j.cfg.CommanderField
	}
	mapped := j.mappedFields(inc)
	for _, id := range slices.Sorted(maps.Keys(mapped)) {
		fields += "," + id
	}
	issue, _, err := j.client.Issue.GetWithContext(ctx, key, &jira.GetQueryOptions{Fields: fields})
	if err != nil {
		return "", j.outcome("read jira issue "+key, err)
	}
	cur := issue.Fields
	if cur == nil {
		cur = &jira.IssueFields{}
	}
	set := map[string]any{}
	if want := summary(inc); cur.Summary != want {
		set["summary"] = want
	}
	if want := j.description(inc); strings.TrimSpace(cur.Description) != strings.TrimSpace(want) {
		set["description"] = want
	}
	if want := j.cfg.Priority[inc.Severity]; want != "" && (cur.Priority == nil || !strings.EqualFold(cur.Priority.Name, want)) {
		set["priority"] = map[string]string{"name": want}
	}
	if f := j.cfg.CommanderField; f != "" {
		have, _ := cur.Unknowns[f].(string)
		if have != inc.Commander() {
			set[f] = inc.Commander()
		}
	}
	for id, want := range mapped {
		if plainValue(cur.Unknowns[id]) != want.text {
			set[id] = want.jira()
		}
	}
	if len(set) > 0 {
		if _, err := j.client.Issue.UpdateIssueWithContext(ctx, key, map[string]any{"fields": set}); err != nil {
			return "", j.outcome("update jira issue "+key, err)
		}
		j.metrics.Writes.WithLabelValues("update").Inc()
	}
	status := ""
	if cur.Status != nil {
		status = cur.Status.Name
	}
	return status, nil
}

// transition moves the issue to the warroom status by the first configured
// transition the issue offers now. status is the issue's current status
// name ("" when unknown: a new issue). A status that has no configured
// names, or none available from where the issue is, is left alone.
func (j *Jira) transition(ctx context.Context, key, status string, to bot.Status) error {
	names := j.cfg.Transitions[to]
	if len(names) == 0 || containsFold(names, status) {
		return nil
	}
	ts, _, err := j.client.Issue.GetTransitionsWithContext(ctx, key)
	if err != nil {
		return j.outcome("list transitions of "+key, err)
	}
	t, ok := pickTransition(ts, names)
	if !ok {
		j.log.Debug("no configured transition available", "issue", key, "status", status, "want", to)
		return nil
	}
	if status != "" && strings.EqualFold(t.To.Name, status) {
		return nil
	}
	payload := map[string]any{"transition": map[string]string{"id": t.ID}}
	if (to == bot.StatusResolved || to == bot.StatusClosed) && j.cfg.Resolution != "" {
		if _, ok := t.Fields["resolution"]; ok {
			payload["fields"] = map[string]any{"resolution": map[string]string{"name": j.cfg.Resolution}}
		}
	}
	if _, err := j.client.Issue.DoTransitionWithPayloadWithContext(ctx, key, payload); err != nil {
		return j.outcome(fmt.Sprintf("transition %s by %q", key, t.Name), err)
	}
	j.metrics.Writes.WithLabelValues("transition").Inc()
	return nil
}

// pickTransition returns the first of names (in order) that names an
// offered transition or its target status.
func pickTransition(ts []jira.Transition, names []string) (jira.Transition, bool) {
	for _, n := range names {
		for _, t := range ts {
			if strings.EqualFold(t.Name, n) {
				return t, true
			}
		}
		for _, t := range ts {
			if strings.EqualFold(t.To.Name, n) {
				return t, true
			}
		}
	}
	return jira.Transition{}, false
}

func containsFold(list []string, s string) bool {
	return s != "" && slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, s) })
}

// jqlEscape escapes a value for a double-quoted JQL string.
func jqlEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)
}
