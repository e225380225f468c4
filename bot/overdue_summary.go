package bot

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// OverdueSummarySchedule prefixes the digest slot rows (ClaimSlot) of the
// weekly overdue summaries: one row per owner and slot, so that each owner
// gets one summary per slot however many replicas run it.
const OverdueSummarySchedule = "overdue-summary:"

// maxSummaryItems bounds the items one summary lists; the rest are counted.
const maxSummaryItems = 25

// SendOverdueSummaries sends every owner of overdue action items (open,
// due before slot) one direct message listing them, with their incidents
// and due dates, for the summary slot slot, and posts a short note in the
// room of each incident concerned. Owners that are not chat users (a plain
// name) get none. Each owner's slot is claimed in the transaction that
// writes the jobs, so a summary goes once per owner and slot across
// replicas and restarts. It returns how many owners were sent one now.
func (s *Service) SendOverdueSummaries(ctx context.Context, slot time.Time, owner string) (int, error) {
	items, err := s.Actions(ctx, ActionFilter{OpenOnly: true})
	if err != nil {
		return 0, fmt.Errorf("list open action items: %w", err)
	}
	byOwner := map[string][]ActionItem{}
	for _, a := range items {
		if id := ChatMention(a.Owner); id != "" && a.Overdue(slot) {
			byOwner[id] = append(byOwner[id], a)
		}
	}
	sent := 0
	for _, user := range slices.Sorted(maps.Keys(byOwner)) {
		first, err := s.sendOverdueSummary(ctx, slot, owner, user, byOwner[user])
		if err != nil {
			return sent, err
		}
		if first {
			sent++
		}
	}
	if sent > 0 && s.after != nil {
		s.after()
	}
	return sent, nil
}

// sendOverdueSummary claims user's slot and writes their direct message
// and the rooms' notes, in one transaction. A closed incident's room (often
// archived) gets no note.
func (s *Service) sendOverdueSummary(ctx context.Context, slot time.Time, owner, user string, items []ActionItem) (bool, error) {
	SortActions(items)
	closed := map[int64]bool{}
	for _, a := range items {
		if _, seen := closed[a.Incident]; !seen {
			inc, err := s.Get(ctx, a.Incident)
			if err != nil {
				return false, fmt.Errorf("load %s: %w", FormatKey(a.Incident), err)
			}
			closed[a.Incident] = inc.Status == StatusClosed
		}
	}
	first := false
	err := s.store.InTx(ctx, func(tx Tx) error {
		now := s.Now()
		var err error
		if first, err = tx.ClaimSlot(ctx, OverdueSummarySchedule+user, slot, owner, now); err != nil || !first {
			return err
		}
		var lines []string
		seqs := map[int64][]string{}
		for i, a := range items {
			seqs[a.Incident] = append(seqs[a.Incident], fmt.Sprintf("#%d", a.Seq))
			if i < maxSummaryItems {
				lines = append(lines, fmt.Sprintf("• %s #%d: %s (due %s)", FormatKey(a.Incident), a.Seq, a.Title, a.Due.Format(time.DateOnly)))
			}
		}
		if len(items) > maxSummaryItems {
			lines = append(lines, fmt.Sprintf("… and %d more (see the console's action list).", len(items)-maxSummaryItems))
		}
		m := Message{Title: fmt.Sprintf("Your overdue action items: %d", len(items)),
			Text: strings.Join(lines, "\n") + "\nMark one done with /incident action done N INC-…."}
		for _, t := range s.targets {
			if err := s.enqueue(ctx, tx, t, EffectDirect, 0, DirectPayload{User: user, Message: m}); err != nil {
				return err
			}
		}
		for _, n := range slices.Sorted(maps.Keys(seqs)) {
			if closed[n] {
				continue
			}
			note := Message{Incident: n, Text: fmt.Sprintf("Sent %s the weekly summary of their overdue action items (%s).",
				mention(user), strings.Join(seqs[n], ", "))}
			for _, t := range s.targets {
				if err := s.enqueue(ctx, tx, t, EffectPost, n, PostPayload{Message: note}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return first, err
}
