package bot

import (
	"strings"
	"time"
)

// ActionKind says what an action item is for.
type ActionKind string

// Action kinds.
const (
	ActionCorrective ActionKind = "corrective"
	ActionPreventive ActionKind = "preventive"
	ActionDetective  ActionKind = "detective"
)

// ParseActionKind accepts corrective, preventive or detective.
func ParseActionKind(s string) (ActionKind, error) {
	for _, k := range []ActionKind{ActionCorrective, ActionPreventive, ActionDetective} {
		if strings.EqualFold(s, string(k)) {
			return k, nil
		}
	}
	return "", Errorf(CodeInvalid, "action kind %q is not one of corrective, preventive, detective", s)
}

// ActionStatus is open or done.
type ActionStatus string

// Action statuses.
const (
	ActionOpen ActionStatus = "open"
	ActionDone ActionStatus = "done"
)

// ActionItem is a corrective or preventive action that outlives the incident.
type ActionItem struct {
	ID        int64        `json:"id"`
	Incident  int64        `json:"incident"`
	Seq       int          `json:"seq"` // N in "action done N", per incident from 1
	Title     string       `json:"title"`
	Owner     string       `json:"owner,omitempty"`
	Due       *time.Time   `json:"due,omitempty"`
	Kind      ActionKind   `json:"kind"`
	Status    ActionStatus `json:"status"`
	Ticket    string       `json:"ticket,omitempty"`
	CreatedAt time.Time    `json:"created_at"`
	DoneAt    *time.Time   `json:"done_at,omitempty"`
}

// Overdue reports whether the item is open past its due date at now.
func (a *ActionItem) Overdue(now time.Time) bool {
	return a.Status == ActionOpen && a.Due != nil && now.After(*a.Due)
}
