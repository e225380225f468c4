package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

func TestChannelName(t *testing.T) {
	tests := []struct {
		n     int64
		title string
		want  string
	}{
		{42, "Checkout latency above SLO", "inc-42-checkout-latency-above-slo"},
		{7, "  DB -- down!!  ", "inc-7-db-down"},
		{8, "<!channel> ünïcode 😀 title", "inc-8-channel-n-code-title"},
		{9, "", "inc-9"},
	}
	for _, tt := range tests {
		if got := bot.ChannelName(&bot.Incident{Number: tt.n, Title: tt.title}); got != tt.want {
			t.Errorf("ChannelName(%q) = %q, want %q", tt.title, got, tt.want)
		}
	}
	long := bot.ChannelName(&bot.Incident{Number: 1, Title: strings.Repeat("word ", 100)})
	if len(long) > 80 || strings.HasSuffix(long, "-") {
		t.Errorf("long channel name %q (%d bytes)", long, len(long))
	}
}

func TestCardButtonsFollowStatus(t *testing.T) {
	at := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	inc := &bot.Incident{Number: 3, Title: "API errors", Severity: bot.SEV2, Status: bot.StatusTriggered, StartedAt: at}
	labels := func(m bot.Message) []string {
		var out []string
		for _, b := range m.Buttons {
			out = append(out, b.Label+"="+b.Command)
		}
		return out
	}
	got := strings.Join(labels(bot.Card(inc, "http://w")), "|")
	want := "Acknowledge=ack INC-3|Post update=update INC-3|Resolve=resolve INC-3|Take command=role INC-3 commander @me"
	if got != want {
		t.Errorf("triggered buttons = %s\nwant %s", got, want)
	}
	inc.Status, inc.Roles = bot.StatusInvestigating, map[string]string{"commander": "alice"}
	if got := strings.Join(labels(bot.Card(inc, "")), "|"); got != "Post update=update INC-3|Resolve=resolve INC-3" {
		t.Errorf("investigating with commander buttons = %s", got)
	}
	inc.Status = bot.StatusResolved
	if m := bot.Card(inc, ""); len(m.Buttons) != 0 {
		t.Errorf("resolved card has buttons %v", labels(m))
	}
	m := bot.Card(inc, "http://w")
	if m.Title != "SEV2 INC-3: API errors" || m.Footer != "http://w/incidents/INC-3" {
		t.Errorf("card title %q footer %q", m.Title, m.Footer)
	}
}

func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		45 * time.Second: "45s", 12 * time.Minute: "12m", 3*time.Hour + 5*time.Minute: "3h05m",
		52 * time.Hour: "2d4h", -90 * time.Second: "-1m",
	} {
		if got := bot.FormatDuration(d); got != want {
			t.Errorf("FormatDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestSeverityFromLabel(t *testing.T) {
	for in, want := range map[string]bot.Severity{"critical": bot.SEV2, "Error": bot.SEV3, "major": bot.SEV3, "high": bot.SEV3, "warning": bot.SEV4, "": bot.SEV4} {
		if got := bot.SeverityFromLabel(in); got != want {
			t.Errorf("SeverityFromLabel(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestCardShowsLinksInOrder(t *testing.T) {
	inc := &bot.Incident{Number: 5, Title: "x", Severity: bot.SEV3, Status: bot.StatusTriggered, Links: map[string]bot.Link{
		bot.LinkSource:    {ID: "alertmanager", URL: "http://prom/graph"},
		bot.LinkRunbook:   {ID: "runbook", URL: "https://runbooks/high-error-rate"},
		bot.LinkJira:      {ID: "OPS-7", URL: "https://jira/browse/OPS-7"},
		bot.LinkPagerDuty: {ID: "Q1", URL: "https://pd/incidents/Q1"},
	}}
	var got []string
	for _, f := range bot.Card(inc, "").Fields {
		if f.Link != "" {
			got = append(got, f.Label+"="+f.Link)
		}
	}
	want := "PagerDuty=https://pd/incidents/Q1|Jira=https://jira/browse/OPS-7|Runbook=https://runbooks/high-error-rate|Source alert=http://prom/graph"
	if strings.Join(got, "|") != want {
		t.Errorf("card links = %v\nwant %s", got, want)
	}
}
