package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/warroom/warroom/integrations/generic"
)

// ReceiversConfig is the monitoring receivers' settings beyond the webhook
// token.
type ReceiversConfig struct {
	// GrafanaSecret (GRAFANA_WEBHOOK_SECRET) makes /webhooks/grafana
	// require Grafana's HMAC signature as well as the token.
	GrafanaSecret Secret
	// SNSTopicARNs (SNS_TOPIC_ARNS, comma-separated, or sns_topic_arns in
	// the file) are the SNS topics /webhooks/sns accepts and confirms.
	SNSTopicARNs []string
	// Generic is the field mapping of /webhooks/generic (generic: in the
	// file).
	Generic generic.Mapping
	// AzureTenant (AZURE_TENANT_ID) and AzureAudience
	// (AZURE_WEBHOOK_AUDIENCE) accept Azure's secure webhooks: Microsoft
	// Entra ID tokens of that tenant issued for that audience.
	AzureTenant, AzureAudience string
}

// applyReceiversFile takes the receivers' keys of the YAML file.
func (c *Config) applyReceiversFile(fc fileConfig) []error {
	var errs []error
	if fc.SNSTopicARNs != nil {
		c.Receivers.SNSTopicARNs = fc.SNSTopicARNs
	}
	if !fc.Generic.IsZero() || fc.Generic.Alerts != "" || len(fc.Generic.Labels) > 0 {
		if err := fc.Generic.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("generic: %w", err))
		}
		c.Receivers.Generic = fc.Generic
	}
	for i, arn := range c.Receivers.SNSTopicARNs {
		if !strings.HasPrefix(arn, "arn:") || strings.Count(arn, ":") != 5 {
			errs = append(errs, fmt.Errorf("sns_topic_arns[%d]: %q is not an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)", i, arn))
		}
	}
	return errs
}

// applyReceiversEnv lays the receivers' variables over c.
func applyReceiversEnv(c *Config, e *envReader) {
	e.secretInto("GRAFANA_WEBHOOK_SECRET", &c.Receivers.GrafanaSecret)
	if v, ok := e.value("AZURE_TENANT_ID"); ok {
		c.Receivers.AzureTenant = strings.TrimSpace(v)
	}
	if v, ok := e.value("AZURE_WEBHOOK_AUDIENCE"); ok {
		c.Receivers.AzureAudience = strings.TrimSpace(v)
	}
	if (c.Receivers.AzureTenant == "") != (c.Receivers.AzureAudience == "") {
		e.errs = append(e.errs, errors.New("AZURE_TENANT_ID and AZURE_WEBHOOK_AUDIENCE: set both for Azure secure webhooks, or neither"))
	}
	if v, ok := e.value("SNS_TOPIC_ARNS"); ok {
		c.Receivers.SNSTopicARNs = nil
		for _, arn := range strings.Split(v, ",") {
			if arn = strings.TrimSpace(arn); arn != "" {
				c.Receivers.SNSTopicARNs = append(c.Receivers.SNSTopicARNs, arn)
			}
		}
		c.sources["sns_topic_arns"] = "SNS_TOPIC_ARNS"
		for _, arn := range c.Receivers.SNSTopicARNs {
			if !strings.HasPrefix(arn, "arn:") || strings.Count(arn, ":") != 5 {
				e.errs = append(e.errs, errors.New("SNS_TOPIC_ARNS: "+arn+" is not an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)"))
			}
		}
	}
}
