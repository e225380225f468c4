package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/config"
	"github.com/warroom/warroom/integrations/jira"
	"github.com/warroom/warroom/integrations/pagerduty"
	"github.com/warroom/warroom/integrations/servicenow"
	"github.com/warroom/warroom/integrations/slack"
)

// integrationNames are the integrations configured that can be held after
// their credentials are refused: the labels of warroom_integration_held.
func integrationNames(cfg config.Config) []string {
	var out []string
	if cfg.SlackOn() {
		out = append(out, slack.Platform)
	}
	if cfg.PagerDuty.RoutingKey.IsSet() || cfg.PagerDuty.Token.IsSet() {
		out = append(out, pagerduty.Target)
	}
	if cfg.Jira.URL != "" {
		out = append(out, jira.System)
	}
	if cfg.ServiceNow.URL != "" {
		out = append(out, servicenow.System)
	}
	return out
}

var descHeld = prometheus.NewDesc("warroom_integration_held",
	"1 while the integration is held after its credentials were refused (every replica shares the hold); 0 otherwise.",
	[]string{"integration"}, nil)

// heldCollector reads the held integrations from the store at each scrape,
// so every replica reports the same holds.
type heldCollector struct {
	store interface {
		HeldIntegrations(ctx context.Context) ([]bot.IntegrationHold, error)
	}
	names []string // configured integrations, reported 0 when not held
	log   *slog.Logger
}

func (c *heldCollector) Describe(ch chan<- *prometheus.Desc) { ch <- descHeld }

func (c *heldCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	held, err := c.store.HeldIntegrations(ctx)
	if err != nil {
		c.log.Warn("metrics: read held integrations", "err", err)
		ch <- prometheus.NewInvalidMetric(descHeld, err)
		return
	}
	value := map[string]float64{}
	for _, n := range c.names {
		value[n] = 0
	}
	for _, h := range held {
		value[h.Integration] = 1
	}
	for n, v := range value {
		ch <- prometheus.MustNewConstMetric(descHeld, prometheus.GaugeValue, v, n)
	}
}
