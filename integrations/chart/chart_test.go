package chart_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/digest"
	"github.com/warroom/warroom/bot/kpi"
	"github.com/warroom/warroom/integrations/chart"
	"github.com/warroom/warroom/internal/testkit"
)

func TestDrawIsAPNG(t *testing.T) {
	start := time.Date(2026, 3, 24, 0, 0, 0, 0, time.UTC)
	var series []kpi.Bucket
	for i := 0; i < 30; i++ {
		b := kpi.Bucket{Start: start.AddDate(0, 0, i), End: start.AddDate(0, 0, i+1),
			Counts: map[bot.Severity]int64{bot.SEV1: int64(i % 2), bot.SEV3: int64(i % 5)}}
		if i%3 == 0 {
			b.Res = kpi.Stats{N: 2, Median: time.Duration(i) * time.Hour, P90: time.Duration(2*i) * time.Hour}
		}
		series = append(series, b)
	}
	d := &digest.Digest{Options: digest.Options{Period: 30 * kpi.Day}, Report: kpi.Report{Series: series}}
	out, err := chart.Draw(d)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() < 500 || b.Dy() < 300 {
		t.Errorf("image is %v", b)
	}
	if none, err := chart.Draw(&digest.Digest{}); err != nil || none != nil {
		t.Errorf("empty series drew %d bytes, %v", len(none), err)
	}
}

// has reports whether any pixel of img is exactly c.
func has(img image.Image, c color.RGBA) bool {
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if color.RGBAModel.Convert(img.At(x, y)) == c {
				return true
			}
		}
	}
	return false
}

func TestDrawShowsWhatTheSeriesHolds(t *testing.T) {
	red := chart.Colors[bot.SEV1]
	blue := chart.Colors[bot.SEV4]
	grey := chart.LineColor // the MTTR lines
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	draw := func(counts map[bot.Severity]int64, resolved int64) image.Image {
		t.Helper()
		var series []kpi.Bucket
		for i := 0; i < 7; i++ {
			series = append(series, kpi.Bucket{Start: start.AddDate(0, 0, i), End: start.AddDate(0, 0, i+1),
				Counts: counts, Res: kpi.Stats{N: resolved, Median: 3 * time.Hour, P90: 5 * time.Hour}})
		}
		out, err := chart.Draw(&digest.Digest{Report: kpi.Report{Series: series}})
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		return img
	}
	onlySev4 := draw(map[bot.Severity]int64{bot.SEV4: 2}, 0)
	// The legend (top right) shows every severity's colour, so look in the
	// bars, below and left of it.
	bars := onlySev4.(interface {
		SubImage(image.Rectangle) image.Image
	}).SubImage(image.Rect(chart.Width/8, 100, chart.Width*7/8, 260))
	if has(bars, red) || !has(bars, blue) {
		t.Errorf("a series of SEV4 incidents only: red bars %v, blue bars %v", has(bars, red), has(bars, blue))
	}
	if has(onlySev4, grey) {
		t.Error("nothing resolved, yet the MTTR line is drawn")
	}
	withSev1 := draw(map[bot.Severity]int64{bot.SEV1: 1, bot.SEV4: 1}, 2)
	bars = withSev1.(interface {
		SubImage(image.Rectangle) image.Image
	}).SubImage(image.Rect(chart.Width/8, 100, chart.Width*7/8, 260))
	if !has(bars, red) || !has(withSev1, grey) {
		t.Errorf("SEV1 incidents and resolutions: red bars %v, MTTR line %v", has(bars, red), has(withSev1, grey))
	}
}

// TestSeriesGolden: the numbers the chart draws (labels, stacked counts,
// median and p90 time to resolve, legends), for a month of days and for a
// long period in weeks.
func TestSeriesGolden(t *testing.T) {
	for _, c := range []struct {
		name string
		days int
		step int // days per bucket
	}{{"30-days", 30, 1}, {"weeks", 84, 7}} {
		t.Run(c.name, func(t *testing.T) {
			start := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
			var series []kpi.Bucket
			for i := 0; i*c.step < c.days; i++ {
				b := kpi.Bucket{Start: start.AddDate(0, 0, i*c.step), End: start.AddDate(0, 0, (i+1)*c.step),
					Counts: map[bot.Severity]int64{bot.SEV1: int64(i % 2), bot.SEV2: int64(i % 3), bot.SEV4: 1}}
				if i%4 != 3 {
					b.Res = kpi.Stats{N: int64(1 + i%3), Median: time.Duration(30+i*10) * time.Minute, P90: time.Duration(2+i) * time.Hour}
				}
				series = append(series, b)
			}
			data := chart.Series(&digest.Digest{Report: kpi.Report{Series: series}})
			out, err := json.MarshalIndent(data, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			testkit.Golden(t, "testdata/series-"+c.name+".json", append(out, '\n'))
		})
	}
	if chart.Series(&digest.Digest{}) != nil {
		t.Error("an empty digest has series")
	}
}
