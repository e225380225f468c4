// Package sqlstore is the database/sql implementation of bot.Store shared by
// storage/sqlite and storage/postgres. Both databases take the same
// statements ($n placeholders, ON CONFLICT, RETURNING); a small Dialect
// carries the few differences (row locks, SKIP LOCKED, the migration lock,
// how a unique violation looks, whether to prepare statements).
//
// It imports bot and the standard library only; the drivers are chosen by
// the packages that open the databases.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"

	"github.com/warroom/warroom/bot"
)

// Dialect is what differs between the databases.
type Dialect struct {
	Name string // for logs: "sqlite", "postgres"
	// ForUpdate is appended to the statement that reads and holds an
	// incident ("FOR UPDATE"); empty where a transaction already excludes
	// every other writer (SQLite).
	ForUpdate string
	// SkipLocked is appended to the claim subquery ("FOR UPDATE SKIP LOCKED").
	SkipLocked string
	// CoalesceConflict ends an enqueue (and a dead job's replay): where
	// pending jobs' coalesce keys are unique (PostgreSQL's outbox_coalesce),
	// the ON CONFLICT clause naming that index, so that a concurrent twin
	// adds nothing while any other conflict (an id the sequence gives
	// again) fails the enqueue instead of dropping the job as coalesced.
	// "" where one writer and the NOT EXISTS check suffice (SQLite).
	CoalesceConflict string
	// OutboxNextID is the id of a new outbox job, where the table's own
	// numbering could give an id again (SQLite without AUTOINCREMENT: one
	// past the highest row); empty where a sequence gives it (PostgreSQL).
	// It must never give an id twice: a posted message names its job.
	OutboxNextID string
	// AuditInTimeline keeps an incident's audit records as rows of
	// timeline with action set (schema 35 on SQLite: the entry and the
	// record of one change share a leaf and timeline_incident, where two
	// tables wrote four B-trees); entries and records then take ids one
	// past the highest of both tables (records.go).
	AuditInTimeline bool
	// Unindexed is written before a column in a condition ("+": the same
	// value) to keep the planner from walking that column's index where
	// another one bounds the rows better, for a planner without statistics
	// (SQLite): the severity of a list of statuses but closed, which
	// incidents_unclosed carries (schema 42: the severity index's entries
	// carry no status, so every row of the severity would be read), and the
	// severity, service and source filters of the KPI statements bounded by
	// their period or by the open statuses. Empty for PostgreSQL.
	Unindexed string
	// LastChange reads the newest updated_at of any incident (NULL for
	// none), where a store keeps it elsewhere than in an index of
	// incidents (SQLite since schema 36: counters' 'changed' row).
	LastChange string
	// MigrationLock runs first in every migration transaction; empty for none.
	MigrationLock string
	// GroupLock takes a transaction-scoped lock on an alert group key ($1),
	// so that two processes never both declare an incident for one group;
	// empty where one writer excludes every other (SQLite).
	GroupLock string
	// IsUniqueViolation reports whether err is a unique-constraint violation.
	IsUniqueViolation func(error) bool
	// Prepare makes the writer prepare its statements once at Open and reuse
	// them in every transaction. Worth it where the writer is one connection
	// (SQLite); pgx caches statements per connection by itself.
	Prepare bool
	// Positional prepares a statement whose parameters $1 … $n appear
	// once each, in order, with ? instead (positional.go): SQLite's driver
	// binds those without looking each parameter's name up.
	Positional bool
	// LastInsertID reads a new row's id from the driver's result rather than
	// from RETURNING id, which costs a result set (SQLite).
	LastInsertID bool
	// Bytewise follows ORDER BY on a text column to sort it byte by byte
	// whatever the database's collation (` COLLATE "C"`); empty where
	// that is the default (SQLite).
	Bytewise string
	// ResetIdentity moves the id sequence of table %[1]s past its highest
	// id, after rows were written with their ids; empty where the next id
	// follows the highest by itself (SQLite).
	ResetIdentity string
	// Tombstones marks a finished outbox job done and deletes such jobs a
	// batch at a time, instead of deleting each when it finishes: on
	// SQLite a delete writes a page of the table and of each outbox index,
	// the mark only the table's (outbox.go).
	Tombstones bool
	// GroupCommit lets concurrent InTx calls share one transaction, each
	// in a savepoint of its own (groupcommit.go).
	GroupCommit bool
	// OneWriter says the writer is one connection whose transaction
	// excludes every other writer (SQLite's BEGIN IMMEDIATE): a statement
	// in it never waits on a lock, so a group call's statements run
	// without its caller's deadline. A context that can end costs the
	// SQLite driver a goroutine per statement to watch it.
	OneWriter bool
	// TitleMatch is the condition that an incident's title holds each of
	// words (lower case letters and digits, at least one), the last as the
	// start of a word (what is being typed), against the full-text index
	// of titles; param is the placeholder of the one argument it returns.
	// Whole words keep a common word cheap: only a prefix reads every
	// word it starts.
	TitleMatch func(words []string, param string) (cond string, arg string)
	// UpsertMessages saves a posted message with one upsert and leaves
	// its body unpadded (messages.go), where an edit writes a new row
	// version whatever its size (PostgreSQL): no read of the stored size
	// first, and Store.SaveMessage needs no transaction around it.
	UpsertMessages bool
	// NextNumber gives a new incident its number (schema 34), in place of
	// the UPDATE of the counters row, whose lock holds every other declare
	// until the transaction ends; "" keeps the counter (SQLite, where the
	// one writer waits for nobody). AdvanceNumber ($1, the highest number
	// imported) moves both on after an import.
	NextNumber, AdvanceNumber string
	// FieldValue is the text of key (placeholder param) in the JSON
	// object of column col: a custom field's value, NULL when unset.
	FieldValue func(col, param string) string
}

// Config is what Open needs.
type Config struct {
	Writer     *sql.DB // transactions and outbox writes
	Reader     *sql.DB // Reader methods; nil: Writer
	Dialect    Dialect
	Migrations fs.FS // NNNN_name.sql files at its root
	// ReadOnly neither migrates nor prepares writes: the schema must be
	// current already (warroom route --dry-run).
	ReadOnly bool
}

// Store implements bot.Store over database/sql.
type Store struct {
	w, r   *sql.DB
	d      Dialect
	latest int64
	stmts  map[string]*sql.Stmt // on the writer
	// finished are the outbox jobs marked done and not yet swept
	// (Dialect.Tombstones).
	finished finished
	leases   leaseChecks          // when a claim looks for lapsed leases
	rstmts   map[string]*sql.Stmt // on the reader pool
	unprep   unprepared
	group    grouper // InTx calls waiting to share a transaction
	handoff  handoffs
	seen     channelsSeen
	silences silenceBases
}

var _ bot.Store = (*Store)(nil)

// Open applies pending migrations, prepares the writer's statements and
// returns the store. It does not close the databases on failure.
func Open(ctx context.Context, cfg Config, log *slog.Logger) (*Store, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.Reader == nil {
		cfg.Reader = cfg.Writer
	}
	if cfg.Dialect.IsUniqueViolation == nil {
		cfg.Dialect.IsUniqueViolation = func(error) bool { return false }
	}
	migs, err := loadMigrations(cfg.Migrations)
	if err != nil {
		return nil, err
	}
	s := &Store{w: cfg.Writer, r: cfg.Reader, d: cfg.Dialect, latest: migs[len(migs)-1].version}
	if cfg.ReadOnly {
		if err := s.Ping(ctx); err != nil {
			return nil, err
		}
		return s, nil
	}
	if err := migrate(ctx, cfg.Writer, cfg.Dialect, migs, log); err != nil {
		return nil, err
	}
	if cfg.Dialect.Prepare {
		if err := s.prepare(ctx); err != nil {
			s.closeStmts()
			return nil, err
		}
	}
	if err := s.sweepFinished(ctx, true); err != nil {
		s.closeStmts()
		return nil, fmt.Errorf("sweep finished jobs: %w", err)
	}
	return s, nil
}

// prepare readies every fixed statement the writer runs.
func (s *Store) prepare(ctx context.Context) error {
	s.stmts = make(map[string]*sql.Stmt, len(writerStatements))
	for _, q := range writerStatements {
		st, err := s.w.PrepareContext(ctx, s.params(s.sql(q)))
		if err != nil {
			return fmt.Errorf("prepare statement: %w", err)
		}
		s.stmts[q] = st
	}
	s.rstmts = make(map[string]*sql.Stmt, len(readerStatements))
	for _, q := range readerStatements {
		st, err := s.r.PrepareContext(ctx, s.params(s.sql(q)))
		if err != nil {
			return fmt.Errorf("prepare statement: %w", err)
		}
		s.rstmts[q] = st
	}
	return nil
}

// params writes q's parameters as the dialect binds them fastest.
func (s *Store) params(q string) string {
	if s.d.Positional {
		return positional(q)
	}
	return q
}

func (s *Store) closeStmts() {
	for _, st := range s.stmts {
		_ = st.Close()
	}
	for _, st := range s.rstmts {
		_ = st.Close()
	}
	s.stmts, s.rstmts = nil, nil
}

// sql fills in a statement's dialect parts.
func (s *Store) sql(q string) string {
	switch q {
	case qNextNumber:
		if s.d.NextNumber != "" {
			return s.d.NextNumber
		}
	case qAdvanceCounter:
		if s.d.AdvanceNumber != "" {
			return s.d.AdvanceNumber
		}
	case qLockIncident, qLockByChan, qLockWindow, qBudgetLock, qHoldMessage, qLockPostmortem, qLockDraftIn:
		return fmt.Sprintf(q, s.d.ForUpdate)
	case qClaim, qClaimAny, qClaimLapsed, qClaimAnyLapsed, qClaimTimer:
		return fmt.Sprintf(q, s.d.SkipLocked)
	case qReplayDead:
		return fmt.Sprintf(q, s.d.CoalesceConflict)
	case qEnqueue, qEnqueueClaimed:
		col, val := "", ""
		if s.d.OutboxNextID != "" {
			col, val = "id, ", s.d.OutboxNextID+", "
		}
		q = fmt.Sprintf(q, col, val, s.d.CoalesceConflict)
		if !s.d.LastInsertID {
			return q + " RETURNING id"
		}
	case qTimeline:
		return s.d.recordSQL(q)
	case qAddEntry, qAddAudit, qAddAuditA, qAddAction, qInsertAlert, qCreateWindow:
		q = s.d.recordSQL(q)
		if !s.d.LastInsertID {
			return q + " RETURNING id"
		}
	}
	return q
}

// SchemaVersion is the newest migration this code knows.
func (s *Store) SchemaVersion() int64 { return s.latest }

// InTx runs fn in one transaction on the writer. fn must do its writing
// through tx: on SQLite the writer is a single connection, so calling the
// store's own writing methods (Claim, Complete, ...) from fn would wait for
// it forever.
//
// With Dialect.GroupCommit, concurrent calls share one transaction and one
// commit (groupcommit.go); each still commits or fails as a whole, alone.
func (s *Store) InTx(ctx context.Context, fn func(tx bot.Tx) error) error {
	if s.d.GroupCommit {
		return s.inGroup(ctx, fn)
	}
	sqltx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	finished := false
	defer func() {
		if !finished { // fn failed or panicked
			_ = sqltx.Rollback()
		}
	}()
	t := &tx{s: s, tx: sqltx}
	defer t.handOver(0, false) // nothing left once committed
	if err := t.call(ctx, fn); err != nil {
		return err
	}
	finished = true
	if err := sqltx.Commit(); err != nil {
		return fmt.Errorf("commit transaction: %w", err)
	}
	t.handOver(0, true)
	t.remember()
	return nil
}

// Ping reports whether the database answers and its schema is the one this
// code knows.
func (s *Store) Ping(ctx context.Context) error {
	v, err := currentVersion(ctx, s.r)
	if err != nil {
		return fmt.Errorf("ping database: %w", err)
	}
	switch {
	case v > s.latest:
		return newerError(v, s.latest)
	case v < s.latest:
		return fmt.Errorf("database schema version %d is older than this warroom needs (%d); run warroom migrate", v, s.latest)
	}
	return nil
}

// Close releases the statements and both databases.
func (s *Store) Close() error {
	var errs []error
	if err := s.sweepFinished(context.Background(), false); err != nil {
		errs = append(errs, fmt.Errorf("sweep finished jobs: %w", err))
	}
	s.closeStmts()
	if s.r != s.w {
		errs = append(errs, s.r.Close())
	}
	errs = append(errs, s.w.Close())
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close database: %w", err)
	}
	return nil
}

// DB returns the writer, for callers that need the database itself
// (tests, leadership locks).
func (s *Store) DB() *sql.DB { return s.w }

// wexec runs a fixed statement on the writer outside a transaction of the
// caller's; with group commit it joins the next group transaction, so that
// the outbox worker's claims and completions share commits with commands.
func (s *Store) wexec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if s.d.GroupCommit {
		var res sql.Result
		err := s.inGroup(ctx, func(btx bot.Tx) error {
			var err error
			res, err = btx.(*tx).exec(ctx, q, args...)
			return err
		})
		return res, err
	}
	if st := s.stmts[q]; st != nil {
		return st.ExecContext(ctx, args...)
	}
	s.fallback(q)
	return s.w.ExecContext(ctx, s.sql(q), args...)
}

// wscan runs a fixed query that writes on the writer outside a
// transaction of the caller's and hands each row to scan (grouped as
// wexec is).
func (s *Store) wscan(ctx context.Context, scan func(*sql.Rows) error, q string, args ...any) error {
	run := func(query func(context.Context, string, ...any) (*sql.Rows, error)) error {
		rows, err := query(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				return err
			}
		}
		return rows.Err()
	}
	if s.d.GroupCommit {
		return s.inGroup(ctx, func(btx bot.Tx) error { return run(btx.(*tx).query) })
	}
	return run(s.wquery)
}

// rqueryRow runs a fixed query on the reader pool.
func (s *Store) rqueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	if st := s.rstmts[q]; st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return s.r.QueryRowContext(ctx, s.sql(q), args...)
}

// rquery runs a fixed query on the reader pool.
func (s *Store) rquery(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := s.rstmts[q]; st != nil {
		return st.QueryContext(ctx, args...)
	}
	return s.r.QueryContext(ctx, s.sql(q), args...)
}

// wquery runs a fixed query on the writer outside a transaction.
func (s *Store) wquery(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := s.stmts[q]; st != nil {
		return st.QueryContext(ctx, args...)
	}
	s.fallback(q)
	return s.w.QueryContext(ctx, s.sql(q), args...)
}

// fallback notes that q runs unprepared where statements are prepared.
func (s *Store) fallback(q string) {
	if s.stmts != nil {
		s.unprep.note(q)
	}
}

// tx is one bot.Tx.
type tx struct {
	s     *Store
	tx    *sql.Tx
	bound map[string]*sql.Stmt // prepared statements bound to tx, reused within it
	// images are the stored values of the incidents locked in tx, by
	// number (incidents.go: an update sets the indexed columns that changed).
	images map[int64][]any
	// draft is the postmortem draft tx stored last, packed, which a job
	// of tx that carries it reuses (bodies.go, packCarry).
	draft *storedDraft
	// added are the channels whose rows this transaction added (channels.go).
	added map[channelKey]bool
	// addedBases are the silence bases whose rows this transaction added
	// (silences.go).
	addedBases map[string]bool
	// originals and owed are the current call's messages that a copy may
	// refer to and the copies it owes their bodies (copies.go).
	originals map[originalKey]original
	owed      map[int64]owedCopy
	// ctx, when set, replaces the context each call passes: a group
	// transaction's statements run under the group's (groupcommit.go).
	ctx context.Context
	// entry is the last timeline entry tx added that holds no audit
	// record yet: the record of the same change joins its row
	// (records_timeline.go).
	entry lastEntry
	// handed are the jobs tx wrote claimed by hand, the worker they go
	// to once tx committed (handoff.go).
	handed []bot.Job
	hand   bot.Handoff
}

// use returns the context a statement runs under.
func (t *tx) use(ctx context.Context) context.Context {
	if t.ctx != nil {
		return t.ctx
	}
	return ctx
}

// stmt returns the prepared statement q bound to the transaction, or nil
// when q is not prepared. Binding allocates, and a transaction often runs
// one statement several times (timers, timeline entries), so each is bound
// once; database/sql closes them when the transaction ends.
func (t *tx) stmt(ctx context.Context, q string) *sql.Stmt {
	ctx = t.use(ctx)
	if st := t.bound[q]; st != nil {
		return st
	}
	st := t.s.stmts[q]
	if st == nil {
		return nil
	}
	if t.bound == nil {
		t.bound = make(map[string]*sql.Stmt, 16)
	}
	bst := t.tx.StmtContext(ctx, st)
	t.bound[q] = bst
	return bst
}

func (t *tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	ctx = t.use(ctx)
	if st := t.stmt(ctx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	t.s.fallback(q)
	return t.tx.ExecContext(ctx, t.s.sql(q), args...)
}

func (t *tx) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	ctx = t.use(ctx)
	if st := t.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	t.s.fallback(q)
	return t.tx.QueryRowContext(ctx, t.s.sql(q), args...)
}

func (t *tx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	ctx = t.use(ctx)
	if st := t.stmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	t.s.fallback(q)
	return t.tx.QueryContext(ctx, t.s.sql(q), args...)
}

// insert runs an INSERT of one row and returns its id, or 0 when ON
// CONFLICT DO NOTHING left the row out.
func (t *tx) insert(ctx context.Context, q string, args ...any) (int64, error) {
	if !t.s.d.LastInsertID {
		var id int64
		err := t.queryRow(ctx, q, args...).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, nil
		}
		return id, err
	}
	res, err := t.exec(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return 0, err
	}
	return res.LastInsertId()
}

// affected turns "no row changed" into bot.ErrNotFound.
func affected(res sql.Result, what string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", what, bot.ErrNotFound)
	}
	return nil
}
