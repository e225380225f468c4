package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// decodeFile lays the YAML file data over c, strictly: an unknown key, a
// duplicate key, a secret or a value of the wrong shape or type is an
// error naming the key's path (e.g. "severities.sev1.acknowledge").
//
// yaml's own strict mode (Decoder.KnownFields) reports a line number and a Go
// type name instead of the key path, so the file is parsed into a node tree
// and decoded here, field by field, against the tags of c's fields
// (keys.go) and the scalar types of leaf.go. Mappings lay their keys over
// what is there (a severity left out keeps its targets); lists replace.
func decodeFile(data []byte, c *Config) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil // an empty file sets nothing
		}
		return fmt.Errorf("not valid YAML: %w", err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return errors.New("the file must hold one YAML document")
	}
	root := &doc
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			return nil
		}
		root = root.Content[0]
	}
	var d decoder
	d.value("", root, reflect.ValueOf(c).Elem())
	return errors.Join(d.errs...)
}

// decoder collects every error of one file.
type decoder struct{ errs []error }

func (d *decoder) fail(path, format string, args ...any) {
	d.errs = append(d.errs, fmt.Errorf("%s: "+format, append([]any{path}, args...)...))
}

// value decodes n into v.
func (d *decoder) value(path string, n *yaml.Node, v reflect.Value) {
	for n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if l, ok := leafOf(v.Type()); ok {
		if n.Kind != yaml.ScalarNode {
			d.fail(path, "want a single value, got %s", describe(n))
			return
		}
		s := n.Value
		if isNull(n) {
			s = "" // "key:" with no value, e.g. "" for a string
		}
		x, err := l.parse(strings.TrimSpace(s))
		if err != nil {
			d.fail(path, "%v", err)
			return
		}
		v.Set(reflect.ValueOf(x).Convert(v.Type()))
		return
	}
	if isNull(n) {
		return // an empty section keeps what is there
	}
	switch v.Kind() {
	case reflect.Struct:
		d.section(path, n, v)
	case reflect.Map:
		d.mapping(path, n, v)
	case reflect.Slice:
		d.list(path, n, v)
	default:
		d.fail(path, "cannot decode into %s", v.Type()) // a bug in the tree
	}
}

// section decodes a mapping into a struct by its fields' keys.
func (d *decoder) section(path string, n *yaml.Node, v reflect.Value) {
	if n.Kind != yaml.MappingNode {
		d.fail(orTop(path), "want a mapping of keys to values, got %s", describe(n))
		return
	}
	if !d.unique(path, n) {
		return
	}
	idx, known := keyIndex(v.Type())
	for i := 0; i+1 < len(n.Content); i += 2 {
		key := n.Content[i].Value
		p := join(path, key)
		at, ok := idx[key]
		if !ok {
			if sp := findSecret(p, key, n.Content[i+1]); sp != "" {
				d.errs = append(d.errs, secretInFile(sp))
			} else if hint, ok := renamedKeys[p]; ok {
				d.fail(p, "no longer read: %s", hint)
			} else {
				d.fail(p, "unknown key (known keys here: %s)", strings.Join(known, ", "))
			}
			continue
		}
		d.value(p, n.Content[i+1], v.FieldByIndex(at))
	}
}

// renamedKeys are keys an earlier release read, with what replaced them,
// so that an old file is refused with the way forward.
var renamedKeys = map[string]string{
	"outbox.max_attempts": "set outbox.max_failures (and outbox.max_failure_age) instead; " +
		"waits (pacing, rate limits, held integrations) no longer count as attempts",
}

// mapping decodes a mapping into a Go map, key by key over its entries.
// Keys are parsed to the map's key type (a severity, a status): two that
// parse the same ("sev1", "SEV1") are an error.
func (d *decoder) mapping(path string, n *yaml.Node, v reflect.Value) {
	if n.Kind != yaml.MappingNode {
		d.fail(path, "want a mapping of keys to values, got %s", describe(n))
		return
	}
	if !d.unique(path, n) {
		return
	}
	kt, et := v.Type().Key(), v.Type().Elem()
	kl, ok := leafOf(kt)
	if !ok {
		d.fail(path, "cannot decode keys into %s", kt) // a bug in the tree
		return
	}
	if v.IsNil() {
		v.Set(reflect.MakeMapWithSize(v.Type(), len(n.Content)/2))
	}
	seen := map[any]string{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		raw := n.Content[i].Value
		p := join(path, raw)
		x, err := kl.parse(strings.TrimSpace(raw))
		if err != nil {
			d.fail(p, "%v", err)
			continue
		}
		k := reflect.ValueOf(x).Convert(kt)
		if other, dup := seen[k.Interface()]; dup {
			d.fail(p, "%v is already set as %s", kl.format(k), join(path, other))
			continue
		}
		seen[k.Interface()] = raw
		elem := reflect.New(et).Elem()
		if old := v.MapIndex(k); old.IsValid() {
			elem.Set(old)
		}
		d.value(p, n.Content[i+1], elem)
		v.SetMapIndex(k, elem)
	}
}

// defaulter is a list element with defaults of its own (a route declares
// unless told otherwise).
type defaulter interface{ setDefaults() }

// list decodes a sequence into a slice, replacing it.
func (d *decoder) list(path string, n *yaml.Node, v reflect.Value) {
	if n.Kind != yaml.SequenceNode {
		d.fail(path, "want a list, got %s", describe(n))
		return
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, item := range n.Content {
		elem := s.Index(i)
		if df, ok := elem.Addr().Interface().(defaulter); ok {
			df.setDefaults()
		}
		d.value(path+"["+strconv.Itoa(i)+"]", item, elem)
	}
	v.Set(s)
}

// unique refuses a mapping with a key set twice or a key that is not a
// plain name.
func (d *decoder) unique(path string, n *yaml.Node) bool {
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if k.Kind != yaml.ScalarNode {
			d.fail(orTop(path), "keys must be plain names (line %d)", k.Line)
			return false
		}
		if seen[k.Value] {
			d.fail(join(path, k.Value), "key set twice (line %d)", k.Line)
			return false
		}
		seen[k.Value] = true
	}
	return true
}

// findSecret returns the path of the first secret-looking key at or under
// an unknown key, so that "slack: {bot_token: ...}" is refused as a secret
// rather than as an unknown key.
func findSecret(path, key string, n *yaml.Node) string {
	if LooksSecret(key) {
		return path
	}
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			if p := findSecret(join(path, k), k, n.Content[i+1]); p != "" {
				return p
			}
		}
	}
	return ""
}

// secretInFile explains that a secret does not belong in the YAML file.
func secretInFile(path string) error {
	env := "the environment variable that holds it"
	if name, ok := secretFileKeys[path]; ok {
		env = name + " or " + name + "_FILE"
	} else if name := strings.ToUpper(strings.ReplaceAll(path, ".", "_")); isSecretVar(name) {
		env = name + " or " + name + "_FILE"
	}
	return fmt.Errorf("%s: secrets are not read from the config file; set %s", path, env)
}

// secretFileKeys maps the YAML keys people are likely to try for a secret to
// the environment variable that holds it.
var secretFileKeys = map[string]string{
	"webhook_token": "WARROOM_WEBHOOK_TOKEN",
	"api_token":     "WARROOM_API_TOKEN",
	"token":         "WARROOM_API_TOKEN",
	"password":      "WARROOM_DB",
	"db_password":   "WARROOM_DB",
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	default:
		if isNull(n) {
			return "nothing"
		}
		return strconv.Quote(n.Value)
	}
}

func orTop(path string) string {
	if path == "" {
		return "config file"
	}
	return path
}
