package bot

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Severity ranks incidents from SEV1 (most severe) to SEV4.
type Severity int

// The four severities.
const (
	SEV1 Severity = 1
	SEV2 Severity = 2
	SEV3 Severity = 3
	SEV4 Severity = 4
)

// Severities lists every severity, most severe first.
var Severities = []Severity{SEV1, SEV2, SEV3, SEV4}

// Valid reports whether s is one of SEV1..SEV4.
func (s Severity) Valid() bool { return s >= SEV1 && s <= SEV4 }

// AtLeast reports whether s is as severe as t or more (SEV1 is at least SEV2).
func (s Severity) AtLeast(t Severity) bool { return s <= t }

// ParseSeverity accepts "sev1", "SEV1", "1" and "s1" in any case, and the
// configured names (severity_names.go).
func ParseSeverity(text string) (Severity, error) {
	if s, ok := severityByName(strings.TrimSpace(text)); ok {
		return s, nil
	}
	s, err := parseSevNumber(strings.ToLower(strings.TrimSpace(text)))
	if err != nil {
		return 0, Errorf(CodeInvalid, "severity %q is not one of %s", text, severityChoices())
	}
	return s, nil
}

func parseSevNumber(t string) (Severity, error) {
	t = strings.TrimPrefix(t, "sev")
	t = strings.TrimPrefix(t, "s")
	n, err := strconv.Atoi(t)
	if err != nil || !Severity(n).Valid() {
		return 0, fmt.Errorf("not a severity")
	}
	return Severity(n), nil
}

// SLA holds the targets of one severity. Zero means no target.
type SLA struct {
	Acknowledge   time.Duration // declared → first acknowledgement
	Resolve       time.Duration // declared → resolved
	UpdateCadence time.Duration // at most this long between status updates while open
	PostmortemDue time.Duration // resolved → postmortem done
}

// DefaultSLAs are the acknowledge/resolve targets when the configuration
// sets none (README.md, "Configuration"): SEV1 5m/4h, SEV2 15m/8h, SEV3
// 1h/3d, SEV4 1d/14d.
func DefaultSLAs() map[Severity]SLA {
	return map[Severity]SLA{
		SEV1: {Acknowledge: 5 * time.Minute, Resolve: 4 * time.Hour},
		SEV2: {Acknowledge: 15 * time.Minute, Resolve: 8 * time.Hour},
		SEV3: {Acknowledge: time.Hour, Resolve: 72 * time.Hour},
		SEV4: {Acknowledge: 24 * time.Hour, Resolve: 14 * 24 * time.Hour},
	}
}

// validateSLAs checks that every severity has non-negative targets.
func validateSLAs(m map[Severity]SLA) error {
	for s, sla := range m {
		if !s.Valid() {
			return fmt.Errorf("severity %d is not one of 1..4", int(s))
		}
		if sla.Acknowledge < 0 || sla.Resolve < 0 || sla.UpdateCadence < 0 || sla.PostmortemDue < 0 {
			return fmt.Errorf("%s: SLA targets must not be negative", s)
		}
	}
	return nil
}
