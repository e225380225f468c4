package schedule

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/warroom/warroom/bot"
)

// Escalation returns the task that escalates unacknowledged incidents: it
// arms the escalation and SLA timers of every open incident this process
// has not armed yet at its severity (Declare writes none: see
// bot.Service.ArmTimers) and fires the due ones through svc.Escalate,
// which claims each timer row so that replicas never fire one twice.
func Escalation(svc *bot.Service) Task {
	var mu sync.Mutex
	armed := map[int64]bot.Severity{}
	return func(ctx context.Context, now time.Time) error {
		open, err := svc.List(ctx, bot.IncidentFilter{Statuses: bot.OpenStatuses})
		if err != nil {
			return fmt.Errorf("list open incidents: %w", err)
		}
		mu.Lock()
		defer mu.Unlock()
		live := make(map[int64]bool, len(open))
		for _, inc := range open {
			live[inc.Number] = true
			if sev, ok := armed[inc.Number]; ok && sev == inc.Severity {
				continue
			}
			if err := svc.ArmTimers(ctx, inc.Number); err != nil {
				return fmt.Errorf("arm timers of %s: %w", inc.Key(), err)
			}
			armed[inc.Number] = inc.Severity
		}
		for n := range armed {
			if !live[n] {
				delete(armed, n)
			}
		}
		if _, err := svc.Escalate(ctx, now, 100); err != nil {
			return err
		}
		return nil
	}
}
