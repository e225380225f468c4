// Package generic receives any JSON at POST /webhooks/generic and reads
// alerts out of it through a configured field mapping (the `generic:` key
// of the YAML config): where the title, severity, dedup key, status and
// other fields are, as small dotted paths ("$.alert.title", "$.tags.0").
// With `alerts:` set, the body holds an array of alerts at that path and the
// other paths are read inside each element.
//
// It may import the standard library, bot and integrations/internal.
package generic
