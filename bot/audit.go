package bot

import "time"

// AuditRecord says who changed what, with the values before and after, written
// in the same transaction as the change.
type AuditRecord struct {
	ID       int64          `json:"id"`
	At       time.Time      `json:"at"`
	Actor    string         `json:"actor"`
	Action   string         `json:"action"`
	Incident int64          `json:"incident,omitempty"`
	Before   map[string]any `json:"before,omitempty"`
	After    map[string]any `json:"after,omitempty"`
}

// auditDiff returns the fields that differ between two incident images.
func auditDiff(before, after *Incident) (b, a map[string]any) {
	var bf, af map[string]any
	if before != nil {
		bf = before.auditFields()
	}
	af = after.auditFields()
	b, a = map[string]any{}, map[string]any{}
	for k, v := range af {
		if bv, ok := bf[k]; !ok || bv != v {
			a[k] = v
			if ok {
				b[k] = bv
			}
		}
	}
	return b, a
}

// auditFields flattens the incident into comparable values.
func (inc *Incident) auditFields() map[string]any {
	m := map[string]any{
		"title": inc.Title, "summary": inc.Summary, "impact": inc.Impact,
		"service": inc.Service, "severity": inc.Severity.String(), "status": string(inc.Status),
		"private": inc.Private, "started_at": fmtTime(&inc.StartedAt), "declared_at": fmtTime(&inc.DeclaredAt),
		"acknowledged_at": fmtTime(inc.AcknowledgedAt), "mitigated_at": fmtTime(inc.MitigatedAt),
		"resolved_at": fmtTime(inc.ResolvedAt), "closed_at": fmtTime(inc.ClosedAt),
	}
	for r, u := range inc.Roles {
		m["role."+r] = u
	}
	for p, c := range inc.Channels {
		m["channel."+p] = c
	}
	for s, l := range inc.Links {
		m["link."+s] = l.ID
	}
	if inc.Type != "" {
		m["type"] = inc.Type
	}
	for f, v := range inc.Fields {
		m["field."+f] = v
	}
	return m
}

func fmtTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
