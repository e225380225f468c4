package deploy_test

import (
	"os"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestCompose checks the HA trial: PostgreSQL and two warroom replicas on
// the same database, each probed with `warroom healthcheck`.
func TestCompose(t *testing.T) {
	data, err := os.ReadFile("compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Services map[string]struct {
			Image       string            `yaml:"image"`
			ReadOnly    bool              `yaml:"read_only"`
			Environment map[string]string `yaml:"environment"`
			DependsOn   map[string]any    `yaml:"depends_on"`
			Healthcheck struct {
				Test []string `yaml:"test"`
			} `yaml:"healthcheck"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if _, ok := doc.Services["postgres"]; !ok {
		t.Fatal("no postgres service")
	}
	var dbs []string
	for name, s := range doc.Services {
		if !strings.HasPrefix(name, "warroom-") {
			continue
		}
		dbs = append(dbs, s.Environment["WARROOM_DB"])
		if !strings.HasPrefix(s.Environment["WARROOM_DB"], "postgres://") {
			t.Errorf("%s: WARROOM_DB = %q, want a PostgreSQL URL", name, s.Environment["WARROOM_DB"])
		}
		if _, ok := s.DependsOn["postgres"]; !ok {
			t.Errorf("%s does not wait for postgres", name)
		}
		if !s.ReadOnly || strings.Join(s.Healthcheck.Test, " ") != "CMD /usr/local/bin/warroom healthcheck --ready" {
			t.Errorf("%s: read_only %v, healthcheck %v", name, s.ReadOnly, s.Healthcheck.Test)
		}
	}
	if len(dbs) != 2 || dbs[0] != dbs[1] {
		t.Errorf("warroom replicas' databases = %q, want two on the same one", dbs)
	}
}
