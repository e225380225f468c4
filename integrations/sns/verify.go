package sns

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // SNS SignatureVersion 1 is SHA1withRSA
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"
)

// snsHost is the only host shape certificates and subscription URLs may
// come from: sns.<region>.amazonaws.com, or .amazonaws.com.cn in China.
var snsHost = regexp.MustCompile(`^sns\.([a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com(?:\.cn)?$`)

// CheckAWSURL is the strict check of a SigningCertURL or SubscribeURL: an
// https URL without user info or port on sns.<region>.amazonaws.com(.cn),
// region being the topic's; wantPEM also requires a path ending in .pem.
func CheckAWSURL(raw, region string, wantPEM bool) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%q is not a URL", raw)
	}
	if u.Scheme != "https" {
		return fmt.Errorf("%q is not https", raw)
	}
	if u.User != nil || u.Port() != "" {
		return fmt.Errorf("%q carries user info or a port", raw)
	}
	m := snsHost.FindStringSubmatch(u.Host)
	if m == nil {
		return fmt.Errorf("host %q is not sns.<region>.amazonaws.com", u.Host)
	}
	if m[1] != region {
		return fmt.Errorf("host %q is not in the topic's region %s", u.Host, region)
	}
	if wantPEM && !strings.HasSuffix(u.Path, ".pem") {
		return fmt.Errorf("%q does not name a .pem certificate", raw)
	}
	return nil
}

// maxCerts bounds the certificate cache; maxCertSize a certificate file.
const (
	maxCerts    = 64
	maxCertSize = 64 << 10
)

// verifier checks SNS signatures with certificates it fetches and caches.
type verifier struct {
	client   *http.Client
	checkURL func(raw, region string, wantPEM bool) error
	now      func() time.Time

	mu    sync.Mutex
	certs map[string]*x509.Certificate
}

// errFetch marks a certificate that could not be fetched (the sender
// should retry) as opposed to a signature that is wrong.
var errFetch = errors.New("fetch signing certificate")

// verify checks m's signature. Its error says what is wrong.
func (v *verifier) verify(ctx context.Context, m *Message, region string) error {
	var h crypto.Hash
	switch m.SignatureVersion {
	case "1":
		h = crypto.SHA1
	case "2":
		h = crypto.SHA256
	default:
		return fmt.Errorf("SignatureVersion %q is not 1 or 2", m.SignatureVersion)
	}
	if err := v.checkURL(m.SigningCertURL, region, true); err != nil {
		return fmt.Errorf("SigningCertURL refused: %w", err)
	}
	sig, err := base64.StdEncoding.DecodeString(m.Signature)
	if err != nil {
		return errors.New("the Signature is not base64")
	}
	cert, err := v.cert(ctx, m.SigningCertURL)
	if err != nil {
		return err
	}
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return errors.New("the signing certificate has no RSA key")
	}
	text := []byte(m.StringToSign())
	var digest []byte
	if h == crypto.SHA1 {
		d := sha1.Sum(text) //nolint:gosec // mandated by SignatureVersion 1
		digest = d[:]
	} else {
		d := sha256.Sum256(text)
		digest = d[:]
	}
	if err := rsa.VerifyPKCS1v15(pub, h, digest, sig); err != nil {
		return errors.New("the signature does not match the message")
	}
	return nil
}

// cert returns the certificate at raw, from the cache or fetched.
func (v *verifier) cert(ctx context.Context, raw string) (*x509.Certificate, error) {
	now := v.now()
	v.mu.Lock()
	c, ok := v.certs[raw]
	v.mu.Unlock()
	if ok && now.Before(c.NotAfter) {
		return c, nil
	}
	c, err := v.fetch(ctx, raw)
	if err != nil {
		return nil, err
	}
	if now.Before(c.NotBefore) || now.After(c.NotAfter) {
		return nil, errors.New("the signing certificate is not valid now")
	}
	v.mu.Lock()
	if len(v.certs) >= maxCerts {
		clear(v.certs)
	}
	v.certs[raw] = c
	v.mu.Unlock()
	return c, nil
}

func (v *verifier) fetch(ctx context.Context, raw string) (*x509.Certificate, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errFetch, err)
	}
	resp, err := v.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errFetch, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%w: %s answered %d", errFetch, raw, resp.StatusCode)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxCertSize))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errFetch, err)
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, errors.New("the signing certificate is not a PEM certificate")
	}
	c, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("parse the signing certificate: %w", err)
	}
	return c, nil
}
