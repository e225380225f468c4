package deploy_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// obj is one rendered Kubernetes object.
type obj map[string]any

// get walks a path of map keys and list indexes ("spec.template.spec.containers.0.image").
func (o obj) get(path string) any {
	var cur any = map[string]any(o)
	for _, k := range strings.Split(path, ".") {
		switch c := cur.(type) {
		case obj: // yaml.v3 decodes nested maps into the outer map's type
			cur = c[k]
		case map[string]any:
			cur = c[k]
		case []any:
			i := 0
			for _, r := range k {
				i = i*10 + int(r-'0')
			}
			if i >= len(c) {
				return nil
			}
			cur = c[i]
		default:
			return nil
		}
	}
	return cur
}

func (o obj) str(path string) string {
	s, _ := o.get(path).(string)
	return s
}

// helm finds the helm binary: WARROOM_HELM, else helm on PATH. In CI a
// missing helm fails the test; elsewhere it skips.
func helm(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("WARROOM_HELM"); p != "" {
		return p
	}
	if p, err := exec.LookPath("helm"); err == nil {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no helm: set WARROOM_HELM (.ci/run and `make chart` build helm.sh/helm/v4 v4.3.2)")
	}
	t.Skip("no helm: set WARROOM_HELM or run `make chart`, which builds helm.sh/helm/v4 v4.3.2")
	return ""
}

// render runs helm template with --set values; it returns the objects by
// "Kind/name", or the error output when helm refuses the values.
func render(t *testing.T, set ...string) (map[string]obj, string) {
	t.Helper()
	args := []string{"template", "wr", "./helm/warroom", "--namespace", "ops"}
	for _, s := range set {
		args = append(args, "--set", s)
	}
	cmd := exec.Command(helm(t), args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			t.Fatalf("helm template: %v", err)
		}
		return nil, stderr.String()
	}
	objs := map[string]obj{}
	dec := yaml.NewDecoder(&stdout)
	for {
		var o obj
		err := dec.Decode(&o)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("decode helm output: %v\n%s", err, stdout.String())
		}
		if o == nil {
			continue
		}
		objs[o.str("kind")+"/"+o.str("metadata.name")] = o
	}
	return objs, ""
}

// mustRender renders and fails the test when helm refuses.
func mustRender(t *testing.T, set ...string) map[string]obj {
	t.Helper()
	objs, errOut := render(t, set...)
	if objs == nil {
		t.Fatalf("helm template %v refused:\n%s", set, errOut)
	}
	return objs
}

// envOf is the container's env as name → value.
func envOf(d obj) map[string]string {
	env := map[string]string{}
	list, _ := d.get("spec.template.spec.containers.0.env").([]any)
	for _, e := range list {
		m, _ := e.(obj)
		env[m.str("name")] = m.str("value")
	}
	return env
}

func TestSQLiteMode(t *testing.T) {
	objs := mustRender(t)
	d, ok := objs["Deployment/wr-warroom"]
	if !ok {
		t.Fatalf("no Deployment/wr-warroom in %v", keys(objs))
	}
	if got := d.get("spec.replicas"); got != 1 {
		t.Errorf("replicas = %v, want 1", got)
	}
	if got := d.str("spec.strategy.type"); got != "Recreate" {
		t.Errorf("strategy = %q, want Recreate: two pods must never open the SQLite file at once", got)
	}
	if _, ok := objs["PersistentVolumeClaim/wr-warroom-data"]; !ok {
		t.Errorf("no PersistentVolumeClaim in %v", keys(objs))
	}
	if got := d.str("spec.template.spec.volumes.2.persistentVolumeClaim.claimName"); got != "wr-warroom-data" {
		t.Errorf("data volume claim = %q", got)
	}
	env := envOf(d)
	if env["WARROOM_DB"] != "/data/warroom.db" || env["WARROOM_ADDR"] != "0.0.0.0:8080" || env["WARROOM_CONFIG"] != "/etc/warroom/warroom.yaml" {
		t.Errorf("env = %v", env)
	}
	if _, ok := objs["PodDisruptionBudget/wr-warroom"]; ok {
		t.Error("a PodDisruptionBudget in SQLite mode would block every node drain")
	}
	s, ok := objs["Secret/wr-warroom"]
	if !ok || s.str("data.WARROOM_API_TOKEN") == "" {
		t.Errorf("the created Secret has no generated WARROOM_API_TOKEN: %v", s)
	}
	data, _ := objs["ConfigMap/wr-warroom"].get("data").(obj)
	text, _ := data["warroom.yaml"].(string)
	var cfg map[string]any
	if err := yaml.Unmarshal([]byte(text), &cfg); err != nil || cfg["announce_channel"] != "incidents" {
		t.Errorf("ConfigMap warroom.yaml = %q (%v), want the values' config", text, err)
	}
	if _, ok := objs["Ingress/wr-warroom"]; ok {
		t.Error("Ingress rendered while disabled")
	}
}

func TestPodHardening(t *testing.T) {
	d := mustRender(t)["Deployment/wr-warroom"]
	for path, want := range map[string]any{
		"spec.template.spec.securityContext.runAsNonRoot":                          true,
		"spec.template.spec.securityContext.runAsUser":                             65532,
		"spec.template.spec.automountServiceAccountToken":                          false,
		"spec.template.spec.containers.0.securityContext.readOnlyRootFilesystem":   true,
		"spec.template.spec.containers.0.securityContext.allowPrivilegeEscalation": false,
		"spec.template.spec.containers.0.securityContext.capabilities.drop.0":      "ALL",
		"spec.template.spec.containers.0.livenessProbe.httpGet.path":               "/healthz",
		"spec.template.spec.containers.0.readinessProbe.httpGet.path":              "/readyz",
		"spec.template.spec.containers.0.startupProbe.httpGet.path":                "/healthz",
		"spec.template.spec.containers.0.envFrom.0.secretRef.name":                 "wr-warroom",
		"spec.template.spec.containers.0.volumeMounts.1.mountPath":                 "/tmp",
		"spec.template.spec.containers.0.image":                                    "ghcr.io/warroom/warroom:0.1.0",
		"spec.template.spec.containers.0.args.0":                                   "serve",
		"spec.template.spec.containers.0.ports.0.containerPort":                    8080,
		"spec.template.spec.securityContext.seccompProfile.type":                   "RuntimeDefault",
		"spec.template.spec.containers.0.volumeMounts.0.mountPath":                 "/etc/warroom",
		"spec.template.spec.containers.0.volumeMounts.2.mountPath":                 "/data",
		"spec.template.spec.terminationGracePeriodSeconds":                         30,
		"spec.template.spec.containers.0.securityContext.capabilities.drop.1":      nil,
		"spec.template.spec.containers.0.readinessProbe.httpGet.port":              "http",
		"spec.template.spec.containers.0.livenessProbe.httpGet.port":               "http",
		"spec.template.spec.containers.0.resources.limits.memory":                  "256Mi",
	} {
		if got := d.get(path); got != want {
			t.Errorf("%s = %v, want %v", path, got, want)
		}
	}
}

func TestSQLiteRefusesReplicas(t *testing.T) {
	objs, errOut := render(t, "replicaCount=3")
	if objs != nil {
		t.Fatal("helm rendered 3 replicas on SQLite")
	}
	if !strings.Contains(errOut, "SQLite runs exactly one replica") {
		t.Errorf("error does not say why:\n%s", errOut)
	}
}

func TestPostgresMode(t *testing.T) {
	objs := mustRender(t, "database.mode=postgres", "replicaCount=3",
		"secrets.values.WARROOM_DB=postgres://warroom:pw@db:5432/warroom")
	d := objs["Deployment/wr-warroom"]
	if got := d.get("spec.replicas"); got != 3 {
		t.Errorf("replicas = %v, want 3", got)
	}
	if got := d.str("spec.strategy.type"); got != "RollingUpdate" {
		t.Errorf("strategy = %q, want RollingUpdate", got)
	}
	if v, ok := envOf(d)["WARROOM_DB"]; ok {
		t.Errorf("WARROOM_DB = %q in the pod spec: the URL belongs to the Secret", v)
	}
	if _, ok := objs["PersistentVolumeClaim/wr-warroom-data"]; ok {
		t.Error("a PersistentVolumeClaim in PostgreSQL mode")
	}
	pdb, ok := objs["PodDisruptionBudget/wr-warroom"]
	if !ok || pdb.get("spec.minAvailable") != 1 {
		t.Errorf("PodDisruptionBudget = %v, want minAvailable 1", pdb)
	}
	if s := objs["Secret/wr-warroom"]; s.str("data.WARROOM_DB") == "" {
		t.Error("the Secret lacks WARROOM_DB")
	}
}

func TestPostgresNeedsURL(t *testing.T) {
	objs, errOut := render(t, "database.mode=postgres", "replicaCount=2")
	if objs != nil || !strings.Contains(errOut, "WARROOM_DB") {
		t.Errorf("rendered without a PostgreSQL URL, or the error does not name WARROOM_DB:\n%s", errOut)
	}
}

func TestExistingSecret(t *testing.T) {
	objs := mustRender(t, "secrets.existingSecret=warroom-secrets", "database.mode=postgres", "replicaCount=2")
	if _, ok := objs["Secret/wr-warroom"]; ok {
		t.Error("the chart created a Secret beside the existing one")
	}
	if got := objs["Deployment/wr-warroom"].str("spec.template.spec.containers.0.envFrom.0.secretRef.name"); got != "warroom-secrets" {
		t.Errorf("envFrom secret = %q", got)
	}
}

func TestIngressAndServiceMonitor(t *testing.T) {
	objs := mustRender(t, "ingress.enabled=true", "ingress.hosts[0].host=wr.example.org",
		"ingress.hosts[0].paths[0].path=/", "ingress.hosts[0].paths[0].pathType=Prefix",
		"serviceMonitor.enabled=true")
	ing, ok := objs["Ingress/wr-warroom"]
	if !ok {
		t.Fatalf("no Ingress in %v", keys(objs))
	}
	if ing.str("spec.rules.0.host") != "wr.example.org" || ing.str("spec.rules.0.http.paths.0.backend.service.name") != "wr-warroom" {
		t.Errorf("Ingress = %v", ing)
	}
	sm, ok := objs["ServiceMonitor/wr-warroom"]
	if !ok || sm.str("spec.endpoints.0.path") != "/metrics" || sm.str("spec.endpoints.0.port") != "http" {
		t.Errorf("ServiceMonitor = %v", sm)
	}
}

func TestSchemaRefuses(t *testing.T) {
	for _, set := range [][]string{
		{"database.mode=mysql"},
		{"replicaCount=0"},
		{"config.db=/tmp/x.db"},
		{"servce.port=80"}, // a misspelt key
	} {
		if objs, errOut := render(t, set...); objs != nil {
			t.Errorf("--set %v rendered; values.schema.json should refuse it", set)
		} else if !strings.Contains(errOut, "schema") && !strings.Contains(errOut, "values don't meet") {
			t.Errorf("--set %v: refused, but not by the schema:\n%s", set, errOut)
		}
	}
}

func keys(m map[string]obj) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
