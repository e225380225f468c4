package kpi

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// The array of a hist rounds every duration exactly as
// bot.DurationBucketMid does, at every bucket's edges and in between.
func TestHistRoundsAsDurationBucketMid(t *testing.T) {
	var ds []time.Duration
	for s := int64(-2); s < 1<<12; s++ {
		ds = append(ds, time.Duration(s)*time.Second, time.Duration(s)*time.Second+999*time.Millisecond)
	}
	for k := 12; k < 30; k++ {
		for _, s := range []int64{1<<k - 1, 1 << k, 1<<k + 1} {
			ds = append(ds, time.Duration(s)*time.Second)
		}
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 100000 {
		ds = append(ds, time.Duration(r.Int64N(int64(400*24*time.Hour))))
	}
	for _, d := range ds {
		h := hist{bucketed: true}
		h.add(d)
		var got []time.Duration
		h.each(func(v time.Duration, n int64) { got = append(got, v) })
		if want := bot.DurationBucketMid(d); len(got) != 1 || got[0] != want {
			t.Fatalf("%v: counted as %v, want %v", d, got, want)
		}
	}
}
