package bot

import (
	"slices"
	"strings"
)

// Reloadable is the part of Config a running Service takes anew when the
// configuration file is reloaded (SIGHUP; README: Reloading the
// configuration).
type Reloadable struct {
	Alerts     AlertConfig
	Escalation EscalationConfig
}

// liveConfig is Reloadable checked; a Service swaps it whole, so a call
// sees either the old settings or the new ones, never a mix.
type liveConfig struct {
	alerts     alertConfig
	escalation EscalationConfig
}

// Reload checks r and, when it is valid, puts it in place of the running
// routes, group-commit limits and escalation settings. An invalid r changes
// nothing. Timers armed before keep their due times; incidents declared or
// changed after follow the new settings.
func (s *Service) Reload(r Reloadable) error {
	if err := validateEscalation(r.Escalation); err != nil {
		return err
	}
	alerts, err := newAlertConfig(r.Alerts)
	if err != nil {
		return err
	}
	s.live.Store(&liveConfig{alerts: alerts, escalation: cloneEscalation(r.Escalation)})
	return nil
}

func (s *Service) liveAlerts() *alertConfig { return &s.live.Load().alerts }

func (s *Service) liveEscalation() *EscalationConfig { return &s.live.Load().escalation }

func cloneEscalation(c EscalationConfig) EscalationConfig {
	return EscalationConfig{Off: c.Off, Levels: slices.Clone(c.Levels), Mention: slices.Clone(c.Mention),
		Managers: strings.TrimPrefix(strings.TrimSpace(c.Managers), "#")}
}
