package main

import (
	"fmt"
	"log/slog"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/config"
	amreceiver "github.com/warroom/warroom/integrations/alertmanager"
	"github.com/warroom/warroom/integrations/azure"
	"github.com/warroom/warroom/integrations/generic"
	"github.com/warroom/warroom/integrations/grafana"
	"github.com/warroom/warroom/integrations/nagios"
	"github.com/warroom/warroom/integrations/sns"
)

// registerReceivers adds the monitoring webhooks (README.md, "Monitoring
// webhooks") to mux. They
// share the inbound health metrics on reg.
func registerReceivers(mux *http.ServeMux, cfg config.Config, svc *bot.Service, reg prometheus.Registerer, log *slog.Logger) error {
	token := cfg.WebhookToken.Reveal()
	rc := cfg.Receivers
	am, err := amreceiver.New(amreceiver.Config{Token: token}, svc, reg, log)
	if err != nil {
		return fmt.Errorf("build alertmanager receiver: %w", err)
	}
	gf, err := grafana.New(grafana.Config{Token: token, Secret: rc.GrafanaSecret.Reveal()}, svc, reg, log)
	if err != nil {
		return fmt.Errorf("build grafana receiver: %w", err)
	}
	ng, err := nagios.New(nagios.Config{Token: token}, svc, reg, log)
	if err != nil {
		return fmt.Errorf("build nagios receiver: %w", err)
	}
	az, err := azure.New(azure.Config{Token: token, Entra: azure.Entra{
		Tenant: cfg.Receivers.AzureTenant, Audience: cfg.Receivers.AzureAudience, AppIDs: cfg.Receivers.AzureAppIDs}}, svc, reg, log)
	if err != nil {
		return fmt.Errorf("build azure receiver: %w", err)
	}
	sn, err := sns.New(sns.Config{TopicARNs: rc.SNSTopicARNs}, svc, reg, log)
	if err != nil {
		return fmt.Errorf("build sns receiver: %w", err)
	}
	ge, err := generic.New(generic.Config{Token: token, Mapping: rc.Generic}, svc, reg, log)
	if err != nil {
		return fmt.Errorf("build generic receiver: %w", err)
	}
	for _, r := range []interface{ Register(*http.ServeMux) }{am, gf, ng, az, sn, ge} {
		r.Register(mux)
	}
	if token == "" {
		log.Warn("monitoring webhooks refuse every delivery until WARROOM_WEBHOOK_TOKEN is set")
	}
	return nil
}
