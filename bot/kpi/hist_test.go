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

// The heatmap's weekday and hour, from the cached zone offset, are those
// time.In gives, across DST changes, half-hour and negative offsets and
// before 1970, in any order of rows.
func TestLocalHourAsTimeIn(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, name := range []string{"UTC", "Europe/Berlin", "Asia/Kolkata", "America/St_Johns", "Australia/Lord_Howe", "Pacific/Apia", "America/Los_Angeles"} {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Skip("no time zone database:", err)
		}
		a := newAccumulator(bot.KPIQuery{Heatmap: loc}, true)
		base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		for i := range 20000 {
			var at time.Time
			switch i % 3 {
			case 0: // in order, minutes apart, across the spring change
				at = base.Add(time.Duration(i) * 7 * time.Minute)
			case 1: // anywhere in the last 60 years
				at = time.Unix(r.Int64N(60*365*86400)-30*365*86400, 0)
			default: // on the hour, around the autumn change
				at = time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC).Add(time.Duration(r.IntN(24*20)) * time.Hour)
			}
			day, hour := a.localHour(at)
			lt := at.In(loc)
			if day != int(lt.Weekday()) || hour != lt.Hour() {
				t.Fatalf("%s %v: weekday %d hour %d, want %d %d", name, at, day, hour, lt.Weekday(), lt.Hour())
			}
		}
	}
}
