package generic_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/generic"
	"github.com/warroom/warroom/integrations/internal/webhooktest"
)

var mapping = generic.Mapping{
	DedupKey: "$.check.id", Title: "$.check.name", Severity: "$.event.level", Service: "$.tags.0",
	Status: "$.event.state", ResolvedValues: []string{"up"}, StartsAt: "$.event.at",
	Description: "$.event.message", URL: "$.check.url", Labels: map[string]string{"env": "$.tags.1"},
}

func fixture(t testing.TB) []byte {
	t.Helper()
	return webhooktest.Fixture(t, "uptime-down.json")
}

func TestDecode(t *testing.T) {
	d, err := generic.NewDecoder(mapping)
	if err != nil {
		t.Fatal(err)
	}
	got, err := d.Decode(fixture(t))
	if err != nil {
		t.Fatal(err)
	}
	want := []bot.Alert{{
		Source: "generic", Fingerprint: "4711", Status: bot.AlertFiring, Title: "checkout API",
		Labels:      map[string]string{"alertname": "checkout API", "severity": "critical", "service": "checkout", "env": "prod"},
		Annotations: map[string]string{"description": "HTTP 503 from /api/health"},
		StartsAt:    time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC),
		URL:         "https://shop.example.com/api/health",
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("(-want +got)\n%s", diff)
	}
	up, err := d.Decode([]byte(strings.Replace(string(fixture(t)), `"down"`, `"UP"`, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if up[0].Status != bot.AlertResolved || up[0].Fingerprint != "4711" || !up[0].StartsAt.Equal(got[0].StartsAt) {
		t.Fatalf("resolved %+v", up[0])
	}
}

func TestArrayOfAlertsAndDefaults(t *testing.T) {
	d, err := generic.NewDecoder(generic.Mapping{Alerts: "$.items", DedupKey: "id", Title: "t", Status: "s", StartsAt: "at"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := d.Decode([]byte(`{"items":[{"id":"a","t":"A","s":"firing","at":1795346399},{"id":"b","t":"B","s":"Resolved"},{"id":"c","t":"C","s":"ok"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].Status != bot.AlertFiring || got[1].Status != bot.AlertResolved || got[2].Status != bot.AlertResolved {
		t.Fatalf("%+v", got)
	}
	if !got[0].StartsAt.Equal(time.Unix(1795346399, 0)) {
		t.Fatalf("unix starts_at %v", got[0].StartsAt)
	}
	for body, errHas := range map[string]string{
		`{"items":{}}`:                               "not an array",
		`{"items":[{"t":"A"}]}`:                      "alert 0: no dedup key at id",
		`{"items":[{"id":"a"}]}`:                     "no title at t",
		`{"items":[{"id":"a","t":"A","at":"soon"}]}`: "neither RFC 3339",
		`{"items":[]} x`:                             "invalid JSON",
	} {
		if _, err := d.Decode([]byte(body)); err == nil || !strings.Contains(err.Error(), errHas) {
			t.Errorf("Decode(%s) = %v, want an error mentioning %q", body, err, errHas)
		}
	}
}

func TestValidate(t *testing.T) {
	for _, tt := range []struct {
		m      generic.Mapping
		errHas string
	}{
		{generic.Mapping{Title: "$.t"}, "dedup_key is required"},
		{generic.Mapping{DedupKey: "$.id"}, "title is required"},
		{generic.Mapping{DedupKey: "$..id", Title: "t"}, "empty segment"},
		{generic.Mapping{DedupKey: "id", Title: "t", Labels: map[string]string{"": "x"}}, "needs a name"},
	} {
		if err := tt.m.Validate(); err == nil || !strings.Contains(err.Error(), tt.errHas) {
			t.Errorf("Validate(%+v) = %v, want %q", tt.m, err, tt.errHas)
		}
	}
}

func TestHTTPUnconfiguredAndConfigured(t *testing.T) {
	for _, tc := range []struct {
		m      generic.Mapping
		status int
		has    string
	}{
		{generic.Mapping{}, 501, "generic:"},
		{mapping, 200, `"accepted":1`},
	} {
		rcv, err := generic.New(generic.Config{Token: "tok", Mapping: tc.m}, &webhooktest.Sink{}, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		mux := http.NewServeMux()
		rcv.Register(mux)
		req := httptest.NewRequest("POST", "/webhooks/generic", strings.NewReader(string(fixture(t))))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer tok")
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		if rec.Code != tc.status || !strings.Contains(rec.Body.String(), tc.has) {
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
	}
	if _, err := generic.New(generic.Config{Mapping: generic.Mapping{Title: "x"}}, &webhooktest.Sink{}, nil, nil); err == nil {
		t.Fatal("an invalid mapping must fail at start-up")
	}
}

func FuzzDecode(f *testing.F) {
	d, err := generic.NewDecoder(mapping)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(fixture(f))
	f.Add([]byte(`{"check":{"id":1,"name":"x"},"event":{"at":"1"}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		alerts, err := d.Decode(body)
		if err != nil {
			return
		}
		for _, a := range alerts {
			if a.Fingerprint == "" || a.Title == "" {
				t.Fatalf("decoded an unusable alert: %+v", a)
			}
		}
	})
}
