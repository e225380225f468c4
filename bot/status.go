package bot

import "strings"

// Status is where an incident is in its life.
type Status string

// The statuses in lifecycle order.
const (
	StatusTriggered     Status = "triggered"
	StatusAcknowledged  Status = "acknowledged"
	StatusInvestigating Status = "investigating"
	StatusIdentified    Status = "identified"
	StatusMonitoring    Status = "monitoring"
	StatusResolved      Status = "resolved"
	StatusClosed        Status = "closed"
)

// Statuses lists every status in lifecycle order.
var Statuses = []Status{
	StatusTriggered, StatusAcknowledged, StatusInvestigating, StatusIdentified,
	StatusMonitoring, StatusResolved, StatusClosed,
}

func (s Status) rank() int {
	for i, t := range Statuses {
		if t == s {
			return i
		}
	}
	return -1
}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return s.rank() >= 0 }

// Open reports whether the incident still needs work (not resolved or closed).
func (s Status) Open() bool { return s.Valid() && s.rank() < StatusResolved.rank() }

// Acknowledged reports whether s counts as acknowledged: any step past triggered.
func (s Status) Acknowledged() bool { return s.rank() > StatusTriggered.rank() }

// ParseStatus accepts a status name in any case.
func ParseStatus(text string) (Status, error) {
	s := Status(strings.ToLower(strings.TrimSpace(text)))
	if !s.Valid() {
		return "", Errorf(CodeInvalid, "status %q is not one of %s", text, joinStatuses(Statuses))
	}
	return s, nil
}

// CanMove reports whether the transition table allows from → to: any forward
// jump, resolved back to investigating (a reopen), and nothing out of closed.
func CanMove(from, to Status) bool {
	if !from.Valid() || !to.Valid() || from == StatusClosed {
		return false
	}
	if from == StatusResolved && to == StatusInvestigating {
		return true
	}
	return to.rank() > from.rank()
}

// AllowedMoves lists the statuses reachable from s, in lifecycle order.
func AllowedMoves(from Status) []Status {
	var out []Status
	for _, to := range Statuses {
		if CanMove(from, to) {
			out = append(out, to)
		}
	}
	return out
}

// checkMove returns a conflict error naming the allowed moves when from → to
// is not in the table.
func checkMove(key string, from, to Status) error {
	if CanMove(from, to) {
		return nil
	}
	allowed := AllowedMoves(from)
	if len(allowed) == 0 {
		return Errorf(CodeConflict, "%s is %s and cannot change status any more", key, from)
	}
	return Errorf(CodeConflict, "%s is %s and cannot move to %s; allowed: %s", key, from, to, joinStatuses(allowed))
}

func joinStatuses(ss []Status) string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = string(s)
	}
	return strings.Join(parts, ", ")
}
