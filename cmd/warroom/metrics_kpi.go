package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/warroom/warroom/bot"
)

// kpiSource is what the KPI metrics read: the summed-up figures, and the
// time of the newest change (one index step), to know when to sum again.
type kpiSource interface {
	KPIMetrics(ctx context.Context) (*bot.KPIMetrics, error)
	LastChange(ctx context.Context) (time.Time, error)
}

// kpiCollector exports the KPI series (incidents by severity and status,
// MTTA and MTTR histograms, SLA breaches) from a cached aggregate, so a
// scrape never scans the incident table. A scrape asks the store for the
// newest change; when something changed, the aggregate is summed again:
// at once while that is quick (under syncRefresh, a small database), else
// in the background, at most every minRefresh, the scrape answering from
// the previous sum meanwhile. The first scrape after start sums at once,
// whatever it takes.
type kpiCollector struct {
	src kpiSource
	now func() time.Time
	log *slog.Logger

	mu      sync.Mutex
	snap    *bot.KPIMetrics
	stamp   time.Time     // the newest change the snapshot includes
	at      time.Time     // when it was summed
	took    time.Duration // how long that took
	running bool
}

const (
	syncRefresh = 50 * time.Millisecond
	minRefresh  = 15 * time.Second
)

var (
	descIncidentsBySeverity = prometheus.NewDesc("warroom_incidents_by_severity",
		"Incidents by severity and status.", []string{"severity", "status"}, nil)
	descMTTA = prometheus.NewDesc("warroom_incident_mtta_seconds",
		"Time from declaration to acknowledgement of the incidents acknowledged, by severity.", []string{"severity"}, nil)
	descMTTR = prometheus.NewDesc("warroom_incident_mttr_seconds",
		"Time from declaration to resolution of the incidents resolved, by severity.", []string{"severity"}, nil)
	descBreaches = prometheus.NewDesc("warroom_sla_breaches",
		"Incidents that breached an SLA target, by severity and kind (ack, resolve, update, postmortem).", []string{"severity", "kind"}, nil)
	descKPIAge = prometheus.NewDesc("warroom_kpi_metrics_age_seconds",
		"How old the summed-up KPI series are.", nil, nil)
)

func (c *kpiCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descIncidents, descIncidentsBySeverity, descMTTA, descMTTR, descBreaches, descKPIAge} {
		ch <- d
	}
}

// refresh sums the figures up again when they changed; see kpiCollector.
func (c *kpiCollector) refresh(ctx context.Context) {
	last, err := c.src.LastChange(ctx)
	if err != nil {
		c.log.Warn("metrics: read the last change", "err", err)
		return
	}
	c.mu.Lock()
	fresh := c.snap != nil && last.Equal(c.stamp)
	inline := c.snap == nil || c.took < syncRefresh
	due := !c.running && c.now().Sub(c.at) >= minRefresh
	if fresh || (!inline && !due) || c.running {
		c.mu.Unlock()
		return
	}
	c.running = true
	c.mu.Unlock()
	sum := func(ctx context.Context) {
		start := time.Now()
		m, err := c.src.KPIMetrics(ctx)
		c.mu.Lock()
		defer c.mu.Unlock()
		c.running = false
		if err != nil {
			c.log.Warn("metrics: sum incidents up", "err", err)
			return
		}
		c.snap, c.stamp, c.at, c.took = m, last, c.now(), time.Since(start)
	}
	if inline {
		// The first sum after start may read a million rows: it is not held
		// to the scrape's deadline.
		long, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
		defer cancel()
		sum(long)
		return
	}
	go sum(context.Background())
}

func (c *kpiCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	c.refresh(ctx)
	c.mu.Lock()
	m, at := c.snap, c.at
	c.mu.Unlock()
	if m == nil {
		ch <- prometheus.NewInvalidMetric(descIncidents, context.DeadlineExceeded)
		return
	}
	ch <- prometheus.MustNewConstMetric(descKPIAge, prometheus.GaugeValue, c.now().Sub(at).Seconds())
	byStatus := map[bot.Status]int64{}
	for _, sev := range bot.Severities {
		for _, st := range bot.Statuses {
			n := m.Incidents[sev][st]
			byStatus[st] += n
			ch <- prometheus.MustNewConstMetric(descIncidentsBySeverity, prometheus.GaugeValue, float64(n), sev.Code(), string(st))
		}
		for _, h := range []struct {
			desc   *prometheus.Desc
			hist   *bot.KPIHistogram
			bounds []time.Duration
		}{{descMTTA, m.MTTA[sev], bot.MTTABuckets}, {descMTTR, m.MTTR[sev], bot.MTTRBuckets}} {
			buckets := map[float64]uint64{}
			var cum uint64
			var sum float64
			for i, b := range h.bounds {
				if h.hist != nil {
					cum += h.hist.Counts[i]
				}
				buckets[b.Seconds()] = cum
			}
			if h.hist != nil {
				cum += h.hist.Counts[len(h.bounds)]
				sum = h.hist.Sum
			}
			ch <- prometheus.MustNewConstHistogram(h.desc, cum, sum, buckets, sev.Code())
		}
		for _, kind := range []string{bot.SLAAck, bot.SLAResolve, bot.SLAUpdate, bot.SLAPostmortem} {
			ch <- prometheus.MustNewConstMetric(descBreaches, prometheus.GaugeValue, float64(m.Breaches[sev][kind]), sev.Code(), kind)
		}
	}
	for _, st := range bot.Statuses {
		n := byStatus[st]
		for sev, row := range m.Incidents { // severities outside SEV1–4, if any
			if !sev.Valid() {
				n += row[st]
			}
		}
		ch <- prometheus.MustNewConstMetric(descIncidents, prometheus.GaugeValue, float64(n), string(st))
	}
}
