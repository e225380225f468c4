package nagios_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/internal/webhooktest"
	"github.com/warroom/warroom/integrations/nagios"
)

func decodeOne(t *testing.T, body []byte) bot.Alert {
	t.Helper()
	alerts, err := nagios.Decode(body)
	if err != nil {
		t.Fatal(err)
	}
	if len(alerts) != 1 {
		t.Fatalf("%d alerts", len(alerts))
	}
	return alerts[0]
}

func TestProblemAndRecoveryPair(t *testing.T) {
	problem := decodeOne(t, webhooktest.Fixture(t, "nagios4-problem-env.json"))
	recovery := decodeOne(t, webhooktest.Fixture(t, "nagios4-recovery-env.json"))
	want := bot.Alert{
		Source: "nagios", Fingerprint: problem.Fingerprint, Status: bot.AlertFiring,
		Title: "db-1 Disk / is CRITICAL: CRITICAL: DISK CRITICAL - / 97% used",
		Labels: map[string]string{
			"alertname": "Disk /", "host": "db-1", "nagios_service": "Disk /", "severity": "critical", "hostaddress": "127.0.0.1",
		},
		Annotations: map[string]string{
			"output": "CRITICAL: DISK CRITICAL - / 97% used", "state": "CRITICAL", "notification_number": "1",
			"datetime": "Sun Nov 22 11:19:59 UTC 2026", "problem_id": "1", "problem_started_at": "2026-11-22T11:19:59Z",
		},
	}
	if diff := cmp.Diff(want, problem); diff != "" {
		t.Fatalf("PROBLEM (-want +got)\n%s", diff)
	}
	if recovery.Fingerprint != problem.Fingerprint || !recovery.StartsAt.Equal(problem.StartsAt) {
		t.Fatalf("RECOVERY %q/%v does not pair with PROBLEM %q/%v", recovery.Fingerprint, recovery.StartsAt, problem.Fingerprint, problem.StartsAt)
	}
	if recovery.Status != bot.AlertResolved || recovery.EndsAt == nil || !recovery.EndsAt.Equal(time.Unix(1795346414, 0)) {
		t.Fatalf("RECOVERY %+v", recovery)
	}
	if recovery.Labels["severity"] != "critical" {
		t.Fatalf("a recovery keeps the severity of the state it recovers from: %v", recovery.Labels)
	}
}

func TestIdentity(t *testing.T) {
	base := map[string]string{"notificationtype": "PROBLEM", "hostname": "db-1", "servicedesc": "Disk /", "servicestate": "CRITICAL", "serviceproblemid": "7", "timet": "1795346399"}
	with := func(kv ...string) []byte {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			if kv[i+1] == "" {
				delete(m, kv[i])
			} else {
				m[kv[i]] = kv[i+1]
			}
		}
		var b strings.Builder
		b.WriteString("{")
		first := true
		for k, v := range m {
			if !first {
				b.WriteString(",")
			}
			first = false
			b.WriteString(`"` + k + `":"` + v + `"`)
		}
		b.WriteString("}")
		return []byte(b.String())
	}
	problem := decodeOne(t, with())
	renotified := decodeOne(t, with("timet", "1795349999", "notificationnumber", "2"))
	cleared := decodeOne(t, with("notificationtype", "RECOVERY", "servicestate", "OK", "serviceproblemid", "0", "lastserviceproblemid", "7"))
	next := decodeOne(t, with("serviceproblemid", "8"))
	other := decodeOne(t, with("hostname", "db-2"))
	if renotified.Fingerprint != problem.Fingerprint || renotified.StartsAt != problem.StartsAt {
		t.Fatal("a re-notification of one problem must be a duplicate")
	}
	if cleared.Fingerprint != problem.Fingerprint || cleared.Status != bot.AlertResolved {
		t.Fatal("a RECOVERY whose serviceproblemid was cleared must use lastserviceproblemid")
	}
	if next.Fingerprint == problem.Fingerprint || other.Fingerprint == problem.Fingerprint {
		t.Fatal("another problem or host must not share the fingerprint")
	}
	host := decodeOne(t, []byte(`{"notificationtype":"PROBLEM","hostname":"db-1","hoststate":"DOWN","hostoutput":"PING CRITICAL","hostproblemid":"12","timet":"1795346399"}`))
	if host.Labels["alertname"] != "host db-1" || host.Labels["severity"] != "critical" || host.Title != "db-1 is DOWN: PING CRITICAL" {
		t.Fatalf("host problem %+v", host)
	}
	hostUp := decodeOne(t, []byte(`{"notificationtype":"RECOVERY","hostname":"db-1","hoststate":"UP","hostproblemid":"0","lasthostproblemid":"12","timet":"1795346499"}`))
	if hostUp.Fingerprint != host.Fingerprint || hostUp.Status != bot.AlertResolved {
		t.Fatalf("host recovery %+v", hostUp)
	}
	labelled := decodeOne(t, with("label_service", "checkout", "label_env", "prod"))
	if labelled.Labels["service"] != "checkout" || labelled.Labels["env"] != "prod" {
		t.Fatalf("labels %v", labelled.Labels)
	}
}

func TestDecodeErrorsAndIgnored(t *testing.T) {
	for _, tt := range []struct{ body, errHas string }{
		{`{"notificationtype":"ACKNOWLEDGEMENT","hostname":"h","serviceproblemid":"1"}`, ""},
		{`{"notificationtype":"DOWNTIMESTART","hostname":"h"}`, ""},
		{`{"hostname":"h"}`, "notificationtype is missing"},
		{`{"notificationtype":"BANANA","hostname":"h"}`, "not a Nagios notification type"},
		{`{"notificationtype":"PROBLEM"}`, "hostname is missing"},
		{`{"notificationtype":"PROBLEM","hostname":"h","servicedesc":"s"}`, "serviceproblemid is missing"},
		{`{"notificationtype":"PROBLEM","hostname":"h","hostproblemid":"0"}`, "hostproblemid is missing"},
		{`{"notificationtype":"PROBLEM","hostname":"h","hostproblemid":"1","timet":"soon"}`, "timet"},
		{`{"notificationtype":"PROBLEM","hostname":{"a":1}}`, "must be a string"},
		{`[]`, "invalid Nagios JSON"},
		{`null`, "must be an object"},
	} {
		alerts, err := nagios.Decode([]byte(tt.body))
		if tt.errHas == "" {
			if err != nil || len(alerts) != 0 {
				t.Errorf("%s: %v %v, want ignored", tt.body, alerts, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.errHas) {
			t.Errorf("%s: err %v, want one mentioning %q", tt.body, err, tt.errHas)
		}
	}
}

func TestHTTPFormAndJSON(t *testing.T) {
	s := &webhooktest.Sink{}
	rcv, err := nagios.New(nagios.Config{Token: "tok"}, s, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	rcv.Register(mux)
	form := url.Values{"notificationtype": {"PROBLEM"}, "hostname": {"web-1"}, "servicedesc": {"HTTP"},
		"servicestate": {"CRITICAL"}, "serviceproblemid": {"3"}, "timet": {"1795346399"}}
	for _, tc := range []struct {
		ctype, body string
		status      int
		answerHas   string
	}{
		{"application/x-www-form-urlencoded", form.Encode(), 200, `"accepted":1`},
		{"application/json", string(webhooktest.Fixture(t, "nagios4-problem-env.json")), 200, `"accepted":1`},
		{"application/json", `{"notificationtype":"ACKNOWLEDGEMENT","hostname":"h"}`, 200, "change no alert"},
		{"application/json", `{"notificationtype":"PROBLEM","hostname":"h"}`, 400, "hostproblemid"},
		{"text/plain", "x", 415, "x-www-form-urlencoded"},
	} {
		req := httptest.NewRequest("POST", "/webhooks/nagios", strings.NewReader(tc.body))
		req.Header.Set("Content-Type", tc.ctype)
		req.SetBasicAuth("nagios", "tok")
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		if rec.Code != tc.status || !strings.Contains(rec.Body.String(), tc.answerHas) {
			t.Errorf("%s %q: %d %s", tc.ctype, tc.body, rec.Code, rec.Body)
		}
	}
	if len(s.Alerts()) != 2 || s.Alerts()[0].Labels["nagios_service"] != "HTTP" {
		t.Fatalf("alerts %+v", s.Alerts())
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(webhooktest.Fixture(f, "nagios4-problem-env.json"))
	f.Add(webhooktest.Fixture(f, "nagios4-recovery-env.json"))
	f.Add([]byte(`{"notificationtype":"RECOVERY","hostname":"h","hostproblemid":"0","lasthostproblemid":"3"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		alerts, err := nagios.Decode(body)
		if err != nil {
			return
		}
		for _, a := range alerts {
			if a.Fingerprint == "" || a.Title == "" || a.Labels["host"] == "" {
				t.Fatalf("decoded an unusable alert: %+v", a)
			}
		}
	})
}
