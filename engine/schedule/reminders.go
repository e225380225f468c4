package schedule

import (
	"context"
	"time"

	"github.com/warroom/warroom/bot"
)

// Reminders returns the task that fires the due SLA and action-item
// reminders through Service.FireReminders, which claims each timer row so
// that replicas never remind twice, and those of problems' action items
// (Service.FireProblemReminders, each claimed as seen).
func Reminders(svc *bot.Service) Task {
	return func(ctx context.Context, now time.Time) error {
		if _, err := svc.FireReminders(ctx, now, 0); err != nil {
			return err
		}
		_, err := svc.FireProblemReminders(ctx, now)
		return err
	}
}
