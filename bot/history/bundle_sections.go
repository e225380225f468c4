package history

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/warroom/warroom/bot"
)

// section is one kind of row of a bundle: its name (the key of its
// lines), how it is read from the store, and how a line is decoded,
// checked and written back.
type section struct {
	name string
	read func(ctx context.Context, r bot.HistoryReader, emit func(v any) error) error
	// load decodes and checks one row; put writes it.
	load func(raw json.RawMessage, c *checker) (put func(ctx context.Context, w bot.HistoryWriter) error, err error)
}

// newSection ties a row type to the store's reader and writer methods
// and to its check.
func newSection[T any](name string,
	each func(bot.HistoryReader, context.Context, func(*T) error) error,
	check func(*T, *checker) error,
	put func(bot.HistoryWriter, context.Context, *T) error,
) section {
	return section{
		name: name,
		read: func(ctx context.Context, r bot.HistoryReader, emit func(any) error) error {
			return each(r, ctx, func(v *T) error { return emit(v) })
		},
		load: func(raw json.RawMessage, c *checker) (func(context.Context, bot.HistoryWriter) error, error) {
			v := new(T)
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.DisallowUnknownFields()
			if err := dec.Decode(v); err != nil {
				return nil, err
			}
			if err := check(v, c); err != nil {
				return nil, err
			}
			return func(ctx context.Context, w bot.HistoryWriter) error { return put(w, ctx, v) }, nil
		},
	}
}

// sections are a bundle's sections in the order they are written: rows
// only refer to rows of earlier sections (an alert to its window and its
// incident), so one pass checks every reference.
var sections = []section{
	newSection("maintenance_window", bot.HistoryReader.EachWindow, checkWindow, bot.HistoryWriter.PutWindow),
	newSection("incident", bot.HistoryReader.EachIncident, checkIncident, bot.HistoryWriter.PutIncident),
	newSection("timeline_entry", bot.HistoryReader.EachEntry, checkEntry, bot.HistoryWriter.PutEntry),
	newSection("action_item", bot.HistoryReader.EachAction, checkAction, bot.HistoryWriter.PutAction),
	newSection("alert_group", bot.HistoryReader.EachAlertGroup, checkAlertGroup, bot.HistoryWriter.PutAlertGroup),
	newSection("alert", bot.HistoryReader.EachAlert, checkAlert, bot.HistoryWriter.PutAlert),
	newSection("postmortem", bot.HistoryReader.EachPostmortem, checkPostmortem, bot.HistoryWriter.PutPostmortem),
	newSection("timer", bot.HistoryReader.EachTimer, checkTimer, bot.HistoryWriter.PutTimer),
	newSection("problem", bot.HistoryReader.EachProblem, checkProblem, bot.HistoryWriter.PutProblem),
	newSection("problem_link", bot.HistoryReader.EachProblemLink, checkProblemLink, bot.HistoryWriter.PutProblemLink),
	newSection("problem_action", bot.HistoryReader.EachProblemAction, checkProblemAction, bot.HistoryWriter.PutProblemAction),
	newSection("audit_record", eachAudit, checkAudit, bot.HistoryWriter.PutAudit),
}

func eachAudit(r bot.HistoryReader, ctx context.Context, fn func(*bot.AuditRecord) error) error {
	return r.EachAudit(ctx, time.Time{}, fn)
}

// checker remembers the ids each section has given so far: duplicates
// and references to rows that are not in the bundle are errors.
type checker struct {
	ids  map[string]bitmap
	keys map[string]bool // alert group keys
}

func newChecker() *checker { return &checker{ids: map[string]bitmap{}, keys: map[string]bool{}} }

// add records id of a section's row; a zero, negative or repeated id is
// an error.
func (c *checker) add(section string, field string, id int64) error {
	if id <= 0 {
		return fmt.Errorf("%s: %d is not a positive number", field, id)
	}
	b := c.ids[section]
	if b == nil {
		b = bitmap{}
		c.ids[section] = b
	}
	if b.has(id) {
		return fmt.Errorf("%s: %d appears twice", field, id)
	}
	b.set(id)
	return nil
}

// ref checks that a row refers to an incident of the bundle.
func (c *checker) ref(field string, number int64) error {
	if !c.ids["incident"].has(number) {
		return fmt.Errorf("%s: %s is not an incident of the bundle", field, bot.FormatKey(number))
	}
	return nil
}

func required(field, v string) error {
	if v == "" {
		return fmt.Errorf("%s: required", field)
	}
	return nil
}

func checkWindow(w *bot.StoredWindow, c *checker) error {
	if err := c.add("maintenance_window", "id", w.ID); err != nil {
		return err
	}
	if w.EndsAt.Before(w.StartsAt) {
		return errors.New("ends_at: before starts_at")
	}
	for _, m := range w.Matchers {
		if _, err := m.Compile(); err != nil {
			return fmt.Errorf("matchers: %w", err)
		}
	}
	return nil
}

func checkIncident(inc *bot.Incident, c *checker) error {
	if err := c.add("incident", "number", inc.Number); err != nil {
		return fmt.Errorf("%w (%s)", err, inc.Key())
	}
	switch {
	case inc.Title == "":
		return errors.New("title: required")
	case bot.SanitizeTitle(inc.Title, bot.MaxTitleLen) != inc.Title:
		return errors.New("title: holds characters or a length warroom never stores (control, zero-width or bidi characters, line breaks, over 200 characters)")
	case !inc.Severity.Valid():
		return fmt.Errorf("severity: %d is not 1 to 4", inc.Severity)
	case !inc.Status.Valid():
		return fmt.Errorf("status: %q is not a status like resolved", inc.Status)
	case inc.DeclaredAt.IsZero():
		return errors.New("declared_at: required")
	case inc.Version < 0:
		return errors.New("version: negative")
	}
	return nil
}

func checkEntry(e *bot.Entry, c *checker) error {
	if err := c.add("timeline_entry", "id", e.ID); err != nil {
		return err
	}
	if !e.Kind.Valid() {
		return fmt.Errorf("kind: %q is not a timeline entry kind", e.Kind)
	}
	return c.ref("incident", e.Incident)
}

func checkAction(a *bot.ActionItem, c *checker) error {
	if err := c.add("action_item", "id", a.ID); err != nil {
		return err
	}
	if err := checkActionFields(a.Kind, a.Status, a.Seq); err != nil {
		return err
	}
	return c.ref("incident", a.Incident)
}

// checkActionFields checks what an incident's and a problem's action items share.
func checkActionFields(kind bot.ActionKind, status bot.ActionStatus, seq int) error {
	if _, err := bot.ParseActionKind(string(kind)); err != nil || kind == "" {
		return fmt.Errorf("kind: %q is not corrective, preventive or detective", kind)
	}
	if status != bot.ActionOpen && status != bot.ActionDone {
		return fmt.Errorf("status: %q is not open or done", status)
	}
	if seq < 1 {
		return errors.New("seq: below 1")
	}
	return nil
}

func checkAlertGroup(g *bot.AlertGroup, c *checker) error {
	if err := required("key", g.Key); err != nil {
		return err
	}
	if c.keys[g.Key] {
		return fmt.Errorf("key: %q appears twice", g.Key)
	}
	c.keys[g.Key] = true
	return c.ref("incident", g.Incident)
}

func checkAlert(a *bot.StoredAlert, c *checker) error {
	if err := c.add("alert", "id", a.ID); err != nil {
		return err
	}
	if err := errors.Join(required("source", a.Source), required("fingerprint", a.Fingerprint)); err != nil {
		return err
	}
	if a.Status != bot.AlertFiring && a.Status != bot.AlertResolved {
		return fmt.Errorf("status: %q is not firing or resolved", a.Status)
	}
	if a.Window != 0 && !c.ids["maintenance_window"].has(a.Window) {
		return fmt.Errorf("window: %d is not a maintenance window of the bundle", a.Window)
	}
	if a.Incident != 0 {
		return c.ref("incident", a.Incident)
	}
	return nil
}

func checkPostmortem(p *bot.Postmortem, c *checker) error {
	if err := c.ref("incident", p.Incident); err != nil {
		return err
	}
	if err := c.add("postmortem", "incident", p.Incident); err != nil {
		return err
	}
	if p.Version < 1 {
		return errors.New("version: below 1")
	}
	return nil
}

func checkTimer(t *bot.Timer, c *checker) error {
	if err := c.add("timer", "id", t.ID); err != nil {
		return err
	}
	if err := required("kind", t.Kind); err != nil {
		return err
	}
	return c.ref("incident", t.Incident)
}

func checkAudit(a *bot.AuditRecord, c *checker) error {
	if err := c.add("audit_record", "id", a.ID); err != nil {
		return err
	}
	return required("action", a.Action)
}
