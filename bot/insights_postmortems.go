package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// Postmortem drafts: generated in the transaction that resolves an
// incident (stored, recorded, posted), regenerated on request.

// draftPostmortem renders, stores and posts the draft of an incident that
// just resolved. A template that fails leaves a note instead: it never
// blocks the resolution.
func (s *Service) draftPostmortem(ctx context.Context, tx Tx, c *change) error {
	body, version, err := s.renderAndSave(ctx, tx, c.inc, c.entries)
	if err != nil {
		s.log.Warn("postmortem draft failed", "incident", c.inc.Key(), "err", err)
		return s.writeExtra(ctx, tx, c.inc, "postmortem", &Entry{Kind: EntryPostmortem, Actor: "warroom",
			Text: "The postmortem draft could not be generated: " + SanitizeText(err.Error(), 300)}, nil)
	}
	return s.writeExtra(ctx, tx, c.inc, "postmortem",
		&Entry{Kind: EntryPostmortem, Actor: "warroom", Text: fmt.Sprintf("Postmortem draft v%d generated", version),
			Data: map[string]string{"version": strconv.FormatInt(version, 10)}},
		[]Message{PostmortemMessage(c.inc, body, s.public)})
}

// renderAndSave drafts the postmortem (timeline read from the store plus
// the entries of this transaction) and stores it.
func (s *Service) renderAndSave(ctx context.Context, tx Tx, inc *Incident, pending []*Entry) (string, int64, error) {
	timeline, err := s.store.Timeline(ctx, inc.Number)
	if err != nil {
		return "", 0, fmt.Errorf("read timeline: %w", err)
	}
	seen := map[int64]bool{}
	for _, e := range timeline {
		seen[e.ID] = true
	}
	for _, e := range pending {
		if !seen[e.ID] {
			timeline = append(timeline, *e)
		}
	}
	actions, err := tx.IncidentActions(ctx, inc.Number)
	if err != nil {
		return "", 0, fmt.Errorf("list action items: %w", err)
	}
	now := s.Now()
	body, err := s.insights.Postmortem(ctx, inc, timeline, actions, now)
	if err != nil {
		return "", 0, err
	}
	body = s.names.Text(body)
	p := &Postmortem{Incident: inc.Number, Body: body, GeneratedAt: now}
	if err := tx.SavePostmortem(ctx, p); err != nil {
		return "", 0, err
	}
	return body, p.Version, nil
}

// PostmortemMessage is the chat message carrying a draft: its head as
// text and the whole draft as a markdown file.
func PostmortemMessage(inc *Incident, body, publicURL string) Message {
	text := body
	if len(text) > 2800 {
		cut := strings.LastIndex(text[:2800], "\n")
		if cut < 0 {
			cut = 2800
		}
		text = text[:cut] + "\n…"
	}
	m := Message{
		Title:    "Postmortem draft: " + inc.Key() + " " + inc.Title,
		Text:     text,
		Incident: inc.Number,
		Attachments: []Attachment{{Name: "postmortem-" + strings.ToLower(inc.Key()) + ".md",
			ContentType: "text/markdown", Title: "Postmortem draft " + inc.Key(), Data: []byte(body)}},
	}
	if publicURL != "" {
		m.Footer = publicURL + "/incidents/" + inc.Key()
	}
	return m
}

// writeExtra writes a timeline entry and posts to an incident's channel
// outside mutate's own bookkeeping (after it wrote its change).
func (s *Service) writeExtra(ctx context.Context, tx Tx, inc *Incident, action string, e *Entry, posts []Message) error {
	now := s.Now()
	if e != nil {
		e.Incident, e.At = inc.Number, now
		if err := tx.AddEntry(ctx, e); err != nil {
			return fmt.Errorf("add timeline entry: %w", err)
		}
	}
	for _, m := range posts {
		m.Incident = inc.Number
		if err := s.enqueueAll(ctx, tx, inc, EffectPost, PostPayload{Message: m}); err != nil {
			return err
		}
	}
	_ = action
	return nil
}

// RegeneratePostmortem drafts an incident's postmortem again, stores it,
// records it on the timeline, and returns it.
func (s *Service) RegeneratePostmortem(ctx context.Context, number int64, actor string) (string, error) {
	if s.insights.Postmortem == nil {
		return "", Errorf(CodeInvalid, "postmortem drafts are not configured")
	}
	actor = normalizeUser(actor)
	var body string
	_, err := s.mutate(ctx, Cause{}, number, actor, "postmortem", func(c *change) error {
		b, version, err := s.renderAndSave(ctx, c.tx, c.inc, nil)
		if err != nil {
			return Errorf(CodeInvalid, "the postmortem template failed: %v", err)
		}
		body = b
		c.record(EntryPostmortem, fmt.Sprintf("Postmortem draft v%d regenerated", version), map[string]string{"version": strconv.FormatInt(version, 10)})
		return nil
	})
	return body, err
}

// DraftPostmortem renders an incident's postmortem without storing it.
func (s *Service) DraftPostmortem(ctx context.Context, number int64) (string, error) {
	if s.insights.Postmortem == nil {
		return "", Errorf(CodeInvalid, "postmortem drafts are not configured")
	}
	inc, err := s.Get(ctx, number)
	if err != nil {
		return "", err
	}
	timeline, err := s.store.Timeline(ctx, number)
	if err != nil {
		return "", fmt.Errorf("read timeline: %w", err)
	}
	actions, err := s.store.Actions(ctx, ActionFilter{Incident: number})
	if err != nil {
		return "", fmt.Errorf("list action items: %w", err)
	}
	body, err := s.insights.Postmortem(ctx, inc, timeline, actions, s.Now())
	if err != nil {
		return "", err
	}
	return s.names.Text(body), nil
}
