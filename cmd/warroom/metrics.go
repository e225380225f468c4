package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/engine/outbox"
	"github.com/warroom/warroom/internal/httpx"
)

// metrics are the process's Prometheus metrics, on its own registry.
type metrics struct {
	reg      *prometheus.Registry
	http     *httpx.Metrics
	commands *prometheus.HistogramVec
}

// newMetrics registers every metric: HTTP requests (httpx's), commands,
// the store's outbox and incident gauges (read at scrape time), the
// worker's counters, build info, and the Go and process collectors.
func newMetrics(store storeStats, worker *outbox.Worker, now func() time.Time, log *slog.Logger) *metrics {
	reg := prometheus.NewRegistry()
	m := &metrics{
		reg: reg,
		commands: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "warroom_command_duration_seconds",
			Help:    "Time to run a command, by command and result (ok or the error code).",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"command", "result"}),
	}
	httpMetrics, err := httpx.NewMetrics(reg)
	if err != nil {
		// A fresh registry holds nothing yet, so this cannot collide.
		panic(err)
	}
	m.http = httpMetrics
	bi := readBuildInfo()
	build := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "warroom_build_info",
		Help:        "Always 1; the labels say which build is running.",
		ConstLabels: prometheus.Labels{"version": bi.Version, "commit": bi.Commit, "goversion": bi.Go},
	})
	build.Set(1)
	counter := func(name, help string, f func(outbox.Counters) uint64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help},
			func() float64 { return float64(f(worker.Counters())) })
	}
	sc := &storeCollector{store: store, worker: worker, now: now, log: log}
	if src, ok := store.(kpiSource); ok {
		// Incident counts come from the KPI metrics' cached sums.
		sc.kpi = true
		reg.MustRegister(&kpiCollector{src: src, now: now, log: log})
	}
	reg.MustRegister(
		m.commands, build, sc,
		counter("warroom_outbox_delivered_total", "Outbox jobs delivered by this process.",
			func(c outbox.Counters) uint64 { return c.Delivered }),
		counter("warroom_outbox_retries_total", "Outbox deliveries that failed and were scheduled again.",
			func(c outbox.Counters) uint64 { return c.Retried }),
		counter("warroom_outbox_waits_total", "Outbox deliveries told to wait (pacing, rate limits, holds): not failures.",
			func(c outbox.Counters) uint64 { return c.Waited }),
		counter("warroom_outbox_dead_lettered_total", "Outbox jobs this process gave up on.",
			func(c outbox.Counters) uint64 { return c.Dead }),
		counter("warroom_outbox_lost_leases_total", "Outbox jobs whose lease ran out before delivery finished.",
			func(c outbox.Counters) uint64 { return c.LostLeases }),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return m
}

// observeCommand is commands.Config.Observe.
func (m *metrics) observeCommand(command string, d time.Duration, err error) {
	result := "ok"
	if err != nil {
		result = string(bot.ErrorCode(err))
	}
	m.commands.WithLabelValues(command, result).Observe(d.Seconds())
}

// storeStats is what the metrics read from the store at scrape time.
type storeStats interface {
	OutboxStats(ctx context.Context, now time.Time) (bot.OutboxStats, error)
	OutboxByTarget(ctx context.Context) (map[string]bot.TargetStats, error)
	CountByStatus(ctx context.Context) (map[bot.Status]int, error)
}

// storeCollector reads the outbox and incident gauges from the database
// at each scrape, so every replica reports the same shared state.
type storeCollector struct {
	store  storeStats
	worker *outbox.Worker // its targets are reported at 0 when they hold no job
	now    func() time.Time
	log    *slog.Logger
	kpi    bool // warroom_incidents comes from kpiCollector
}

var (
	descOutboxPending = prometheus.NewDesc("warroom_outbox_pending_jobs",
		"Outbox jobs waiting for delivery (pending or being delivered).", nil, nil)
	descOutboxDead = prometheus.NewDesc("warroom_outbox_dead_jobs",
		"Outbox jobs given up on (dead-lettered); see the log for their last error.", nil, nil)
	descOutboxAge = prometheus.NewDesc("warroom_outbox_oldest_pending_age_seconds",
		"Age of the oldest outbox job waiting for delivery; 0 when none waits.", nil, nil)
	descTargetPending = prometheus.NewDesc("warroom_outbox_pending",
		"Outbox jobs waiting for delivery, by target.", []string{"target"}, nil)
	descTargetDead = prometheus.NewDesc("warroom_outbox_dead",
		"Dead-lettered outbox jobs, by target: `warroom outbox list --dead` shows them.", []string{"target"}, nil)
	descIncidents = prometheus.NewDesc("warroom_incidents",
		"Incidents by status.", []string{"status"}, nil)
)

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descOutboxPending
	ch <- descOutboxDead
	ch <- descOutboxAge
	ch <- descTargetPending
	ch <- descTargetDead
	if !c.kpi {
		ch <- descIncidents
	}
}

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if st, err := c.store.OutboxStats(ctx, c.now()); err != nil {
		c.log.Warn("metrics: read outbox stats", "err", err)
		ch <- prometheus.NewInvalidMetric(descOutboxPending, err)
	} else {
		ch <- prometheus.MustNewConstMetric(descOutboxPending, prometheus.GaugeValue, float64(st.Pending))
		ch <- prometheus.MustNewConstMetric(descOutboxDead, prometheus.GaugeValue, float64(st.Dead))
		ch <- prometheus.MustNewConstMetric(descOutboxAge, prometheus.GaugeValue, st.OldestAge.Seconds())
	}
	if by, err := c.store.OutboxByTarget(ctx); err != nil {
		c.log.Warn("metrics: read outbox per target", "err", err)
		ch <- prometheus.NewInvalidMetric(descTargetPending, err)
	} else {
		if c.worker != nil {
			for _, t := range c.worker.Targets() {
				if _, ok := by[t]; !ok {
					by[t] = bot.TargetStats{}
				}
			}
		}
		for t, st := range by {
			ch <- prometheus.MustNewConstMetric(descTargetPending, prometheus.GaugeValue, float64(st.Pending), t)
			ch <- prometheus.MustNewConstMetric(descTargetDead, prometheus.GaugeValue, float64(st.Dead), t)
		}
	}
	if c.kpi {
		return
	}
	counts, err := c.store.CountByStatus(ctx)
	if err != nil {
		c.log.Warn("metrics: count incidents", "err", err)
		ch <- prometheus.NewInvalidMetric(descIncidents, err)
		return
	}
	for _, s := range bot.Statuses {
		ch <- prometheus.MustNewConstMetric(descIncidents, prometheus.GaugeValue, float64(counts[s]), string(s))
	}
}
