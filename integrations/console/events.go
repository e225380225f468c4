package console

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/warroom/warroom/bot"
)

// maxStream is how long one event stream lasts; the browser's EventSource
// reconnects by itself, so a stream never outlives a deploy by much.
const maxStream = 10 * time.Minute

// events streams server-sent events to a live incident list or incident
// page: "ready" at once, then "change" whenever an incident changed (with
// ?incident=INC-42, whenever that incident or its timeline did). It checks
// every poll interval, reading one index entry (the newest change) or one
// incident and its timeline.
func (c *Console) events(w http.ResponseWriter, r *http.Request) {
	var number int64
	if k := r.URL.Query().Get("incident"); k != "" {
		n, err := bot.ParseKey(k)
		if err != nil {
			c.fail(w, err)
			return
		}
		number = n
	}
	ctx, viewer := r.Context(), c.viewer(r)
	fingerprint := func() (string, error) {
		if number > 0 {
			// Notes add to the timeline without changing the incident.
			inc, err := c.svc.GetAs(ctx, number, viewer)
			if err != nil {
				return "", err
			}
			tl, err := c.svc.Timeline(ctx, number)
			if err != nil {
				return "", err
			}
			var lastEntry int64
			if len(tl) > 0 {
				lastEntry = tl[len(tl)-1].ID
			}
			return strconv.FormatInt(inc.Version, 10) + "." + strconv.FormatInt(lastEntry, 10), nil
		}
		t, err := c.svc.LastChange(ctx)
		return strconv.FormatInt(t.UnixMicro(), 10), err
	}
	last, err := fingerprint()
	if err != nil {
		c.fail(w, err)
		return
	}
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Now().Add(maxStream + time.Minute)) // longer than the server's write timeout
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	send := func(event, data string) bool {
		if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, data); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	if !send("ready", last) {
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
		fp, err := fingerprint()
		if err != nil {
			if ctx.Err() == nil {
				c.log.Warn("live updates", "err", err)
			}
			return
		}
		if fp != last {
			last = fp
			if !send("change", fp) {
				return
			}
		}
	}
}
