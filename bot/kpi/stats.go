package kpi

import (
	"math"
	"sort"
	"time"
)

// Stats summarises one duration metric. N is 0 when nothing was measured;
// the other fields are then 0.
type Stats struct {
	N      int64         `json:"n"`
	Median time.Duration `json:"median"`
	P90    time.Duration `json:"p90"`
	Mean   time.Duration `json:"mean"`
}

// bar is one histogram value and how many times it occurs.
type bar struct {
	v time.Duration
	n int64
}

// dist collects a histogram and an exact sum. Values that are bucket
// middles (what Collect reads) are counted in an array by bucket index,
// in order; others (Aggregate's exact durations) in a map.
type dist struct {
	dense []int64
	bars  map[time.Duration]int64
	n     int64
	sum   int64 // microseconds
}

func (d *dist) add(v time.Duration, n int64) {
	if i, ok := bucketIndex(v); ok && bucketMids[i] == v {
		if i >= len(d.dense) {
			d.dense = grow(d.dense, i+1)
		}
		d.dense[i] += n
		return
	}
	if d.bars == nil {
		d.bars = map[time.Duration]int64{}
	}
	d.bars[v] += n
}

// sorted is the histogram's bars by value, and their total.
func (d *dist) sorted() ([]bar, int64) {
	var total int64
	bars := make([]bar, 0, len(d.bars)+len(d.dense))
	for i, n := range d.dense {
		if n != 0 {
			bars = append(bars, bar{bucketMids[i], n})
			total += n
		}
	}
	if len(d.bars) == 0 {
		return bars, total
	}
	for v, n := range d.bars {
		bars = append(bars, bar{v, n})
		total += n
	}
	sort.Slice(bars, func(i, j int) bool { return bars[i].v < bars[j].v })
	return bars, total
}

// stats computes median, p90 (nearest rank over the histogram) and the
// mean (from the exact sum).
func (d *dist) stats() Stats {
	bars, total := d.sorted()
	if total == 0 {
		return Stats{}
	}
	n := d.n
	if n == 0 {
		n = total
	}
	mean := time.Duration(math.Round(float64(d.sum)/float64(n))) * time.Microsecond
	return Stats{N: total, Median: rank(bars, total, 0.5), P90: rank(bars, total, 0.9), Mean: mean}
}

// percentiles is stats without the mean (the histogram has no exact sum).
func (d *dist) percentiles() Stats {
	s := d.stats()
	s.Mean = 0
	return s
}

// rank is the nearest-rank percentile p of a sorted histogram.
func rank(bars []bar, total int64, p float64) time.Duration {
	k := int64(math.Ceil(p * float64(total)))
	if k < 1 {
		k = 1
	}
	var seen int64
	for _, b := range bars {
		seen += b.n
		if seen >= k {
			return b.v
		}
	}
	return bars[len(bars)-1].v
}

// Percentile is the nearest-rank percentile p (0 < p ≤ 1) of values; 0
// for none.
func Percentile(values []time.Duration, p float64) time.Duration {
	if len(values) == 0 {
		return 0
	}
	var d dist
	for _, v := range values {
		d.add(v, 1)
	}
	bars, _ := d.sorted()
	return rank(bars, int64(len(values)), p)
}

// Compliance is how many incidents met an SLA target and how many missed
// it; those still inside their target count as neither, but as Pending
// (filled in by Build for acknowledge and resolve).
type Compliance struct {
	Met     int64 `json:"met"`
	Missed  int64 `json:"missed"`
	Pending int64 `json:"pending"`
}

// Total is Met + Missed.
func (c Compliance) Total() int64 { return c.Met + c.Missed }

// Percent is the share met, 0–100, and false when nothing was decided.
func (c Compliance) Percent() (float64, bool) {
	if c.Total() == 0 {
		return 0, false
	}
	return 100 * float64(c.Met) / float64(c.Total()), true
}

func (c *Compliance) add(o Compliance) { c.Met += o.Met; c.Missed += o.Missed; c.Pending += o.Pending }
