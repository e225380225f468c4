package config

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/warroom/warroom/integrations/generic"
)

// Receivers is the monitoring receivers' settings beyond the webhook token.
type Receivers struct {
	// GrafanaSecret makes /webhooks/grafana require Grafana's HMAC
	// signature as well as the token.
	GrafanaSecret Secret `env:"GRAFANA_WEBHOOK_SECRET"`
	// SNSTopicARNs are the SNS topics /webhooks/sns accepts and confirms;
	// the variable is comma-separated and replaces the file's list.
	SNSTopicARNs []string `yaml:"sns_topic_arns" env:"SNS_TOPIC_ARNS"`
	// Generic is the field mapping of /webhooks/generic.
	Generic generic.Mapping `yaml:"generic"`
	// AzureTenant and AzureAudience accept Azure's secure webhooks:
	// Microsoft Entra ID tokens of that tenant issued for that audience.
	AzureTenant   string `env:"AZURE_TENANT_ID"`
	AzureAudience string `env:"AZURE_WEBHOOK_AUDIENCE"`
	// AzureAppIDs, comma-separated, are the only caller applications
	// (the token's appid or azp) accepted; empty accepts any.
	AzureAppIDs []string `env:"AZURE_WEBHOOK_APP_IDS"`
}

func (r *Receivers) fill() {
	if len(r.Generic.ResolvedValues) == 0 {
		r.Generic.ResolvedValues = slices.Clone(generic.DefaultResolvedValues)
	}
}

func (r *Receivers) check() []error {
	var errs []error
	if g := r.Generic; !g.IsZero() || g.Alerts != "" || len(g.Labels) > 0 {
		if err := g.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("generic: %w", err))
		}
	}
	for i, arn := range r.SNSTopicARNs {
		if !isTopicARN(arn) {
			errs = append(errs, fmt.Errorf("sns_topic_arns[%d]: %q is not an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)", i, arn))
		}
	}
	return errs
}

// checkEnv checks what the environment set: the topics of SNS_TOPIC_ARNS,
// and Azure's two variables, which go together.
func (r *Receivers) checkEnv(e *envReader, sources map[string]string) {
	if (r.AzureTenant == "") != (r.AzureAudience == "") {
		e.errs = append(e.errs, errors.New("AZURE_TENANT_ID and AZURE_WEBHOOK_AUDIENCE: set both for Azure secure webhooks, or neither"))
	}
	if _, ok := sources["sns_topic_arns"]; !ok {
		return
	}
	for _, arn := range r.SNSTopicARNs {
		if !isTopicARN(arn) {
			e.errs = append(e.errs, errors.New("SNS_TOPIC_ARNS: "+arn+" is not an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)"))
		}
	}
}

func isTopicARN(arn string) bool {
	return strings.HasPrefix(arn, "arn:") && strings.Count(arn, ":") == 5
}
