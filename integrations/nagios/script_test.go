package nagios_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/warroom/warroom/integrations/internal/webhooktest"
	"github.com/warroom/warroom/integrations/nagios"
)

// TestNotifyScript runs deploy/nagios/warroom-notify the way Nagios does
// (environment macros) against the receiver and checks that warroom reads
// the same alert as from the captured macros.
func TestNotifyScript(t *testing.T) {
	for _, bin := range []string{"sh", "curl"} {
		if _, err := exec.LookPath(bin); err != nil {
			t.Skipf("%s is not installed", bin)
		}
	}
	script, err := filepath.Abs(filepath.Join("..", "..", "deploy", "nagios", "warroom-notify"))
	if err != nil {
		t.Fatal(err)
	}
	s := &webhooktest.Sink{}
	rcv, err := nagios.New(nagios.Config{Token: "tok-from-file"}, s, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	rcv.Register(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	var macros map[string]string
	if err := json.Unmarshal(webhooktest.Fixture(t, "nagios4-problem-env.json"), &macros); err != nil {
		t.Fatal(err)
	}
	macros["serviceoutput"] = `CRITICAL: "quoted" \ back\slash & x=y`
	macros["longserviceoutput"] = "line one\nline two"
	tokenFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokenFile, []byte("tok-from-file\n"), 0o400); err != nil {
		t.Fatal(err)
	}
	env := []string{"PATH=" + os.Getenv("PATH"), "WARROOM_URL=" + srv.URL, "WARROOM_TOKEN_FILE=" + tokenFile,
		"WARROOM_LABELS=service=checkout env=prod"}
	for k, v := range macros {
		env = append(env, "NAGIOS_"+strings.ToUpper(k)+"="+v)
	}
	cmd := exec.Command("sh", script)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("warroom-notify: %v\n%s", err, out)
	}
	if len(s.Alerts()) != 1 {
		t.Fatalf("received %d alerts; script said %s", len(s.Alerts()), out)
	}
	want, err := nagios.Notification(macros).Alerts()
	if err != nil {
		t.Fatal(err)
	}
	want[0].Labels["service"], want[0].Labels["env"] = "checkout", "prod"
	if diff := cmp.Diff(want[0], s.Alerts()[0]); diff != "" {
		t.Fatalf("(-want +got)\n%s", diff)
	}

	// A wrong token fails the command, so Nagios logs it.
	if err := os.WriteFile(filepath.Join(filepath.Dir(tokenFile), "bad"), []byte("nope"), 0o400); err != nil {
		t.Fatal(err)
	}
	cmd = exec.Command("sh", script)
	cmd.Env = append(env, "WARROOM_TOKEN_FILE="+filepath.Join(filepath.Dir(tokenFile), "bad"))
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "wrong webhook token") {
		t.Fatalf("a refused notification must fail: %v %s", err, out)
	}
}
