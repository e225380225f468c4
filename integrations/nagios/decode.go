package nagios

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/warroom/warroom/bot"
)

// Source is the bot.Alert source of this receiver.
const Source = "nagios"

// maxFields bounds the keys of one notification.
const maxFields = 500

// Notification is one notification's macros, by lower-cased name.
type Notification map[string]string

// ParseJSON reads a notification from a JSON object of strings (numbers
// and booleans are taken as their text).
func ParseJSON(body []byte) (Notification, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var raw map[string]any
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("invalid Nagios JSON: %w", err)
	}
	if dec.More() {
		return nil, errors.New("invalid Nagios JSON: trailing data after the JSON object")
	}
	if raw == nil {
		return nil, errors.New("invalid Nagios JSON: the body must be an object of macro names")
	}
	if len(raw) > maxFields {
		return nil, fmt.Errorf("a notification has at most %d fields, not %d", maxFields, len(raw))
	}
	n := Notification{}
	for k, v := range raw {
		switch v := v.(type) {
		case string:
			n[strings.ToLower(k)] = v
		case json.Number:
			n[strings.ToLower(k)] = v.String()
		case bool:
			n[strings.ToLower(k)] = strconv.FormatBool(v)
		case nil:
		default:
			return nil, fmt.Errorf("field %q must be a string, not an object or array", k)
		}
	}
	return n, nil
}

// ParseForm reads a notification from a form-encoded body.
func ParseForm(body []byte) (Notification, error) {
	q, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, fmt.Errorf("invalid form body: %w", err)
	}
	if len(q) > maxFields {
		return nil, fmt.Errorf("a notification has at most %d fields, not %d", maxFields, len(q))
	}
	n := Notification{}
	for k, v := range q {
		if len(v) > 0 {
			n[strings.ToLower(k)] = v[0]
		}
	}
	return n, nil
}

// Decode reads a JSON notification and returns its alert: none for the
// notification types that change no alert (ACKNOWLEDGEMENT, FLAPPING*,
// DOWNTIME*, CUSTOM).
func Decode(body []byte) ([]bot.Alert, error) {
	n, err := ParseJSON(body)
	if err != nil {
		return nil, err
	}
	return n.Alerts()
}

// Alerts turns the notification into its alert, or none.
func (n Notification) Alerts() ([]bot.Alert, error) {
	for k, v := range n {
		if !utf8.ValidString(v) {
			return nil, fmt.Errorf("field %q is not valid UTF-8", k)
		}
	}
	kind := strings.ToUpper(strings.TrimSpace(n["notificationtype"]))
	var status bot.AlertStatus
	switch kind {
	case "PROBLEM":
		status = bot.AlertFiring
	case "RECOVERY":
		status = bot.AlertResolved
	case "ACKNOWLEDGEMENT", "FLAPPINGSTART", "FLAPPINGSTOP", "FLAPPINGDISABLED",
		"DOWNTIMESTART", "DOWNTIMEEND", "DOWNTIMECANCELLED", "CUSTOM":
		return nil, nil
	case "":
		return nil, errors.New("notificationtype is missing: send NAGIOS_NOTIFICATIONTYPE as \"notificationtype\"")
	default:
		return nil, fmt.Errorf("notificationtype %q is not a Nagios notification type", kind)
	}
	host := n["hostname"]
	if host == "" {
		return nil, errors.New("hostname is missing: send NAGIOS_HOSTNAME as \"hostname\"")
	}
	svc := n["servicedesc"]
	prefix := "host"
	if svc != "" {
		prefix = "service"
	}
	id := n[prefix+"problemid"]
	if status == bot.AlertResolved && (id == "" || id == "0") {
		id = n["last"+prefix+"problemid"] // Nagios may have cleared the id by the recovery
	}
	if id == "" || id == "0" {
		return nil, fmt.Errorf("%sproblemid is missing or 0: warroom identifies a problem by it (and a RECOVERY by the id of its PROBLEM)", prefix)
	}
	state := strings.ToUpper(n[prefix+"state"])
	sevState := state
	if status == bot.AlertResolved {
		sevState = strings.ToUpper(n["last"+prefix+"state"])
	}
	labels := map[string]string{
		"alertname": svc,
		"host":      host,
		"severity":  severityOf(sevState),
	}
	if svc == "" {
		labels["alertname"] = "host " + host
	} else {
		labels["nagios_service"] = svc
	}
	if addr := n["hostaddress"]; addr != "" {
		labels["hostaddress"] = addr
	}
	for k, v := range n {
		if name, ok := strings.CutPrefix(k, "label_"); ok && name != "" && v != "" {
			labels[name] = v
		}
	}
	ann := map[string]string{}
	for _, f := range [][2]string{
		{"output", prefix + "output"}, {"long_output", "long" + prefix + "output"},
		{"state", prefix + "state"}, {"notification_number", "notificationnumber"},
		{"author", "notificationauthor"}, {"comment", "notificationcomment"},
		{"datetime", "longdatetime"}, {"problem_id", ""},
	} {
		v := n[f[1]]
		if f[0] == "problem_id" {
			v = id
		}
		if v != "" {
			ann[f[0]] = v
		}
	}
	what := host
	if svc != "" {
		what = host + " " + svc
	}
	title := what + " is " + state
	if out := n[prefix+"output"]; out != "" {
		title += ": " + out
	}
	a := bot.Alert{
		Source:      Source,
		Fingerprint: fingerprint(host, svc, id),
		Status:      status,
		Title:       title,
		Labels:      labels,
		Annotations: ann,
		URL:         n["url"],
	}
	if status == bot.AlertResolved {
		end, err := unixTime(n["timet"])
		if err != nil {
			return nil, err
		}
		if !end.IsZero() {
			a.EndsAt = &end
		}
	} else if ts, err := unixTime(n["timet"]); err != nil {
		return nil, err
	} else if !ts.IsZero() {
		if d, err := strconv.ParseInt(n[prefix+"durationsec"], 10, 64); err == nil && d >= 0 {
			ts = ts.Add(-time.Duration(d) * time.Second)
		}
		a.Annotations["problem_started_at"] = ts.Format(time.RFC3339)
	}
	return []bot.Alert{a}, nil
}

// fingerprint is the identity of one Nagios problem.
func fingerprint(host, svc, id string) string {
	h := sha256.Sum256([]byte("nagios\x00" + host + "\x00" + svc + "\x00" + id))
	return hex.EncodeToString(h[:])[:24]
}

// unixTime reads $TIMET$; "" is the zero time.
func unixTime(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	sec, err := strconv.ParseInt(v, 10, 64)
	if err != nil || sec < 0 || sec > 1<<40 {
		return time.Time{}, fmt.Errorf("timet %q is not a Unix time in seconds", v)
	}
	return time.Unix(sec, 0).UTC(), nil
}

// severityOf maps a Nagios state to a severity label (the default route
// reads critical as SEV2: bot.SeverityFromLabel).
func severityOf(state string) string {
	switch state {
	case "CRITICAL", "DOWN", "UNREACHABLE":
		return "critical"
	case "WARNING":
		return "warning"
	}
	return "info"
}
