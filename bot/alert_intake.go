package bot

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// AlertResult is what HandleAlerts did with one delivery.
type AlertResult struct {
	Accepted   int // new alerts, and resolutions of known ones
	Duplicates int // redelivered: changed nothing
	Suppressed int // matched a maintenance window: recorded only
	// Incidents declared, attached to, reopened or resolved, in order.
	Incidents []int64
}

// AttachCardDelay is how long an incident's card waits before showing
// alerts attached to it without a status change: every attach in the
// meantime joins the same edit.
const AttachCardDelay = time.Second

// Limits on one alert's identity.
const (
	MaxFingerprintLen = 256
	MaxAlertsPerCall  = 10000
)

// HandleAlerts records one delivery of alerts from a monitoring sender:
// deduplicated in the database by (source, fingerprint, starts_at), routed,
// grouped into incidents, suppressed by maintenance windows. An alert with
// a zero StartsAt (its sender gives no start time) belongs to the open
// episode of its (source, fingerprint): see alert_episodes.go. A nil error
// means the delivery is committed. Concurrent calls are committed together
// in one transaction (group commit); when too much waits already, it
// answers CodeUnavailable and the sender should retry.
//
// cause names the sender's delivery, when it has an id (a redelivery then
// changes nothing), and the system it came from.
func (s *Service) HandleAlerts(ctx context.Context, cause Cause, alerts []Alert) (AlertResult, error) {
	if len(alerts) == 0 {
		return AlertResult{}, nil
	}
	norm, err := normalizeAlerts(alerts)
	if err != nil {
		return AlertResult{}, err
	}
	return s.submit(ctx, cause, norm)
}

// normalizeAlerts validates a delivery and returns a normalised copy.
func normalizeAlerts(in []Alert) ([]Alert, error) {
	if len(in) > MaxAlertsPerCall {
		return nil, Errorf(CodeInvalid, "a delivery carries at most %d alerts, not %d", MaxAlertsPerCall, len(in))
	}
	out := make([]Alert, len(in))
	for i, a := range in {
		switch {
		case a.Source == "" || len(a.Source) > MaxNameLen:
			return nil, Errorf(CodeInvalid, "alert %d: the source must be a name of 1 to %d characters", i+1, MaxNameLen)
		case a.Fingerprint == "" || len(a.Fingerprint) > MaxFingerprintLen:
			return nil, Errorf(CodeInvalid, "alert %d: the fingerprint must be 1 to %d characters", i+1, MaxFingerprintLen)
		case a.Status != AlertFiring && a.Status != AlertResolved:
			return nil, Errorf(CodeInvalid, "alert %d: status %q is not firing or resolved", i+1, SanitizeTitle(string(a.Status), 20))
		}
		a.ID, a.Incident, a.Window = 0, 0, 0
		// Identity to the millisecond: senders re-render a start time at
		// different precisions (a resolution's startsAt may differ from the
		// firing's below the millisecond), and the same alert must match.
		a.StartsAt = a.StartsAt.UTC().Truncate(time.Millisecond)
		if a.EndsAt != nil {
			t := a.EndsAt.UTC().Truncate(time.Millisecond)
			a.EndsAt = &t
		}
		a.Title = SanitizeTitle(a.Title, MaxTitleLen)
		a.Rule = AlertRule(a)
		out[i] = a
	}
	return out, nil
}

// alertTitle is the title of an incident declared for an alert.
func alertTitle(a Alert) string {
	for _, t := range []string{a.Title, a.Annotations["summary"], a.Labels["alertname"], a.Fingerprint} {
		if t = SanitizeTitle(t, MaxTitleLen); t != "" {
			return t
		}
	}
	return "alert"
}

// alertBatch is the state of one transaction that handles one or more
// deliveries: the incidents and groups it touched, written at finish.
type alertBatch struct {
	s        *Service
	tx       Tx
	ctx      context.Context
	cause    Cause // of every change the batch makes
	now      time.Time
	windows  []MaintenanceWindow
	loaded   bool
	suppress map[int64]int64 // window → alerts suppressed
	groups   map[string]*AlertGroup
	bound    map[string]int64 // group → its incident when read: saved only when that changes
	incs     map[int64]*incState
}

// incState is one incident the batch touched.
type incState struct {
	c        *change
	before   *Incident // nil when declared in this batch
	resolved bool      // an alert of it resolved in this batch
	autoRes  bool
	// The batch's alerts of this incident, recorded as one timeline entry
	// each for fired and resolved, so that a storm does not write a line
	// per alert.
	fired, ended []alertNote
}

func (s *Service) newBatch(ctx context.Context, tx Tx, cause Cause) *alertBatch {
	return &alertBatch{s: s, tx: tx, ctx: ctx, cause: cause, now: s.Now(), suppress: map[int64]int64{},
		groups: map[string]*AlertGroup{}, bound: map[string]int64{}, incs: map[int64]*incState{}}
}

// handle processes one delivery inside the batch's transaction.
func (b *alertBatch) handle(alerts []Alert, routes []RouteDecision) (AlertResult, error) {
	var res AlertResult
	seen := map[int64]bool{}
	touch := func(n int64) {
		if n != 0 && !seen[n] {
			seen[n] = true
			res.Incidents = append(res.Incidents, n)
		}
	}
	for i, a := range alerts {
		d := routes[i]
		a.GroupKey = d.GroupKey
		if a.StartsAt.IsZero() { // the sender gives no start: see episode
			done, err := b.episode(&a, d, &res, touch)
			if err != nil {
				return AlertResult{}, err
			}
			if done {
				continue
			}
		}
		if a.Status == AlertFiring && d.AutoDeclare {
			// Fast path: the group has an open incident, so the insert alone
			// decides between new and duplicate.
			st, err := b.openIncident(d.GroupKey)
			if err != nil {
				return AlertResult{}, err
			}
			if st != nil && b.window(a.Labels) == 0 {
				a.Incident = st.c.inc.Number
				ok, err := b.tx.InsertAlert(b.ctx, &a, b.now)
				if err != nil {
					return AlertResult{}, fmt.Errorf("store alert: %w", err)
				}
				if !ok {
					res.Duplicates++
					continue
				}
				b.attach(st, &a, d)
				touch(a.Incident)
				res.Accepted++
				continue
			}
		}
		stored, err := b.tx.AlertByKey(b.ctx, a.Source, a.Fingerprint, a.StartsAt)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return AlertResult{}, fmt.Errorf("read alert: %w", err)
		}
		if stored != nil {
			if stored.Status == AlertResolved || a.Status == AlertFiring {
				res.Duplicates++ // a redelivery, or a stale firing after the resolution
				continue
			}
			n, err := b.resolve(stored, a, d)
			if err != nil {
				return AlertResult{}, err
			}
			if stored.Window != 0 {
				res.Suppressed++
			} else {
				res.Accepted++
			}
			touch(n)
			continue
		}
		if w := b.window(a.Labels); w != 0 {
			a.Window = w
			b.suppress[w]++
			res.Suppressed++
		} else if a.Status == AlertFiring && d.AutoDeclare {
			n, err := b.fire(&a, d)
			if err != nil {
				return AlertResult{}, err
			}
			touch(n)
			res.Accepted++
		} else {
			res.Accepted++ // recorded only: a resolution never seen firing, or a route that does not declare
		}
		ok, err := b.tx.InsertAlert(b.ctx, &a, b.now)
		if err != nil {
			return AlertResult{}, fmt.Errorf("store alert: %w", err)
		}
		if !ok { // another writer stored it since we looked: retry the delivery
			return AlertResult{}, fmt.Errorf("store alert %s/%s: %w", a.Source, a.Fingerprint, errAlertRace)
		}
	}
	return res, nil
}

// errAlertRace says a concurrent writer stored the same alert; the
// delivery is retried and then finds it a duplicate.
var errAlertRace = errors.New("stored concurrently")

// window returns the first active maintenance window matching labels, or 0.
func (b *alertBatch) window(labels map[string]string) int64 {
	if !b.loaded {
		ws, err := b.tx.ActiveMaintenance(b.ctx, b.now)
		if err == nil {
			b.windows = ws
		} else {
			b.s.log.Error("read maintenance windows", "err", err)
		}
		b.loaded = true
	}
	for _, w := range b.windows {
		if MatchAll(w.Matchers, labels) {
			return w.ID
		}
	}
	return 0
}

// fire joins a new firing alert to its group's incident: the open one, the
// recently resolved one (reopened), or a new one. It sets a.Incident.
func (b *alertBatch) fire(a *Alert, d RouteDecision) (int64, error) {
	g, err := b.group(d.GroupKey)
	if err != nil {
		return 0, err
	}
	var st *incState
	if g.Incident != 0 {
		st, err = b.incident(g.Incident)
		if err != nil {
			return 0, err
		}
		inc := st.c.inc
		switch {
		case inc.Status.Open():
		case inc.Status == StatusResolved && inc.ResolvedAt != nil && b.now.Sub(*inc.ResolvedAt) <= b.s.reopenWindow(d.Route) && b.s.reopenWindow(d.Route) > 0:
			st.c.actor = a.Source
			if err := st.c.move(StatusInvestigating, ""); err != nil {
				return 0, err
			}
		default:
			st = nil // closed, or resolved too long ago: a new incident
		}
	}
	if st == nil {
		if st, err = b.declare(*a, d); err != nil {
			return 0, err
		}
		g.Incident = st.c.inc.Number
	}
	b.attach(st, a, d)
	g.UpdatedAt = b.now
	return st.c.inc.Number, nil
}

// openIncident returns the batch's state of the group's incident when it
// is open, reading the group and the incident once per batch; nil when the
// group has none or it is not open. An incident read here and left
// unchanged (the alert was a duplicate) is not written (see untouched).
func (b *alertBatch) openIncident(key string) (*incState, error) {
	g, err := b.group(key)
	if err != nil || g.Incident == 0 {
		return nil, err
	}
	st, err := b.incident(g.Incident)
	if err != nil || !st.c.inc.Status.Open() {
		return nil, err
	}
	return st, nil
}

// untouched reports whether the batch read the incident and changed
// nothing of it: nothing attached, resolved or recorded.
func (st *incState) untouched() bool {
	return len(st.fired) == 0 && st.attachedOnly()
}

// attachedOnly reports whether the batch read the incident and changed no
// more of it than attach does: its alert counts (and the timeline entry
// and card refresh that follow). Such an incident's audited fields are
// as read, so finish writes its counts alone and diffs nothing.
func (st *incState) attachedOnly() bool {
	c := st.c
	return st.before != nil && len(st.ended) == 0 && !st.resolved && c.inc.Status == st.before.Status &&
		len(c.entries) == 0 && len(c.posts) == 0 && len(c.managers) == 0 && len(c.directs) == 0 && c.audit == nil
}

// attach counts a firing alert on its incident and records it.
func (b *alertBatch) attach(st *incState, a *Alert, d RouteDecision) {
	inc := st.c.inc
	st.autoRes = d.AutoResolve
	if st.before == nil && !a.StartsAt.IsZero() && a.StartsAt.Before(inc.StartedAt) {
		inc.StartedAt = a.StartsAt
	}
	inc.Alerts++
	inc.AlertsFiring++
	a.Incident = inc.Number
	st.c.actor = a.Source
	st.fired = append(st.fired, alertNote{alertTitle(*a), a.Fingerprint, a.Source, d.GroupKey, d.Route})
}

// resolve records that a stored firing alert resolved.
func (b *alertBatch) resolve(stored *Alert, a Alert, d RouteDecision) (int64, error) {
	if err := b.tx.ResolveAlert(b.ctx, stored.ID, a.EndsAt); err != nil {
		return 0, fmt.Errorf("resolve alert: %w", err)
	}
	if stored.Incident == 0 {
		return 0, nil
	}
	st, err := b.incident(stored.Incident)
	if err != nil {
		return 0, err
	}
	inc := st.c.inc
	if inc.AlertsFiring > 0 {
		inc.AlertsFiring--
	}
	st.resolved = true
	st.autoRes = d.AutoResolve
	st.c.actor = a.Source
	st.ended = append(st.ended, alertNote{alertTitle(a), a.Fingerprint, a.Source, d.GroupKey, ""})
	return inc.Number, nil
}

// lockGroups routes the batch's alerts (routes[i][j] is reqs[i]'s alert
// j's decision) and locks every group they belong to, in key order (so
// that concurrent batches never wait on each other in a cycle), and the
// episodes of every alert without a start, whose firing and resolution may
// route to different groups.
func (b *alertBatch) lockGroups(reqs []*alertReq) (routes [][]RouteDecision, err error) {
	keys := map[string]bool{}
	routes = make([][]RouteDecision, len(reqs))
	for i, r := range reqs {
		routes[i] = make([]RouteDecision, len(r.alerts))
		for j, a := range r.alerts {
			routes[i][j] = b.s.route(a)
			keys[routes[i][j].GroupKey] = true
			if a.StartsAt.IsZero() {
				keys[episodeLockKey(a)] = true
			}
		}
	}
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		if err := b.tx.LockAlertGroup(b.ctx, k); err != nil {
			return nil, err
		}
	}
	return routes, nil
}

// group reads (once per batch) the group with key.
func (b *alertBatch) group(key string) (*AlertGroup, error) {
	if g, ok := b.groups[key]; ok {
		return g, nil
	}
	g, err := b.tx.AlertGroup(b.ctx, key)
	if errors.Is(err, ErrNotFound) {
		g, err = AlertGroup{Key: key}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read alert group: %w", err)
	}
	b.groups[key] = &g
	b.bound[key] = g.Incident
	return &g, nil
}

// incident locks (once per batch) an incident the batch changes.
func (b *alertBatch) incident(n int64) (*incState, error) {
	if st, ok := b.incs[n]; ok {
		return st, nil
	}
	inc, err := b.tx.LockIncident(b.ctx, n)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", FormatKey(n), err)
	}
	st := &incState{before: inc.Clone(), c: &change{inc: inc, now: b.now, tx: b.tx, cause: b.cause}}
	b.incs[n] = st
	return st, nil
}

// declare opens an incident for a group's first firing alert.
func (b *alertBatch) declare(a Alert, d RouteDecision) (*incState, error) {
	started := a.StartsAt
	if started.IsZero() || started.After(b.now) {
		started = b.now
	}
	source := SanitizeTitle(a.Source, MaxNameLen)
	typ, _ := b.s.catalog.resolveType("") // alerts declare the default type
	inc := &Incident{
		Title: b.s.incidentTitle(a, d), Links: alertIncidentLinks(a), Announce: strings.TrimPrefix(d.Channel, "#"),
		Route: d.Route, Type: typ.Name, Private: typ.Private,
		Responders: addResponders(b.s.respondersFor(d.Route, d.Service), typ.Responders), Severity: d.Severity, Status: StatusTriggered, Source: source,
		Service: SanitizeTitle(d.Service, MaxNameLen), Summary: SanitizeText(a.Annotations["description"], MaxTextLen),
		StartedAt: started, DeclaredAt: b.now, UpdatedAt: b.now, Version: 1, Roles: map[string]string{},
	}
	n, err := b.tx.NextIncidentNumber(b.ctx)
	if err != nil {
		return nil, fmt.Errorf("allocate incident number: %w", err)
	}
	inc.Number = n
	if err := b.tx.CreateIncident(b.ctx, inc); err != nil {
		return nil, fmt.Errorf("create %s: %w", inc.Key(), err)
	}
	c := &change{inc: inc, actor: source, now: b.now, tx: b.tx, cause: b.cause}
	c.record(EntryDeclared, fmt.Sprintf("%s declared %s: %s", source, inc.Severity, inc.Title),
		map[string]string{"severity": inc.Severity.String(), "source": source, "group": d.GroupKey, "route": d.Route})
	if err := b.s.noteMaintenance(b.ctx, c); err != nil {
		return nil, err
	}
	if err := b.s.enqueueAll(b.ctx, b.tx, inc, EffectOpen, nil); err != nil {
		return nil, err
	}
	st := &incState{c: c}
	b.incs[n] = st
	return st, nil
}

// finish writes what the batch changed: incidents, timelines, audit,
// outbox jobs, groups and window counts.
func (b *alertBatch) finish() error {
	ctx, tx := b.ctx, b.tx
	for _, n := range slices.Sorted(maps.Keys(b.incs)) {
		st := b.incs[n]
		if st.untouched() {
			continue
		}
		c, inc := st.c, st.c.inc
		attached := st.attachedOnly()
		st.recordAlerts(EntryAlertFired, "fired", st.fired)
		st.recordAlerts(EntryAlertResolved, "resolved", st.ended)
		if st.resolved && inc.AlertsFiring == 0 && inc.Status.Open() {
			c.record(EntryAlertResolved, fmt.Sprintf("All %d alerts of the group have resolved", inc.Alerts),
				map[string]string{"all": "true"})
			if st.autoRes {
				if err := c.move(StatusResolved, "all alerts resolved"); err != nil {
					return err
				}
			} else {
				c.post(Message{Text: fmt.Sprintf("All %d alerts of %s have resolved.", inc.Alerts, inc.Key())}, false)
			}
		}
		inc.UpdatedAt = b.now
		if st.before != nil {
			inc.Version++
		}
		update := tx.UpdateIncident
		if attached {
			update = tx.UpdateIncidentCounts
		}
		if err := update(ctx, inc); err != nil {
			return fmt.Errorf("update %s: %w", inc.Key(), err)
		}
		action := "alerts"
		if st.before == nil {
			action = "declare"
		}
		var bef, aft map[string]any
		if !attached {
			bef, aft = auditDiff(st.before, inc)
		}
		if st.before != nil && len(aft) == 0 {
			c.audit, bef, aft = nil, nil, nil // alerts attached only: the timeline says it
		}
		changed := st.before == nil || len(aft) > 0
		if err := b.writeChange(c, action, bef, aft, changed); err != nil {
			return err
		}
		if changed { // declared, reopened or resolved: paging and timers follow
			if err := b.s.afterChange(ctx, tx, c, st.before); err != nil {
				return err
			}
		}
		if st.before != nil {
			// Alerts attached only: the card is refreshed a moment later, so
			// that a storm's batches merge into one edit per incident
			// (card jobs coalesce while they wait) instead of one each.
			wait := time.Duration(0)
			if !changed {
				wait = AttachCardDelay
			}
			if err := b.s.enqueueAllAfter(ctx, tx, inc, EffectCard, nil, wait); err != nil {
				return err
			}
		}
	}
	for _, k := range slices.Sorted(maps.Keys(b.groups)) {
		g := b.groups[k]
		if g.Incident == 0 || g.Incident == b.bound[k] {
			continue // a group is written when it takes an incident, not per alert
		}
		if err := tx.SaveAlertGroup(ctx, *g); err != nil {
			return fmt.Errorf("save alert group: %w", err)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(b.suppress)) {
		if err := tx.AddSuppressed(ctx, id, b.suppress[id]); err != nil {
			return fmt.Errorf("count suppressed alerts: %w", err)
		}
	}
	return nil
}
