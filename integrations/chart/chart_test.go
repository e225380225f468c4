package chart_test

import (
	"bytes"
	"image/png"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/digest"
	"github.com/warroom/warroom/bot/kpi"
	"github.com/warroom/warroom/integrations/chart"
)

func TestDrawIsAPNG(t *testing.T) {
	start := time.Date(2026, 3, 24, 0, 0, 0, 0, time.UTC)
	var series []kpi.Bucket
	for i := 0; i < 30; i++ {
		b := kpi.Bucket{Start: start.AddDate(0, 0, i), End: start.AddDate(0, 0, i+1),
			Counts: map[bot.Severity]int64{bot.SEV1: int64(i % 2), bot.SEV3: int64(i % 5)}}
		if i%3 == 0 {
			b.Resolved, b.MTTR = 2, time.Duration(i)*time.Hour
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
