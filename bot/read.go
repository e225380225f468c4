package bot

import (
	"context"
	"errors"
	"fmt"
)

// Get returns one incident.
func (s *Service) Get(ctx context.Context, number int64) (*Incident, error) {
	inc, err := s.store.Incident(ctx, number)
	return inc, notFound(err, "%s does not exist", FormatKey(number))
}

// ByChannel returns the incident whose channel on platform this is.
func (s *Service) ByChannel(ctx context.Context, platform, channel string) (*Incident, error) {
	inc, err := s.store.IncidentByChannel(ctx, platform, channel)
	return inc, notFound(err, "no incident lives in this channel")
}

// List returns incidents, newest first.
func (s *Service) List(ctx context.Context, f IncidentFilter) ([]*Incident, error) {
	return s.store.Incidents(ctx, f)
}

// Timeline returns an incident's timeline, oldest first.
func (s *Service) Timeline(ctx context.Context, number int64) ([]Entry, error) {
	if _, err := s.Get(ctx, number); err != nil {
		return nil, err
	}
	return s.store.Timeline(ctx, number)
}

// TimelineAfter returns the entries of an incident's timeline after the
// entry whose ID is after, oldest first: what a live view has not seen.
// It does not check that the incident exists.
func (s *Service) TimelineAfter(ctx context.Context, number, after int64) ([]Entry, error) {
	return s.store.TimelineAfter(ctx, number, after)
}

// Actions returns action items.
func (s *Service) Actions(ctx context.Context, f ActionFilter) ([]ActionItem, error) {
	return s.store.Actions(ctx, f)
}

// Audit returns audit records.
func (s *Service) Audit(ctx context.Context, f AuditFilter) ([]AuditRecord, error) {
	return s.store.Audit(ctx, f)
}

// OpenStatuses are the statuses that still need work.
var OpenStatuses = []Status{StatusTriggered, StatusAcknowledged, StatusInvestigating, StatusIdentified, StatusMonitoring}

func notFound(err error, format string, args ...any) error {
	if errors.Is(err, ErrNotFound) {
		return Errorf(CodeNotFound, format, args...)
	}
	if err != nil {
		return fmt.Errorf("read: %w", err)
	}
	return nil
}
