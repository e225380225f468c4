package bot

import "time"

// EntryKind is the closed set of things a timeline records.
type EntryKind string

// Timeline entry kinds.
const (
	EntryDeclared        EntryKind = "declared"
	EntryAcknowledged    EntryKind = "acknowledged"
	EntryStatusChanged   EntryKind = "status_changed"
	EntrySeverityChanged EntryKind = "severity_changed"
	EntryRoleAssigned    EntryKind = "role_assigned"
	EntryUpdate          EntryKind = "status_update"
	EntryNote            EntryKind = "note"
	EntryFieldChanged    EntryKind = "field_changed"
	EntryTimeChanged     EntryKind = "time_changed"
	EntryResolved        EntryKind = "resolved"
	EntryReopened        EntryKind = "reopened"
	EntryClosed          EntryKind = "closed"
	EntryActionAdded     EntryKind = "action_added"
	EntryActionDone      EntryKind = "action_done"
	EntryMessagePinned   EntryKind = "message_pinned"
	EntryAlertFired      EntryKind = "alert_fired"
	EntryAlertResolved   EntryKind = "alert_resolved"
	EntryPageSent        EntryKind = "page_sent"
	EntryTicketLinked    EntryKind = "ticket_linked"
	EntryEscalated       EntryKind = "escalated"
	EntryChannelLinked   EntryKind = "channel_linked"
	EntrySLABreached     EntryKind = "sla_breached"
	EntryPostmortem      EntryKind = "postmortem"
)

// EntryKinds lists every kind.
var EntryKinds = []EntryKind{
	EntryDeclared, EntryAcknowledged, EntryStatusChanged, EntrySeverityChanged,
	EntryRoleAssigned, EntryUpdate, EntryNote, EntryFieldChanged, EntryTimeChanged,
	EntryResolved, EntryReopened, EntryClosed, EntryActionAdded, EntryActionDone,
	EntryMessagePinned, EntryAlertFired, EntryAlertResolved, EntryPageSent,
	EntryTicketLinked, EntryEscalated, EntryChannelLinked, EntrySLABreached, EntryPostmortem,
}

// Valid reports whether k is in the closed set.
func (k EntryKind) Valid() bool {
	for _, e := range EntryKinds {
		if e == k {
			return true
		}
	}
	return false
}

// Entry is one line of an incident's timeline.
type Entry struct {
	ID       int64             `json:"id"`
	Incident int64             `json:"incident"`
	At       time.Time         `json:"at"`
	Kind     EntryKind         `json:"kind"`
	Actor    string            `json:"actor"`
	Text     string            `json:"text"`
	Data     map[string]string `json:"data,omitempty"` // structured detail: old/new values, ids
}
