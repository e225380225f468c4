package pagerduty

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/httpx"
)

// WebhookPath is where PagerDuty's v3 webhook subscription posts.
const WebhookPath = "/webhooks/pagerduty"

// seenSource is the MarkSeen source of webhook deliveries.
const seenSource = "pagerduty.webhook"

// Register adds POST /webhooks/pagerduty when a webhook secret is set.
func (c *Client) Register(mux *http.ServeMux) {
	if len(c.secrets()) > 0 {
		mux.Handle("POST "+WebhookPath, http.HandlerFunc(c.ServeWebhook))
	}
}

// ServeWebhook receives one v3 webhook delivery. The body is capped at
// 1 MiB (413) before its signature is checked; a bad signature is 401; an
// event is applied once per signed event.id, in the transaction of its
// effect; unknown event types are answered 2xx and ignored. A 2xx means
// the effect is committed.
func (c *Client) ServeWebhook(w http.ResponseWriter, r *http.Request) {
	if r.ContentLength > httpx.MaxBody {
		c.refuse(w, http.StatusRequestEntityTooLarge, "too_large", "the body is larger than 1 MiB")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, httpx.MaxBody))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		c.refuse(w, http.StatusRequestEntityTooLarge, "too_large", "the body is larger than 1 MiB")
		return
	case err != nil:
		httpx.WriteError(w, http.StatusBadRequest, "could not read the body")
		return
	}
	if !VerifySignature(r.Header.Get("X-PagerDuty-Signature"), body, c.secrets()) {
		c.refuse(w, http.StatusUnauthorized, "signature", "the X-PagerDuty-Signature does not match")
		return
	}
	ev, err := DecodeEvent(body)
	if err != nil {
		c.refuse(w, http.StatusBadRequest, "payload", "the body is not a PagerDuty v3 webhook")
		return
	}
	if ev.ID == "" {
		c.refuse(w, http.StatusBadRequest, "payload", "the event carries no id")
		return
	}
	// The delivery is the signed event.id, never the X-Webhook-Id header,
	// which a replay may change at will without touching the signature.
	err = c.Apply(r.Context(), ev, "event:"+ev.ID)
	switch code := bot.ErrorCode(err); {
	case err == nil, errors.Is(err, bot.ErrDuplicateDelivery):
	case code == bot.CodeConflict || code == bot.CodeNotFound || code == bot.CodeInvalid:
		c.log.Info("PagerDuty webhook changed nothing", "event", ev.EventType, "pd_incident", ev.IncidentID(), "reason", bot.ErrorMessage(err))
	default:
		c.log.Error("PagerDuty webhook failed; PagerDuty will redeliver", "event", ev.EventType, "err", err)
		httpx.WriteError(w, http.StatusInternalServerError, "could not apply the event; redeliver")
		return
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]bool{"ok": true})
}

// refuse answers a delivery warroom will not take. PagerDuty disables a
// subscription after repeated failures, so it is logged as a warning.
func (c *Client) refuse(w http.ResponseWriter, status int, reason, msg string) {
	c.log.Warn("refused a PagerDuty webhook delivery", "status", status, "reason", reason)
	if status == http.StatusRequestEntityTooLarge {
		w.Header().Set("Connection", "close")
	}
	httpx.WriteError(w, status, msg)
}

// VerifySignature checks an X-PagerDuty-Signature header ("v1=<hex>",
// possibly several, comma-separated, with spaces; lower-case hex only) against the HMAC-SHA256
// of body under any of secrets, in constant time.
func VerifySignature(header string, body []byte, secrets []string) bool {
	if header == "" || len(secrets) == 0 {
		return false
	}
	var sigs [][]byte
	for _, part := range strings.Split(header, ",") {
		v, ok := strings.CutPrefix(strings.TrimSpace(part), "v1=")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		// Only PagerDuty's own spelling, lower-case hex: another spelling of
		// the same bytes would be another request to anything keyed on it.
		if b, err := hex.DecodeString(v); err == nil && len(b) == sha256.Size && hex.EncodeToString(b) == v {
			sigs = append(sigs, b)
		}
	}
	ok := false
	for _, secret := range secrets {
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write(body)
		want := mac.Sum(nil)
		for _, s := range sigs {
			if hmac.Equal(want, s) {
				ok = true
			}
		}
	}
	return ok
}

// Apply mirrors one event onto warroom, as a change from PagerDuty (never
// sent back to it), recorded once per delivery id.
func (c *Client) Apply(ctx context.Context, ev *Event, delivery string) error {
	cause := bot.Cause{Origin: Target, Delivery: bot.Delivery{Source: seenSource, Key: delivery}}
	agent := ev.AgentName() + " (PagerDuty)"
	data := map[string]string{"event": ev.EventType, "pd_incident": ev.IncidentID()}
	switch ev.EventType {
	case "incident.triggered":
		return c.triggered(ctx, cause, ev, agent)
	case "incident.acknowledged":
		inc, err := c.find(ctx, ev)
		if err != nil || inc == nil || inc.Status != bot.StatusTriggered {
			return err
		}
		_, err = c.svc.Ack(ctx, cause, inc.Number, agent)
		return err
	case "incident.resolved":
		inc, err := c.find(ctx, ev)
		if err != nil || inc == nil || !inc.Status.Open() {
			return err
		}
		_, err = c.svc.Resolve(ctx, cause, inc.Number, agent, "resolved in PagerDuty")
		return err
	case "incident.reassigned":
		inc, err := c.find(ctx, ev)
		if err != nil || inc == nil {
			return err
		}
		to := strings.Join(ev.AssigneeNames(), ", ")
		if to == "" {
			to = "nobody"
		}
		data["assignees"] = to
		_, err = c.svc.MirrorNote(ctx, cause, inc.Number, agent, "PagerDuty reassigned the incident to "+to, data)
		return err
	case "incident.annotated":
		inc, err := c.find(ctx, ev)
		if err != nil || inc == nil || strings.TrimSpace(ev.Data.Content) == "" {
			return err
		}
		_, err = c.svc.MirrorNote(ctx, cause, inc.Number, agent, "PagerDuty note: "+ev.Data.Content, data)
		return err
	}
	return nil // an event type warroom does not use
}

// triggered links a PagerDuty incident warroom paged itself, and otherwise
// declares one (or, in link mode, ignores it).
func (c *Client) triggered(ctx context.Context, cause bot.Cause, ev *Event, agent string) error {
	link := bot.Link{ID: ev.IncidentID(), URL: ev.IncidentURL()}
	if link.ID == "" {
		return bot.Errorf(bot.CodeInvalid, "incident.triggered names no incident")
	}
	inc, err := c.find(ctx, ev)
	if err != nil {
		return err
	}
	if inc != nil {
		if l, ok := inc.Links[Target]; ok && l.ID != "" && l.ID != link.ID {
			// Another PD incident of ours (a person paged about it): note it.
			_, err := c.svc.MirrorNote(ctx, cause, inc.Number, agent,
				fmt.Sprintf("PagerDuty opened incident #%d: %s", ev.Data.Number, ev.Data.Title),
				map[string]string{"event": ev.EventType, "pd_incident": link.ID, "url": link.URL})
			return err
		}
		_, err := c.svc.SetLink(ctx, cause, inc.Number, agent, Target, link)
		return err
	}
	if c.cfg.Triggered == TriggeredLink {
		return nil
	}
	in := bot.DeclareInput{
		Title: ev.Data.Title, Severity: ev.Severity(), Source: Target, Actor: agent,
		Summary: fmt.Sprintf("PagerDuty incident #%d", ev.Data.Number),
		Links:   map[string]bot.Link{Target: link},
		Cause:   cause,
	}
	if in.Title == "" {
		in.Title = in.Summary
	}
	if ev.Data.Service != nil {
		in.Service = ev.Data.Service.Summary
	}
	_, err = c.svc.Declare(ctx, in)
	return err
}

// find returns the warroom incident an event is about: by the incident key
// warroom paged with (INC-42, or INC-42:user for a person's page), else by
// the PagerDuty link. nil when there is none.
func (c *Client) find(ctx context.Context, ev *Event) (*bot.Incident, error) {
	key, _, _ := strings.Cut(ev.Data.IncidentKey, ":")
	if bot.LooksLikeKey(key) {
		n, err := bot.ParseKey(key)
		if err == nil {
			inc, err := c.svc.Get(ctx, n)
			if err == nil {
				return inc, nil
			}
			if bot.ErrorCode(err) != bot.CodeNotFound {
				return nil, err
			}
		}
	}
	id := ev.IncidentID()
	if id == "" {
		return nil, nil
	}
	list, err := c.svc.List(ctx, bot.IncidentFilter{Limit: 1000})
	if err != nil {
		return nil, fmt.Errorf("list incidents: %w", err)
	}
	for _, inc := range list {
		if l, ok := inc.Links[Target]; ok && l.ID == id {
			return inc, nil
		}
	}
	return nil, nil
}
