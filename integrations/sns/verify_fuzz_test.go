package sns

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net/url"
	"strings"
	"testing"
	"time"
)

// FuzzCheckAWSURL: whatever it accepts is https on sns.<region>.amazonaws.com
// of the given region, with no user info or port.
func FuzzCheckAWSURL(f *testing.F) {
	f.Add("https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-abc.pem", "eu-west-1", true)
	f.Add("https://sns.eu-west-1.amazonaws.com.evil.example/x.pem", "eu-west-1", true)
	f.Add("https://user@sns.us-east-1.amazonaws.com:443/x.pem", "us-east-1", false)
	f.Add("https://sns.cn-north-1.amazonaws.com.cn/?Action=ConfirmSubscription", "cn-north-1", false)
	f.Fuzz(func(t *testing.T, raw, region string, pem bool) {
		if CheckAWSURL(raw, region, pem) != nil {
			return
		}
		u, err := url.Parse(raw)
		if err != nil || u.Scheme != "https" || u.User != nil || u.Port() != "" ||
			!strings.HasPrefix(u.Host, "sns."+region+".amazonaws.com") || (pem && !strings.HasSuffix(u.Path, ".pem")) {
			t.Fatalf("accepted %q for %q", raw, region)
		}
	})
}

// FuzzVerify: a signature check over any message answers, never panics,
// and accepts nothing but a real signature by the certificate.
func FuzzVerify(f *testing.F) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		f.Fatal(err)
	}
	const certURL = "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-x.pem"
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "sns.amazonaws.com"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		f.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		f.Fatal(err)
	}
	v := &verifier{checkURL: CheckAWSURL, now: func() time.Time { return now }, certs: map[string]*x509.Certificate{certURL: cert}}
	f.Add([]byte(`{"Type":"Notification","MessageId":"m","TopicArn":"arn:aws:sns:eu-west-1:1:t","Message":"{}","Timestamp":"2026-11-22T12:00:00Z","SignatureVersion":"2","Signature":"AAAA","SigningCertURL":"`+certURL+`"}`), "eu-west-1")
	f.Add([]byte(`{"Type":"SubscriptionConfirmation","SignatureVersion":"1","Signature":"!!","SigningCertURL":"http://evil.example/x.pem"}`), "eu-west-1")
	f.Fuzz(func(t *testing.T, body []byte, region string) {
		m, err := ParseMessage(body)
		if err != nil {
			return
		}
		if m.SigningCertURL != certURL {
			m.SigningCertURL = certURL // never fetch: only the cached certificate exists here
		}
		if err := v.verify(context.Background(), m, region); err == nil {
			t.Fatalf("a fuzzed message verified: %+v", m)
		}
	})
}
