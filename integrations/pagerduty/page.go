package pagerduty

import (
	"context"
	"errors"
	"fmt"
	"strings"

	pd "github.com/PagerDuty/go-pagerduty"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
)

var _ commands.Pager = (*Client)(nil)

// Page implements commands.Pager. A page about an incident goes through the
// outbox (retried, recorded on the timeline once PagerDuty accepts it); a
// page about no incident is sent at once.
func (c *Client) Page(ctx context.Context, inc *bot.Incident, target, message, actor string) (string, error) {
	req := bot.PageRequest{Target: Target, Message: message}
	if u, ok := strings.CutPrefix(target, "@"); ok {
		if err := c.canPageUsers(); err != nil {
			return "", err
		}
		req.User = u
	} else {
		if _, err := c.routingKey(target); err != nil {
			return "", err
		}
		req.Service = target
	}
	if inc != nil {
		if _, err := c.svc.Page(ctx, inc.Number, actor, req); err != nil {
			return "", err
		}
		return fmt.Sprintf("Paging %s about %s through PagerDuty; the timeline records it once PagerDuty accepts it.", target, inc.Key()), nil
	}
	summary := message
	if summary == "" {
		summary = "Page from " + actor + " through warroom"
	}
	p := bot.PagePayload{Summary: summary, Severity: bot.SEV2, Service: req.Service, User: req.User, Actor: actor}
	text, data, err := c.page(ctx, p)
	if err != nil {
		return "", userError(err)
	}
	if k := data["dedup_key"]; k != "" {
		return fmt.Sprintf("Paged %s (%s, dedup key %s).", target, text, k), nil
	}
	return fmt.Sprintf("Paged %s (%s).", target, text), nil
}

// userError turns an outbox-classified failure into an answer for a person.
func userError(err error) error {
	if bot.ErrorCode(err) != bot.CodeInternal {
		return err
	}
	if errors.Is(err, ErrRefused) {
		return bot.Errorf(bot.CodeNotConfigured, "%s", ErrRefused.Error())
	}
	if bot.IsPermanent(err) {
		return bot.Errorf(bot.CodeInvalid, "%s", err.Error())
	}
	return &bot.Error{Code: bot.CodeUnavailable, Msg: "PagerDuty did not answer; try again shortly", Err: err}
}

func (c *Client) canPageUsers() error {
	if c.cfg.Token == "" || c.cfg.From == "" || c.cfg.UserService == "" {
		return bot.Errorf(bot.CodeNotConfigured,
			"paging a person needs PAGERDUTY_TOKEN, pagerduty.from (a PagerDuty user's email) and pagerduty.user_service (a service ID)")
	}
	return nil
}

// pageUser creates a PagerDuty incident assigned to one person and returns
// its id. A retry after PagerDuty already opened it is not an error.
func (c *Client) pageUser(ctx context.Context, p bot.PagePayload) (string, error) {
	if err := c.canPageUsers(); err != nil {
		return "", bot.Permanent(err)
	}
	user, err := c.findUser(ctx, p.User)
	if err != nil {
		return "", err
	}
	o := &pd.CreateIncidentOptions{
		Title:       truncate(p.Summary, 255),
		Service:     &pd.APIReference{ID: c.cfg.UserService, Type: "service_reference"},
		Urgency:     "high",
		Assignments: []pd.Assignee{{Assignee: pd.APIObject{ID: user.ID, Type: "user_reference"}}},
	}
	if p.DedupKey != "" {
		o.IncidentKey = p.DedupKey + ":" + strings.ToLower(p.User)
	}
	if p.URL != "" {
		o.Body = &pd.APIDetails{Type: "incident_body", Details: p.URL}
	}
	what := "create PagerDuty incident for " + p.User
	probe, err := c.admit(ctx, what, restBucket)
	if err != nil {
		return "", err
	}
	ctx, cp := withCapture(ctx)
	inc, err := c.api.CreateIncidentWithContext(ctx, c.cfg.From, o)
	if err != nil && cp.status == 400 && strings.Contains(strings.ToLower(cp.message()), "matching dedup key") {
		c.guard.Accepted(ctx, probe)
		return "(already open)", nil
	}
	if err := c.done(ctx, what, restBucket, probe, cp, err); err != nil {
		return "", err
	}
	return inc.ID, nil
}

// findUser resolves a chat handle to one PagerDuty user: through the
// configured users map, else by PagerDuty's own query (name or email).
func (c *Client) findUser(ctx context.Context, handle string) (pd.User, error) {
	q := handle
	for h, email := range c.cfg.Users {
		if equalFold(h, handle) {
			q = email
		}
	}
	what := "look up PagerDuty user " + handle
	probe, err := c.admit(ctx, what, restBucket)
	if err != nil {
		return pd.User{}, err
	}
	ctx, cp := withCapture(ctx)
	resp, err := c.api.ListUsersWithContext(ctx, pd.ListUsersOptions{Query: q, Limit: 25})
	if err := c.done(ctx, what, restBucket, probe, cp, err); err != nil {
		return pd.User{}, err
	}
	var match []pd.User
	for _, u := range resp.Users {
		if equalFold(u.Email, q) || equalFold(u.Name, q) {
			match = append(match, u)
		}
	}
	if len(match) == 0 && len(resp.Users) == 1 {
		match = resp.Users
	}
	if len(match) != 1 {
		return pd.User{}, bot.Permanent(bot.Errorf(bot.CodeInvalid,
			"%d PagerDuty users match %q: map the handle to an email under pagerduty.users", len(match), handle))
	}
	return match[0], nil
}

func equalFold(a, b string) bool {
	return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b))
}
