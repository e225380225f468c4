package chart

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"strconv"
	"time"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/digest"
	"github.com/warroom/warroom/bot/kpi"
)

// Size of the image, in pixels.
const (
	Width  = 800
	Height = 500
)

// Layout: two panels, counts above and MTTR below, sharing the x axis.
const (
	left, right  = 56, Width - 16
	topY0, topY1 = 40, 300  // bar panel, top to bottom
	botY0, botY1 = 350, 460 // MTTR panel
	labelY       = 478      // x labels
)

// Colors: one per severity, SEV1 first (red, orange, yellow, blue).
var (
	colors = map[bot.Severity]color.RGBA{
		bot.SEV1: {R: 0xd6, G: 0x27, B: 0x28, A: 0xff},
		bot.SEV2: {R: 0xff, G: 0x7f, B: 0x0e, A: 0xff},
		bot.SEV3: {R: 0xe3, G: 0xc4, B: 0x1b, A: 0xff},
		bot.SEV4: {R: 0x1f, G: 0x77, B: 0xb4, A: 0xff},
	}
	ink   = color.RGBA{R: 0x33, G: 0x33, B: 0x33, A: 0xff}
	grid  = color.RGBA{R: 0xdd, G: 0xdd, B: 0xdd, A: 0xff}
	mttrC = color.RGBA{R: 0x44, G: 0x44, B: 0x44, A: 0xff}
)

var _ digest.ChartFunc = Draw

// Draw renders d's series as a PNG; nil when the digest has no series.
func Draw(d *digest.Digest) ([]byte, error) {
	series := d.Report.Series
	if len(series) == 0 {
		return nil, nil
	}
	loc := d.Options.Location
	if loc == nil {
		loc = time.UTC
	}
	img := image.NewRGBA(image.Rect(0, 0, Width, Height))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	slot := float64(right-left) / float64(len(series))
	x := func(i int) int { return left + int(slot*float64(i)+slot/2) }

	// Counts per bucket, stacked SEV1 at the bottom.
	var most int64 = 1
	for _, b := range series {
		var n int64
		for _, c := range b.Counts {
			n += c
		}
		most = max(most, n)
	}
	axes(img, topY0, topY1, strconv.FormatInt(most, 10))
	text(img, left, topY0-20, "Incidents per "+unit(series)+" by severity", ink)
	half := max(1, int(slot*0.35))
	for i, b := range series {
		y := topY1
		for _, sev := range bot.Severities {
			h := int(float64(b.Counts[sev]) / float64(most) * float64(topY1-topY0))
			fill(img, image.Rect(x(i)-half, y-h, x(i)+half, y), colors[sev])
			y -= h
		}
	}
	for i, sev := range bot.Severities { // legend, top right
		lx := right - 4*64 + i*64
		fill(img, image.Rect(lx, topY0-28, lx+10, topY0-18), colors[sev])
		text(img, lx+14, topY0-18, sev.String(), ink)
	}

	// Mean time to resolve, hours, where anything resolved.
	var hours float64 = 1
	for _, b := range series {
		if b.Resolved > 0 {
			hours = max(hours, b.MTTR.Hours())
		}
	}
	axes(img, botY0, botY1, strconv.FormatFloat(hours, 'f', 1, 64)+"h")
	text(img, left, botY0-10, "Mean time to resolve (hours)", ink)
	prev := image.Point{X: -1}
	for i, b := range series {
		if b.Resolved == 0 {
			continue
		}
		p := image.Point{X: x(i), Y: botY1 - int(b.MTTR.Hours()/hours*float64(botY1-botY0))}
		if prev.X >= 0 {
			line(img, prev, p, mttrC)
		}
		fill(img, image.Rect(p.X-3, p.Y-3, p.X+4, p.Y+4), mttrC)
		prev = p
	}

	step := max(1, len(series)/12)
	for i := 0; i < len(series); i += step {
		text(img, x(i)-20, labelY, label(series[i], loc), ink)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("encode png: %w", err)
	}
	return buf.Bytes(), nil
}

// axes draws a panel's frame, a grid line at half height and the top value.
func axes(img *image.RGBA, y0, y1 int, top string) {
	mid := (y0 + y1) / 2
	line(img, image.Point{X: left, Y: mid}, image.Point{X: right, Y: mid}, grid)
	line(img, image.Point{X: left, Y: y0}, image.Point{X: right, Y: y0}, grid)
	line(img, image.Point{X: left, Y: y0}, image.Point{X: left, Y: y1}, ink)
	line(img, image.Point{X: left, Y: y1}, image.Point{X: right, Y: y1}, ink)
	text(img, 4, y0+10, top, ink)
	text(img, 4, y1, "0", ink)
}

func fill(img *image.RGBA, r image.Rectangle, c color.Color) {
	draw.Draw(img, r, image.NewUniform(c), image.Point{}, draw.Src)
}

// line draws a one-pixel line from a to b (Bresenham).
func line(img *image.RGBA, a, b image.Point, c color.Color) {
	dx, dy := abs(b.X-a.X), -abs(b.Y-a.Y)
	sx, sy := sign(b.X-a.X), sign(b.Y-a.Y)
	err := dx + dy
	for {
		img.Set(a.X, a.Y, c)
		if a == b {
			return
		}
		e2 := 2 * err
		if e2 >= dy {
			err += dy
			a.X += sx
		}
		if e2 <= dx {
			err += dx
			a.Y += sy
		}
	}
}

func text(img *image.RGBA, x, y int, s string, c color.Color) {
	d := font.Drawer{Dst: img, Src: image.NewUniform(c), Face: basicfont.Face7x13, Dot: fixed.P(x, y)}
	d.DrawString(s)
}

func abs(n int) int { return max(n, -n) }

func sign(n int) int {
	switch {
	case n > 0:
		return 1
	case n < 0:
		return -1
	}
	return 0
}

func unit(s []kpi.Bucket) string {
	if len(s) == 0 {
		return "day"
	}
	switch d := s[0].End.Sub(s[0].Start); {
	case d > 8*kpi.Day:
		return "month"
	case d > 2*kpi.Day:
		return "week"
	}
	return "day"
}

func label(b kpi.Bucket, loc *time.Location) string {
	if unit([]kpi.Bucket{b}) == "month" {
		return b.Start.In(loc).Format("Jan 06")
	}
	return b.Start.In(loc).Format("Jan 2")
}
