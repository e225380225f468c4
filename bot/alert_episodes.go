package bot

import (
	"fmt"
	"time"
)

// Alerts without a start time. Some senders cannot repeat in a resolution
// when the alert began (CloudWatch's OK, a Nagios RECOVERY, generic JSON
// without a mapped starts_at), and some give no start at all. Their
// receivers leave Alert.StartsAt zero, and HandleAlerts places the alert in
// the episodes of its (source, fingerprint) instead of matching the exact
// (source, fingerprint, starts_at):
//
//   - a firing alert while an episode fires is a repeat of it (duplicate);
//     otherwise it starts a new episode whose start is the receive time
//     (just after the latest stored start, should that be later);
//   - a resolution resolves every firing episode; with none firing it is a
//     duplicate when an earlier episode exists (already resolved), else a
//     stray resolution recorded at the receive time.
//
// Alerts with a start time keep their exact (source, fingerprint,
// starts_at) semantics (Alertmanager's HA copies, a late firing copy of a
// resolved alert).

// episode handles an alert whose sender gave no start time. It reports
// done when the alert is fully handled (a duplicate, or a resolution of
// firing episodes); otherwise it has set a.StartsAt and the caller goes on
// as for any alert.
func (b *alertBatch) episode(a *Alert, d RouteDecision, res *AlertResult, touch func(int64)) (done bool, err error) {
	eps, err := b.tx.AlertEpisodes(b.ctx, a.Source, a.Fingerprint)
	if err != nil {
		return false, fmt.Errorf("read alert episodes: %w", err)
	}
	var firing []*Alert
	for i := range eps {
		if eps[i].Status == AlertFiring {
			firing = append(firing, &eps[i])
		}
	}
	now := b.now.UTC().Truncate(time.Microsecond)
	switch {
	case a.Status == AlertFiring && len(firing) > 0:
		res.Duplicates++ // the open episode, notified again
		return true, nil
	case a.Status == AlertFiring:
		a.StartsAt = now
		if len(eps) > 0 && !eps[0].StartsAt.Before(now) {
			a.StartsAt = eps[0].StartsAt.Add(time.Microsecond)
		}
		return false, nil
	case len(firing) == 0 && len(eps) > 0:
		res.Duplicates++ // the latest episode is resolved already
		return true, nil
	case len(firing) == 0:
		a.StartsAt = now // a resolution never seen firing: recorded only
		return false, nil
	}
	suppressed := true
	for _, f := range firing {
		n, err := b.resolve(f, *a, d)
		if err != nil {
			return false, err
		}
		touch(n)
		suppressed = suppressed && f.Window != 0
	}
	if suppressed {
		res.Suppressed++
	} else {
		res.Accepted++
	}
	return true, nil
}

// episodeLockKey is the lock (taken like a group's) on the episodes of an
// alert without a start.
func episodeLockKey(a Alert) string {
	return "episodes:" + a.Source + "/" + a.Fingerprint
}
