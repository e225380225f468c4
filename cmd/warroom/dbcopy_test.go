package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/testkit"
	"github.com/warroom/warroom/storage/postgres"
	"github.com/warroom/warroom/storage/sqlite"
)

// fillEveryTable writes rows of every kind into a new SQLite database:
// through the Service where it writes them, by hand where only the running
// server's machinery would. It fails when a table stays empty, so a table
// a later migration adds is covered here too.
func fillEveryTable(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	clock := testkit.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	e := testkit.NewService(t, testkit.WithClock(clock), testkit.WithTargets("slack"))
	svc := e.Svc
	for i, title := range []string{"Checkout errors", "Search slow", "Login down"} {
		inc, err := svc.Declare(ctx, bot.DeclareInput{Title: title, Severity: bot.Severity(i + 1), Service: "shop", Actor: "alice",
			Private: i == 2, Links: map[string]bot.Link{"pagerduty": {ID: "P1", URL: "https://pd.example/P1"}}})
		if err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Minute)
		if _, err := svc.Ack(ctx, bot.Cause{}, inc.Number, "bob"); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AssignRole(ctx, inc.Number, "alice", "commander", "bob"); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AddAction(ctx, inc.Number, "bob", bot.ActionInput{Title: "Add an alert", Owner: "carol"}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.LinkChannel(ctx, inc.Number, "slack", "C0"+string(rune('A'+i))); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Hour)
	}
	prb, err := svc.Problems().Create(ctx, "alice", "Checkout fails under load", bot.ProblemChange{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Problems().Link(ctx, "alice", bot.Everyone, prb.Number, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Problems().AddAction(ctx, "alice", prb.Number, bot.ActionInput{Title: "Load test checkout", Owner: "carol"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Resolve(ctx, bot.Cause{}, 1, "bob", "rolled back"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Reopen(ctx, 1, "bob"); err != nil { // a mark for the insights (incident_marks)
		t.Fatal(err)
	}
	if _, err := svc.Resolve(ctx, bot.Cause{}, 1, "bob", "rolled back again"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.HandleAlerts(ctx, bot.Cause{Delivery: bot.Delivery{Source: "alertmanager", Key: "d1"}}, []bot.Alert{{
		Source: "alertmanager", Fingerprint: "f1", GroupKey: "g1", Status: bot.AlertFiring, Title: "DiskFull",
		Labels: map[string]string{"severity": "critical"}, StartsAt: clock.Now().Add(-time.Minute),
		// A title that is the summary and a silence link stored as its base
		// (schema 39: silence_bases).
		Annotations: map[string]string{"summary": "DiskFull",
			bot.AnnotationSilence: bot.AlertmanagerSilenceURL("http://am.example:9093", map[string]string{"severity": "critical"})},
	}}); err != nil {
		t.Fatal(err)
	}
	if err := svc.SaveMessage(ctx, &bot.PostedMessage{Platform: "slack", Channel: "C0A", Ref: "card:INC-1", ExternalID: "1.2",
		Incident: 1, Body: json.RawMessage(packedCard), CreatedAt: clock.Now(), UpdatedAt: clock.Now()}); err != nil {
		t.Fatal(err)
	}
	if err := e.Store.PauseBucket(ctx, "slack:chat.postMessage:C0A", clock.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateToken(ctx, "alice", "grafana", bot.RoleViewer, false); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Store.HoldIntegration(ctx, "jira", "401 Unauthorized", clock.Now(), bot.DefaultProbeBackoff, false); err != nil {
		t.Fatal(err)
	}
	if err := e.Store.InTx(ctx, func(tx bot.Tx) error {
		return tx.SavePersonName(ctx, bot.PersonName{Platform: "slack", ID: "U0ALICE", Name: "Alice Smith", RefreshedAt: clock.Now()})
	}); err != nil {
		t.Fatal(err)
	}
	db := e.Store.DB()
	now := clock.Now().UnixMicro()
	for _, q := range []string{
		// A dead letter, moved as the outbox worker moves one.
		`INSERT INTO outbox_dead SELECT id, kind, incident, payload, order_key, coalesce_key, status, attempts, next_at, last_error, lease_owner, lease_until, created_at, target, failures, first_failed_at FROM outbox WHERE id = (SELECT MIN(id) FROM outbox)`,
		`DELETE FROM outbox WHERE id = (SELECT MIN(id) FROM outbox)`,
		// A finished job: gone from the outbox, its id never given again.
		`DELETE FROM outbox WHERE id = (SELECT MAX(id) FROM outbox)`,
		// A finished job not swept yet (a crash came first): marked done.
		`UPDATE outbox SET status = 'done' WHERE id = (SELECT MAX(id) FROM outbox)`,
		`INSERT INTO maintenance_windows (name, matchers, starts_at, ends_at, created_by, comment, created_at, suppressed)
			VALUES ('db-upgrade', '[{"name":"service","value":"db"}]', ?1, ?1 + 3600000000, 'alice', 'upgrade', ?1, 2)`,
		`INSERT INTO timers (incident, kind, level, due_at, created_at) VALUES (2, 'escalate', 1, ?1 + 600000000, ?1)`,
		`INSERT INTO postmortems (incident, body, generated_at, version) VALUES (1, '# INC-1 Checkout errors', ?1, 3)`,
		`INSERT INTO digest_runs (schedule, slot, owner, claimed_at) VALUES ('weekly', ?1, 'replica-a', ?1)`,
	} {
		if _, err := db.ExecContext(ctx, q, now); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	// A post that carries the draft, stored as a reference to it.
	if err := svc.SaveMessage(ctx, &bot.PostedMessage{Platform: "slack", Channel: "C0A", Ref: "post:INC-1", ExternalID: "1.3",
		Incident: 1, Body: json.RawMessage(draftPost), CreatedAt: clock.Now(), UpdatedAt: clock.Now()}); err != nil {
		t.Fatal(err)
	}
	var head []byte
	if err := db.QueryRowContext(ctx, `SELECT substr(body, 1, 2) FROM messages WHERE ref = 'post:INC-1'`).Scan(&head); err != nil ||
		string(head) != "\x00\x05" {
		t.Fatalf("the post carrying the draft is stored starting %q (%v), not as a reference to the draft", head, err)
	}
	// A card and its announcement saved together: the announcement
	// stored as a reference to the card.
	if err := svc.SaveMessages(ctx, copiedMessages(clock.Now(), packedCard)...); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRowContext(ctx, `SELECT substr(body, 1, 2) FROM messages WHERE ref = 'announce:INC-1'`).Scan(&head); err != nil ||
		string(head) != "\x00\x07" {
		t.Fatalf("the announcement is stored starting %q (%v), not as a reference to the card", head, err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	tables, err := sqliteTables(ctx, tx)
	if err != nil {
		t.Fatal(err)
	}
	for _, tb := range tables {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+quoteIdent(tb.name)).Scan(&n); err != nil || n == 0 {
			t.Errorf("table %s has no rows (%v): give it some in fillEveryTable", tb.name, err)
		}
	}
	_ = tx.Rollback()
	return e.Path
}

// packedCard is long enough to be stored packed (a BLOB in SQLite).
const packedCard = `{"title":"SEV2 INC-1: Checkout errors","fields":[{"label":"Status","value":"triggered"},` +
	`{"label":"Severity","value":"SEV2"}],"severity":2,"incident":1}`

// copiedMessages are a card and its announcement with the same body.
func copiedMessages(at time.Time, body string) []*bot.PostedMessage {
	return []*bot.PostedMessage{
		{Platform: "slack", Channel: "C0A", Ref: "thread:INC-1", ExternalID: "1.4", Incident: 1, Body: json.RawMessage(body), CreatedAt: at, UpdatedAt: at},
		{Platform: "slack", Channel: "C0B", Ref: "announce:INC-1", ExternalID: "1.5", Incident: 1, Body: json.RawMessage(body), CreatedAt: at, UpdatedAt: at},
	}
}

// draftPost is a post long enough to carry fillEveryTable's postmortem
// draft of INC-1 as a reference.
var draftPost = `{"title":"Postmortem draft: INC-1","text":"# INC-1 Checkout errors","pad":"` + strings.Repeat("x", 600) + `"}`

// TestDBCopyToPostgres: every kind of row moves; the export, timelines and
// audit read the same from both; numbering continues; a non-empty target
// is refused unless --force-empty.
func TestDBCopyToPostgres(t *testing.T) {
	dsn := testkit.PostgresSchema(t)
	ctx := context.Background()
	src := fillEveryTable(t)
	lookup := env("WARROOM_DB", src)

	code, stdout, stderr := runCLI(t, lookup, "db", "copy", "--to", dsn)
	if code != exitOK || !strings.Contains(stdout, "row counts verified") {
		t.Fatalf("db copy: exit %d\n%s%s", code, stdout, stderr)
	}
	for _, want := range []string{"incidents", "timeline", "outbox_dead", "seen", "messages", "audit"} {
		if !strings.Contains(stdout, want+" ") {
			t.Errorf("the report names no %s:\n%s", want, stdout)
		}
	}
	pg, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	var done, left int
	if err := pg.QueryRowContext(ctx, `SELECT COUNT(*) FILTER (WHERE status = 'done'), COUNT(*) FROM outbox`).Scan(&done, &left); err != nil {
		t.Fatal(err)
	}
	if done != 0 || left == 0 {
		t.Errorf("PostgreSQL's outbox holds %d jobs, %d of them done: the copy should leave the done ones behind and keep the rest", left, done)
	}

	exp := func(db string) string {
		code, out, errOut := runCLI(t, env("WARROOM_DB", db), "export", "--format", "json")
		if code != exitOK {
			t.Fatalf("export from %s: exit %d %s", db, code, errOut)
		}
		return out
	}
	if a, b := exp(src), exp(dsn); a != b || !strings.Contains(a, "INC-3") {
		t.Errorf("exports differ\nSQLite:\n%s\nPostgreSQL:\n%s", a, b)
	}

	from, err := sqlite.Open(ctx, sqlite.Config{Path: src, ReadOnly: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer from.Close()
	to, err := postgres.Open(ctx, postgres.Config{DSN: dsn, MaxConns: 2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer to.Close()
	a, _ := bot.NewService(bot.Config{}, from, nil)
	b, _ := bot.NewService(bot.Config{Targets: []string{"slack"}}, to, nil)
	for n := int64(1); n <= 4; n++ { // INC-4 is the alert's
		ta, errA := a.Timeline(ctx, n)
		tb, errB := b.Timeline(ctx, n)
		if errA != nil || errB != nil || !reflect.DeepEqual(ta, tb) {
			t.Errorf("INC-%d timeline differs (%v, %v)\n%+v\n%+v", n, errA, errB, ta, tb)
		}
	}
	// Derived tables are not copied: the target's triggers fill them.
	marks := func(db *sql.DB) (n int) {
		if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM incident_marks").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if x, y := marks(from.DB()), marks(to.DB()); x == 0 || x != y {
		t.Errorf("incident_marks: %d rows in SQLite, %d in PostgreSQL", x, y)
	}
	au, _ := a.Audit(ctx, bot.AuditFilter{})
	bu, _ := b.Audit(ctx, bot.AuditFilter{})
	if len(au) == 0 || !reflect.DeepEqual(au, bu) {
		t.Errorf("audit differs: %d vs %d records", len(au), len(bu))
	}
	// Packed bodies (and a draft stored as text by an older warroom) read the same.
	if m, err := b.MessageByRef(ctx, "slack", "card:INC-1"); err != nil || string(m.Body) != packedCard {
		t.Errorf("the card copied as %+v, %v", m, err)
	}
	pa, errA := from.Postmortem(ctx, 1)
	pb, errB := to.Postmortem(ctx, 1)
	if errA != nil || errB != nil || !reflect.DeepEqual(pa, pb) {
		t.Errorf("postmortem differs (%v, %v): %+v vs %+v", errA, errB, pa, pb)
	}
	// The post that refers to the draft reads the same, also once the
	// draft is drafted again on PostgreSQL.
	if m, err := b.MessageByRef(ctx, "slack", "post:INC-1"); err != nil || string(m.Body) != draftPost {
		t.Errorf("the post carrying the draft copied as %+v, %v", m, err)
	}
	if err := to.InTx(ctx, func(tx bot.Tx) error {
		return tx.SavePostmortem(ctx, &bot.Postmortem{Incident: 1, Body: "# INC-1 drafted again", GeneratedAt: time.Now()})
	}); err != nil {
		t.Fatal(err)
	}
	if m, err := b.MessageByRef(ctx, "slack", "post:INC-1"); err != nil || string(m.Body) != draftPost {
		t.Errorf("the post carrying the draft, once the draft is drafted again: %+v, %v", m, err)
	}
	// The announcement that refers to the card reads the same, also once
	// the card alone is edited on PostgreSQL.
	if m, err := b.MessageByRef(ctx, "slack", "announce:INC-1"); err != nil || string(m.Body) != packedCard {
		t.Errorf("the announcement copied as %+v, %v", m, err)
	}
	// Saved with another message: PostgreSQL's one upsert for both leaves
	// the original alone, which is then saved as SaveMessage saves it.
	now := time.Now()
	edited := copiedMessages(now, `{"text":"edited on PostgreSQL"}`)[0]
	other := &bot.PostedMessage{Platform: "slack", Channel: "C0C", Ref: "status:INC-1", ExternalID: "1.9", Incident: 1,
		Body: json.RawMessage(`{"text":"status"}`), CreatedAt: now, UpdatedAt: now}
	if err := b.SaveMessages(ctx, edited, other); err != nil {
		t.Fatal(err)
	}
	if m, err := b.MessageByRef(ctx, "slack", "status:INC-1"); err != nil || string(m.Body) != string(other.Body) || m.ID != other.ID {
		t.Errorf("the message saved with the card: %+v, %v", m, err)
	}
	if m, err := b.MessageByRef(ctx, "slack", "announce:INC-1"); err != nil || string(m.Body) != packedCard {
		t.Errorf("the announcement, once the card is edited: %+v, %v", m, err)
	}
	if m, err := b.MessageByRef(ctx, "slack", "thread:INC-1"); err != nil || string(m.Body) != string(edited.Body) {
		t.Errorf("the card, edited: %+v, %v", m, err)
	}
	deadA, _ := a.OutboxJobs(ctx, true, 10)
	deadB, _ := b.OutboxJobs(ctx, true, 10)
	if len(deadA) != 1 || !reflect.DeepEqual(deadA, deadB) {
		t.Errorf("dead letters differ: %+v vs %+v", deadA, deadB)
	}

	// Numbering continues: the next incident follows the last one, the next job's id
	// is past every id SQLite gave.
	var seq, last int64
	if err := from.DB().QueryRowContext(ctx, "SELECT MAX(number) FROM incidents").Scan(&last); err != nil {
		t.Fatal(err)
	}
	if err := from.DB().QueryRowContext(ctx, "SELECT value FROM counters WHERE name = 'outbox'").Scan(&seq); err != nil {
		t.Fatal(err)
	}
	inc, err := b.Declare(ctx, bot.DeclareInput{Title: "After the move", Actor: "alice"})
	if err != nil || inc.Number != last+1 {
		t.Fatalf("declare after the copy: %v, %v (want INC-%d)", inc, err, last+1)
	}
	var next int64
	if err := to.DB().QueryRowContext(ctx, "SELECT MAX(id) FROM outbox").Scan(&next); err != nil || next <= seq {
		t.Errorf("a new job got id %d (%v), want past SQLite's %d", next, err, seq)
	}

	code, _, stderr = runCLI(t, lookup, "db", "copy", "--to", dsn)
	if code != exitUsage || !strings.Contains(stderr, "holds warroom data") || !strings.Contains(stderr, "--force-empty") {
		t.Errorf("copy into a used database: exit %d %s", code, stderr)
	}
	code, _, stderr = runCLI(t, lookup, "db", "copy", "--force-empty", "--to", dsn)
	if code != exitOK {
		t.Fatalf("copy --force-empty: exit %d %s", code, stderr)
	}
	if a, b := exp(src), exp(dsn); a != b {
		t.Errorf("exports differ after --force-empty")
	}
}

// TestDBCopyUsage: the argument errors need no PostgreSQL.
func TestDBCopyUsage(t *testing.T) {
	dir := t.TempDir()
	missing := env("WARROOM_DB", filepath.Join(dir, "none.db"))
	for _, tc := range []struct {
		name   string
		lookup func(string) (string, bool)
		args   []string
		code   int
		stderr string
	}{
		{"no target", missing, []string{"db", "copy"}, exitUsage, "--to postgres://"},
		{"not postgres", missing, []string{"db", "copy", "--to", "mysql://x"}, exitUsage, "--to postgres://"},
		{"missing source", missing, []string{"db", "copy", "--to", "postgres://u@127.0.0.1:1/x"}, exitNotFound, "no database"},
		{"postgres source", env("WARROOM_DB", "postgres://u@127.0.0.1:1/x"), []string{"db", "copy", "--to", "postgres://u@127.0.0.1:1/y"}, exitUsage, "PostgreSQL already"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tc.lookup, tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.stderr) {
				t.Errorf("exit %d, want %d; stderr: %s", code, tc.code, stderr)
			}
		})
	}
}

func TestRedactDSN(t *testing.T) {
	if got := redactDSN("postgres://u:secret@h:5432/db"); strings.Contains(got, "secret") {
		t.Errorf("redactDSN kept the password: %s", got)
	}
}
