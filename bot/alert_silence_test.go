package bot

import "testing"

func TestAlertmanagerSilenceBase(t *testing.T) {
	labels := map[string]string{"alertname": "Disk full", "instance": `db-1 "a"`}
	link := AlertmanagerSilenceURL("http://am:9093/", labels)
	want := `http://am:9093/#/silences/new?filter=%7Balertname%3D%22Disk+full%22%2Cinstance%3D%22db-1+%5C%22a%5C%22%22%7D`
	if link != want {
		t.Fatalf("AlertmanagerSilenceURL = %s, want %s", link, want)
	}
	if got := AlertmanagerSilenceBase(link, labels); got != "http://am:9093" {
		t.Errorf("AlertmanagerSilenceBase = %q", got)
	}
	for _, c := range []struct {
		link   string
		labels map[string]string
	}{
		{link + "&x", labels},
		{link, map[string]string{"alertname": "Disk full"}},
		{link, nil},
		{"ftp://am/#/silences/new?filter=%7B%7D", labels},
		{"/#/silences/new?filter=x", labels},
		{"https://grafana/alerting/silence/new", labels},
	} {
		if got := AlertmanagerSilenceBase(c.link, c.labels); got != "" {
			t.Errorf("AlertmanagerSilenceBase(%q, %v) = %q, want none", c.link, c.labels, got)
		}
	}
	if AlertmanagerSilenceURL("", labels) != "" || AlertmanagerSilenceURL("http://am", nil) != "" || AlertmanagerSilenceURL("mailto:x", labels) != "" {
		t.Error("a link without an http(s) external URL or labels")
	}
}
