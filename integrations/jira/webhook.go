package jira

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

	jira "github.com/andygrunwald/go-jira"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/httpx"
)

// WebhookPath is where Jira posts its webhooks.
const WebhookPath = "/webhooks/jira"

// Register adds POST /webhooks/jira to mux.
func (j *Jira) Register(mux *http.ServeMux) {
	mux.HandleFunc("POST "+WebhookPath, j.serveWebhook)
}

// webhookEvent is the part of a Jira webhook body warroom reads.
type webhookEvent struct {
	WebhookEvent string        `json:"webhookEvent"`
	Timestamp    int64         `json:"timestamp"`
	User         *jira.User    `json:"user"`
	Issue        *jira.Issue   `json:"issue"`
	Comment      *jira.Comment `json:"comment"`
	Changelog    *struct {
		ID    string `json:"id"`
		Items []struct {
			Field      string `json:"field"`
			FromString string `json:"fromString"`
			ToString   string `json:"toString"`
		} `json:"items"`
	} `json:"changelog"`
}

// serveWebhook checks the shared secret and mirrors what a person did in
// Jira onto the incident's timeline: a comment, a status change of the
// incident's issue, an action item's issue finished (which completes the
// item). What warroom itself did is skipped, so nothing echoes.
func (j *Jira) serveWebhook(w http.ResponseWriter, r *http.Request) {
	if j.cfg.WebhookSecret == "" {
		httpx.WriteError(w, http.StatusUnauthorized, "Jira webhooks are refused until JIRA_WEBHOOK_SECRET is set on the warroom server")
		return
	}
	if q := r.URL.Query(); q.Has("secret") || q.Has("token") {
		httpx.WriteError(w, http.StatusUnauthorized, "the secret must not travel in the URL: configure the webhook's secret (X-Hub-Signature) or an Authorization: Bearer header")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, httpx.MaxBody))
	if err != nil {
		httpx.WriteError(w, http.StatusRequestEntityTooLarge, "the request body is larger than 1 MiB")
		return
	}
	if msg := j.checkSignature(r, body); msg != "" {
		httpx.WriteError(w, http.StatusUnauthorized, msg)
		return
	}
	var ev webhookEvent
	if err := httpx.UnmarshalStrict(body, &ev); err != nil {
		httpx.WriteError(w, http.StatusBadRequest, "invalid JSON: "+err.Error())
		return
	}
	delivery := r.Header.Get("X-Atlassian-Webhook-Identifier")
	result, err := j.handleEvent(r.Context(), ev, delivery)
	if err != nil && !errors.Is(err, bot.ErrDuplicateDelivery) && bot.ErrorCode(err) != bot.CodeNotFound {
		httpx.WriteErr(w, j.log, err)
		return
	}
	switch {
	case errors.Is(err, bot.ErrDuplicateDelivery):
		result = "duplicate delivery"
	case bot.ErrorCode(err) == bot.CodeNotFound:
		// another deployment's issue, or an incident gone: nothing to do,
		// and nothing Jira should retry
		httpx.WriteJSON(w, http.StatusOK, map[string]string{"result": "ignored: " + bot.ErrorMessage(err)})
		return
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]string{"result": result})
}

// checkSignature accepts X-Hub-Signature: sha256=HEX (HMAC-SHA256 of the
// body with the secret: Jira Cloud's webhook secret) or Authorization:
// Bearer SECRET (Jira Automation, Server and Data Center). It returns ""
// or why the request is refused.
func (j *Jira) checkSignature(r *http.Request, body []byte) string {
	if len(r.Header.Values("X-Hub-Signature")) > 1 || len(r.Header.Values("Authorization")) > 1 {
		return "one signature only"
	}
	if sig := r.Header.Get("X-Hub-Signature"); sig != "" {
		hexSig, ok := strings.CutPrefix(sig, "sha256=")
		if !ok {
			return "X-Hub-Signature must be sha256=HEX"
		}
		// Only the canonical spelling, lower-case hex, is accepted.
		got, err := hex.DecodeString(hexSig)
		if err != nil || len(got) != sha256.Size || hex.EncodeToString(got) != hexSig {
			return "X-Hub-Signature must be sha256=HEX in lower case"
		}
		mac := hmac.New(sha256.New, []byte(j.cfg.WebhookSecret))
		mac.Write(body)
		if !hmac.Equal(got, mac.Sum(nil)) {
			return "wrong signature"
		}
		return ""
	}
	if tok := httpx.BearerToken(r); tok != "" {
		if httpx.TokenEqual(tok, j.cfg.WebhookSecret) {
			return ""
		}
		return "wrong webhook secret"
	}
	return "missing signature: set the webhook's secret to JIRA_WEBHOOK_SECRET (X-Hub-Signature), or send Authorization: Bearer $JIRA_WEBHOOK_SECRET"
}

// handleEvent applies one webhook event and says what it did.
func (j *Jira) handleEvent(ctx context.Context, ev webhookEvent, delivery string) (string, error) {
	if ev.Issue == nil || !issueKeyRe.MatchString(ev.Issue.Key) {
		return "ignored: no issue", nil
	}
	if ev.Issue.Fields == nil || ev.Issue.Fields.Labels == nil {
		// comment events carry a reduced issue: read its labels and status
		full, _, err := j.client.Issue.GetWithContext(ctx, ev.Issue.Key, &jira.GetQueryOptions{Fields: "labels,status"})
		if err != nil || full.Fields == nil {
			return "", fmt.Errorf("read jira issue %s: %w", ev.Issue.Key, err)
		}
		ev.Issue.Fields = full.Fields
	}
	number, seq, ok := parseLabels(ev.Issue.Fields.Labels)
	if !ok {
		return "ignored: not a warroom issue", nil
	}
	cause := bot.Cause{Origin: System}
	key := ev.Issue.Key
	switch {
	case ev.Comment != nil && (ev.WebhookEvent == "comment_created" || ev.WebhookEvent == "jira:issue_updated"):
		if markerRe.MatchString(ev.Comment.Body) || j.isSelf(ctx, &ev.Comment.Author) {
			return "ignored: written by warroom", nil
		}
		if ev.Comment.ID != "" {
			cause.Delivery = bot.Delivery{Source: "jira.comment", Key: key + "/" + ev.Comment.ID}
		} else if delivery != "" {
			cause.Delivery = bot.Delivery{Source: "jira.webhook", Key: delivery}
		}
		who := personName(&ev.Comment.Author)
		text := fmt.Sprintf("%s commented on Jira %s: %s", who, key, ev.Comment.Body)
		if _, err := j.svc.MirrorNote(ctx, cause, number, who, text, map[string]string{"issue": key, "comment": ev.Comment.ID}); err != nil {
			return "", err
		}
		return "comment recorded", nil
	case ev.WebhookEvent == "jira:issue_updated" && ev.Changelog != nil:
		to := ""
		for _, it := range ev.Changelog.Items {
			if strings.EqualFold(it.Field, "status") {
				to = it.ToString
			}
		}
		if to == "" {
			return "ignored: no status change", nil
		}
		if ev.User != nil && j.isSelf(ctx, ev.User) {
			return "ignored: changed by warroom", nil
		}
		who := personName(ev.User)
		// The changelog id is in the signed body; the delivery header is
		// not, so it only stands in when the body names no change.
		if ev.Changelog.ID != "" {
			cause.Delivery = bot.Delivery{Source: "jira.changelog", Key: key + "/" + ev.Changelog.ID}
		} else if delivery != "" {
			cause.Delivery = bot.Delivery{Source: "jira.webhook", Key: delivery}
		}
		if seq > 0 {
			if !statusDone(ev.Issue) {
				return "ignored: action issue not done", nil
			}
			_, err := j.svc.CompleteAction(ctx, cause, number, who, seq)
			if bot.ErrorCode(err) == bot.CodeConflict && !errors.Is(err, bot.ErrDuplicateDelivery) {
				return "action item already done", nil
			}
			if err != nil {
				return "", err
			}
			return "action item done", nil
		}
		text := fmt.Sprintf("%s moved Jira %s to %s", who, key, to)
		if _, err := j.svc.MirrorNote(ctx, cause, number, who, text, map[string]string{"issue": key, "status": to}); err != nil {
			return "", err
		}
		return "status change recorded", nil
	}
	return "ignored: " + ev.WebhookEvent, nil
}

// isSelf reports whether u is warroom's own Jira account.
func (j *Jira) isSelf(ctx context.Context, u *jira.User) bool {
	if u == nil {
		return false
	}
	if me := j.myself(ctx); me != nil {
		switch {
		case me.AccountID != "" && u.AccountID != "":
			return me.AccountID == u.AccountID
		case me.Key != "" && u.Key != "":
			return me.Key == u.Key
		case me.Name != "" && u.Name != "":
			return strings.EqualFold(me.Name, u.Name)
		}
	}
	return j.cfg.User != "" && (strings.EqualFold(u.EmailAddress, j.cfg.User) || strings.EqualFold(u.Name, j.cfg.User))
}

// myself returns warroom's Jira account, asked once.
func (j *Jira) myself(ctx context.Context) *jira.User {
	j.selfMu.Lock()
	defer j.selfMu.Unlock()
	if j.self != nil {
		return j.self
	}
	if j.stop.Stopped(ctx) != "" {
		return nil
	}
	u, _, err := j.client.User.GetSelfWithContext(ctx)
	if err != nil {
		j.log.Warn("look up warroom's own jira account", "err", err)
		return nil
	}
	j.self = u
	return u
}

func personName(u *jira.User) string {
	if u == nil {
		return "someone"
	}
	for _, s := range []string{u.DisplayName, u.Name, u.EmailAddress, u.AccountID} {
		if s != "" {
			return s
		}
	}
	return "someone"
}
