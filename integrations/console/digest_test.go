package console

import (
	"strings"
	"testing"

	"github.com/warroom/warroom/bot"
)

func TestAttachmentsRender(t *testing.T) {
	pages, err := parsePages()
	if err != nil {
		t.Fatal(err)
	}
	png := []byte("\x89PNG\r\n\x1a\nrest")
	c := &Console{pages: pages}
	out, err := c.fragment("message", messageView{DOMID: "m1", Msg: bot.Message{Title: "Incident digest", Attachments: []bot.Attachment{
		{Name: "digest.png", ContentType: "image/png", Title: "chart", Data: png},
		{Name: "pm.md", ContentType: "text/markdown", Data: []byte("# <script>alert(1)</script>")},
		{Name: "evil.png", ContentType: "image/png", Data: []byte("javascript:alert(1)")},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, `<img class="chart" src="data:image/png;base64,`) {
		t.Errorf("no chart image in %s", out)
	}
	if strings.Contains(out, "<script>") || !strings.Contains(out, "&lt;script&gt;") {
		t.Errorf("text attachment not escaped: %s", out)
	}
	if strings.Count(out, "<img") != 1 {
		t.Errorf("a non-PNG became an image: %s", out)
	}
}

func TestMarkdownRendersAsHTML(t *testing.T) {
	got := string(markdownHTML("# Postmortem: INC-7 <b>x</b>\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\n<div onclick=\"x\">hi</div>\n\n- one\n- [link](javascript:alert(1))\n"))
	for _, want := range []string{"<h1>Postmortem: INC-7 &lt;b&gt;x&lt;/b&gt;</h1>", "<table>", "<td>1</td>", "&lt;div onclick=", "<li>one</li>"} {
		if !strings.Contains(got, want) {
			t.Errorf("rendered markdown lacks %q:\n%s", want, got)
		}
	}
	for _, bad := range []string{"<b>", "<div", "javascript:"} {
		if strings.Contains(got, bad) {
			t.Errorf("rendered markdown holds %q:\n%s", bad, got)
		}
	}
	if markdownText("Acknowledged INC-1") != "" || markdownText("# Incident digest: last 7d\n") == "" {
		t.Error("markdownText renders plain replies, or not digests")
	}
}
