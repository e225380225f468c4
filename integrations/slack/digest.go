package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/warroom/warroom/bot"
)

// handleDigest posts a KPI digest in its channel (a name or an id), then
// its files (the chart). The job's id is its ref, so a retry never posts
// or uploads twice.
func (s *Slack) handleDigest(ctx context.Context, job bot.Job) error {
	var p bot.DigestPayload
	if err := json.Unmarshal(job.Payload, &p); err != nil {
		return bot.Permanent(fmt.Errorf("decode digest of job %d: %w", job.ID, err))
	}
	ch := strings.TrimPrefix(strings.TrimSpace(p.Channel), "#")
	if ch == "" {
		return bot.Permanent(fmt.Errorf("digest job %d names no channel", job.ID))
	}
	return s.postWithFiles(ctx, ch, jobRef(job.ID), 0, p.Message, true)
}

// markdownText says a post's text is markdown: the Service's postmortem
// draft carries the whole draft as a markdown file and its head as text.
// Other posts (updates, role changes, reminders) are shown as written.
func markdownText(m bot.Message) bool {
	for _, a := range m.Attachments {
		if ct, _, _ := strings.Cut(a.ContentType, ";"); strings.TrimSpace(ct) == "text/markdown" {
			return true
		}
	}
	return false
}

// postWithFiles posts m once under ref, then uploads each of its
// attachments into the same channel, once each; markdown says its text is
// markdown, converted to mrkdwn (the files are uploaded as they are).
func (s *Slack) postWithFiles(ctx context.Context, channel, ref string, incident int64, m bot.Message, markdown bool) error {
	if err := s.put(ctx, channel, ref, incident, m, putOpts{markdown: markdown}); err != nil {
		return err
	}
	pm, _, err := s.load(ctx, ref)
	if err != nil || pm == nil {
		return err
	}
	for i, a := range m.Attachments {
		if err := s.upload(ctx, pm.Channel, fmt.Sprintf("%s:file:%d", ref, i), incident, a); err != nil {
			return err
		}
	}
	return nil
}

// upload shares one file in channelID (an id, as files.completeUploadExternal
// wants) through Slack's three-step upload.
func (s *Slack) upload(ctx context.Context, channelID, ref string, incident int64, a bot.Attachment) error {
	if len(a.Data) == 0 {
		return nil
	}
	if pm, _, err := s.load(ctx, ref); err != nil || pm != nil {
		return err
	}
	name := a.Name
	if name == "" {
		name = "attachment"
	}
	var f *slack.FileSummary
	err := s.call(ctx, channelID, callRead, "files.upload "+ref, func(ctx context.Context) error {
		var err error
		f, err = s.api.UploadFileContext(ctx, slack.UploadFileParameters{
			Channel: channelID, Filename: name, FileSize: len(a.Data), Reader: bytes.NewReader(a.Data),
			Title: oneLine(a.Title),
		})
		return err
	})
	if err != nil {
		return err
	}
	return s.save(ctx, &bot.PostedMessage{Channel: channelID, Ref: ref, ExternalID: f.ID, Incident: incident}, record{})
}
