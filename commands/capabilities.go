package commands

import (
	"context"
	"time"

	"github.com/warroom/warroom/bot"
)

// Pager pages people through the paging integration (PagerDuty).
type Pager interface {
	// Page pages target: a service name, or "@user" for one person. inc is
	// the incident the page is about, or nil. It returns one sentence saying
	// what was done, e.g. "Paged the on-call of payments (PagerDuty Q1W2E3)".
	Page(ctx context.Context, inc *bot.Incident, target, message, actor string) (string, error)
}

// Ticketer keeps the incident's ticket in Jira or ServiceNow.
type Ticketer interface {
	// System names the tracker, bot.LinkJira or bot.LinkServiceNow; the
	// ticket is recorded on the incident under this name.
	System() string
	// Ticket creates the incident's ticket, or returns it when one exists
	// already: a retry never creates a second.
	Ticket(ctx context.Context, inc *bot.Incident, actor string) (bot.Link, error)
}

// OnCall answers who is on call.
type OnCall interface {
	// OnCall describes who is on call for schedule ("" for every schedule
	// the deployment knows), ready to show.
	OnCall(ctx context.Context, schedule string) (string, error)
}

// Digester builds KPI digests.
type Digester interface {
	// Digest builds (and posts where configured) the digest of the last
	// period for channel on platform ("" when the command came from
	// outside a channel) and returns it as markdown.
	Digest(ctx context.Context, period time.Duration, channel, platform string) (string, error)
}

// Postmortems drafts postmortems.
type Postmortems interface {
	// Draft renders the postmortem draft of inc as markdown.
	Draft(ctx context.Context, inc *bot.Incident) (string, error)
}

// Maintenance keeps maintenance windows, during which matching alerts are
// recorded but never page or declare.
type Maintenance interface {
	// Start records a window and returns it with its ID set.
	Start(ctx context.Context, w MaintenanceWindow) (MaintenanceWindow, error)
	// List returns the windows that have not ended at now, soonest first.
	List(ctx context.Context, now time.Time) ([]MaintenanceWindow, error)
	// End ends window id now; an unknown id is a bot.CodeNotFound error.
	End(ctx context.Context, id int64, actor string) (MaintenanceWindow, error)
}

// MaintenanceWindow is the domain's maintenance window (bot.Service's
// Maintenance implements Maintenance).
type MaintenanceWindow = bot.MaintenanceWindow

// Matcher is the domain's label matcher.
type Matcher = bot.Matcher

// Not-configured answers: what is missing and what to set.
const (
	notConfiguredPager       = "paging is not configured: set PAGERDUTY_TOKEN and PAGERDUTY_ROUTING_KEY"
	notConfiguredTicketer    = "tickets are not configured: set JIRA_URL, JIRA_USER, JIRA_TOKEN and JIRA_PROJECT, or SERVICENOW_URL, SERVICENOW_USER and SERVICENOW_PASSWORD"
	notConfiguredOnCall      = "on-call lookup is not configured: set PAGERDUTY_TOKEN"
	notConfiguredDigester    = "digests are not configured: add a digests section with a channel and a schedule to the configuration file"
	notConfiguredPostmortem  = "postmortem drafts are not configured: enable the postmortem section of the configuration file (postmortem.template names a custom template)"
	notConfiguredMaintenance = "maintenance windows are not configured: enable alert routing with the routes section of the configuration file"
)
