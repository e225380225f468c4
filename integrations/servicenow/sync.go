package servicenow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/internal/ticket"
)

const tablePath = "/api/now/table/incident"

// fields read back to compare with the incident.
const readFields = "sys_id,number,short_description,description,impact,urgency,state,hold_reason,close_code,close_notes"

// readFields are readFields and the columns of the field map.
func (s *ServiceNow) readFields() string {
	cols := readFields
	for _, name := range slices.Sorted(maps.Keys(s.cfg.FieldMap)) {
		cols += "," + s.cfg.FieldMap[name]
	}
	return cols
}

// handleSync makes the record match the incident as it is now.
func (s *ServiceNow) handleSync(ctx context.Context, job bot.Job) error {
	inc, err := s.incident(ctx, job.Incident)
	if err != nil {
		return err
	}
	defer s.locks.Lock(inc.Number)()
	rec, created, err := s.ensure(ctx, inc)
	if err != nil || created {
		return err
	}
	return s.update(ctx, inc, rec)
}

// handleComment writes one work note, once.
func (s *ServiceNow) handleComment(ctx context.Context, job bot.Job) error {
	var c bot.TicketComment
	if err := json.Unmarshal(job.Payload, &c); err != nil || c.Ref == "" {
		return bot.Permanent(fmt.Errorf("decode ticket comment: %v", err))
	}
	inc, err := s.incident(ctx, job.Incident)
	if err != nil {
		return err
	}
	defer s.locks.Lock(inc.Number)()
	rec, _, err := s.ensure(ctx, inc)
	if err != nil {
		return err
	}
	note := workNote(inc.Key(), ticket.Named(c, s.cfg.Names))
	id := rec["sys_id"]
	if job.Attempts > 1 {
		// an earlier attempt may have written it: the journal says
		var cur record
		q := url.Values{"sysparm_fields": {"work_notes"}, "sysparm_display_value": {"true"}}
		if err := s.api.do(ctx, "GET", tablePath+"/"+url.PathEscape(id), q, nil, &cur); err != nil {
			return s.outcome("read work notes of "+rec["number"], err)
		}
		if strings.Contains(cur["work_notes"], marker(inc.Key(), c.Ref)) {
			return nil
		}
	}
	if err := s.api.do(ctx, "PATCH", tablePath+"/"+url.PathEscape(id), nil, map[string]string{"work_notes": note}, nil); err != nil {
		return s.outcome("write a work note on "+rec["number"], err)
	}
	s.metrics.Writes.WithLabelValues("work_note").Inc()
	return nil
}

func (s *ServiceNow) incident(ctx context.Context, number int64) (*bot.Incident, error) {
	inc, err := s.svc.Get(ctx, number)
	if bot.ErrorCode(err) == bot.CodeNotFound || errors.Is(err, bot.ErrNotFound) {
		return nil, bot.Permanent(fmt.Errorf("%s does not exist", bot.FormatKey(number)))
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", bot.FormatKey(number), err)
	}
	return s.svc.Outward(inc), nil // a private incident under its neutral title
}

// ensure returns the incident's record: the linked one (by number), else
// the one whose correlation_id is the incident key (adopted), else a new
// one created with the current state (created is then true).
func (s *ServiceNow) ensure(ctx context.Context, inc *bot.Incident) (record, bool, error) {
	query := "correlation_id=" + inc.Key() + "^correlation_display=warroom^ORDERBYsys_created_on"
	l, linked := inc.Links[System]
	linked = linked && l.ID != ""
	var claim *bot.PostedMessage
	if linked {
		query = "number=" + l.ID
	} else {
		// Read before the lookup, and compared and set when claiming: a
		// create since then makes the claim fail.
		var err error
		if claim, err = s.createClaim(ctx, inc); err != nil {
			return nil, false, err
		}
	}
	var found []record
	// After a refused create the lookup would only find nothing again:
	// skipping it keeps a storm of incidents from spending a rate limit
	// on lookups, the creates refused again every window.
	if !released(claim) {
		q := url.Values{"sysparm_query": {query}, "sysparm_limit": {"1"}, "sysparm_fields": {s.readFields()},
			"sysparm_exclude_reference_link": {"true"}}
		if err := s.api.do(ctx, "GET", tablePath, q, nil, &found); err != nil {
			return nil, false, s.outcome("look up the servicenow incident of "+inc.Key(), err)
		}
	}
	if len(found) > 0 {
		rec := found[0]
		if l := inc.Links[System]; l.ID != rec["number"] {
			s.log.Info("adopted existing servicenow incident", "incident", inc.Key(), "record", rec["number"])
			if err := s.link(ctx, inc.Number, rec); err != nil {
				return nil, false, err
			}
		}
		return rec, false, nil
	}
	if linked {
		return nil, false, bot.Permanent(fmt.Errorf("servicenow incident %s of %s does not exist (or warroom may not read it)", l.ID, inc.Key()))
	}
	body, err := s.want(ctx, inc, nil)
	if err != nil {
		return nil, false, err
	}
	claim, err = s.claimCreate(ctx, inc, claim)
	if err != nil {
		return nil, false, err
	}
	body["correlation_id"] = inc.Key()
	body["correlation_display"] = "warroom"
	for k, v := range map[string]string{
		"assignment_group": s.cfg.AssignmentGroup, "caller_id": s.cfg.Caller, "category": s.cfg.Category,
		"subcategory": s.cfg.Subcategory, "cmdb_ci": s.cfg.CMDBCI,
	} {
		if v != "" {
			body[k] = v
		}
	}
	for k, v := range s.cfg.Fields {
		if _, set := body[k]; !set {
			body[k] = v
		}
	}
	rec, err := s.create(ctx, tablePath, s.readFields(), "create a servicenow incident for "+inc.Key(), body,
		func() { s.releaseCreate(ctx, claim) })
	if err != nil {
		return nil, false, err
	}
	s.metrics.Writes.WithLabelValues("create").Inc()
	s.log.Info("created servicenow incident", "incident", inc.Key(), "record", rec["number"])
	return rec, true, s.link(ctx, inc.Number, rec)
}

// create POSTs a record to the table at path and reads fields of it back.
// A failure whose outcome is unknown (a 5xx, a timeout, a cut connection)
// is retried after lookupWait: the next attempt looks the record up by its
// correlation_id first, so it is never created twice.
// A refused create (4xx) cannot have made a record: refused, when set, is
// called then (to let another attempt claim the create at once).
func (s *ServiceNow) create(ctx context.Context, path, fields, what string, body map[string]string, refused func()) (record, error) {
	var rec record
	q := url.Values{"sysparm_fields": {fields}, "sysparm_exclude_reference_link": {"true"}}
	err := s.api.do(ctx, "POST", path, q, body, &rec)
	if err == nil && rec["sys_id"] == "" {
		err = errors.New("the answer holds no sys_id")
	}
	if err == nil {
		return rec, nil
	}
	if ticket.IsClientError(err) {
		if refused != nil {
			refused()
		}
		return nil, s.outcome(what, err)
	}
	s.metrics.Errors.WithLabelValues(ticket.Class(err)).Inc()
	return nil, bot.RetryAfter(fmt.Errorf("%s (outcome unknown: the next attempt looks it up first): %w", what, err), lookupWait)
}

func (s *ServiceNow) link(ctx context.Context, number int64, rec record) error {
	l := bot.Link{ID: rec["number"], URL: s.recordURL(rec["sys_id"])}
	if l.ID == "" {
		l.ID = rec["sys_id"]
	}
	if _, err := s.svc.SetLink(ctx, bot.Cause{Origin: System}, number, "warroom", System, l); err != nil {
		return fmt.Errorf("link %s to %s: %w", l.ID, bot.FormatKey(number), err)
	}
	return nil
}

func (s *ServiceNow) recordURL(sysID string) string {
	return s.cfg.URL + "/nav_to.do?uri=" + url.QueryEscape("incident.do?sys_id="+sysID)
}

// want is the record's fields as the incident has them now; cur is the
// record as it is (nil when creating), so that state-bound fields are sent
// only with a state change.
func (s *ServiceNow) want(ctx context.Context, inc *bot.Incident, cur record) (map[string]string, error) {
	f := map[string]string{
		"short_description": shortDescription(inc),
		"description":       s.description(inc),
	}
	if iu, ok := s.cfg.Severity[inc.Severity]; ok {
		f["impact"], f["urgency"] = strconv.Itoa(iu.Impact), strconv.Itoa(iu.Urgency)
	}
	for name, col := range s.cfg.FieldMap {
		if name == "type" {
			f[col] = inc.Type
		} else {
			f[col] = inc.Fields[name]
		}
	}
	state := s.cfg.States[inc.Status]
	if state == 0 {
		return f, nil
	}
	f["state"] = strconv.Itoa(state)
	switch state {
	case StateOnHold:
		f["hold_reason"] = s.cfg.HoldReason
	case StateResolved, StateClosed:
		if cur == nil || cur["close_code"] == "" || cur["close_notes"] == "" || (cur["state"] != "6" && cur["state"] != "7") {
			notes, err := s.closeNotes(ctx, inc)
			if err != nil {
				return nil, err
			}
			f["close_code"], f["close_notes"] = s.cfg.CloseCode, notes
		}
	}
	return f, nil
}

// closeNotes is the last resolution summary on the timeline, or a sentence.
func (s *ServiceNow) closeNotes(ctx context.Context, inc *bot.Incident) (string, error) {
	tl, err := s.svc.Timeline(ctx, inc.Number)
	if err != nil {
		return "", fmt.Errorf("read the timeline of %s: %w", inc.Key(), err)
	}
	for i := len(tl) - 1; i >= 0; i-- {
		if tl[i].Kind == bot.EntryResolved && tl[i].Data["summary"] != "" {
			return tl[i].Data["summary"], nil
		}
	}
	msg := "Resolved in warroom (" + inc.Key() + ")"
	if d, ok := inc.TimeToResolve(); ok {
		msg += " after " + bot.FormatDuration(d)
	}
	return msg, nil
}

// update PATCHes the fields that differ. A refused move to Closed (many
// instances close incidents themselves) is dropped and the rest sent again.
func (s *ServiceNow) update(ctx context.Context, inc *bot.Incident, cur record) error {
	want, err := s.want(ctx, inc, cur)
	if err != nil {
		return err
	}
	set := map[string]string{}
	for k, v := range want {
		if strings.TrimSpace(cur[k]) != strings.TrimSpace(v) {
			set[k] = v
		}
	}
	if len(set) == 0 {
		return nil
	}
	// a state-bound field alone is not a change worth writing
	if _, ok := set["state"]; !ok {
		delete(set, "hold_reason")
	}
	if len(set) == 0 {
		return nil
	}
	path := tablePath + "/" + url.PathEscape(cur["sys_id"])
	err = s.api.do(ctx, "PATCH", path, nil, set, nil)
	if err != nil && set["state"] == strconv.Itoa(StateClosed) && ticket.IsClientError(err) && !refusedErr(err) {
		s.log.Warn("servicenow refused to close the incident; leaving it to the instance", "record", cur["number"], "err", err)
		delete(set, "state")
		if cur["state"] == strconv.Itoa(StateResolved) {
			delete(set, "close_code")
			delete(set, "close_notes")
		}
		if len(set) == 0 {
			return nil
		}
		err = s.api.do(ctx, "PATCH", path, nil, set, nil)
	}
	if err != nil {
		return s.outcome("update servicenow incident "+cur["number"], err)
	}
	s.metrics.Writes.WithLabelValues("update").Inc()
	return nil
}

func refusedErr(err error) bool {
	var ae *ticket.APIError
	return errors.As(err, &ae) && refused(ae)
}
