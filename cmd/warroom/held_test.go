package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/warroom/warroom/bot"
)

type heldList []bot.IntegrationHold

func (h heldList) HeldIntegrations(context.Context) ([]bot.IntegrationHold, error) { return h, nil }

// TestHeldGauge: one series per configured integration, 1 while held.
func TestHeldGauge(t *testing.T) {
	c := &heldCollector{
		store: heldList{{Integration: "slack", Reason: "invalid_auth", Since: time.Now()}},
		names: []string{"slack", "jira"}, log: discard(),
	}
	want := `# HELP warroom_integration_held 1 while the integration is held after its credentials were refused (every replica shares the hold); 0 otherwise.
# TYPE warroom_integration_held gauge
warroom_integration_held{integration="jira"} 0
warroom_integration_held{integration="slack"} 1
`
	if err := testutil.CollectAndCompare(c, strings.NewReader(want)); err != nil {
		t.Error(err)
	}
}
