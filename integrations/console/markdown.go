package console

import (
	"bytes"
	"html/template"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"

	"github.com/warroom/warroom/bot"
)

// md renders markdown as the console shows it: CommonMark with GitHub's
// tables and strikethrough. Raw HTML is off: HTML in the source (a title
// with <script> in it, say) is shown as the text it is, escaped, never as
// markup.
var md = goldmark.New(
	goldmark.WithExtensions(extension.Table, extension.Strikethrough),
	goldmark.WithRendererOptions(renderer.WithNodeRenderers(util.Prioritized(escapeHTML{}, 100))),
)

// escapeHTML renders raw HTML nodes as escaped text.
type escapeHTML struct{}

func (escapeHTML) RegisterFuncs(r renderer.NodeRendererFuncRegisterer) {
	r.Register(ast.KindRawHTML, func(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			segs := n.(*ast.RawHTML).Segments
			for i := 0; i < segs.Len(); i++ {
				s := segs.At(i)
				_, _ = w.WriteString(template.HTMLEscapeString(string(s.Value(src))))
			}
		}
		return ast.WalkSkipChildren, nil
	})
	r.Register(ast.KindHTMLBlock, func(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		b := n.(*ast.HTMLBlock)
		_, _ = w.WriteString("<p>")
		lines := b.Lines()
		for i := 0; i < lines.Len(); i++ {
			s := lines.At(i)
			_, _ = w.WriteString(template.HTMLEscapeString(string(s.Value(src))))
		}
		if b.HasClosure() {
			_, _ = w.WriteString(template.HTMLEscapeString(string(b.ClosureLine.Value(src))))
		}
		_, _ = w.WriteString("</p>\n")
		return ast.WalkSkipChildren, nil
	})
}

// maxMarkdown caps what is rendered.
const maxMarkdown = 256 << 10

// markdownHTML renders markdown source to HTML; "" when it fails.
func markdownHTML(src string) template.HTML {
	if len(src) > maxMarkdown {
		src = src[:maxMarkdown] + "\n\n…"
	}
	var buf bytes.Buffer
	if err := md.Convert([]byte(src), &buf); err != nil {
		return ""
	}
	return template.HTML(buf.String()) // goldmark escapes text; escapeHTML the raw HTML
}

// markdownAttachment is a markdown attachment (a postmortem draft)
// rendered, or "" for any other attachment.
func markdownAttachment(a bot.Attachment) template.HTML {
	if !strings.HasPrefix(a.ContentType, "text/markdown") {
		return ""
	}
	return markdownHTML(string(a.Data))
}

// markdownText renders a reply that is a markdown document (a digest
// starts with a "# " heading), or "" for plain text, which is shown as is.
func markdownText(s string) template.HTML {
	if !strings.HasPrefix(s, "# ") {
		return ""
	}
	return markdownHTML(s)
}
