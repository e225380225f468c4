package pagerduty_test

import (
	"strings"
	"testing"

	"github.com/warroom/warroom/integrations/pagerduty"
)

// FuzzVerifySignature: any header is answered without a panic; one that
// passes carries the lower-case hex HMAC of the body.
func FuzzVerifySignature(f *testing.F) {
	body := []byte(`{"event":{"id":"1","event_type":"incident.triggered"}}`)
	good := sign(body, "secret")
	f.Add(good, body)
	f.Add("v1=zz, "+good+" ,v0=", body)
	f.Add(strings.ToUpper(good), body)
	f.Add(",,,v1=", []byte{})
	f.Fuzz(func(t *testing.T, header string, body []byte) {
		if !pagerduty.VerifySignature(header, body, []string{"secret"}) {
			return
		}
		want := sign(body, "secret")
		found := false
		for _, part := range strings.Split(header, ",") {
			if strings.TrimSpace(part) == want {
				found = true
			}
		}
		if !found {
			t.Fatalf("accepted %q for %q", header, body)
		}
	})
}
