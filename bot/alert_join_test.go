package bot_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/testkit"
)

// pausingStore counts transactions and holds the first alert insert of
// the first one until release is closed.
type pausingStore struct {
	bot.Store
	txs     atomic.Int64
	once    sync.Once
	entered chan struct{}
	release chan struct{}
}

func (p *pausingStore) InTx(ctx context.Context, fn func(bot.Tx) error) error {
	p.txs.Add(1)
	return p.Store.InTx(ctx, func(tx bot.Tx) error { return fn(&pausingTx{Tx: tx, p: p}) })
}

type pausingTx struct {
	bot.Tx
	p *pausingStore
}

func (t *pausingTx) InsertAlert(ctx context.Context, a *bot.Alert, at time.Time) (bool, error) {
	t.p.once.Do(func() {
		close(t.p.entered)
		<-t.p.release
	})
	return t.Tx.InsertAlert(ctx, a, at)
}

// A delivery queued while a transaction runs joins it: both commit in one
// transaction, and both callers get their own results. One whose group
// sorts before the groups the transaction locked waits for the next
// transaction (taking its lock then would break the key order that keeps
// concurrent batches out of a lock cycle).
func TestDeliveryQueuedMidTransactionJoinsIt(t *testing.T) {
	for _, c := range []struct {
		second string
		txs    int64
	}{{"g", 1}, {"h", 1}, {"a", 2}} {
		t.Run("group="+c.second, func(t *testing.T) { testJoin(t, c.second, c.txs) })
	}
}

func testJoin(t *testing.T, second string, txs int64) {
	f := newAlertFixture(t, bot.AlertConfig{})
	ps := &pausingStore{Store: f.store, entered: make(chan struct{}), release: make(chan struct{})}
	svc, err := bot.NewService(bot.Config{Now: f.clock.Now}, ps, nil)
	if err != nil {
		t.Fatal(err)
	}
	results := make([]bot.AlertResult, 2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	send := func(i int) {
		defer wg.Done()
		group := []string{"g", second}[i]
		alerts := []bot.Alert{firing(fmt.Sprint("a", i), group, "alertname", "X"), firing(fmt.Sprint("b", i), group, "alertname", "X")}
		results[i], errs[i] = svc.HandleAlerts(f.ctx, bot.Cause{}, alerts)
	}
	wg.Add(2)
	go send(0)
	<-ps.entered // the first delivery's transaction is running
	go send(1)
	testkit.Eventually(t, "the second delivery queued", func() bool { return svc.QueuedDeliveries() == 1 })
	close(ps.release)
	wg.Wait()
	for i, err := range errs {
		if err != nil || results[i].Accepted != 2 {
			t.Fatalf("delivery %d: %+v, %v", i, results[i], err)
		}
	}
	if n := ps.txs.Load(); n != txs {
		t.Errorf("%d transactions for two deliveries, the second queued while the first ran: want %d", n, txs)
	}
	stored, _ := f.store.Alerts(f.ctx, bot.AlertFilter{})
	if len(stored) != 4 {
		t.Errorf("%d alerts stored, want 4", len(stored))
	}
}
