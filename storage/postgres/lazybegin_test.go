package postgres_test

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"net"
	"net/url"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/warroom/warroom/internal/testkit"
)

// tripCounter relays a PostgreSQL connection and counts its round trips:
// one begins each time the client writes after the server has answered.
type tripCounter struct {
	ln    net.Listener
	trips atomic.Int64
	wg    sync.WaitGroup
}

// countTrips returns a counter and dsn pointed at it.
func countTrips(t *testing.T, dsn string) (*tripCounter, string) {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil || u.Host == "" {
		t.Fatalf("counting round trips needs a URL DSN: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c := &tripCounter{ln: ln}
	target := u.Host
	c.wg.Go(func() {
		for {
			client, err := ln.Accept()
			if err != nil {
				return
			}
			server, err := net.Dial("tcp", target)
			if err != nil {
				_ = client.Close()
				continue
			}
			c.wg.Go(func() { c.relay(client, server) })
		}
	})
	t.Cleanup(func() { _ = ln.Close(); c.wg.Wait() })
	u.Host = ln.Addr().String()
	return c, u.String()
}

func (c *tripCounter) relay(client, server net.Conn) {
	defer client.Close()
	defer server.Close()
	var answered atomic.Bool
	answered.Store(true)
	go func() {
		buf := make([]byte, 32<<10)
		for {
			n, err := server.Read(buf)
			if n > 0 {
				answered.Store(true)
				if _, err := client.Write(buf[:n]); err != nil {
					return
				}
			}
			if err != nil {
				_ = client.Close()
				return
			}
		}
	}()
	buf := make([]byte, 32<<10)
	for {
		n, err := client.Read(buf)
		if n > 0 {
			if answered.Swap(false) {
				c.trips.Add(1)
			}
			if _, err := server.Write(buf[:n]); err != nil {
				return
			}
		}
		if err != nil {
			if err != io.EOF {
				_ = server.Close()
			}
			return
		}
	}
}

// lazyConn opens a store on a fresh schema with a table t (id primary key)
// and returns one of its writer's connections, the counter of its round
// trips, and a connection for checking from outside.
func lazyConn(t *testing.T) (*sql.Conn, *tripCounter) {
	t.Helper()
	ctx := context.Background()
	counter, dsn := countTrips(t, testkit.PostgresSchema(t))
	s := open(t, dsn)
	if _, err := s.DB().ExecContext(ctx, `CREATE TABLE t (id bigint PRIMARY KEY, note text)`); err != nil {
		t.Fatal(err)
	}
	conn, err := s.DB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn, counter
}

// A plain transaction sends BEGIN with its first statement, and one that
// runs nothing sends nothing. (Each BEGIN was a round trip of its own.)
func TestTransactionSendsBeginWithItsFirstStatement(t *testing.T) {
	ctx := context.Background()
	conn, counter := lazyConn(t)
	run := func(id int64) {
		t.Helper()
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		var n int64
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM t WHERE id < $1`, id).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO t (id) VALUES ($1)`, id); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	run(1) // prepares the statements on this connection
	before := counter.trips.Load()
	run(2)
	if got := counter.trips.Load() - before; got != 3 {
		t.Errorf("a transaction of two statements took %d round trips, want 3 (BEGIN and the first, the second, COMMIT)", got)
	}
	before = counter.trips.Load()
	for _, end := range []func(*sql.Tx) error{(*sql.Tx).Commit, (*sql.Tx).Rollback} {
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := end(tx); err != nil {
			t.Fatal(err)
		}
	}
	if got := counter.trips.Load() - before; got != 0 {
		t.Errorf("two empty transactions took %d round trips, want 0", got)
	}
	var n int
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM t`).Scan(&n); err != nil || n != 2 {
		t.Errorf("rows committed: %d (%v), want 2", n, err)
	}
}

// A first statement that fails fails as before: its error comes back from
// the statement, the transaction rolls back, the connection is usable.
func TestFailedFirstStatementRollsBack(t *testing.T) {
	ctx := context.Background()
	conn, _ := lazyConn(t)
	if _, err := conn.ExecContext(ctx, `INSERT INTO t (id) VALUES (1)`); err != nil {
		t.Fatal(err)
	}
	for _, query := range []bool{false, true} {
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if query {
			err = tx.QueryRowContext(ctx, `INSERT INTO t (id, note) VALUES ($1, 'x') RETURNING id`, 1).Scan(new(int64))
		} else {
			_, err = tx.ExecContext(ctx, `INSERT INTO t (id, note) VALUES ($1, 'x')`, 1)
		}
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || pe.Code != "23505" {
			t.Fatalf("first statement (query %v): %v, want a unique violation", query, err)
		}
		// A COMMIT after the failure is answered with ROLLBACK, and fails.
		if err := tx.Commit(); err == nil {
			t.Errorf("commit after a failed statement (query %v) succeeded", query)
		}
	}
	var note sql.NullString
	if err := conn.QueryRowContext(ctx, `SELECT note FROM t WHERE id = 1`).Scan(&note); err != nil || note.Valid {
		t.Errorf("row 1 after the failed transactions: %v (%v), want no note", note, err)
	}
	// The connection is out of its transaction: a row added now outlives it.
	if _, err := conn.ExecContext(ctx, `INSERT INTO t (id) VALUES (2)`); err != nil {
		t.Fatal(err)
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.QueryRowContext(ctx, `SELECT id FROM t WHERE id = $1`, 3).Scan(new(int64)); !errors.Is(err, sql.ErrNoRows) {
		t.Errorf("first query finding nothing: %v, want sql.ErrNoRows", err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM t`).Scan(&n); err != nil || n != 2 {
		t.Errorf("rows: %d (%v), want 2", n, err)
	}
}

// The rows of a transaction's first statement (read from the batch that
// carried BEGIN) scan to the same values as any other statement's.
func TestFirstStatementRowsScanAsOthers(t *testing.T) {
	ctx := context.Background()
	conn, _ := lazyConn(t)
	const q = `SELECT 1::int2, 2::int4, 3::int8, 1.5::float4, 2.5::float8, true, 'text'::text, 'v'::varchar,
		'\x00ff'::bytea, '{"a": 1}'::jsonb, '{"b": 2}'::json, '2026-12-08 01:02:03.456789+00'::timestamptz,
		'2026-12-08 01:02:03'::timestamp, '2026-12-08'::date, 12.50::numeric, NULL::text, 7::oid
		FROM generate_series(1, $1)`
	scan := func(rows *sql.Rows) [][]any {
		t.Helper()
		defer rows.Close()
		cols, err := rows.Columns()
		if err != nil {
			t.Fatal(err)
		}
		var all [][]any
		for rows.Next() {
			row := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range row {
				ptrs[i] = &row[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			all = append(all, row)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return all
	}
	rows, err := conn.QueryContext(ctx, q, 3)
	if err != nil {
		t.Fatal(err)
	}
	want := scan(rows)
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback() }()
	rows, err = tx.QueryContext(ctx, q, 3)
	if err != nil {
		t.Fatal(err)
	}
	got := scan(rows)
	if len(want) != 3 || !reflect.DeepEqual(got, want) {
		t.Errorf("first statement's rows:\n%#v\nwant (outside a transaction):\n%#v", got, want)
	}
	// The transaction goes on after them.
	if _, err := tx.ExecContext(ctx, `INSERT INTO t (id) VALUES (1)`); err != nil {
		t.Fatal(err)
	}
}

// Two transactions that lock one row still wait for each other when the
// lock is the first statement (it arrives with BEGIN).
func TestFirstStatementLockHolds(t *testing.T) {
	ctx := context.Background()
	db := open(t, testkit.PostgresSchema(t)).DB()
	if _, err := db.ExecContext(ctx, `CREATE TABLE t (id bigint PRIMARY KEY, n bigint NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO t VALUES (1, 0)`); err != nil {
		t.Fatal(err)
	}
	const workers, each = 4, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Go(func() {
			for range each {
				tx, err := db.BeginTx(ctx, nil)
				if err != nil {
					errs <- err
					return
				}
				var n int64
				if err := tx.QueryRowContext(ctx, `SELECT n FROM t WHERE id = 1 FOR NO KEY UPDATE`).Scan(&n); err != nil {
					_ = tx.Rollback()
					errs <- err
					return
				}
				if _, err := tx.ExecContext(ctx, `UPDATE t SET n = $1 WHERE id = 1`, n+1); err != nil {
					_ = tx.Rollback()
					errs <- err
					return
				}
				if err := tx.Commit(); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	var n int64
	if err := db.QueryRowContext(ctx, `SELECT n FROM t WHERE id = 1`).Scan(&n); err != nil || n != workers*each {
		t.Errorf("counter after %d locked increments: %d (%v); an increment was lost", workers*each, n, err)
	}
}

// A statement prepared in a transaction before any other runs inside it:
// BEGIN goes first, on its own, so rolling back undoes it.
func TestPreparedFirstStatementRunsInTheTransaction(t *testing.T) {
	ctx := context.Background()
	conn, _ := lazyConn(t)
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	st, err := tx.PrepareContext(ctx, `INSERT INTO t (id) VALUES ($1)`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ExecContext(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM t`).Scan(&n); err != nil || n != 0 {
		t.Errorf("rows after the rollback: %d (%v), want 0", n, err)
	}
}
