package bot

import (
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
)

// SeverityLevel is how a deployment names one severity (README.md,
// "Incident types, severities and fields"): P1, Critical, ... and the
// sentence the declare forms show beside it.
type SeverityLevel struct {
	Name        string
	Description string
}

// Names and labels are set once, by the wiring at start, from the
// configuration; every renderer reads them through Severity.String,
// Severity.Description and Status.Label. nil: the built-in SEV1..SEV4 and
// the status names.
var (
	severityLevels atomic.Pointer[[4]SeverityLevel]
	statusLabels   atomic.Pointer[map[Status]string]
)

// CheckSeverityLevels refuses names that are empty where a description is
// set, hold spaces, repeat, or read as another severity's number.
func CheckSeverityLevels(levels map[Severity]SeverityLevel) error {
	seen := map[string]Severity{}
	for _, s := range Severities {
		l, ok := levels[s]
		if !ok || l.Name == "" {
			continue
		}
		name := strings.ToLower(l.Name)
		if strings.ContainsAny(name, " \t,") {
			return fmt.Errorf("severity name %q: one word, no commas", l.Name)
		}
		if other, dup := seen[name]; dup {
			return fmt.Errorf("severity name %q is used by both sev%d and sev%d", l.Name, int(other), int(s))
		}
		if n, err := parseSevNumber(name); err == nil && n != s {
			return fmt.Errorf("severity name %q of sev%d reads as sev%d", l.Name, int(s), int(n))
		}
		seen[name] = s
	}
	for s := range levels {
		if !s.Valid() {
			return fmt.Errorf("severity %d is not one of 1..4", int(s))
		}
	}
	return nil
}

// SetSeverityLevels names the severities (nil: the built-in names).
func SetSeverityLevels(levels map[Severity]SeverityLevel) error {
	if err := CheckSeverityLevels(levels); err != nil {
		return err
	}
	if len(levels) == 0 {
		severityLevels.Store(nil)
		return nil
	}
	var tbl [4]SeverityLevel
	for s, l := range levels {
		tbl[s-1] = l
	}
	severityLevels.Store(&tbl)
	return nil
}

// SetStatusLabels renames statuses for display; their order and values
// stay (nil: the status names).
func SetStatusLabels(labels map[Status]string) error {
	m, err := checkStatusLabels(labels)
	if err != nil {
		return err
	}
	if len(m) == 0 {
		statusLabels.Store(nil)
		return nil
	}
	statusLabels.Store(&m)
	return nil
}

// CheckStatusLabels refuses a label used twice or an unknown status.
func CheckStatusLabels(labels map[Status]string) error {
	_, err := checkStatusLabels(labels)
	return err
}

func checkStatusLabels(labels map[Status]string) (map[Status]string, error) {
	seen := map[string]Status{}
	m := map[Status]string{}
	for st, l := range labels {
		if !st.Valid() {
			return nil, fmt.Errorf("status %q is not a warroom status", st)
		}
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		if other, dup := seen[strings.ToLower(l)]; dup {
			return nil, fmt.Errorf("status label %q is used by both %s and %s", l, other, st)
		}
		seen[strings.ToLower(l)] = st
		m[st] = l
	}
	return m, nil
}

func (s Severity) String() string {
	if tbl := severityLevels.Load(); tbl != nil && s.Valid() && tbl[s-1].Name != "" {
		return tbl[s-1].Name
	}
	return s.Code()
}

// Code is the severity's built-in name, SEV1..SEV4, whatever it is
// called: metric labels keep it, so dashboards survive a renaming.
func (s Severity) Code() string { return "SEV" + strconv.Itoa(int(s)) }

// Description is the configured sentence about s, "" when none.
func (s Severity) Description() string {
	if tbl := severityLevels.Load(); tbl != nil && s.Valid() {
		return tbl[s-1].Description
	}
	return ""
}

// Label is the status as people read it: its configured label, else its name.
func (s Status) Label() string {
	if m := statusLabels.Load(); m != nil {
		if l, ok := (*m)[s]; ok {
			return l
		}
	}
	return string(s)
}

// severityByName finds a configured severity name, in any case.
func severityByName(t string) (Severity, bool) {
	tbl := severityLevels.Load()
	if tbl == nil {
		return 0, false
	}
	for i, l := range tbl {
		if l.Name != "" && strings.EqualFold(l.Name, t) {
			return Severity(i + 1), true
		}
	}
	return 0, false
}

// IsSeverityName reports whether w is a configured severity name that
// holds a digit (P1, S2): such a word leads a declare as its severity, as
// sev2 does. A name without one (Critical) is given with --sev, so that
// "High CPU on db1" stays a title.
func IsSeverityName(w string) bool {
	_, ok := severityByName(w)
	return ok && strings.ContainsAny(w, "0123456789")
}

// severityChoices lists what ParseSeverity accepts, for errors.
func severityChoices() string {
	parts := make([]string, 0, len(Severities))
	for _, s := range Severities {
		if tbl := severityLevels.Load(); tbl != nil && tbl[s-1].Name != "" {
			parts = append(parts, fmt.Sprintf("%s (sev%d)", tbl[s-1].Name, int(s)))
		} else {
			parts = append(parts, fmt.Sprintf("sev%d", int(s)))
		}
	}
	return strings.Join(parts, ", ")
}
