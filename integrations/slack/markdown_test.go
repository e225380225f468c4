package slack_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/slack"
	"github.com/warroom/warroom/internal/testkit"
)

func TestMrkdwn(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"plain", "3 incidents, MTTA 4m", "3 incidents, MTTA 4m"},
		{"heading", "# Postmortem: INC-42", "*Postmortem: INC-42*"},
		{"heading levels and closing hashes", "### Root cause ###", "*Root cause*"},
		{"heading with bold inside", "## The **real** cause", "*The real cause*"},
		{"empty heading", "#", ""},
		{"hashtag is no heading", "#incidents is the channel", "#incidents is the channel"},
		{"strong", "this is **very** bad", "this is *very* bad"},
		{"strong underscores", "__very__ bad", "*very* bad"},
		{"emphasis", "an *odd* case and _another_", "an _odd_ case and _another_"},
		{"strike", "~~wrong~~ right", "~wrong~ right"},
		{"snake_case stays", "set max_idle_conns to 0", "set max_idle_conns to 0"},
		{"lone stars stay", "2 * 3 * 4", "2 * 3 * 4"},
		{"unclosed strong", "**oops", "**oops"},
		{"link", "see [OPS-7](https://jira.example/browse/OPS-7)", "see <https://jira.example/browse/OPS-7|OPS-7>"},
		{"link label escaped", "[a <!channel> & b](https://x.example/)", "<https://x.example/|a &lt;!channel&gt; &amp; b>"},
		{"link label markup dropped", "[**Jira**](https://x.example/)", "<https://x.example/|Jira>"},
		{"link with title", `[doc](https://x.example/d "The doc")`, "<https://x.example/d|doc>"},
		{"javascript link", "[click](javascript:alert(1))", "click)"},
		{"relative link", "[card](/incidents/INC-1)", "card"},
		{"link smuggling a label", "[x](https://a.example|evil)", "x"},
		{"empty label", "[](https://x.example/)", "<https://x.example/>"},
		{"image", "![chart](https://x.example/c.png)", "<https://x.example/c.png|chart>"},
		{"autolink", "<https://x.example/a>", "<https://x.example/a>"},
		{"special mention", "<!channel> <!here> <@U123> <#C1|x>", "&lt;!channel&gt; &lt;!here&gt; &lt;@U123&gt; &lt;#C1|x&gt;"},
		{"spoofed link", "<https://evil.example|bank>", "&lt;https://evil.example|bank&gt;"},
		{"entities", "a & b < c > d", "a &amp; b &lt; c &gt; d"},
		{"inline code", "run `kubectl get <pods>` now", "run `kubectl get &lt;pods&gt;` now"},
		{"code hides markup", "`**x**` and `[a](https://b.example)`", "`**x**` and `[a](https://b.example)`"},
		{"double backtick code", "``a `b` c``", "`a 'b' c`"},
		{"backslash escapes", `\*not bold\* and a \| pipe`, "*not bold* and a | pipe"},
		{"bullets", "- one\n* two\n+ three\n  - nested", "• one\n• two\n• three\n  • nested"},
		{"task list", "- [ ] todo\n- [x] done", "• ☐ todo\n• ☑ done"},
		{"ordered", "1. first\n2) second", "1. first\n2. second"},
		{"bullet with markup", "- **Alerts**: HighLatency ×2", "• *Alerts*: HighLatency ×2"},
		{"quote", "> quoted **text**\n>", "> quoted *text*\n>"},
		{"rule", "---\n***", "──────────\n──────────"},
		{"fenced code", "```go\nif a < b && c {\n}\n```", "```\nif a &lt; b &amp;&amp; c {\n}\n```"},
		{"fenced code keeps markup", "~~~\n# not a heading\n**x** <!channel>\n~~~", "```\n# not a heading\n**x** &lt;!channel&gt;\n```"},
		{"fence inside tilde block", "~~~\n```\n~~~", "```\n``\u200b`\n```"},
		{"unclosed fence", "```\ncode", "```\ncode\n```"},
		{"table", "| Severity | Incidents |\n|---|---:|\n| SEV1 | 1 |\n| **All** | 12 |",
			"```\nSeverity | Incidents\n---------+----------\nSEV1     | 1\nAll      | 12\n```"},
		{"table without header", "| | |\n|---|---|\n| Severity | SEV2 |\n| Jira | [OPS-7](https://j.example/OPS-7) |",
			"```\nSeverity | SEV2\nJira     | OPS-7 (https://j.example/OPS-7)\n```"},
		{"table escapes", "| a | b |\n|---|---|\n| x \\| y | <!channel> & ``` |",
			"```\na     | b\n------+-------------\nx | y | &lt;!channel&gt; &amp;\n```"},
		{"pipe line without separator", "| not a table |", "| not a table |"},
		{"crlf", "# A\r\n**b**", "*A*\n*b*"},
		{"invalid utf-8", "a\xffb", "a\uFFFDb"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := slack.Mrkdwn(c.in); got != c.want {
				t.Errorf("Mrkdwn(%q)\n got %q\nwant %q", c.in, got, c.want)
			}
		})
	}
}

// TestMrkdwnNeverPings: whatever the markdown, no Slack control sequence
// survives but the links the markdown asked for, to http(s) URLs.
func TestMrkdwnNeverPings(t *testing.T) {
	inputs := []string{
		"<!channel>", "[<!here>](https://x.example/)", "[x](<!channel>)", "**<!everyone>**", "# <@U123>",
		"| <!channel> |\n|---|\n| <!here> |", "```\n<!channel>\n```", "`<!here>`", "<mailto:a@b.example>",
		"[a](https://x.example/>|<!channel>)", "![<!here>](https://x.example/)", "> <!subteam^S1>",
		"[[nested](https://a.example/)](https://b.example/)", "<https://x.example/ <!channel>>",
	}
	for _, in := range inputs {
		out := slack.Mrkdwn(in)
		for i := 0; i < len(out); i++ {
			if out[i] != '<' {
				continue
			}
			end := strings.IndexByte(out[i:], '>')
			if end < 0 {
				t.Errorf("Mrkdwn(%q) = %q: a < is left open", in, out)
				break
			}
			seq, _, _ := strings.Cut(out[i+1:i+end], "|")
			if !strings.HasPrefix(seq, "https://") && !strings.HasPrefix(seq, "http://") || strings.ContainsAny(seq, "!@#") {
				t.Errorf("Mrkdwn(%q) = %q: control sequence <%s>", in, out, seq)
			}
			i += end
		}
	}
}

// TestRenderMarkdownSplitsSections: a long markdown text fills several
// sections within Slack's limits, and none leaves a code block open.
func TestRenderMarkdownSplitsSections(t *testing.T) {
	var md strings.Builder
	md.WriteString("# Long\n\n| a | b |\n|---|---|\n")
	for i := range 400 {
		md.WriteString("| row " + strings.Repeat("x", i%40) + " | [link](https://x.example/" + strings.Repeat("y", 30) + ") |\n")
	}
	md.WriteString("\n" + strings.Repeat("[l](https://x.example/z) ", 400) + "\n")
	blocks, _ := slack.RenderMarkdown(bot.Message{Title: "Big", Text: md.String(), Buttons: []bot.Button{{Label: "Go", Command: "show INC-1"}}})
	if len(blocks) > 50 {
		t.Fatalf("%d blocks", len(blocks))
	}
	b, _ := json.Marshal(blocks)
	var raw []struct {
		Type string `json:"type"`
		Text *struct {
			Text string `json:"text"`
		} `json:"text"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	sections := 0
	for _, r := range raw {
		if r.Type != "section" || r.Text == nil {
			continue
		}
		sections++
		s := r.Text.Text
		if n := utf8.RuneCountInString(s); n > 3000 {
			t.Errorf("section of %d runes", n)
		}
		if strings.Count(s, "```")%2 != 0 {
			t.Errorf("section leaves a code block open: …%s", s[max(0, len(s)-80):])
		}
		if strings.Count(s, "<") != strings.Count(s, ">") {
			t.Errorf("section cuts a link: …%s", s[max(0, len(s)-80):])
		}
	}
	if sections < 2 {
		t.Errorf("%d sections, want the text split", sections)
	}
	if raw[len(raw)-1].Type != "actions" {
		t.Errorf("the buttons were dropped: last block is %s", raw[len(raw)-1].Type)
	}
}

// TestMarkdownGolden renders real markdown: the digest and the postmortem
// draft that bot/digest and bot/postmortem write (their own golden files),
// as Slack mrkdwn and as the Block Kit messages posted.
func TestMarkdownGolden(t *testing.T) {
	weeklyMD := readFile(t, "../../bot/digest/testdata/weekly.md")
	draft := readFile(t, "../../bot/postmortem/testdata/default.md")
	var weekly bot.Message
	if err := json.Unmarshal([]byte(readFile(t, "../../bot/digest/testdata/weekly.json")), &weekly); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 5, 4, 9, 30, 0, 0, time.UTC)
	inc := &bot.Incident{Number: 42, Title: "Checkout latency above SLO", Severity: bot.SEV2, Status: bot.StatusResolved, StartedAt: t0, DeclaredAt: t0}
	pm := bot.PostmortemMessage(inc, draft, "https://warroom.example.com")
	for _, c := range []struct{ name, got string }{
		{"digest_weekly.mrkdwn", slack.Mrkdwn(weeklyMD)},
		{"postmortem_default.mrkdwn", slack.Mrkdwn(draft)},
		{"digest_weekly.golden.json", blocksJSON(t, weekly)},
		{"postmortem_default.golden.json", blocksJSON(t, pm)},
	} {
		t.Run(c.name, func(t *testing.T) {
			testkit.Golden(t, filepath.Join("testdata", c.name), []byte(c.got))
			for _, bad := range []string{"**", "\n## ", `\n## `, "](http", "|---"} {
				if strings.Contains(c.got, bad) {
					t.Errorf("%s still holds markdown %q", c.name, bad)
				}
			}
		})
	}
}

func blocksJSON(t *testing.T, m bot.Message) string {
	t.Helper()
	blocks, fallback := slack.RenderMarkdown(m)
	b, err := json.MarshalIndent(map[string]any{"text": fallback, "blocks": blocks}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b) + "\n"
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create the golden files)", err)
	}
	return string(b)
}
