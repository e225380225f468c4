package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/config"
	"github.com/warroom/warroom/integrations/alertmanager"
	"github.com/warroom/warroom/integrations/azure"
	"github.com/warroom/warroom/integrations/generic"
	"github.com/warroom/warroom/integrations/grafana"
	"github.com/warroom/warroom/integrations/nagios"
	"github.com/warroom/warroom/integrations/sns"
)

// decodeFunc reads one sender's payload into alerts.
type decodeFunc func([]byte) ([]bot.Alert, error)

// sourceNames are the payloads `warroom route --dry-run` reads: every
// webhook receiver's.
func sourceNames() []string {
	return []string{"alertmanager", "grafana", "nagios", "azure", "sns", "generic"}
}

// decoderFor returns the decoder of a named source; generic needs the
// configured field mapping.
func decoderFor(source string, cfg config.Config) (decodeFunc, error) {
	switch source {
	case "alertmanager":
		return alertmanager.Decode, nil
	case "grafana":
		return grafana.Decode, nil
	case "nagios":
		return decodeNagios, nil
	case "azure":
		return azure.Decode, nil
	case "sns":
		return decodeSNS, nil
	case "generic":
		d, err := generic.NewDecoder(cfg.Receivers.Generic)
		if err != nil {
			return nil, fmt.Errorf("--source generic needs the generic mapping of the configuration: %w", err)
		}
		return d.Decode, nil
	}
	return nil, fmt.Errorf("--source %q is not one of %s", source, strings.Join(sourceNames(), ", "))
}

// decodeNagios reads the JSON that deploy/nagios/warroom-notify posts, or
// the form a hand-written Nagios command posts.
func decodeNagios(body []byte) ([]bot.Alert, error) {
	if t := bytes.TrimSpace(body); len(t) > 0 && t[0] == '{' {
		return nagios.Decode(body)
	}
	n, err := nagios.ParseForm(body)
	if err != nil {
		return nil, err
	}
	return n.Alerts()
}

// decodeSNS reads an SNS delivery, or the CloudWatch alarm message alone
// (as the CloudWatch console shows it).
func decodeSNS(body []byte) ([]bot.Alert, error) {
	var probe struct{ AlarmName string }
	if json.Unmarshal(body, &probe) == nil && probe.AlarmName != "" {
		return sns.DecodeAlarm(body)
	}
	return sns.Decode(body)
}

// detectSource names the sender of a payload from its shape, or says it
// cannot tell; a configured generic mapping takes what no other claims.
func detectSource(body []byte, cfg config.Config) (string, error) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(body, &doc); err != nil {
		if bytes.Contains(body, []byte("notificationtype=")) {
			return "nagios", nil
		}
		return "", errors.New("the payload is not a JSON object nor a Nagios form: name its sender with --source")
	}
	has := func(keys ...string) bool {
		for _, k := range keys {
			if _, ok := doc[k]; !ok {
				return false
			}
		}
		return true
	}
	var schema string
	_ = json.Unmarshal(doc["schemaId"], &schema)
	switch {
	case has("alerts", "orgId") || has("alerts", "state", "title"):
		return "grafana", nil
	case has("alerts", "groupKey"):
		return "alertmanager", nil
	case schema != "" || has("data") && bytes.Contains(doc["data"], []byte(`"essentials"`)):
		return "azure", nil
	case has("Type", "TopicArn") || has("AlarmName", "NewStateValue"):
		return "sns", nil
	case has("notificationtype"):
		return "nagios", nil
	case !cfg.Receivers.Generic.IsZero():
		return "generic", nil
	}
	return "", fmt.Errorf("cannot tell the sender of this payload: name it with --source (%s)", strings.Join(sourceNames(), ", "))
}

// validSource reports whether name is a source.
func validSource(name string) bool { return slices.Contains(sourceNames(), name) }
