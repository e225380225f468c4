package chart

import (
	"bytes"
	"fmt"
	"image/color"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/digest"
	"github.com/warroom/warroom/bot/kpi"
)

// Size of the image.
const (
	Width  = 8 * vg.Inch
	Height = 5 * vg.Inch
)

// severity colours, SEV1 first: red, orange, yellow, blue.
var colors = map[bot.Severity]color.Color{
	bot.SEV1: color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff},
	bot.SEV2: color.RGBA{R: 0xff, G: 0x7f, B: 0x0e, A: 0xff},
	bot.SEV3: color.RGBA{R: 0xe3, G: 0xc4, B: 0x1b, A: 0xff},
	bot.SEV4: color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff},
}

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
	labels := make([]string, len(series))
	step := max(1, len(series)/12)
	for i, b := range series {
		if i%step == 0 {
			labels[i] = label(b, loc)
		}
	}
	top := plot.New()
	top.Title.Text = "Incidents per " + unit(series) + " by severity"
	top.Y.Label.Text = "incidents"
	top.Y.Min = 0
	top.Legend.Top = true
	w := vg.Points(float64(Width-80) / float64(len(series)) * 0.7)
	var below *plotter.BarChart
	for _, sev := range bot.Severities {
		vals := make(plotter.Values, len(series))
		for i, b := range series {
			vals[i] = float64(b.Counts[sev])
		}
		bars, err := plotter.NewBarChart(vals, w)
		if err != nil {
			return nil, fmt.Errorf("bars: %w", err)
		}
		bars.Color = colors[sev]
		bars.LineStyle.Width = 0
		if below != nil {
			bars.StackOn(below)
		}
		top.Add(bars)
		top.Legend.Add(sev.String(), bars)
		below = bars
	}
	top.NominalX(labels...)

	bottom := plot.New()
	bottom.Title.Text = "Mean time to resolve (hours)"
	bottom.Y.Min = 0
	pts := make(plotter.XYs, 0, len(series))
	for i, b := range series {
		if b.Resolved == 0 {
			continue
		}
		pts = append(pts, plotter.XY{X: float64(i), Y: b.MTTR.Hours()})
	}
	if len(pts) > 0 {
		line, points, err := plotter.NewLinePoints(pts)
		if err != nil {
			return nil, fmt.Errorf("mttr line: %w", err)
		}
		line.Color = color.RGBA{R: 0x44, G: 0x44, B: 0x44, A: 0xff}
		points.Shape = draw.CircleGlyph{}
		bottom.Add(line, points)
	}
	bottom.NominalX(labels...)
	bottom.X.Min, bottom.X.Max = -0.5, float64(len(series))-0.5

	img := vgimg.New(Width, Height)
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: 2, Cols: 1, PadX: vg.Millimeter, PadY: 2 * vg.Millimeter,
		PadTop: 2 * vg.Millimeter, PadBottom: 2 * vg.Millimeter, PadLeft: 2 * vg.Millimeter, PadRight: 2 * vg.Millimeter}
	canvases := plot.Align([][]*plot.Plot{{top}, {bottom}}, tiles, dc)
	top.Draw(canvases[0][0])
	bottom.Draw(canvases[1][0])
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("encode png: %w", err)
	}
	return buf.Bytes(), nil
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
