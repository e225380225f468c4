package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
)

// The operator's view of the outbox: what waits to be delivered, and the
// dead letters a person may replay or drop. Replays and drops are audited
// under the operator's name, so the audit shows who sent a job again.

// OutboxJobs lists up to limit jobs (0: all): the dead letters, newest
// first, when dead is set, otherwise the pending and running jobs, soonest
// due first.
func (s *Service) OutboxJobs(ctx context.Context, dead bool, limit int) ([]Job, error) {
	var (
		jobs []Job
		err  error
	)
	if dead {
		jobs, err = s.store.DeadJobs(ctx, limit)
	} else {
		jobs, err = s.store.LiveJobs(ctx, limit)
	}
	if err != nil {
		return nil, fmt.Errorf("list outbox jobs: %w", err)
	}
	return jobs, nil
}

// ReplayDead sends dead job id again, with a fresh failure budget. A dead
// job a newer pending job supersedes is dropped instead. No such dead job
// is a CodeNotFound error.
func (s *Service) ReplayDead(ctx context.Context, actor string, id int64) error {
	if err := s.store.ReplayDead(ctx, id, s.Now()); err != nil {
		return deadLetterErr(id, "replay", err)
	}
	return s.auditOutbox(ctx, actor, "outbox_replay", map[string]any{"job": id})
}

// ReplayAllDead sends every dead job again and returns how many.
func (s *Service) ReplayAllDead(ctx context.Context, actor string) (int, error) {
	n, err := s.store.ReplayAllDead(ctx, s.Now())
	if err != nil {
		return 0, fmt.Errorf("replay dead jobs: %w", err)
	}
	if n == 0 {
		return 0, nil
	}
	return n, s.auditOutbox(ctx, actor, "outbox_replay_all", map[string]any{"jobs": n})
}

// DropDead deletes dead job id for good. No such dead job is a
// CodeNotFound error.
func (s *Service) DropDead(ctx context.Context, actor string, id int64) error {
	if err := s.store.DropDead(ctx, id); err != nil {
		return deadLetterErr(id, "drop", err)
	}
	return s.auditOutbox(ctx, actor, "outbox_drop", map[string]any{"job": id})
}

func deadLetterErr(id int64, verb string, err error) error {
	if errors.Is(err, ErrNotFound) {
		return Errorf(CodeNotFound, "there is no dead job %s", strconv.FormatInt(id, 10))
	}
	return fmt.Errorf("%s dead job %d: %w", verb, id, err)
}

// auditOutbox records an operator's action on the outbox.
func (s *Service) auditOutbox(ctx context.Context, actor, action string, after map[string]any) error {
	rec := &AuditRecord{At: s.Now(), Actor: normalizeUser(actor), Action: action, After: after}
	return s.store.InTx(ctx, func(tx Tx) error {
		if err := tx.AddAudit(ctx, rec); err != nil {
			return fmt.Errorf("audit %s: %w", action, err)
		}
		return nil
	})
}
