package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
)

// PagingConfig says which paging targets the Service feeds and when it pages.
type PagingConfig struct {
	// Targets receive paging jobs; empty means paging is off.
	Targets []string
	// PageAt is the least severe severity that pages when declared (or
	// raised to while open); 0 means SEV2.
	PageAt Severity
}

// PageRequest is a person's explicit page (/incident page).
type PageRequest struct {
	Target  string // paging target, e.g. "pagerduty"
	Service string // named service; "" with no User: the default service
	User    string // one person to page instead of a service
	Message string
}

// DefaultPageAt is the paging threshold when PagingConfig.PageAt is 0.
const DefaultPageAt = SEV2

// pageAt returns the configured paging threshold.
func (s *Service) pageAt() Severity {
	if s.paging.PageAt.Valid() {
		return s.paging.PageAt
	}
	return DefaultPageAt
}

// Paging returns the paging configuration, with PageAt filled in.
func (s *Service) Paging() PagingConfig {
	p := s.paging
	p.Targets = slices.Clone(p.Targets)
	p.PageAt = s.pageAt()
	return p
}

// Page queues a person's page about an incident through a paging target.
// The timeline records it when the target confirms delivery (RecordPage).
func (s *Service) Page(ctx context.Context, number int64, actor string, req PageRequest) (*Incident, error) {
	actor = normalizeUser(actor)
	if !slices.Contains(s.paging.Targets, req.Target) {
		return nil, Errorf(CodeNotConfigured, "paging through %q is not configured", req.Target)
	}
	return s.mutate(ctx, Cause{}, number, actor, "page", func(c *change) error {
		p := s.pagePayload(c.inc, actor)
		p.Service, p.User = SanitizeTitle(req.Service, MaxNameLen), normalizeUser(req.User)
		if m := SanitizeText(req.Message, MaxTextLen); m != "" {
			p.Summary = m
		}
		c.note("page", map[string]string{"target": req.Target, "service": p.Service, "user": p.User})
		return s.enqueuePage(ctx, c.tx, c.inc, req.Target, EffectTrigger, p)
	})
}

// PageRecord is what a paging target reports after a page went out.
type PageRecord struct {
	Target   string // "pagerduty"
	Delivery string // a key unique per delivery (e.g. the job id): recorded once
	Text     string // e.g. "paged PagerDuty service payments"
	Data     map[string]string
	// Opened, when the page opened its own incident in the target (a
	// person paged with /incident page @user), is kept on the incident as
	// the link LinkPagedPrefix + LinkName, so that the incident's
	// acknowledgement and resolution follow it there.
	Opened   *Link
	LinkName string
}

// LinkPagedPrefix starts the name of an incident's link to what a page of
// a person opened (pagerduty:bob): the incident counts as paged, and its
// acknowledgement and resolution reach the paging target.
const LinkPagedPrefix = LinkPagerDuty + ":"

var errSeen = errors.New("already recorded")

// RecordPage records a page on the incident's timeline (EntryPageSent) once
// per delivery key, however often it is reported.
func (s *Service) RecordPage(ctx context.Context, number int64, r PageRecord) error {
	_, err := s.mutate(ctx, Cause{}, number, r.Target, "page_sent", func(c *change) error {
		first, err := c.tx.MarkSeen(ctx, r.Target+".page", r.Delivery, c.now)
		if err != nil {
			return fmt.Errorf("mark page seen: %w", err)
		}
		if !first {
			return errSeen
		}
		data := map[string]string{"target": r.Target}
		for k, v := range r.Data {
			data[k] = v
		}
		c.record(EntryPageSent, SanitizeText(r.Text, MaxTextLen), data)
		if r.Opened != nil && r.LinkName != "" {
			if c.inc.Links == nil {
				c.inc.Links = map[string]Link{}
			}
			c.inc.Links[LinkPagedPrefix+SanitizeTitle(r.LinkName, MaxNameLen)] = *r.Opened
		}
		return nil
	})
	if errors.Is(err, errSeen) {
		return nil
	}
	return err
}

// MirrorNote records on the timeline something another system reported
// about the incident (a reassignment, an annotation): cause.Origin names
// the system, data says what.
func (s *Service) MirrorNote(ctx context.Context, cause Cause, number int64, actor, text string, data map[string]string) (*Incident, error) {
	actor = normalizeUser(actor)
	text = SanitizeText(text, MaxTextLen)
	system := cause.Origin
	if text == "" {
		return nil, Errorf(CodeInvalid, "a note needs text")
	}
	if system == "" {
		return nil, Errorf(CodeInvalid, "a mirrored note needs the system it came from")
	}
	return s.mutate(ctx, cause, number, actor, "mirror", func(c *change) error {
		d := map[string]string{"system": system}
		for k, v := range data {
			d[k] = SanitizeTitle(v, MaxTitleLen)
		}
		c.record(EntryNote, text, d)
		c.note("mirror", system)
		return nil
	})
}
