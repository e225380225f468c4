package bot

import (
	"fmt"
	"strings"
	"text/template"
)

// TitleData is what a route's title template reads: {{.Rule}},
// {{.Service}}, {{.Labels.instance}}, {{.Annotations.summary}}, ...
type TitleData struct {
	Rule        string
	Service     string
	Source      string
	Title       string // the alert's own title (for Alertmanager its summary)
	Labels      map[string]string
	Annotations map[string]string
}

// compileTitle parses a route's title template.
func compileTitle(text string) (*template.Template, error) {
	if strings.TrimSpace(text) == "" {
		return nil, nil
	}
	t, err := template.New("title").Option("missingkey=zero").Parse(text)
	if err != nil {
		return nil, fmt.Errorf("title template: %w", err)
	}
	return t, nil
}

// incidentTitle is the title of an incident declared for an alert: the
// route's title template when it has one, else the rule and the service
// (the service label, else job): "HighErrorRate on payments". It never
// names the instance, so that one rule on many hosts reads as one.
func (s *Service) incidentTitle(a Alert, d RouteDecision) string {
	data := TitleData{Rule: AlertRule(a), Service: d.Service, Source: a.Source, Title: a.Title,
		Labels: a.Labels, Annotations: a.Annotations}
	if data.Service == "" {
		data.Service = a.Labels["job"]
	}
	if t := s.liveAlerts().titles[d.Route]; t != nil {
		var b strings.Builder
		if err := t.Execute(&b, data); err == nil {
			if out := SanitizeTitle(b.String(), MaxTitleLen); out != "" {
				return out
			}
		} else {
			s.log.Warn("route title template", "route", d.Route, "err", err)
		}
	}
	if a.Labels["alertname"] != "" && data.Rule != "" {
		if data.Service != "" {
			return SanitizeTitle(data.Rule+" on "+data.Service, MaxTitleLen)
		}
		return data.Rule
	}
	return alertTitle(a)
}
