package bot

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// alertNote is what the timeline says about one alert.
type alertNote struct{ title, fingerprint, source, group, route string }

// maxListed bounds the alerts one timeline entry names.
const maxListed = 20

// recordAlerts adds the timeline entry for notes, if any.
func (st *incState) recordAlerts(kind EntryKind, verb string, notes []alertNote) {
	if len(notes) == 0 {
		return
	}
	n := notes[0]
	data := map[string]string{"source": n.source, "group": n.group, "count": strconv.Itoa(len(notes))}
	if n.route != "" {
		data["route"] = n.route
	}
	if len(notes) == 1 {
		data["fingerprint"] = n.fingerprint
		st.c.record(kind, "Alert "+verb+": "+n.title, data)
		return
	}
	var titles, fps []string
	for i, x := range notes {
		if i == maxListed {
			break
		}
		fps = append(fps, x.fingerprint)
		if !slices.Contains(titles, x.title) {
			titles = append(titles, x.title)
		}
	}
	data["fingerprints"] = strings.Join(fps, ",")
	text := fmt.Sprintf("%d alerts %s: %s", len(notes), verb, strings.Join(titles, "; "))
	if len(notes) > maxListed {
		text += fmt.Sprintf(" (and others; %d fingerprints listed)", maxListed)
	}
	st.c.record(kind, SanitizeText(text, MaxTextLen), data)
}

// writeChange stores a change's timeline, its audit record when audit is
// set, and its posts.
func (b *alertBatch) writeChange(c *change, action string, before, after map[string]any, audit bool) error {
	if audit {
		return b.s.write(b.ctx, b.tx, c, action, before, after)
	}
	for _, e := range c.entries {
		if err := b.tx.AddEntry(b.ctx, e); err != nil {
			return fmt.Errorf("add timeline entry: %w", err)
		}
	}
	return b.s.enqueuePosts(b.ctx, b.tx, c)
}
