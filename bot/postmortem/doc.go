// Package postmortem drafts an incident's postmortem as markdown from a
// text/template: a default one is embedded, a custom file can replace it.
//
// Templates are parsed once, at start, and checked: they may use only the
// functions listed in Funcs (printf is a safe replacement of the builtin),
// they may not define or call other templates, and range only over fields
// of the data (never over a number), at most two ranges deep. Rendering is
// capped in size (MaxBytes) and time (Timeout). Incident data is always
// data: a title holding "{{" is printed as it is, never executed.
//
// It imports bot and the standard library only.
package postmortem
