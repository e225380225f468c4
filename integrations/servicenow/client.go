package servicenow

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/warroom/warroom/integrations/internal/ticket"
)

// client is a small client of the Table API.
type client struct {
	base   string
	http   *http.Client
	cfg    *Config
	onCall func(method string, status int)

	mu      sync.Mutex
	token   string
	expires time.Time
}

// record is a Table API record: field → value, values as strings.
type record map[string]string

// do sends one request and decodes {"result": ...} into out. With OAuth, a
// 401 drops the cached token and tries once more with a fresh one.
func (c *client) do(ctx context.Context, method, path string, q url.Values, body any, out any) error {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return fmt.Errorf("encode request: %w", err)
		}
	}
	for attempt := 0; ; attempt++ {
		err := c.once(ctx, method, path, q, payload, out)
		var ae *ticket.APIError
		if attempt == 0 && c.cfg.Auth != AuthBasic && errors.As(err, &ae) && ae.Status == http.StatusUnauthorized {
			c.mu.Lock()
			c.token = ""
			c.mu.Unlock()
			continue
		}
		return err
	}
}

func (c *client) once(ctx context.Context, method, path string, q url.Values, payload []byte, out any) error {
	u := c.base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	var rd io.Reader
	if payload != nil {
		rd = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if err := c.authorize(ctx, req); err != nil {
		return err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return redact(err)
	}
	defer resp.Body.Close()
	if c.onCall != nil {
		c.onCall(method, resp.StatusCode)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return fmt.Errorf("read answer: %w", err)
	}
	if resp.StatusCode >= 300 {
		return &ticket.APIError{System: System, Status: resp.StatusCode, Message: snMessage(data), RetryAfter: ticket.RetryHint(resp.Header, c.cfg.Now())}
	}
	if out == nil || len(data) == 0 {
		return nil
	}
	var env struct {
		Result json.RawMessage `json:"result"`
	}
	if err := json.Unmarshal(data, &env); err != nil {
		return fmt.Errorf("decode answer: %w", err)
	}
	if err := json.Unmarshal(env.Result, out); err != nil {
		return fmt.Errorf("decode result: %w", err)
	}
	return nil
}

// authorize sets basic auth or the OAuth bearer token.
func (c *client) authorize(ctx context.Context, req *http.Request) error {
	if c.cfg.Auth == AuthBasic {
		req.SetBasicAuth(c.cfg.User, c.cfg.Password)
		return nil
	}
	tok, err := c.accessToken(ctx)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	return nil
}

// accessToken returns a cached token or asks /oauth_token.do for one.
func (c *client) accessToken(ctx context.Context) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.cfg.Now()
	if c.token != "" && now.Before(c.expires) {
		return c.token, nil
	}
	form := url.Values{"client_id": {c.cfg.ClientID}, "client_secret": {c.cfg.ClientSecret}}
	if c.cfg.Auth == AuthPassword {
		form.Set("grant_type", "password")
		form.Set("username", c.cfg.User)
		form.Set("password", c.cfg.Password)
	} else {
		form.Set("grant_type", "client_credentials")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/oauth_token.do", strings.NewReader(form.Encode()))
	if err != nil {
		return "", fmt.Errorf("build token request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return "", fmt.Errorf("get oauth token: %w", redact(err))
	}
	defer resp.Body.Close()
	if c.onCall != nil {
		c.onCall(http.MethodPost, resp.StatusCode)
	}
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode >= 300 {
		status := resp.StatusCode
		if status == http.StatusBadRequest {
			status = http.StatusUnauthorized // invalid_client / invalid_grant: the credentials are wrong
		}
		var oe struct {
			Error       string `json:"error"`
			Description string `json:"error_description"`
		}
		_ = json.Unmarshal(data, &oe)
		return "", &ticket.APIError{System: System, Status: status, Message: strings.TrimSpace("oauth token: " + oe.Error + " " + oe.Description),
			RetryAfter: ticket.RetryHint(resp.Header, now)}
	}
	var tr struct {
		AccessToken string          `json:"access_token"`
		ExpiresIn   json.RawMessage `json:"expires_in"`
	}
	if err := json.Unmarshal(data, &tr); err != nil || tr.AccessToken == "" {
		return "", errors.New("get oauth token: no access_token in the answer")
	}
	secs, _ := strconv.Atoi(strings.Trim(string(tr.ExpiresIn), `"`))
	if secs <= 0 {
		secs = 1800
	}
	c.token = tr.AccessToken
	c.expires = now.Add(time.Duration(secs)*time.Second - min(time.Minute, time.Duration(secs)*time.Second/2))
	return c.token, nil
}

// snMessage extracts ServiceNow's error text.
func snMessage(body []byte) string {
	var e struct {
		Error struct {
			Message string `json:"message"`
			Detail  string `json:"detail"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &e) != nil {
		return ""
	}
	msg := e.Error.Message
	if d := e.Error.Detail; d != "" && d != msg {
		msg += ": " + d
	}
	return msg
}

// redact drops the URL (its query may carry record data) from a transport
// error, keeping the cause.
func redact(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	return err
}
