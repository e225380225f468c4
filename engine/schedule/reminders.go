package schedule

import (
	"context"
	"time"

	"github.com/warroom/warroom/bot"
)

// Reminders returns the task that fires the due SLA and action-item
// reminders through Service.FireReminders, which claims each timer row so
// that replicas never remind twice.
func Reminders(svc *bot.Service) Task {
	return func(ctx context.Context, now time.Time) error {
		_, err := svc.FireReminders(ctx, now, 0)
		return err
	}
}
