package console

import (
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/warroom/warroom/bot"
)

// storedMessage is a message as the console keeps it: bot.Message, but a
// text file's content is kept as text instead of base64. A postmortem
// draft is posted as the message's text and as a markdown file; as text
// twice, the store's compression keeps the second copy for a few bytes,
// where base64 would cost about as much again as the draft.
type storedMessage struct {
	bot.Message
	Attachments []storedAttachment `json:"attachments,omitempty"`
}

type storedAttachment struct {
	Name        string  `json:"name"`
	ContentType string  `json:"content_type"`
	Title       string  `json:"title,omitempty"`
	Text        *string `json:"text,omitempty"` // a text file's content
	Data        []byte  `json:"data,omitempty"` // any other file's, base64
}

// encodeMessage renders m as the console stores it.
func encodeMessage(m bot.Message) ([]byte, error) {
	s := storedMessage{Message: m}
	for _, a := range m.Attachments {
		sa := storedAttachment{Name: a.Name, ContentType: a.ContentType, Title: a.Title, Data: a.Data}
		if strings.HasPrefix(a.ContentType, "text/") && utf8.Valid(a.Data) {
			text := string(a.Data)
			sa.Text, sa.Data = &text, nil
		}
		s.Attachments = append(s.Attachments, sa)
	}
	return json.Marshal(s)
}

// decodeMessage reads a stored message, in this form or as bot.Message
// (base64 files, as the console stored them before).
func decodeMessage(b []byte) (bot.Message, error) {
	var s storedMessage
	if err := json.Unmarshal(b, &s); err != nil {
		return bot.Message{}, err
	}
	m := s.Message
	m.Attachments = nil
	for _, sa := range s.Attachments {
		a := bot.Attachment{Name: sa.Name, ContentType: sa.ContentType, Title: sa.Title, Data: sa.Data}
		if sa.Text != nil {
			a.Data = []byte(*sa.Text)
		}
		m.Attachments = append(m.Attachments, a)
	}
	return m, nil
}
