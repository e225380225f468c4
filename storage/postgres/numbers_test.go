package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/testkit"
)

// TestDeclaresDoNotWaitForEachOther: a declare whose transaction is still
// open holds up no other declare's number, on this replica or another
// (schema 34). With the counters row, the second waited on the first's row
// lock until the first committed: declares ran one at a time.
func TestDeclaresDoNotWaitForEachOther(t *testing.T) {
	testkit.PostgresDSN(t)
	dsn := testkit.PostgresSchema(t)
	a, b := open(t, dsn), open(t, dsn)
	ctx := context.Background()
	held, release := make(chan int64, 1), make(chan struct{})
	errc := make(chan error, 1)
	go func() {
		errc <- a.InTx(ctx, func(tx bot.Tx) error {
			n, err := tx.NextIncidentNumber(ctx)
			if err != nil {
				return err
			}
			held <- n
			<-release
			return errors.New("roll back")
		})
	}()
	var first int64
	select {
	case first = <-held:
	case err := <-errc:
		t.Fatalf("first declare: %v", err)
	}
	seen := map[int64]bool{first: true}
	for _, s := range []bot.Store{a, b} {
		wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		var n int64
		err := s.InTx(wctx, func(tx bot.Tx) error {
			var err error
			n, err = tx.NextIncidentNumber(wctx)
			return err
		})
		cancel()
		if err != nil {
			close(release)
			t.Fatalf("a declare while another is open: %v", err)
		}
		if seen[n] || n < first {
			t.Errorf("number %d given while %d is held (seen %v)", n, first, seen)
		}
		seen[n] = true
	}
	close(release)
	if err := <-errc; err == nil || err.Error() != "roll back" {
		t.Errorf("first declare: %v", err)
	}
}
