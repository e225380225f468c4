package chart

import (
	"bytes"
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/digest"
)

// Size of the image, in pixels.
const (
	Width  = 800
	Height = 500
	dpi    = 96
)

// Colours: the console's (static/console.css), one per severity, SEV1
// first, and the resolve-time lines.
var (
	Colors = map[bot.Severity]color.RGBA{
		bot.SEV1: {R: 0xc6, G: 0x28, B: 0x28, A: 0xff},
		bot.SEV2: {R: 0xef, G: 0x6c, B: 0x00, A: 0xff},
		bot.SEV3: {R: 0xf9, G: 0xa8, B: 0x25, A: 0xff},
		bot.SEV4: {R: 0x60, G: 0x7d, B: 0x8b, A: 0xff},
	}
	// LineColor is the MTTR lines' (the console's accent).
	LineColor = color.RGBA{R: 0x2f, G: 0x6f, B: 0xd6, A: 0xff}
)

var _ digest.ChartFunc = Draw

// Draw renders d's series as a PNG; nil when the digest has no series.
func Draw(d *digest.Digest) ([]byte, error) {
	data := Series(d)
	if data == nil {
		return nil, nil
	}
	top, err := countsPlot(data)
	if err != nil {
		return nil, err
	}
	bottom, err := mttrPlot(data)
	if err != nil {
		return nil, err
	}
	px := func(n int) vg.Length { return vg.Length(n) * vg.Inch / dpi }
	img := vgimg.NewWith(vgimg.UseWH(px(Width), px(Height)), vgimg.UseDPI(dpi), vgimg.UseBackgroundColor(color.White))
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: 2, Cols: 1, PadTop: vg.Points(6), PadBottom: vg.Points(4), PadLeft: vg.Points(6),
		PadRight: vg.Points(10), PadY: vg.Points(10)}
	cs := plot.Align([][]*plot.Plot{{top}, {bottom}}, tiles, dc)
	// The bars get three fifths of the height (y grows upwards).
	split := cs[1][0].Min.Y + (cs[0][0].Max.Y-cs[1][0].Min.Y)*0.4
	cs[0][0].Min.Y, cs[1][0].Max.Y = split+vg.Points(6), split-vg.Points(6)
	top.Draw(cs[0][0])
	bottom.Draw(cs[1][0])
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("encode png: %w", err)
	}
	return buf.Bytes(), nil
}

// countsPlot stacks the incidents of each bucket by severity, SEV1 at the
// bottom.
func countsPlot(data *Data) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = "Incidents per " + data.Unit + " by severity"
	p.Y.Label.Text = "incidents"
	p.Y.Min = 0
	p.Y.Tick.Marker = intTicks{}
	p.X.Tick.Marker = labelTicks(data.Labels)
	p.Add(plotter.NewGrid())
	width := vg.Points(math.Max(2, math.Min(24, 420/float64(len(data.Labels)))))
	var below *plotter.BarChart
	most := 1.0
	totals := make([]float64, len(data.Labels))
	for _, s := range bot.Severities {
		vals := make(plotter.Values, len(data.Labels))
		for i, n := range data.Counts[s.String()] {
			vals[i] = float64(n)
			totals[i] += float64(n)
		}
		b, err := plotter.NewBarChart(vals, width)
		if err != nil {
			return nil, fmt.Errorf("draw %s bars: %w", s, err)
		}
		b.Color = Colors[s]
		b.LineStyle.Width = 0
		if below != nil {
			b.StackOn(below)
		}
		below = b
		p.Add(b)
		p.Legend.Add(s.String(), b)
	}
	for _, t := range totals {
		most = math.Max(most, t)
	}
	p.Y.Max = math.Ceil(most * 1.6) // room for the legend
	p.X.Min, p.X.Max = -0.6, float64(len(data.Labels))-0.4
	p.Legend.Top = true
	p.Legend.Left = false
	return p, nil
}

// mttrPlot draws the median and p90 time to resolve, in hours.
func mttrPlot(data *Data) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = "Time to resolve (hours): median and p90"
	p.Y.Label.Text = "hours"
	p.Y.Min = 0
	p.X.Tick.Marker = labelTicks(data.Labels)
	p.X.Min, p.X.Max = -0.6, float64(len(data.Labels))-0.4
	p.Add(plotter.NewGrid())
	most := 1.0
	for i, vals := range [][]*float64{data.MTTRP50, data.MTTRP90} {
		var xys plotter.XYs
		for x, v := range vals {
			if v != nil {
				xys = append(xys, plotter.XY{X: float64(x), Y: *v})
				most = math.Max(most, *v)
			}
		}
		if len(xys) == 0 {
			continue
		}
		l, pts, err := plotter.NewLinePoints(xys)
		if err != nil {
			return nil, fmt.Errorf("draw the MTTR line: %w", err)
		}
		l.Color, pts.Color = LineColor, LineColor
		l.Width = vg.Points(2)
		pts.Shape = draw.CircleGlyph{}
		pts.Radius = vg.Points(2.5)
		name := "MTTR p50"
		if i == 1 {
			name = "MTTR p90"
			l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
			pts.Shape = draw.BoxGlyph{}
		}
		p.Add(l, pts)
		p.Legend.Add(name, l, pts)
	}
	p.Y.Max = math.Ceil(most * 1.5) // room for the legend
	p.Legend.Top = true
	p.Legend.Left = false
	return p, nil
}

// labelTicks labels bucket positions, at most about 12 of them.
type labelTicks []string

func (l labelTicks) Ticks(lo, hi float64) []plot.Tick {
	step := max(1, (len(l)+11)/12)
	var out []plot.Tick
	for i, s := range l {
		if i%step == 0 {
			out = append(out, plot.Tick{Value: float64(i), Label: s})
		} else {
			out = append(out, plot.Tick{Value: float64(i)})
		}
	}
	return out
}

// intTicks are whole-number ticks (counts of incidents).
type intTicks struct{}

func (intTicks) Ticks(lo, hi float64) []plot.Tick {
	step := 1.0
	for (hi-lo)/step > 8 {
		switch {
		case step*2 >= (hi-lo)/8:
			step *= 2
		case step*5 >= (hi-lo)/8:
			step *= 5
		default:
			step *= 10
		}
	}
	var out []plot.Tick
	for v := math.Ceil(lo/step) * step; v <= hi; v += step {
		out = append(out, plot.Tick{Value: v, Label: fmt.Sprintf("%.0f", v)})
	}
	return out
}
