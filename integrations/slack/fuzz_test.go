package slack

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/warroom/warroom/commands"
)

// FuzzParseInteraction: no interactivity payload panics the parser or the
// modal reader, and whatever command a submission turns into is one the
// tokenizer reads back.
func FuzzParseInteraction(f *testing.F) {
	for _, seed := range []string{
		`{"type":"block_actions","user":{"id":"U1"},"channel":{"id":"C1"},"actions":[{"action_id":"warroom:0","block_id":"warroom:INC-1","value":"ack INC-1"}]}`,
		`{"type":"view_submission","user":{"id":"U1"},"view":{"callback_id":"warroom_declare","private_metadata":"C1","state":{"values":{"title":{"title":{"type":"plain_text_input","value":"x \"y\" --private"}},"private":{"private":{"selected_options":[{"value":"private"}]}}}}}}`,
		`{"type":"view_submission","view":{"callback_id":"warroom_update","private_metadata":"INC-7|C1","state":{"values":{"status":{"status":{"selected_option":{"value":"--x"}}},"text":{"text":{"value":"\\\\"}}}}}}`,
		`{"type":"view_submission","view":{"callback_id":"warroom_resolve","private_metadata":"INC-9999999999999999999|","state":{"values":null}}}`,
		`{"type":""}`, `[]`, `null`, `{"type":1}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		in, err := parseInteraction(b)
		if err != nil {
			return
		}
		text, _, _, err := in.submission().command()
		if err != nil {
			return
		}
		if text == "" {
			t.Fatalf("empty command from %q", b)
		}
		if len(text) <= commands.MaxInput {
			if _, err := commands.Tokenize(text); err != nil {
				t.Fatalf("command %q from a form does not tokenize: %v", text, err)
			}
		}
	})
}

// FuzzParseEvent: no Events API body panics the parser or the event
// classifier.
func FuzzParseEvent(f *testing.F) {
	for _, seed := range []string{
		`{"type":"url_verification","challenge":"abc"}`,
		`{"type":"event_callback","event_id":"Ev1","event":{"type":"reaction_added","user":"U1","reaction":"pushpin","item":{"type":"message","channel":"C1","ts":"1.2"}}}`,
		`{"type":"event_callback","event_id":"Ev2","event":{"type":"pin_added","user":"U1","channel_id":"C1","item":{"type":"message","message":{"ts":"x","text":"y"}}}}`,
		`{"type":"event_callback","event":{"type":"message","bot_id":"B1"}}`, `{}`, `{"event":[]}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		env, err := parseEvent(b)
		if err != nil {
			return
		}
		_ = tsTime(env.Event.Item.TS)
		_ = plainText(env.Event.Reaction)
		if env.Event.Item.Message != nil {
			_ = tsTime(env.Event.Item.Message.TS)
		}
	})
}

// FuzzVerify: only the exact signature of the exact body passes.
func FuzzVerify(f *testing.F) {
	f.Add([]byte("command=%2Fincident&text=ack"), "v0=abc", int64(0))
	f.Add([]byte(""), "", int64(301))
	now := time.Unix(1_700_000_000, 0)
	s := &Slack{secrets: [][]byte{[]byte("s3cret")}, now: func() time.Time { return now }}
	f.Fuzz(func(t *testing.T, body []byte, sig string, skew int64) {
		ts := now.Unix() + skew%600
		h := http.Header{}
		h.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts, 10))
		h.Set("X-Slack-Signature", sig)
		good := Sign("s3cret", ts, body)
		err := s.verify(h, body)
		if (err == nil) != (sig == good && abs(skew%600) <= 300) {
			t.Fatalf("verify(%q, skew %d) = %v", sig, skew%600, err)
		}
	})
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

func TestPlainText(t *testing.T) {
	for in, want := range map[string]string{
		"see <https://g.example/d/1|the panel> now":  "see the panel (https://g.example/d/1) now",
		"<https://g.example/d/1>":                    "https://g.example/d/1",
		"ask <@U024BE7LH> or <@U1|bob> in <#C1|ops>": "ask @U024BE7LH or @bob in #ops",
		"<!here> <!subteam^S1|@sre> &lt;b&gt; &amp;": "@here @sre <b> &",
		"a < b": "a < b",
	} {
		if got := plainText(in); got != want {
			t.Errorf("plainText(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzMrkdwn: no markdown panics the converter, its output is valid UTF-8,
// and the only Slack control sequences in it are links to http(s) URLs;
// split into sections, every section fits and closes its code blocks.
func FuzzMrkdwn(f *testing.F) {
	for _, seed := range []string{
		"# T\n**b** _i_ ~~s~~ `c` [l](https://x.example/a)\n- a\n1. b\n> q\n---",
		"| a | b |\n|---|---|\n| <!channel> | [x](https://y.example/) |", "```\n<!here>\n", "[x](<!channel>)",
		"<https://x.example/|<!channel>>", "**[a](https://b.example/)**", "\\[x](https://y.example/)", "![](javascript:x)",
		"`` ` ``", "*_**__~~", "[[[[", "|\n|-|\n|\\|",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, md string) {
		out := Mrkdwn(md)
		if !utf8.ValidString(out) {
			t.Fatalf("Mrkdwn(%q) is not UTF-8", md)
		}
		for rest := out; ; {
			i := strings.IndexByte(rest, '<')
			if i < 0 {
				break
			}
			end := strings.IndexByte(rest[i:], '>')
			if end < 0 {
				t.Fatalf("Mrkdwn(%q) = %q leaves a < open", md, out)
			}
			u, _, _ := strings.Cut(rest[i+1:i+end], "|")
			if safeURL(u) != u || u == "" {
				t.Fatalf("Mrkdwn(%q) = %q holds <%s>", md, out, rest[i+1:i+end])
			}
			rest = rest[i+end+1:]
		}
		for _, s := range sections(out, maxSection) {
			fences := 0
			for _, line := range strings.Split(s, "\n") {
				if line == "```" {
					fences++
				}
			}
			if utf8.RuneCountInString(s) > maxSection || fences%2 != 0 {
				t.Fatalf("section of %q: %d runes, %d fences", md, utf8.RuneCountInString(s), fences)
			}
		}
	})
}
