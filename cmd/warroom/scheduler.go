package main

import (
	"context"
	"log/slog"
	"os"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/config"
	"github.com/warroom/warroom/engine/digests"
	"github.com/warroom/warroom/engine/schedule"
)

// schedulerStopTimeout bounds the wait for a scheduler tick in flight.
const schedulerStopTimeout = 5 * time.Second

// newScheduler builds the one loop of periodic work: escalations, SLA and
// action-item reminders, the configured digests and maintenance
// announcements, and the janitor (retention.*), ticking every
// escalation.interval.
func newScheduler(cfg config.Config, svc *bot.Service, store schedule.JanitorStore, runner *digests.Runner, log *slog.Logger) *schedule.Scheduler {
	s := schedule.New(schedule.Config{Interval: cfg.Escalation.Interval}, log)
	s.Add("escalation", schedule.Escalation(svc))
	s.Add("reminders", schedule.Reminders(svc))
	s.Add("digests", runner.Tick) // no schedules: nothing to do, until a reload adds some
	s.Add("maintenance", schedule.Maintenance(svc))
	if sum := cfg.Insights.Reminders.Summary; sum != nil {
		host, _ := os.Hostname()
		s.Add("overdue summaries", schedule.OverdueSummaries(svc, sum.Next, "warroom@"+host))
	}
	s.Add("janitor", schedule.Janitor(store, schedule.Retention{
		Seen: cfg.Retention.Seen, DeadJobs: cfg.Retention.DeadJobs, Timers: cfg.Retention.Timers,
	}, log))
	return s
}

// runScheduler runs s until ctx ends and closes done.
func runScheduler(ctx context.Context, s *schedule.Scheduler, done chan<- struct{}) {
	defer close(done)
	_ = s.Run(ctx)
}
