package console

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
)

// maxStream is how long one event stream lasts; the browser's EventSource
// reconnects by itself, so a stream never outlives a deploy by much.
const maxStream = 10 * time.Minute

// events streams server-sent events to a live incident list or incident
// page: "ready" at once, then, for the list, "change" whenever an incident
// changed (one index entry read per poll interval). For an incident page
// (?incident=INC-42&after=ID) it reads per interval the incident's row and
// only the timeline entries after the last one sent: "entries" carries
// new entries, rendered, for the page to append (a note, an alert); a
// change to the incident itself is "change", for the page to redraw.
// Each event's id is the newest entry sent, so a reconnecting browser
// (Last-Event-ID) misses nothing and gets nothing twice.
func (c *Console) events(w http.ResponseWriter, r *http.Request) {
	ctx, viewer := r.Context(), c.viewer(r)
	var poll func() (event, data string, err error)
	if k := r.URL.Query().Get("incident"); k != "" {
		n, err := bot.ParseKey(k)
		if err != nil {
			c.fail(w, err)
			return
		}
		if poll, err = c.incidentEvents(ctx, r, n, viewer); err != nil {
			c.fail(w, err)
			return
		}
	} else {
		var err error
		if poll, err = c.listEvents(ctx); err != nil {
			c.fail(w, err)
			return
		}
	}
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Now().Add(maxStream + time.Minute)) // longer than the server's write timeout
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	send := func(event, data string) bool {
		if _, err := fmt.Fprintf(w, "%sevent: %s\ndata: %s\n\n", c.eventID(event, data), event, data); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	if !send("ready", "") {
		return
	}
	tick := time.NewTicker(c.poll)
	defer tick.Stop()
	end := time.NewTimer(maxStream)
	defer end.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-end.C:
			return
		case <-tick.C:
		}
		event, data, err := poll()
		if err != nil {
			if ctx.Err() == nil {
				c.log.Warn("live updates", "err", err)
			}
			return
		}
		if event != "" && !send(event, data) {
			return
		}
	}
}

// eventID is the "id:" line of an incident page's events (none for the
// list's, whose data has no space): data starts with the newest entry's ID
// and a space.
func (c *Console) eventID(event, data string) string {
	id, _, ok := strings.Cut(data, " ")
	if event == "ready" || !ok {
		return ""
	}
	return "id: " + id + "\n"
}

// listEvents polls the newest change to any incident.
func (c *Console) listEvents(ctx context.Context) (func() (string, string, error), error) {
	last, err := c.svc.LastChange(ctx)
	if err != nil {
		return nil, err
	}
	return func() (string, string, error) {
		t, err := c.svc.LastChange(ctx)
		if err != nil || t.Equal(last) {
			return "", "", err
		}
		last = t
		return "change", strconv.FormatInt(t.UnixMicro(), 10), nil
	}, nil
}

// incidentEvents polls one incident's version and the entries after the
// last one the page has (Last-Event-ID, else ?after=, else the newest now).
func (c *Console) incidentEvents(ctx context.Context, r *http.Request, number int64, v bot.Viewer) (func() (string, string, error), error) {
	inc, err := c.svc.GetAs(ctx, number, v)
	if err != nil {
		return nil, err
	}
	version := inc.Version
	after, err := strconv.ParseInt(r.Header.Get("Last-Event-ID"), 10, 64)
	if err != nil {
		after, err = strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	}
	if err != nil || after < 0 {
		tl, err := c.svc.Timeline(ctx, number)
		if err != nil {
			return nil, err
		}
		after = 0
		if len(tl) > 0 {
			after = tl[len(tl)-1].ID
		}
	}
	return func() (string, string, error) {
		// The entries first, then the incident: a change commits its
		// timeline entry and the incident's new version together, so an
		// entry read here always comes with its version read next, and a
		// change is never sent as bare entries (the entry a redraw already
		// shows may follow; the page skips what it has).
		entries, err := c.svc.TimelineAfter(ctx, number, after)
		if err != nil {
			return "", "", err
		}
		inc, err := c.svc.GetAs(ctx, number, v)
		if err != nil {
			return "", "", err
		}
		if len(entries) > 0 {
			after = entries[len(entries)-1].ID
		}
		id := strconv.FormatInt(after, 10)
		switch {
		case inc.Version != version:
			version = inc.Version
			return "change", id + " " + strconv.FormatInt(version, 10), nil
		case len(entries) == 0:
			return "", "", nil
		}
		var html strings.Builder
		for _, e := range entries {
			frag, err := c.fragment("entry", e)
			if err != nil {
				return "", "", err
			}
			html.WriteString(frag)
		}
		b, err := json.Marshal(html.String())
		if err != nil {
			return "", "", err
		}
		return "entries", id + " " + string(b), nil
	}, nil
}
