package bot

import (
	"context"
	"slices"
)

// CountIncidents counts the incidents in any of statuses (none: all).
func (s *Service) CountIncidents(ctx context.Context, statuses []Status) (int, error) {
	counts, err := s.store.CountByStatus(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for st, c := range counts {
		if len(statuses) == 0 || slices.Contains(statuses, st) {
			n += c
		}
	}
	return n, nil
}
