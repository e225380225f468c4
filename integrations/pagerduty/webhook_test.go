package pagerduty_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/pagerduty"
)

func sign(body []byte, key string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write(body)
	return "v1=" + hex.EncodeToString(m.Sum(nil))
}

// pdEvent renders a v3 webhook body in PagerDuty's documented shape.
func pdEvent(eventType, pdID, incidentKey, extra string) []byte {
	data := fmt.Sprintf(`{"id":%q,"type":"incident","self":"https://api.pagerduty.com/incidents/%[1]s",
		"html_url":"https://acme.pagerduty.com/incidents/%[1]s","number":7,"status":"triggered",
		"incident_key":%q,"created_at":"2026-11-02T09:00:00Z","title":"Disk full on db-1",
		"service":{"id":"PSVC9","type":"service_reference","summary":"database"},
		"assignees":[{"id":"PUSER01","type":"user_reference","summary":"Alice Smith"}],
		"priority":{"id":"PPRIO1","type":"priority_reference","summary":"P1"},"urgency":"high"%s}`, pdID, incidentKey, extra)
	if eventType == "incident.annotated" {
		data = fmt.Sprintf(`{"incident":{"id":%q,"type":"incident_reference","html_url":"https://acme.pagerduty.com/incidents/%[1]s"},
			"id":"PNOTE1","content":"Failing over to replica","type":"incident_note"}`, pdID)
	}
	return []byte(fmt.Sprintf(`{"event":{"id":"01EVT%s","event_type":%q,"resource_type":"incident",
		"occurred_at":"2026-11-02T09:01:00.000Z","agent":{"id":"PUSER02","type":"user_reference","summary":"Bob Jones"},
		"client":null,"data":%s}}`, eventType, eventType, data))
}

// deliver posts body to the webhook handler as PagerDuty would.
func (e *env) deliver(body []byte, webhookID string) *httptest.ResponseRecorder {
	e.t.Helper()
	r := httptest.NewRequest(http.MethodPost, pagerduty.WebhookPath, bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-PagerDuty-Signature", sign(body, secret))
	r.Header.Set("X-Webhook-Id", webhookID)
	w := httptest.NewRecorder()
	mux := http.NewServeMux()
	e.pd.Register(mux)
	mux.ServeHTTP(w, r)
	return w
}

func TestWebhookSignatureMatrix(t *testing.T) {
	e := newEnv(t)
	body := pdEvent("incident.custom_field_values.updated", "PABC1", "", "")
	big := append(bytes.Repeat([]byte(" "), 1<<20), body...)
	other := sign(body, "another-secret")
	dupKeys := bytes.Replace(body, []byte(`"event_type":`), []byte(`"event_type":"incident.resolved","event_type":`), 1)
	noID := bytes.Replace(body, []byte(`"id":"01EVT`), []byte(`"ref":"01EVT`), 1)
	for _, tc := range []struct {
		name    string
		body    []byte
		header  string
		want    int
		chunked bool
	}{
		{"valid", body, sign(body, secret), 200, false},
		{"one of several", body, other + "," + sign(body, secret), 200, false},
		{"several with spaces", body, other + " ,  " + sign(body, secret) + " ", 200, false},
		{"unknown versions ignored", body, "v0=abcd," + sign(body, secret), 200, false},
		{"wrong secret", body, other, 401, false},
		{"missing header", body, "", 401, false},
		{"not hex", body, "v1=zz", 401, false},
		{"truncated signature", body, sign(body, secret)[:40], 401, false},
		{"no v1 prefix", body, strings.TrimPrefix(sign(body, secret), "v1="), 401, false},
		{"body changed", append([]byte(" "), body...), sign(body, secret), 401, false},
		{"over 1 MiB, even correctly signed", big, sign(big, secret), 413, false},
		{"over 1 MiB, unsigned", big, "", 413, false},
		{"over 1 MiB without a length", big, sign(big, secret), 413, true},
		{"signed but not a webhook", []byte(`{"hello":1}`), sign([]byte(`{"hello":1}`), secret), 400, false},
		{"upper-case hex", body, "v1=" + strings.ToUpper(strings.TrimPrefix(sign(body, secret), "v1=")), 401, false},
		{"duplicate keys", dupKeys, sign(dupKeys, secret), 400, false},
		{"no event id", noID, sign(noID, secret), 400, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, pagerduty.WebhookPath, bytes.NewReader(tc.body))
			if tc.chunked {
				r.ContentLength = -1 // no declared length: the cap applies while reading
			}
			if tc.header != "" {
				r.Header.Set("X-PagerDuty-Signature", tc.header)
			}
			r.Header.Set("X-Webhook-Id", "W-"+tc.name)
			w := httptest.NewRecorder()
			e.pd.ServeWebhook(w, r)
			if w.Code != tc.want {
				t.Errorf("status %d, want %d (%s)", w.Code, tc.want, w.Body)
			}
		})
	}
}

func TestVerifySignatureRotatedSecrets(t *testing.T) {
	body := []byte(`{"event":{}}`)
	if !pagerduty.VerifySignature(sign(body, "new"), body, []string{"old", "new"}) {
		t.Error("a signature by the second secret was refused")
	}
	if pagerduty.VerifySignature(sign(body, "new"), body, nil) {
		t.Error("no secret accepted a signature")
	}
}

func TestWebhookTriggeredDeclaresOncePerDelivery(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	body := pdEvent("incident.triggered", "PXYZ123", "srv-generated-key", "")
	for range 3 {
		if w := e.deliver(body, "W-1"); w.Code != 200 {
			t.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
	list, err := e.svc.List(ctx, bot.IncidentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 {
		t.Fatalf("%d incidents, want 1", len(list))
	}
	inc := list[0]
	if inc.Severity != bot.SEV1 || inc.Source != "pagerduty" || inc.Service != "database" || inc.Title != "Disk full on db-1" ||
		inc.Links[bot.LinkPagerDuty].ID != "PXYZ123" {
		t.Errorf("declared %+v", inc)
	}
	if n := len(e.entries(inc.Number, bot.EntryDeclared)); n != 1 {
		t.Errorf("%d declared entries, want 1", n)
	}
	// A second delivery id of the same PagerDuty incident finds it linked.
	if w := e.deliver(body, "W-2"); w.Code != 200 {
		t.Fatalf("status %d", w.Code)
	}
	if list, _ := e.svc.List(ctx, bot.IncidentFilter{}); len(list) != 1 {
		t.Errorf("%d incidents after a second delivery, want 1", len(list))
	}
	// No echo: an incident that came from PagerDuty is not paged back.
	e.drain()
	if got := e.fake.eventActions(); len(got) != 0 {
		t.Errorf("events sent back to PagerDuty: %v", got)
	}
}

func TestWebhookMirrorsWithoutEcho(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	if w := e.deliver(pdEvent("incident.triggered", "PXYZ123", "k", ""), "W-1"); w.Code != 200 {
		t.Fatal(w.Code)
	}
	for i, ev := range []string{"incident.reassigned", "incident.annotated", "incident.acknowledged", "incident.resolved", "incident.priority_updated"} {
		for range 2 { // each delivered twice
			if w := e.deliver(pdEvent(ev, "PXYZ123", "k", ""), fmt.Sprintf("W-%d", i+2)); w.Code != 200 {
				t.Fatalf("%s: status %d: %s", ev, w.Code, w.Body)
			}
		}
	}
	inc, err := e.svc.Get(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if inc.Status != bot.StatusResolved || inc.AcknowledgedAt == nil {
		t.Errorf("incident is %s (acked %v), want resolved after an ack", inc.Status, inc.AcknowledgedAt)
	}
	var notes []string
	for _, en := range e.entries(1, bot.EntryNote) {
		notes = append(notes, en.Text)
	}
	want := []string{"PagerDuty reassigned the incident to Alice Smith", "PagerDuty note: Failing over to replica"}
	if diff := cmp.Diff(want, notes); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
	if n := len(e.entries(1, bot.EntryAcknowledged)); n != 1 {
		t.Errorf("%d acknowledged entries, want 1", n)
	}
	if ack := e.entries(1, bot.EntryAcknowledged); len(ack) == 1 && !strings.Contains(ack[0].Actor, "Bob Jones") {
		t.Errorf("ack actor %q", ack[0].Actor)
	}
	e.drain()
	if got := e.fake.eventActions(); len(got) != 0 {
		t.Errorf("echoed back to PagerDuty: %v", got)
	}
}

// warroom pages PagerDuty; PagerDuty's incident.triggered for that page
// links the PagerDuty incident instead of declaring a second one, and a
// later warroom ack goes to PagerDuty through REST on the linked incident.
func TestWebhookLinksOwnPage(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	inc := e.declare(bot.SEV1, "Checkout down")
	e.drain()
	if w := e.deliver(pdEvent("incident.triggered", "PLINK01", inc.Key(), ""), "W-1"); w.Code != 200 {
		t.Fatal(w.Code)
	}
	got, _ := e.svc.Get(ctx, inc.Number)
	if got.Links[bot.LinkPagerDuty].ID != "PLINK01" {
		t.Errorf("links %v", got.Links)
	}
	if list, _ := e.svc.List(ctx, bot.IncidentFilter{}); len(list) != 1 {
		t.Errorf("%d incidents, want 1", len(list))
	}
	if _, err := e.svc.Ack(ctx, bot.Cause{}, inc.Number, "carol"); err != nil {
		t.Fatal(err)
	}
	e.drain()
	if len(e.fake.updates) != 1 || !strings.Contains(fmt.Sprint(e.fake.updates[0]), "acknowledged") {
		t.Errorf("REST updates %v, want one acknowledgement", e.fake.updates)
	}
	// PagerDuty's own acknowledged event for it changes nothing more.
	if w := e.deliver(pdEvent("incident.acknowledged", "PLINK01", inc.Key(), ""), "W-2"); w.Code != 200 {
		t.Fatal(w.Code)
	}
	if n := len(e.entries(inc.Number, bot.EntryAcknowledged)); n != 1 {
		t.Errorf("%d acknowledged entries, want 1", n)
	}
}

func TestWebhookLinkMode(t *testing.T) {
	e := newEnv(t, func(c *pagerduty.Config) { c.Triggered = pagerduty.TriggeredLink })
	if w := e.deliver(pdEvent("incident.triggered", "PXYZ123", "k", ""), "W-1"); w.Code != 200 {
		t.Fatal(w.Code)
	}
	if list, _ := e.svc.List(context.Background(), bot.IncidentFilter{}); len(list) != 0 {
		t.Errorf("link mode declared %d incidents", len(list))
	}
}

func TestWebhookNotRegisteredWithoutSecret(t *testing.T) {
	e := newEnv(t, func(c *pagerduty.Config) { c.WebhookSecret = "" })
	mux := http.NewServeMux()
	e.pd.Register(mux)
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, httptest.NewRequest(http.MethodPost, pagerduty.WebhookPath, strings.NewReader("{}")))
	if w.Code != http.StatusNotFound {
		t.Errorf("status %d, want 404", w.Code)
	}
}

// One signed body sent with many fresh X-Webhook-Id values is one event:
// the delivery is the signed event.id, not the unsigned header.
func TestWebhookDeduplicatedBySignedEventID(t *testing.T) {
	e := newEnv(t)
	if w := e.deliver(pdEvent("incident.triggered", "PXYZ123", "k", ""), "W-1"); w.Code != 200 {
		t.Fatal(w.Code)
	}
	body := pdEvent("incident.annotated", "PXYZ123", "k", "")
	for i := range 50 {
		if w := e.deliver(body, fmt.Sprintf("W-fresh-%d", i)); w.Code != 200 {
			t.Fatalf("delivery %d: status %d: %s", i, w.Code, w.Body)
		}
	}
	if n := len(e.entries(1, bot.EntryNote)); n != 1 {
		t.Fatalf("%d notes from one signed event, want 1", n)
	}
}
