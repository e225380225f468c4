package sqlstore

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
)

// Timeline entries and audit records are stored without what the rest of
// the row already says (schema 27), and read back as they were written:
//
//   - An entry whose text is what its kind and data make by one of the
//     rules below (entryText) is stored with an empty text, and read back
//     with the rule's text: "Acknowledged", "console channel inc-42-db",
//     "Resolved: rolled back", "Postmortem draft v1 generated".
//   - A declaration's audit record (action "declare", no before image:
//     nil) is stored without the incident fields that are empty or false
//     (declareZero), nor its declared_at and started_at where they are
//     the record's own time (to the second, as the domain writes them),
//     and with an empty before column (not "null"), which marks it; it
//     reads back with them. A record with that action but another shape
//     (a partial image, an empty before map) is stored as it is.
//   - An acknowledgement's or a resolution's entry whose data holds the
//     status it moved to ("new") as its kind says (entryStatus) is stored
//     without it (schema 32), its data led by compactMark; it reads back
//     with it.
//   - Any other record that sets a lifecycle time (acknowledged_at,
//     mitigated_at, resolved_at, closed_at: "" before, the record's own
//     time to the second after, as a status change writes them) is stored
//     without those fields (schema 32), its before column led by
//     compactMark and one letter per field left out (setTimes); it
//     reads back with them.
//   - A channel link's record joined to its entry's row (SQLite, schema
//     35), whose after image is the entry's channel under "channel." and
//     the entry's platform and nothing else, as the domain writes it, is
//     stored with linkAfter as its after column (the entry's data holds
//     the channel name once); a declaration's record joined to its entry,
//     whose image's severity is the entry's data's and whose entry's text
//     is "Declared SEV: title", is stored without the severity and title,
//     its after column led by declareAfter; an acknowledgement's or a
//     resolution's record whose after image is the status its entry's
//     kind moves to (entryStatus) and nothing else is stored with
//     statusAfter (schema 40). They read back with the image.
//   - A channel link's entry whose data is its platform and channel and
//     nothing else, and a declaration's whose data is its severity and
//     source, store the two without JSON (pairData, schema 45); so does an
//     acknowledgement's or a resolution's whose data, without the status
//     it moved to, is the status it moved from and perhaps a summary
//     (statusPair), and a postmortem draft's whose data is its version
//     (soleData). They read back as JSON did.
//
// The rules are part of the stored format, frozen here rather than taken
// from the domain: a change to the domain's wording makes new entries
// store their text, and leaves old ones reading as they were written.
// Rows written before schema 27 hold their text and every field, and
// read back unchanged.

// entryText is the text the rule for kind makes from data, or "" when
// there is no rule for kind or data does not fit it.
func entryText(kind string, data map[string]string) string {
	switch kind {
	case "acknowledged":
		return "Acknowledged"
	case "reopened":
		return "Reopened"
	case "closed":
		return "Closed"
	case "resolved":
		if s := data["summary"]; s != "" {
			return "Resolved: " + s
		}
		return "Resolved"
	case "channel_linked":
		if data["platform"] != "" && data["channel"] != "" {
			return data["platform"] + " channel " + data["channel"]
		}
	case "postmortem":
		if v := data["version"]; v != "" {
			return "Postmortem draft v" + v + " generated"
		}
	}
	return ""
}

// storedEntryText is the text column for an entry: empty when a rule
// makes the same text.
func storedEntryText(kind, text string, data map[string]string) string {
	if text != "" && entryText(kind, data) == text {
		return ""
	}
	return text
}

// readEntryText is the text an entry's row reads back as.
func readEntryText(kind, stored string, data map[string]string) string {
	if stored == "" {
		return entryText(kind, data)
	}
	return stored
}

// declareZero are the incident fields a declaration's audit record leaves
// out when empty (or false), and their empty values.
var declareZero = map[string]any{
	"summary": "", "impact": "", "service": "", "private": false,
	"acknowledged_at": "", "mitigated_at": "", "resolved_at": "", "closed_at": "",
}

// compactBefore is the before column of a declaration's record stored
// without its empty fields.
const compactBefore = ""

// auditImages returns the before and after columns for an audit record.
func auditImages(a *bot.AuditRecord) (before, after string, err error) {
	if before, err = encode(a.Before); err != nil {
		return "", "", err
	}
	if a.Action != "declare" || a.Incident == 0 || a.Before != nil || !hasEveryZeroField(a.After) {
		return compactTimes(a, before)
	}
	at := recordTime(a.At)
	out := make(map[string]any, len(a.After))
	for k, v := range a.After {
		if z, ok := declareZero[k]; ok && isZero(v, z) {
			continue
		}
		if slices.Contains(declareTimes, k) && v == at {
			continue
		}
		out[k] = v
	}
	after, err = encode(out)
	return compactBefore, after, err
}

// declareTimes are the fields of a declaration's record left out when
// they hold the record's time.
var declareTimes = []string{"declared_at", "started_at"}

// recordTime is an audit record's time as the domain writes times into
// its images (RFC 3339, to the second, UTC).
func recordTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// hasEveryZeroField tells whether after holds every field of declareZero
// (set or not) and both times as text, as the domain's declaration
// records do.
func hasEveryZeroField(after map[string]any) bool {
	for k := range declareZero {
		if _, ok := after[k]; !ok {
			return false
		}
	}
	for _, k := range declareTimes {
		if _, ok := after[k].(string); !ok {
			return false
		}
	}
	return true
}

// readImages decodes an audit row's before and after columns into a.
func readImages(a *bot.AuditRecord, before, after string) error {
	if len(before) > 0 && before[0] == compactMark {
		return readTimes(a, before, after)
	}
	if err := decode(before, &a.Before); err != nil {
		return err
	}
	if err := decode(after, &a.After); err != nil {
		return err
	}
	if before == compactBefore && a.After != nil {
		for k, z := range declareZero {
			if _, ok := a.After[k]; !ok {
				a.After[k] = z
			}
		}
		for _, k := range declareTimes {
			if _, ok := a.After[k]; !ok {
				a.After[k] = recordTime(a.At)
			}
		}
	}
	return nil
}

// compactMark leads a column stored without fields that the rest of the
// row makes again; JSON text never starts with it.
const compactMark = '@'

// entryStatus is the status an entry of each kind moves the incident to,
// which its data (as "new") is stored without.
var entryStatus = map[string]string{"acknowledged": "acknowledged", "resolved": "resolved"}

// linkKind is the kind of a channel link's entry.
const linkKind = "channel_linked"

// pairData are the kinds of entry whose data, when it is two fields and
// nothing else, is stored as compactMark, the first field's value, a space
// and the second's (schema 45): a channel link's platform and channel
// (`@console inc-42-checkout-latency-above-slo`), a declaration's severity
// and source (`@SEV3 manual`). The first value holds no space.
var pairData = map[string][2]string{linkKind: {"platform", "channel"}, "declared": {"severity", "source"}}

// soleData are the kinds of entry whose data, when it is one field and
// nothing else, is stored as compactMark and the field's value (schema
// 45): a postmortem draft's version (`@1`).
var soleData = map[string]string{"postmortem": "version"}

// entryData returns the data column for an entry of kind.
func entryData(kind string, data map[string]string) (string, error) {
	if f, ok := soleData[kind]; ok && len(data) == 1 && data[f] != "" {
		return string(compactMark) + data[f], nil
	}
	if f, ok := pairData[kind]; ok && len(data) == 2 {
		first, second := data[f[0]], data[f[1]]
		if first != "" && second != "" && !strings.Contains(first, " ") {
			return string(compactMark) + first + " " + second, nil
		}
	}
	status, ok := entryStatus[kind]
	if !ok || data["new"] != status {
		return encode(data)
	}
	rest := make(map[string]string, len(data)-1)
	for k, v := range data {
		if k != "new" {
			rest[k] = v
		}
	}
	if s, ok := statusPair(rest); ok {
		return string(compactMark) + s, nil
	}
	out, err := encode(rest)
	return string(compactMark) + out, err
}

// statusPair is the data of a status change's entry, without the status
// it moved to, stored without JSON (schema 45) where it is the status it
// moved from ("old") and perhaps a summary and nothing else: the old
// status, and a space and the summary where there is one
// (`acknowledged rolled back`). JSON, which the form before stores after
// compactMark, starts with '{' (or is null); a status never does.
func statusPair(rest map[string]string) (string, bool) {
	old, summary := rest["old"], rest["summary"]
	_, hasSummary := rest["summary"]
	switch {
	case old == "" || old == "null" || old[0] == '{' || strings.Contains(old, " "):
		return "", false
	case len(rest) == 1:
		return old, true
	case len(rest) == 2 && hasSummary && summary != "":
		return old + " " + summary, true
	}
	return "", false
}

// readEntryData decodes the data column of an entry of kind into data.
func readEntryData(kind, stored string, data *map[string]string) error {
	if len(stored) == 0 || stored[0] != compactMark {
		return decode(stored, data)
	}
	if f, ok := soleData[kind]; ok {
		*data = map[string]string{f: stored[1:]}
		return nil
	}
	if f, ok := pairData[kind]; ok {
		first, second, ok := strings.Cut(stored[1:], " ")
		if !ok {
			return fmt.Errorf("decode json column: a %s entry's data %q is not two fields", kind, stored)
		}
		*data = map[string]string{f[0]: first, f[1]: second}
		return nil
	}
	if rest := stored[1:]; rest != "" && rest[0] != '{' && rest != "null" {
		old, summary, ok := strings.Cut(rest, " ")
		*data = map[string]string{"old": old}
		if ok {
			(*data)["summary"] = summary
		}
	} else if err := decode(rest, data); err != nil {
		return err
	}
	if *data == nil {
		*data = map[string]string{}
	}
	(*data)["new"] = entryStatus[kind]
	return nil
}

// setTimes are the lifecycle times a record that sets them is stored
// without, by the letter that marks each.
var setTimes = []struct {
	letter byte
	field  string
}{{'a', "acknowledged_at"}, {'m', "mitigated_at"}, {'r', "resolved_at"}, {'c', "closed_at"}}

// compactTimes returns the before and after columns of a record other
// than a compacted declaration, before its before image as encoded:
// without the lifecycle times it sets, where it sets any.
func compactTimes(a *bot.AuditRecord, before string) (string, string, error) {
	at := recordTime(a.At)
	var letters []byte
	for _, t := range setTimes {
		if b, ok := a.Before[t.field].(string); ok && b == "" && a.After[t.field] == at {
			letters = append(letters, t.letter)
		}
	}
	if len(letters) == 0 {
		after, err := encode(a.After)
		return before, after, err
	}
	b, af := make(map[string]any, len(a.Before)), make(map[string]any, len(a.After))
	for k, v := range a.Before {
		b[k] = v
	}
	for k, v := range a.After {
		af[k] = v
	}
	for _, t := range setTimes {
		if slices.Contains(letters, t.letter) {
			delete(b, t.field)
			delete(af, t.field)
		}
	}
	before, err := encode(b)
	if err != nil {
		return "", "", err
	}
	after, err := encode(af)
	return string(compactMark) + string(letters) + before, after, err
}

// readTimes is readImages for a before column that compactTimes led with
// compactMark: it decodes both images and puts the times back.
func readTimes(a *bot.AuditRecord, before, after string) error {
	i := 1
	for i < len(before) && before[i] >= 'a' && before[i] <= 'z' {
		i++
	}
	if err := decode(before[i:], &a.Before); err != nil {
		return err
	}
	if err := decode(after, &a.After); err != nil {
		return err
	}
	if a.Before == nil || a.After == nil {
		return fmt.Errorf("decode json column: audit record %d marks times set but has no image", a.ID)
	}
	for _, c := range []byte(before[1:i]) {
		for _, t := range setTimes {
			if t.letter == c {
				a.Before[t.field], a.After[t.field] = "", recordTime(a.At)
			}
		}
	}
	return nil
}

// isZero tells whether v is z, the empty value of its field.
func isZero(v, z any) bool {
	switch z := z.(type) {
	case string:
		s, ok := v.(string)
		return ok && s == z
	case bool:
		b, ok := v.(bool)
		return ok && b == z
	}
	return false
}

// linkAfter is the after column of a channel link's record that its
// entry's data makes again (joinedAfter); JSON text never is.
const linkAfter = string(compactMark) + "c"

// declareAfter leads the after column of a declaration's record stored
// without the severity and title its entry's data and text hold
// (joinedAfter); the rest of the image follows.
const declareAfter = string(compactMark) + "d"

// statusAfter is the after column of an acknowledgement's or a
// resolution's record whose image is the status its entry's kind moves the
// incident to (entryStatus) and nothing else (joinedAfter).
const statusAfter = string(compactMark) + "s"

// declaredText is the text of a declaration's entry, from its severity
// and title, as the domain writes it.
func declaredText(severity, title string) string { return "Declared " + severity + ": " + title }

// joinedAfter is the after column of a record joining an entry of kind
// with text and data, whose after column is otherwise after: linkAfter
// where the image is the entry's channel under "channel." and its
// platform and nothing else; declareAfter and the image without severity
// and title where those are the entry's data's severity and the title its
// text ends with; statusAfter where the image is the status an entry of
// kind moves to and nothing else; else after.
func joinedAfter(kind, text string, data map[string]string, after string) (string, error) {
	status, isStatus := entryStatus[kind]
	if kind != linkKind && kind != "declared" && !isStatus {
		return after, nil
	}
	var image map[string]any
	if err := decode(after, &image); err != nil {
		return "", err
	}
	if v, ok := image["status"].(string); isStatus && ok && len(image) == 1 && v == status {
		return statusAfter, nil
	}
	switch kind {
	case linkKind:
		platform, channel := data["platform"], data["channel"]
		if v, ok := image["channel."+platform].(string); ok && platform != "" && channel != "" && len(image) == 1 && v == channel {
			return linkAfter, nil
		}
	case "declared":
		sev, _ := image["severity"].(string)
		title, ok := image["title"].(string)
		if !ok || sev == "" || sev != data["severity"] || text != declaredText(sev, title) {
			return after, nil
		}
		rest := make(map[string]any, len(image)-2)
		for k, v := range image {
			if k != "severity" && k != "title" {
				rest[k] = v
			}
		}
		out, err := encode(rest)
		return declareAfter + out, err
	}
	return after, nil
}

// readJoinedAfter is the after image, encoded, of the record with id
// whose row stores a joinedAfter form, from its entry's kind, text and
// data columns.
func readJoinedAfter(id int64, after, kind, text, data string) (string, error) {
	if status, ok := entryStatus[kind]; ok && after == statusAfter {
		return encode(map[string]string{"status": status})
	}
	var d map[string]string
	if err := readEntryData(kind, data, &d); err != nil {
		return "", err
	}
	switch {
	case after == linkAfter && d["platform"] != "" && d["channel"] != "":
		return encode(map[string]string{"channel." + d["platform"]: d["channel"]})
	case strings.HasPrefix(after, declareAfter) && d["severity"] != "" && strings.HasPrefix(text, declaredText(d["severity"], "")):
		var image map[string]any
		if err := decode(after[len(declareAfter):], &image); err != nil {
			return "", err
		}
		if image == nil {
			image = map[string]any{}
		}
		image["severity"], image["title"] = d["severity"], text[len(declaredText(d["severity"], "")):]
		return encode(image)
	}
	return "", fmt.Errorf("decode json column: audit record %d reads its after image from an entry that does not hold it", id)
}
