package console

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// pageNames are the templates a handler can render; each file defines a
// template of its own name.
var pageNames = []string{"chat", "incidents", "incident", "login", "outbox", "insights", "actions", "problems", "problem"}

var funcs = template.FuncMap{
	"when": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.UTC().Format("2006-01-02 15:04 UTC")
	},
	"whenp": func(t *time.Time) string {
		if t == nil || t.IsZero() {
			return "—"
		}
		return t.UTC().Format("2006-01-02 15:04 UTC")
	},
	"iso":            func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"clock":          func(t time.Time) string { return t.UTC().Format("15:04") },
	"dur":            bot.FormatDuration,
	"open":           func(s bot.Status) bool { return s.Open() },
	"framed":         isCardLike,
	"imageURL":       imageURL,           // digest.go
	"attachmentText": attachmentText,     // digest.go
	"markdown":       markdownAttachment, // markdown.go
	"markdownText":   markdownText,
}

// parsePages builds one template set per page over the shared layout and
// partials.
func parsePages() (map[string]*template.Template, error) {
	base, err := template.New("").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials.html")
	if err != nil {
		return nil, fmt.Errorf("parse console layout: %w", err)
	}
	pages := make(map[string]*template.Template, len(pageNames))
	for _, name := range pageNames {
		t, err := template.Must(base.Clone()).ParseFS(templateFS, "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("parse console page %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// render writes a whole page.
func (c *Console) render(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	if err := c.pages[name].ExecuteTemplate(&buf, name, data); err != nil {
		c.log.Error("render console page", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// fragment renders one named partial to a string.
func (c *Console) fragment(name string, data any) (string, error) {
	var buf bytes.Buffer
	if err := c.pages["chat"].ExecuteTemplate(&buf, name, data); err != nil {
		return "", fmt.Errorf("render %s: %w", name, err)
	}
	return buf.String(), nil
}

// static serves the embedded CSS and JavaScript.
func (c *Console) static(w http.ResponseWriter, r *http.Request) {
	sub, _ := fs.Sub(staticFS, "static")
	w.Header().Set("Cache-Control", "no-cache")
	http.StripPrefix("/console/static/", http.FileServerFS(sub)).ServeHTTP(w, r)
}

// messageView is one message as the chat shows it.
type messageView struct {
	DOMID     string // element id, stable across edits
	Ref       string
	Version   string // changes when the message is edited
	Card      bool   // an incident card, edited in place
	Edited    bool
	At        time.Time
	Lead      string // a reply's plain text, shown before its message
	Msg       bot.Message
	Ephemeral bool // a reply only the person who typed the command sees
	Form      string
	Prompt    string // the command a reply's form completes
}

func viewOf(pm bot.PostedMessage) messageView {
	m, err := decodeMessage(pm.Body)
	if err != nil {
		m = bot.Message{Text: "(this message could not be read)"}
	}
	return messageView{
		DOMID:   "m" + strconv.FormatInt(pm.ID, 10),
		Ref:     pm.Ref,
		Version: strconv.FormatInt(pm.UpdatedAt.UnixNano(), 36),
		Card:    strings.HasPrefix(pm.Ref, "card:") || strings.HasPrefix(pm.Ref, "announce:"),
		Edited:  pm.UpdatedAt.After(pm.CreatedAt),
		At:      pm.CreatedAt,
		Msg:     m,
	}
}

// isCardLike says a message has the parts of a card (title, fields or
// buttons) and gets the card's frame.
func isCardLike(m bot.Message) bool {
	return m.Title != "" || len(m.Fields) > 0 || len(m.Buttons) > 0 || len(m.Attachments) > 0
}
