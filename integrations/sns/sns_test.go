package sns_test

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // SignatureVersion 1
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/internal/webhooktest"
	"github.com/warroom/warroom/integrations/sns"
)

const topic = "arn:aws:sns:eu-west-1:123456789012:warroom-alarms"

// fakeAWS is a TLS server standing in for sns.eu-west-1.amazonaws.com: it
// serves the signing certificate and the subscription confirmation.
type fakeAWS struct {
	srv       *httptest.Server
	key       *rsa.PrivateKey
	fetches   atomic.Int32
	confirmed atomic.Int32
	certFail  atomic.Bool
}

func newFakeAWS(t *testing.T) *fakeAWS {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "sns.eu-west-1.amazonaws.com"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	f := &fakeAWS{key: key}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /SimpleNotificationService-test.pem", func(w http.ResponseWriter, r *http.Request) {
		f.fetches.Add(1)
		if f.certFail.Load() {
			http.Error(w, "nope", http.StatusInternalServerError)
			return
		}
		_, _ = w.Write(certPEM)
	})
	mux.HandleFunc("GET /confirm", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("Token") == "tok-123" {
			f.confirmed.Add(1)
			_, _ = w.Write([]byte("<ConfirmSubscriptionResponse/>"))
			return
		}
		http.Error(w, "bad token", http.StatusBadRequest)
	})
	f.srv = httptest.NewTLSServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeAWS) certURL() string { return f.srv.URL + "/SimpleNotificationService-test.pem" }

// trust accepts only the fake server, with the .pem rule of the real check.
func (f *fakeAWS) trust(raw, _ string, wantPEM bool) error {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Host != strings.TrimPrefix(f.srv.URL, "https://") {
		return fmt.Errorf("untrusted %q", raw)
	}
	if wantPEM && !strings.HasSuffix(u.Path, ".pem") {
		return fmt.Errorf("not .pem: %q", raw)
	}
	return nil
}

// sign fills m's signature fields with key.
func sign(t *testing.T, m *sns.Message, key *rsa.PrivateKey, version string) {
	t.Helper()
	m.SignatureVersion = version
	text := []byte(m.StringToSign())
	var sig []byte
	var err error
	if version == "1" {
		d := sha1.Sum(text) //nolint:gosec // SignatureVersion 1
		sig, err = rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA1, d[:])
	} else {
		d := sha256.Sum256(text)
		sig, err = rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, d[:])
	}
	if err != nil {
		t.Fatal(err)
	}
	m.Signature = base64.StdEncoding.EncodeToString(sig)
}

func alarmJSON(t *testing.T, state string) string {
	t.Helper()
	return strings.Replace(string(webhooktest.Fixture(t, "cloudwatch-alarm.json")), `"NewStateValue": "ALARM"`, `"NewStateValue": "`+state+`"`, 1)
}

func notification(f *fakeAWS, msg string) *sns.Message {
	subj := `ALARM: "prod-api-high-5xx" in EU (Ireland)`
	return &sns.Message{
		Type: "Notification", MessageID: "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324", TopicArn: topic,
		Subject: &subj, Message: msg, Timestamp: "2026-11-22T11:00:13.000Z", SigningCertURL: f.certURL(),
		UnsubscribeURL: f.srv.URL + "/unsubscribe",
	}
}

func serve(t *testing.T, h http.Handler, m *sns.Message, ctype string) *httptest.ResponseRecorder {
	t.Helper()
	body, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("POST", "/webhooks/sns", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("x-amz-sns-message-type", m.Type)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestSignatureMatrix(t *testing.T) {
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		strict  bool // production URL check instead of trusting the fake
		topics  []string
		build   func(f *fakeAWS) *sns.Message
		status  int
		errHas  string
		alerts  int
		fetches int32
	}{
		{"v1 SHA1withRSA", false, []string{topic}, func(f *fakeAWS) *sns.Message {
			m := notification(f, alarmJSON(t, "ALARM"))
			sign(t, m, f.key, "1")
			return m
		}, 200, `"accepted":1`, 1, 1},
		{"v2 SHA256withRSA", false, []string{topic}, func(f *fakeAWS) *sns.Message {
			m := notification(f, alarmJSON(t, "OK"))
			sign(t, m, f.key, "2")
			return m
		}, 200, `"accepted":1`, 1, 1},
		{"no subject", false, []string{topic}, func(f *fakeAWS) *sns.Message {
			m := notification(f, alarmJSON(t, "ALARM"))
			m.Subject = nil
			sign(t, m, f.key, "2")
			return m
		}, 200, `"accepted":1`, 1, 1},
		{"wrong key", false, []string{topic}, func(f *fakeAWS) *sns.Message {
			m := notification(f, alarmJSON(t, "ALARM"))
			sign(t, m, other, "2")
			return m
		}, 401, "does not match", 0, 1},
		{"tampered message", false, []string{topic}, func(f *fakeAWS) *sns.Message {
			m := notification(f, alarmJSON(t, "OK"))
			sign(t, m, f.key, "2")
			m.Message = alarmJSON(t, "ALARM")
			return m
		}, 401, "does not match", 0, 1},
		{"tampered subject", false, []string{topic}, func(f *fakeAWS) *sns.Message {
			m := notification(f, alarmJSON(t, "ALARM"))
			sign(t, m, f.key, "1")
			s := "other"
			m.Subject = &s
			return m
		}, 401, "does not match", 0, 1},
		{"signature not base64", false, []string{topic}, func(f *fakeAWS) *sns.Message {
			m := notification(f, alarmJSON(t, "ALARM"))
			sign(t, m, f.key, "2")
			m.Signature = "%%%"
			return m
		}, 401, "base64", 0, 0},
		{"unknown signature version", false, []string{topic}, func(f *fakeAWS) *sns.Message {
			m := notification(f, alarmJSON(t, "ALARM"))
			sign(t, m, f.key, "2")
			m.SignatureVersion = "3"
			return m
		}, 401, "SignatureVersion", 0, 0},
		{"unknown topic", false, []string{topic}, func(f *fakeAWS) *sns.Message {
			m := notification(f, alarmJSON(t, "ALARM"))
			m.TopicArn = "arn:aws:sns:eu-west-1:999999999999:evil"
			sign(t, m, f.key, "2")
			return m
		}, 403, "not in SNS_TOPIC_ARNS", 0, 0},
		{"no topics configured", false, nil, func(f *fakeAWS) *sns.Message {
			m := notification(f, alarmJSON(t, "ALARM"))
			sign(t, m, f.key, "2")
			return m
		}, 403, "SNS_TOPIC_ARNS lists", 0, 0},
		{"strict: cert on another host", true, []string{topic}, func(f *fakeAWS) *sns.Message {
			m := notification(f, alarmJSON(t, "ALARM"))
			m.SigningCertURL = "https://sns.eu-west-1.amazonaws.com.evil.example/cert.pem"
			sign(t, m, f.key, "2")
			return m
		}, 401, "SigningCertURL refused", 0, 0},
		{"strict: the fake's own host is not AWS", true, []string{topic}, func(f *fakeAWS) *sns.Message {
			m := notification(f, alarmJSON(t, "ALARM"))
			sign(t, m, f.key, "2")
			return m
		}, 401, "SigningCertURL refused", 0, 0},
		{"strict: http scheme", true, []string{topic}, func(f *fakeAWS) *sns.Message {
			m := notification(f, alarmJSON(t, "ALARM"))
			m.SigningCertURL = "http://sns.eu-west-1.amazonaws.com/SimpleNotificationService-x.pem"
			sign(t, m, f.key, "2")
			return m
		}, 401, "not https", 0, 0},
		{"strict: other region than the topic", true, []string{topic}, func(f *fakeAWS) *sns.Message {
			m := notification(f, alarmJSON(t, "ALARM"))
			m.SigningCertURL = "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-x.pem"
			sign(t, m, f.key, "2")
			return m
		}, 401, "region", 0, 0},
		{"certificate unavailable", false, []string{topic}, func(f *fakeAWS) *sns.Message {
			f.certFail.Store(true)
			m := notification(f, alarmJSON(t, "ALARM"))
			sign(t, m, f.key, "2")
			return m
		}, 503, "retry later", 0, 1},
		{"insufficient data", false, []string{topic}, func(f *fakeAWS) *sns.Message {
			m := notification(f, alarmJSON(t, "INSUFFICIENT_DATA"))
			sign(t, m, f.key, "2")
			return m
		}, 200, "INSUFFICIENT_DATA", 0, 1},
		{"not a CloudWatch alarm", false, []string{topic}, func(f *fakeAWS) *sns.Message {
			m := notification(f, "hello")
			sign(t, m, f.key, "2")
			return m
		}, 400, "not a CloudWatch alarm", 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeAWS(t)
			cfg := sns.Config{TopicARNs: tt.topics, Client: f.srv.Client(), TrustURL: f.trust}
			if tt.strict {
				cfg.TrustURL = nil
			}
			s := &webhooktest.Sink{}
			rcv, err := sns.New(cfg, s, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			rec := serve(t, rcv, tt.build(f), "text/plain; charset=UTF-8")
			if rec.Code != tt.status || !strings.Contains(rec.Body.String(), tt.errHas) {
				t.Fatalf("status %d, want %d mentioning %q: %s", rec.Code, tt.status, tt.errHas, rec.Body)
			}
			if rec.Code == 503 && rec.Header().Get("Retry-After") == "" {
				t.Fatal("503 without Retry-After")
			}
			if len(s.Alerts()) != tt.alerts {
				t.Fatalf("%d alerts reached the domain", len(s.Alerts()))
			}
			if got := f.fetches.Load(); got != tt.fetches {
				t.Fatalf("certificate fetched %d times, want %d", got, tt.fetches)
			}
		})
	}
}

func TestCertificateCached(t *testing.T) {
	f := newFakeAWS(t)
	s := &webhooktest.Sink{}
	rcv, err := sns.New(sns.Config{TopicARNs: []string{topic}, Client: f.srv.Client(), TrustURL: f.trust}, s, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		m := notification(f, alarmJSON(t, "ALARM"))
		sign(t, m, f.key, "2")
		if rec := serve(t, rcv, m, "text/plain"); rec.Code != 200 {
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
	}
	if got := f.fetches.Load(); got != 1 {
		t.Fatalf("certificate fetched %d times", got)
	}
}

func TestSubscriptionConfirmation(t *testing.T) {
	for _, tt := range []struct {
		name      string
		topic     string
		subscribe func(f *fakeAWS) string
		strictSub bool
		status    int
		confirmed int32
	}{
		{"configured topic", topic, func(f *fakeAWS) string { return f.srv.URL + "/confirm?Action=ConfirmSubscription&Token=tok-123" }, false, 200, 1},
		{"unknown topic", "arn:aws:sns:eu-west-1:999999999999:other", func(f *fakeAWS) string { return f.srv.URL + "/confirm?Token=tok-123" }, false, 403, 0},
		{"SubscribeURL off AWS", topic, func(f *fakeAWS) string { return "https://evil.example/confirm?Token=tok-123" }, false, 400, 0},
		{"AWS refuses the confirmation", topic, func(f *fakeAWS) string { return f.srv.URL + "/confirm?Token=wrong" }, false, 503, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeAWS(t)
			rcv, err := sns.New(sns.Config{TopicARNs: []string{topic}, Client: f.srv.Client(), TrustURL: f.trust}, &webhooktest.Sink{}, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			m := &sns.Message{
				Type: "SubscriptionConfirmation", MessageID: "165545c9-2a5c-472c-8df2-7ff2be2b3b1b", Token: "tok-123",
				TopicArn: tt.topic, Message: "You have chosen to subscribe to the topic " + tt.topic + ".",
				SubscribeURL: tt.subscribe(f), Timestamp: "2026-11-22T11:00:00.000Z", SigningCertURL: f.certURL(),
			}
			sign(t, m, f.key, "1")
			rec := serve(t, rcv, m, "text/plain; charset=UTF-8")
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.status, rec.Body)
			}
			if got := f.confirmed.Load(); got != tt.confirmed {
				t.Fatalf("confirmed %d times", got)
			}
		})
	}
}

func TestCheckAWSURL(t *testing.T) {
	tests := []struct {
		url, region string
		ok          bool
	}{
		{"https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem", "us-east-1", true},
		{"https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-abc.pem", "cn-north-1", true},
		{"https://sns.us-gov-west-1.amazonaws.com/SimpleNotificationService-abc.pem", "us-gov-west-1", true},
		{"http://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem", "us-east-1", false},
		{"https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.txt", "us-east-1", false},
		{"https://sns.us-east-1.amazonaws.com.evil.com/x.pem", "us-east-1", false},
		{"https://evilsns.us-east-1.amazonaws.com/x.pem", "us-east-1", false},
		{"https://sns.evil.com/x.pem", "us-east-1", false},
		{"https://s3.us-east-1.amazonaws.com/x.pem", "us-east-1", false},
		{"https://sns.us-east-1.amazonaws.com:8443/x.pem", "us-east-1", false},
		{"https://user:pw@sns.us-east-1.amazonaws.com/x.pem", "us-east-1", false},
		{"https://sns.eu-west-1.amazonaws.com/x.pem", "us-east-1", false},
		{"https://SNS.us-east-1.amazonaws.com/x.pem", "us-east-1", false},
		{"//sns.us-east-1.amazonaws.com/x.pem", "us-east-1", false},
	}
	for _, tt := range tests {
		if err := sns.CheckAWSURL(tt.url, tt.region, true); (err == nil) != tt.ok {
			t.Errorf("CheckAWSURL(%q, %s) = %v, want ok=%v", tt.url, tt.region, err, tt.ok)
		}
	}
}

func TestDecodeAlarm(t *testing.T) {
	got, err := sns.DecodeAlarm([]byte(alarmJSON(t, "ALARM")))
	if err != nil {
		t.Fatal(err)
	}
	a := got[0]
	arn := "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:prod-api-high-5xx"
	if a.Fingerprint != arn || a.Status != bot.AlertFiring || a.Title != "prod-api-high-5xx" ||
		!a.StartsAt.Equal(time.Date(2026, 11, 22, 11, 0, 12, 345e6, time.UTC)) || a.EndsAt != nil {
		t.Fatalf("%+v", a)
	}
	for k, v := range map[string]string{"alertname": "prod-api-high-5xx", "aws_region": "eu-west-1", "aws_account": "123456789012",
		"namespace": "AWS/ApiGateway", "metric": "5XXError", "ApiName": "checkout-api", "Stage": "prod"} {
		if a.Labels[k] != v {
			t.Errorf("label %s = %q, want %q", k, a.Labels[k], v)
		}
	}
	if a.Annotations["condition"] != "AVERAGE 5XXError GreaterThanThreshold 5.0" || a.Annotations["description"] == "" {
		t.Errorf("annotations %v", a.Annotations)
	}
	if !strings.HasPrefix(a.URL, "https://console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/") {
		t.Errorf("URL %q", a.URL)
	}
	ok, err := sns.DecodeAlarm([]byte(alarmJSON(t, "OK")))
	if err != nil {
		t.Fatal(err)
	}
	if ok[0].Fingerprint != arn || ok[0].Status != bot.AlertResolved || ok[0].EndsAt == nil {
		t.Fatalf("%+v", ok[0])
	}
	for msg, errHas := range map[string]string{
		`{}`:  "no AlarmName",
		`[1]`: "invalid JSON",
		strings.Replace(alarmJSON(t, "X"), "", "", 1):                                     `NewStateValue "X"`,
		strings.Replace(alarmJSON(t, "ALARM"), "2026-11-22T11:00:12.345+0000", "noon", 1): "StateChangeTime",
	} {
		if _, err := sns.DecodeAlarm([]byte(msg)); err == nil || !strings.Contains(err.Error(), errHas) {
			t.Errorf("DecodeAlarm: %v, want %q", err, errHas)
		}
	}
}

func FuzzDecode(f *testing.F) {
	b, err := os.ReadFile(filepath.Join("testdata", "cloudwatch-alarm.json"))
	if err != nil {
		f.Fatal(err)
	}
	env, _ := json.Marshal(sns.Message{Type: "Notification", MessageID: "1", TopicArn: topic, Message: string(b),
		Timestamp: "t", SignatureVersion: "2", Signature: "x", SigningCertURL: "https://sns.eu-west-1.amazonaws.com/a.pem"})
	f.Add(env)
	f.Fuzz(func(t *testing.T, body []byte) {
		alerts, err := sns.Decode(body)
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
