package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// testClaimMessageOnce races writers on two handles of one database, each
// claiming a record from the same read: the first claim (no record yet)
// and a claim over a record some read saw are each won exactly once, and a
// claim from a stale read loses without changing the record.
func testClaimMessageOnce(t *testing.T, a, b bot.Store) {
	ctx := context.Background()
	race := func(round int, prev *bot.PostedMessage) (wins int, winner string) {
		t.Helper()
		var (
			mu   sync.Mutex
			wg   sync.WaitGroup
			errs []error
		)
		for i := range 8 {
			s := a
			if i%2 == 1 {
				s = b
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				by := fmt.Sprintf("r%d-%d", round, i)
				m := &bot.PostedMessage{Platform: "jira", Ref: "create:warroom-inc-1", Body: json.RawMessage(`{"by":"` + by + `"}`),
					CreatedAt: at(time.Duration(round) * time.Minute), UpdatedAt: at(time.Duration(round) * time.Minute)}
				var won bool
				err := s.InTx(ctx, func(tx bot.Tx) (err error) {
					won, err = tx.ClaimMessage(ctx, m, prev)
					return err
				})
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					errs = append(errs, err)
				}
				if won {
					wins, winner = wins+1, by
				}
			}()
		}
		wg.Wait()
		if len(errs) > 0 {
			t.Fatalf("round %d: claims failed: %v", round, errors.Join(errs...))
		}
		return wins, winner
	}
	var prev *bot.PostedMessage
	for round := range 3 {
		wins, winner := race(round, prev)
		if wins != 1 {
			t.Fatalf("round %d: %d claims won, want exactly 1", round, wins)
		}
		cur, err := b.MessageByRef(ctx, "jira", "create:warroom-inc-1")
		if err != nil {
			t.Fatalf("round %d: read the claim: %v", round, err)
		}
		if want := `{"by":"` + winner + `"}`; string(cur.Body) != want {
			t.Fatalf("round %d: record = %s, want the winner's %s", round, cur.Body, want)
		}
		if prev != nil && cur.ID != prev.ID {
			t.Errorf("round %d: the claim replaced the record (id %d, was %d)", round, cur.ID, prev.ID)
		}
		prev = cur
	}
	// a claim from a read that is no longer true changes nothing
	stale := &bot.PostedMessage{Platform: "jira", Ref: "create:warroom-inc-1", Body: json.RawMessage(`{"by":"gone"}`)}
	m := &bot.PostedMessage{Platform: "jira", Ref: "create:warroom-inc-1", Body: json.RawMessage(`{"by":"late"}`), CreatedAt: t0, UpdatedAt: t0}
	var won bool
	inTx(t, a, func(ctx context.Context, tx bot.Tx) (err error) {
		won, err = tx.ClaimMessage(ctx, m, stale)
		return err
	})
	inTx(t, a, func(ctx context.Context, tx bot.Tx) (err error) {
		won2, err := tx.ClaimMessage(ctx, m, nil)
		won = won || won2
		return err
	})
	if won {
		t.Errorf("a claim from a stale read (or of a record that exists as new) won")
	}
	if cur, _ := a.MessageByRef(ctx, "jira", "create:warroom-inc-1"); string(cur.Body) != string(prev.Body) {
		t.Errorf("a lost claim changed the record to %s", cur.Body)
	}
}
