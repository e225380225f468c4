package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/warroom/warroom/integrations/generic"
)

// fileConfig is the shape of the YAML file. Pointers tell a key that is
// absent (keep the default) from one that is set, even to "".
type fileConfig struct {
	Addr            *string            `yaml:"addr"`
	DB              *string            `yaml:"db"`
	PublicURL       *string            `yaml:"public_url"`
	LogLevel        *string            `yaml:"log_level"`
	LogFormat       *string            `yaml:"log_format"`
	AnnounceChannel *string            `yaml:"announce_channel"`
	TicketThreshold *string            `yaml:"ticket_threshold"`
	Roles           []string           `yaml:"roles"`
	Severities      map[string]fileSLA `yaml:"severities"`
	Outbox          fileOutbox         `yaml:"outbox"`
	Jira            fileJira           `yaml:"jira"`
	ServiceNow      fileServiceNow     `yaml:"servicenow"`
	Slack           fileSlack          `yaml:"slack"`
	PagerDuty       filePagerDuty      `yaml:"pagerduty"`
	Escalation      fileEscalation     `yaml:"escalation"`
	Routes          []fileRoute        `yaml:"routes"`
	Alerts          fileAlerts         `yaml:"alerts"`
	Maintenance     []fileMaintenance  `yaml:"maintenance"`
	SNSTopicARNs    []string           `yaml:"sns_topic_arns"`
	Generic         generic.Mapping    `yaml:"generic"`
	Digests         []fileDigest       `yaml:"digests"`    // configinsights.go
	Postmortem      filePostmortem     `yaml:"postmortem"` // configinsights.go
	Calendar        fileCalendar       `yaml:"calendar"`   // configinsights.go
	Reminders       fileReminders      `yaml:"reminders"`  // configinsights.go
}

type fileSLA struct {
	Acknowledge   *string `yaml:"acknowledge"`
	Resolve       *string `yaml:"resolve"`
	UpdateCadence *string `yaml:"update_cadence"`
	PostmortemDue *string `yaml:"postmortem_due"`
}

type fileOutbox struct {
	MaxAttempts *int    `yaml:"max_attempts"`
	Lease       *string `yaml:"lease"`
	Batch       *int    `yaml:"batch"`
}

// parseFile reads the YAML configuration strictly: an unknown key, a
// duplicate key, a secret or a value of the wrong shape is an error naming
// the key's path (e.g. "severities.sev1.acknowledge").
//
// yaml's own strict mode (Decoder.KnownFields) reports a line number and a Go
// type name instead of the key path, so the file is parsed into a node tree
// and decoded here, field by field, against fileConfig's yaml tags.
func parseFile(data []byte) (fileConfig, error) {
	var fc fileConfig
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return fc, nil // an empty file sets nothing
		}
		return fc, fmt.Errorf("not valid YAML: %w", err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return fc, errors.New("the file must hold one YAML document")
	}
	root := &doc
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			return fc, nil
		}
		root = root.Content[0]
	}
	if isNull(root) {
		return fc, nil
	}
	if err := decodeNode("", root, reflect.ValueOf(&fc).Elem()); err != nil {
		return fileConfig{}, err
	}
	return fc, nil
}

// decodeNode decodes n into v, naming path in every error.
func decodeNode(path string, n *yaml.Node, v reflect.Value) error {
	for n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	switch v.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		if isNull(n) {
			return nil // "key:" with no value is the zero value, e.g. "" for a string
		}
		return decodeNode(path, n, v.Elem())
	case reflect.Struct:
		return decodeStruct(path, n, v)
	case reflect.Map:
		if isNull(n) {
			return nil
		}
		if n.Kind != yaml.MappingNode {
			return fmt.Errorf("%s: want a mapping of keys to values, got %s", path, describe(n))
		}
		if err := checkDuplicates(path, n); err != nil {
			return err
		}
		v.Set(reflect.MakeMapWithSize(v.Type(), len(n.Content)/2))
		for i := 0; i+1 < len(n.Content); i += 2 {
			key := n.Content[i].Value
			elem := reflect.New(v.Type().Elem()).Elem()
			if err := decodeNode(join(path, key), n.Content[i+1], elem); err != nil {
				return err
			}
			v.SetMapIndex(reflect.ValueOf(key), elem)
		}
		return nil
	case reflect.Slice:
		if isNull(n) {
			return nil
		}
		if n.Kind != yaml.SequenceNode {
			return fmt.Errorf("%s: want a list, got %s", path, describe(n))
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, item := range n.Content {
			if err := decodeNode(fmt.Sprintf("%s[%d]", path, i), item, s.Index(i)); err != nil {
				return err
			}
		}
		v.Set(s)
		return nil
	case reflect.String:
		if isNull(n) {
			return nil
		}
		if n.Kind != yaml.ScalarNode {
			return fmt.Errorf("%s: want a single value, got %s", path, describe(n))
		}
		v.SetString(n.Value)
		return nil
	case reflect.Int:
		if n.Kind != yaml.ScalarNode || isNull(n) {
			return fmt.Errorf("%s: want a whole number, got %s", path, describe(n))
		}
		i, err := strconv.Atoi(strings.ReplaceAll(n.Value, "_", ""))
		if err != nil {
			return fmt.Errorf("%s: want a whole number, got %q", path, n.Value)
		}
		v.SetInt(int64(i))
		return nil
	default:
		return fmt.Errorf("%s: cannot decode into %s", path, v.Type()) // a bug in fileConfig
	}
}

func decodeStruct(path string, n *yaml.Node, v reflect.Value) error {
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("%s: want a mapping of keys to values, got %s", orTop(path), describe(n))
	}
	if err := checkDuplicates(path, n); err != nil {
		return err
	}
	fields := map[string]int{}
	var known []string
	for i := range v.NumField() {
		tag, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("yaml"), ",")
		fields[tag] = i
		known = append(known, tag)
	}
	slices.Sort(known)
	for i := 0; i+1 < len(n.Content); i += 2 {
		key := n.Content[i].Value
		p := join(path, key)
		idx, ok := fields[key]
		if !ok {
			if sp := findSecret(p, key, n.Content[i+1]); sp != "" {
				return secretInFile(sp)
			}
			return fmt.Errorf("%s: unknown key (known keys here: %s)", p, strings.Join(known, ", "))
		}
		if err := decodeNode(p, n.Content[i+1], v.Field(idx)); err != nil {
			return err
		}
	}
	return nil
}

func checkDuplicates(path string, n *yaml.Node) error {
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if k.Kind != yaml.ScalarNode {
			return fmt.Errorf("%s: keys must be plain names (line %d)", orTop(path), k.Line)
		}
		if seen[k.Value] {
			return fmt.Errorf("%s: key set twice (line %d)", join(path, k.Value), k.Line)
		}
		seen[k.Value] = true
	}
	return nil
}

// findSecret returns the path of the first secret-looking key at or under
// an unknown key, so that "slack: {bot_token: ...}" is refused as a secret
// rather than as an unknown key.
func findSecret(path, key string, n *yaml.Node) string {
	if looksSecret(key) {
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
	} else if name := strings.ToUpper(strings.ReplaceAll(path, ".", "_")); slices.Contains(secretEnv, name) {
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

// looksSecret reports whether a key or attribute name names a secret.
func looksSecret(key string) bool {
	k := strings.ToLower(key)
	for _, w := range []string{"token", "secret", "password", "passwd", "credential", "routing_key", "private_key", "api_key", "apikey", "authorization", "cookie", "dsn"} {
		if strings.Contains(k, w) {
			return true
		}
	}
	return false
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

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func orTop(path string) string {
	if path == "" {
		return "config file"
	}
	return path
}
