package bot

import (
	"context"
	"time"
)

// MetricBuckets are the upper bounds of the MTTA and MTTR histograms that
// /metrics exports (the same for every replica and every scrape).
var (
	MTTABuckets = []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute,
		15 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour, 4 * time.Hour, 8 * time.Hour, 24 * time.Hour}
	MTTRBuckets = []time.Duration{5 * time.Minute, 15 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour,
		4 * time.Hour, 8 * time.Hour, 12 * time.Hour, 24 * time.Hour, 48 * time.Hour, 72 * time.Hour,
		7 * 24 * time.Hour, 14 * 24 * time.Hour}
)

// KPIHistogram is a cumulative-ready histogram: Counts[i] incidents fell
// at or below bucket i's bound and above the one before; Counts has one
// more element than the bounds, for everything above the last. Sum is in
// seconds.
type KPIHistogram struct {
	Counts []uint64
	Sum    float64
}

// KPIMetrics are the figures /metrics exports, summed over every incident
// with bounded label sets.
type KPIMetrics struct {
	// Incidents counts incidents by severity and status.
	Incidents map[Severity]map[Status]int64
	// MTTA and MTTR are histograms by severity (MTTABuckets, MTTRBuckets).
	MTTA, MTTR map[Severity]*KPIHistogram
	// Breaches counts incidents that breached an SLA, by severity and SLA
	// name (SLAAck, SLAResolve, SLAUpdate, SLAPostmortem).
	Breaches map[Severity]map[string]int64
}

// KPIMetricsReader sums the KPI metrics up; the SQL stores implement it.
type KPIMetricsReader interface {
	KPIMetrics(ctx context.Context) (*KPIMetrics, error)
}
