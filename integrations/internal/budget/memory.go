package budget

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/warroom/warroom/bot"
)

// Memory is bot.Budgets in this process's memory: what the stores keep in
// their budgets table, for an integration that runs without a store.
type Memory struct {
	mu   sync.Mutex
	rows map[string]*row
}

type row struct {
	pausedUntil, tat time.Time
	held             bool
	hold             bot.IntegrationHold
	backoff          time.Duration
}

var _ bot.Budgets = (*Memory)(nil)

// NewMemory returns empty budgets.
func NewMemory() *Memory { return &Memory{rows: map[string]*row{}} }

func (m *Memory) row(key string) *row {
	r := m.rows[key]
	if r == nil {
		r = &row{}
		m.rows[key] = r
	}
	return r
}

// PauseBucket implements bot.Budgets.
func (m *Memory) PauseBucket(_ context.Context, bucket string, until time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if r := m.row(bucket); until.After(r.pausedUntil) {
		r.pausedUntil = until
	}
	return nil
}

// BucketPause implements bot.Budgets.
func (m *Memory) BucketPause(_ context.Context, bucket string, now time.Time) (time.Duration, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return max(m.row(bucket).pausedUntil.Sub(now), 0), nil
}

// TakeSlot implements bot.Budgets with the generic cell rate algorithm, as
// the stores do.
func (m *Memory) TakeSlot(_ context.Context, bucket string, now time.Time, every time.Duration, burst int) (time.Duration, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := m.row(bucket)
	if d := r.pausedUntil.Sub(now); d > 0 {
		return d, nil
	}
	tat := r.tat
	if tat.Before(now) {
		tat = now
	}
	if ahead := tat.Sub(now) - time.Duration(max(burst, 1)-1)*every; ahead > 0 {
		return ahead, nil
	}
	r.tat = tat.Add(every)
	return 0, nil
}

// CheckCall implements bot.Budgets.
func (m *Memory) CheckCall(_ context.Context, integration, bucket string, now time.Time) (bot.CallCheck, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var c bot.CallCheck
	if r := m.row(integration); r.held {
		c.Held, c.ProbeIn = true, max(r.hold.ProbeAt.Sub(now), 0)
	}
	c.Paused = max(m.row(bucket).pausedUntil.Sub(now), 0)
	return c, nil
}

// HoldIntegration implements bot.Budgets.
func (m *Memory) HoldIntegration(_ context.Context, integration, reason string, now time.Time, backoff bot.ProbeBackoff, probed bool) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := m.row(integration)
	first := !r.held
	switch {
	case first:
		r.held, r.backoff = true, backoff.First
		r.hold = bot.IntegrationHold{Integration: integration, Since: now}
	case probed:
		r.backoff = min(r.backoff*2, backoff.Max)
	default:
		return false, nil
	}
	r.hold.Reason, r.hold.ProbeAt = reason, now.Add(r.backoff)
	return first, nil
}

// AdmitIntegration implements bot.Budgets.
func (m *Memory) AdmitIntegration(_ context.Context, integration string, now time.Time) (time.Duration, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := m.row(integration)
	switch {
	case !r.held:
		return 0, false, nil
	case r.hold.ProbeAt.After(now):
		return r.hold.ProbeAt.Sub(now), false, nil
	}
	r.hold.ProbeAt = now.Add(r.backoff)
	return 0, true, nil
}

// HealIntegration implements bot.Budgets.
func (m *Memory) HealIntegration(_ context.Context, integration string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := m.row(integration)
	was := r.held
	r.held, r.hold, r.backoff = false, bot.IntegrationHold{}, 0
	return was, nil
}

// HeldIntegrations implements bot.Budgets.
func (m *Memory) HeldIntegrations(context.Context) ([]bot.IntegrationHold, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []bot.IntegrationHold
	for _, r := range m.rows {
		if r.held {
			out = append(out, r.hold)
		}
	}
	slices.SortFunc(out, func(a, b bot.IntegrationHold) int { return strings.Compare(a.Integration, b.Integration) })
	return out, nil
}

// PruneBudgets implements bot.Budgets.
func (m *Memory) PruneBudgets(_ context.Context, before time.Time) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for k, r := range m.rows {
		if !r.held && r.pausedUntil.Before(before) && r.tat.Before(before) {
			delete(m.rows, k)
			n++
		}
	}
	return n, nil
}
