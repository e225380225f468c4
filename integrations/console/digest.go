package console

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"strings"

	"github.com/warroom/warroom/bot"
)

// handleDigest posts a KPI digest in its channel (created on first use
// like any console channel). The job's id is its ref, so a retry never
// posts twice.
func (c *Console) handleDigest(ctx context.Context, job bot.Job) error {
	var p bot.DigestPayload
	if err := json.Unmarshal(job.Payload, &p); err != nil {
		return bot.Permanent(fmt.Errorf("decode digest of job %d: %w", job.ID, err))
	}
	ch := strings.TrimPrefix(strings.TrimSpace(p.Channel), "#")
	if ch == "" {
		return bot.Permanent(fmt.Errorf("digest job %d names no channel", job.ID))
	}
	return c.save(ctx, ch, jobRef(job.ID), 0, p.Message)
}

// imageURL is an attachment's PNG as a data: URL the page may show, or ""
// for anything that is not a PNG.
func imageURL(a bot.Attachment) template.URL {
	if a.ContentType != "image/png" || len(a.Data) < 8 || string(a.Data[1:4]) != "PNG" {
		return ""
	}
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(a.Data))
}

// attachmentText is a text attachment's content, capped for the page.
func attachmentText(a bot.Attachment) string {
	if !strings.HasPrefix(a.ContentType, "text/") {
		return ""
	}
	const limit = 64 << 10
	if len(a.Data) > limit {
		return string(a.Data[:limit]) + "\n…"
	}
	return string(a.Data)
}
