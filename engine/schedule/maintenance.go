package schedule

import (
	"context"
	"time"

	"github.com/warroom/warroom/bot"
)

// maintenanceBatch is how many windows one tick announces at most; the
// rest wait for the next tick.
const maintenanceBatch = 100

// Maintenance returns the task that announces maintenance windows starting
// or ending on their own (scheduled ahead, or running out) through
// Maintenance.AnnounceDue, which claims each announcement in the database
// so that replicas and restarts never repeat one.
func Maintenance(svc *bot.Service) Task {
	return func(ctx context.Context, now time.Time) error {
		_, err := svc.Maintenance().AnnounceDue(ctx, now, maintenanceBatch)
		return err
	}
}
