package main

import (
	"log/slog"
	"time"

	"github.com/warroom/warroom/integrations/chart"
)

// startSettle is how long after it starts serving `warroom serve` releases
// the executable's pages a second time: the scheduler's first tick, the
// outbox worker's first heartbeat (every 3 s) and whatever first requests
// came are behind it by then, and each touched code that a process left
// idle does not run again.
const startSettle = 5 * time.Second

// releaseStartPages releases the executable's pages touched so far that
// need not stay resident (startpages_linux.go; nothing elsewhere) and logs
// what it released at debug level.
func releaseStartPages(log *slog.Logger, after string) {
	before, left := releaseExecutablePages(chart.FontFiles())
	if before > 0 {
		log.Debug("released the executable's pages", "after", after,
			"resident_before_kib", before/1024, "resident_after_kib", left/1024)
	}
}
