package postgres

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// lazyConnector opens pgx's database/sql connections, each wrapped so that
// a plain transaction (default isolation, read-write) sends its BEGIN with
// its first statement: one round trip where there were two. A transaction
// that runs no statement sends nothing at all.
//
// Everything else is stdlib's: statements after the first, COMMIT (as pgx
// sends it: a COMMIT the server answers with ROLLBACK, after a failed
// statement, fails), ROLLBACK, prepared statements, the session checks
// when database/sql takes a connection from its pool (one with an open
// transaction is discarded).
type lazyConnector struct{ driver.Connector }

func (c lazyConnector) Connect(ctx context.Context) (driver.Conn, error) {
	dc, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	sc, ok := dc.(*stdlib.Conn)
	if !ok {
		return dc, nil
	}
	return &lazyConn{Conn: sc}, nil
}

// lazyConn is one connection. database/sql uses a connection from one
// goroutine at a time, so its fields need no lock.
type lazyConn struct {
	*stdlib.Conn
	// begin is set from BeginTx until the transaction's first statement,
	// which carries BEGIN, or its end.
	begin bool
	ctx   context.Context // BeginTx's: COMMIT and ROLLBACK run under it, as stdlib's
}

// BeginTx begins a plain transaction without a round trip; any other
// (read-only, an isolation level) as stdlib does.
func (c *lazyConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if opts.Isolation != driver.IsolationLevel(0) || opts.ReadOnly {
		return c.Conn.BeginTx(ctx, opts)
	}
	if c.Conn.Conn().IsClosed() {
		return nil, driver.ErrBadConn
	}
	c.begin, c.ctx = true, ctx
	return lazyTx{c}, nil
}

// started sends BEGIN on its own if it has not gone yet, for what cannot
// carry it (a prepared statement).
func (c *lazyConn) started(ctx context.Context) error {
	if !c.begin {
		return nil
	}
	c.begin = false
	_, err := c.Conn.Conn().Exec(ctx, "begin")
	return badConn(err)
}

func (c *lazyConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	if err := c.started(ctx); err != nil {
		return nil, err
	}
	return c.Conn.PrepareContext(ctx, query)
}

func (c *lazyConn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

func (c *lazyConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if !c.begin {
		return c.Conn.ExecContext(ctx, query, args)
	}
	br, err := c.withBegin(ctx, query, args)
	if err != nil {
		return nil, err
	}
	tag, err := br.Exec()
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	return driver.RowsAffected(tag.RowsAffected()), nil
}

func (c *lazyConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if !c.begin {
		return c.Conn.QueryContext(ctx, query, args)
	}
	br, err := c.withBegin(ctx, query, args)
	if err != nil {
		return nil, err
	}
	rows, err := br.Query()
	if err != nil {
		_ = br.Close()
		return nil, err
	}
	// Read the first row now, as stdlib does: the statement's error (a
	// lock timeout, a unique violation) comes back from the query, and
	// the columns are known.
	more := rows.Next()
	if err := rows.Err(); err != nil {
		rows.Close()
		_ = br.Close()
		return nil, err
	}
	return &batchRows{conn: c.Conn.Conn(), br: br, rows: rows, more: more, first: true}, nil
}

// withBegin sends BEGIN and query in one round trip and reads BEGIN's
// answer; the caller reads query's and closes the batch.
func (c *lazyConn) withBegin(ctx context.Context, query string, args []driver.NamedValue) (pgx.BatchResults, error) {
	c.begin = false
	b := &pgx.Batch{}
	b.Queue("begin")
	b.Queue(query, values(args)...)
	br := c.Conn.Conn().SendBatch(ctx, b)
	if _, err := br.Exec(); err != nil {
		_ = br.Close()
		return nil, badConn(err)
	}
	return br, nil
}

// values are a statement's arguments as pgx takes them (stdlib's own
// conversion: pgx reads driver.Valuer and every Go type it knows).
func values(args []driver.NamedValue) []any {
	vs := make([]any, len(args))
	for i, a := range args {
		vs[i] = a.Value
	}
	return vs
}

// badConn tells database/sql that a connection may be retried on another
// when nothing reached the server, as stdlib does.
func badConn(err error) error {
	if err != nil && pgconn.SafeToRetry(err) {
		return driver.ErrBadConn
	}
	return err
}

// lazyTx ends a transaction begun by lazyConn.BeginTx.
type lazyTx struct{ c *lazyConn }

func (t lazyTx) Commit() error {
	if t.c.begin { // no statement ran: there is nothing to commit
		t.c.begin = false
		return nil
	}
	conn := t.c.Conn.Conn()
	tag, err := conn.Exec(t.c.ctx, "commit")
	if err != nil {
		if conn.PgConn().TxStatus() != 'I' {
			_ = conn.Close(context.Background())
		}
		return err
	}
	if tag.String() == "ROLLBACK" {
		return pgx.ErrTxCommitRollback
	}
	return nil
}

func (t lazyTx) Rollback() error {
	if t.c.begin {
		t.c.begin = false
		return nil
	}
	conn := t.c.Conn.Conn()
	if _, err := conn.Exec(t.c.ctx, "rollback"); err != nil {
		// A connection whose ROLLBACK failed is in no known state.
		_ = conn.Close(context.Background())
		return err
	}
	return nil
}

// batchRows are the rows of a transaction's first statement, read from
// the batch that carried BEGIN, converted as stdlib converts its rows.
type batchRows struct {
	conn   *pgx.Conn
	br     pgx.BatchResults
	rows   pgx.Rows
	more   bool // the first row was read
	first  bool // and not handed out yet
	values []valueFunc
}

type valueFunc func(src []byte) (driver.Value, error)

func (r *batchRows) Columns() []string {
	fds := r.rows.FieldDescriptions()
	names := make([]string, len(fds))
	for i, fd := range fds {
		names[i] = fd.Name
	}
	return names
}

func (r *batchRows) Close() error {
	r.rows.Close()
	err := r.rows.Err()
	if cerr := r.br.Close(); err == nil {
		err = cerr
	}
	return err
}

func (r *batchRows) Next(dest []driver.Value) error {
	more := r.more
	if r.first {
		r.first = false
	} else {
		more = r.rows.Next()
	}
	if !more {
		if err := r.rows.Err(); err != nil {
			return err
		}
		return io.EOF
	}
	if r.values == nil {
		r.values = valueFuncs(r.conn, r.rows.FieldDescriptions())
	}
	for i, raw := range r.rows.RawValues() {
		if raw == nil {
			dest[i] = nil
			continue
		}
		v, err := r.values[i](raw)
		if err != nil {
			return errors.Join(errors.New("convert a column of the transaction's first statement"), err)
		}
		dest[i] = v
	}
	return nil
}
