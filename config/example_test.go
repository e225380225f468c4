package config

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// examplePath is the documented example configuration.
var examplePath = filepath.Join("..", "deploy", "warroom.example.yaml")

// commentedSetting is a commented-out setting of the example: "# key: value"
// or "# - item", at any indentation. Prose comments never start that way.
var commentedSetting = regexp.MustCompile(`^(\s*)# (\s*(?:[a-z_][a-z0-9_]*:(?:\s|$)|- ))`)

// uncomment turns every commented-out setting of the example into a live
// one, so that the result holds every key the example documents.
func uncomment(data []byte) []byte {
	lines := strings.Split(string(data), "\n")
	for i, l := range lines {
		lines[i] = commentedSetting.ReplaceAllString(l, "$1$2")
	}
	return []byte(strings.Join(lines, "\n"))
}

// readFullExample is the example with every setting uncommented.
func readFullExample(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile(examplePath)
	if err != nil {
		t.Fatal(err)
	}
	return uncomment(data)
}

// fileKeys is every key path the parser accepts, from the tags of the
// Config tree: "pagerduty.services" for a map of values,
// "severities.*.resolve" under a map of sections, "routes[].name" under a
// list of sections.
func fileKeys(prefix string, t reflect.Type, out map[string]bool) {
	if isLeaf(t) {
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		idx, _ := keyIndex(t)
		for key, at := range idx {
			p := join(prefix, key)
			out[p] = true
			fileKeys(p, t.FieldByIndex(at).Type, out)
		}
	case reflect.Map:
		fileKeys(prefix+".*", t.Elem(), out)
	case reflect.Slice:
		fileKeys(prefix+"[]", t.Elem(), out)
	}
}

// nodeKeys is every key path present in n, named as fileKeys names them;
// t is the type n decodes into, which tells maps of sections from
// sections.
func nodeKeys(prefix string, n *yaml.Node, t reflect.Type, out map[string]bool) {
	if isLeaf(t) {
		return
	}
	switch {
	case t.Kind() == reflect.Struct && n.Kind == yaml.MappingNode:
		idx, _ := keyIndex(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			key := n.Content[i].Value
			if at, ok := idx[key]; ok {
				p := join(prefix, key)
				out[p] = true
				nodeKeys(p, n.Content[i+1], t.FieldByIndex(at).Type, out)
			}
		}
	case t.Kind() == reflect.Map && n.Kind == yaml.MappingNode:
		for i := 1; i < len(n.Content); i += 2 {
			nodeKeys(prefix+".*", n.Content[i], t.Elem(), out)
		}
	case t.Kind() == reflect.Slice && n.Kind == yaml.SequenceNode:
		for _, item := range n.Content {
			nodeKeys(prefix+"[]", item, t.Elem(), out)
		}
	}
}

// missingKeys lists, sorted, the key paths of want that the YAML document
// data lacks.
func missingKeys(t *testing.T, want map[string]bool, data []byte) []string {
	t.Helper()
	got := map[string]bool{}
	nodeKeys("", documentRoot(t, data), reflect.TypeFor[Config](), got)
	var missing []string
	for k := range want {
		if !got[k] {
			missing = append(missing, k)
		}
	}
	slices.Sort(missing)
	return missing
}

// documentRoot parses data into its top mapping node.
func documentRoot(t *testing.T, data []byte) *yaml.Node {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("not valid YAML: %v", err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		t.Fatal("not one YAML document")
	}
	return doc.Content[0]
}

func TestUncomment(t *testing.T) {
	for in, want := range map[string]string{
		"# public_url: https://x":           "public_url: https://x",
		"  # max_queued: 20000":             "  max_queued: 20000",
		"  # - name: db":                    "  - name: db",
		"  #   match: [\"a=b\"]":            "    match: [\"a=b\"]",
		"# Environment: WARROOM_ADDR.":      "# Environment: WARROOM_ADDR.",
		"#   acknowledge      declared → x": "#   acknowledge      declared → x",
		"  # true turns reminders off.":     "  # true turns reminders off.",
		"off: false # a: b":                 "off: false # a: b",
	} {
		if got := string(uncomment([]byte(in))); got != want {
			t.Errorf("uncomment(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestExampleDocumentsEveryKey keeps deploy/warroom.example.yaml complete:
// with its commented-out settings uncommented it must be a valid
// configuration (so every example value is real) that sets every key the
// parser accepts. A key added to the Config tree without documenting it
// fails here, by name.
func TestExampleDocumentsEveryKey(t *testing.T) {
	full := readFullExample(t)
	c := Default()
	if err := c.applyFile(full); err != nil {
		t.Fatalf("the example with its settings uncommented is not valid: %v", err)
	}

	want := map[string]bool{}
	fileKeys("", reflect.TypeFor[Config](), want)
	for _, k := range missingKeys(t, want, full) {
		t.Errorf("%s does not document the key %s", examplePath, k)
	}
	if len(want) < 100 {
		t.Errorf("only %d keys found in Config; the walk is broken", len(want))
	}
}

// TestExampleNamesEverySecretVariable: the example tells where each secret
// and environment-only setting goes, since the file cannot hold them.
func TestExampleNamesEverySecretVariable(t *testing.T) {
	data, err := os.ReadFile(examplePath)
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"WARROOM_DB", "SNS_TOPIC_ARNS", serviceKeyPrefix}
	for _, v := range variables(reflect.ValueOf(Default())) {
		names = append(names, v.name)
	}
	for _, name := range names {
		if !strings.Contains(string(data), name) {
			t.Errorf("%s does not mention the environment variable %s", examplePath, name)
		}
	}
}
