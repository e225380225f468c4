package kpi

import (
	"math/bits"
	"time"

	"github.com/warroom/warroom/bot"
)

// denseLimit bounds the durations a hist counts in its array: below 2^24 s
// (194 days), at most 1,216 buckets; longer durations go to its map.
const denseLimit = 1 << 24

// bucketIndex is the index of d's histogram bucket (bot.DurationBucketOf):
// whole seconds below 128 s, then 64 per doubling. ok is false from
// denseLimit on.
func bucketIndex(d time.Duration) (int, bool) {
	s := int64(d / time.Second)
	switch {
	case s < 0:
		return 0, true
	case s < 128:
		return int(s), true
	case s >= denseLimit:
		return 0, false
	}
	k := bits.Len64(uint64(s)) - 1 // 2^k <= s < 2^(k+1), k >= 7
	w := int64(1) << (k - 6)
	return 128 + (k-7)*64 + int((s-int64(1)<<k)/w), true
}

// bucketMids holds each dense bucket's middle (bot.DurationBucketMid),
// the value a bucket stands for.
var bucketMids = func() []time.Duration {
	mids := make([]time.Duration, 0, 128+17*64)
	for s := int64(0); s < 128; s++ {
		mids = append(mids, bot.DurationBucketMid(time.Duration(s)*time.Second))
	}
	for k := 7; k < 24; k++ {
		w := int64(1) << (k - 6)
		for i := range int64(64) {
			mids = append(mids, bot.DurationBucketMid(time.Duration(int64(1)<<k+i*w)*time.Second))
		}
	}
	return mids
}()

// hist counts durations by value: bucketed ones (rounded to their bucket's
// middle) in an array by bucket index, the rest (exact values, and
// buckets past denseLimit) in a map. Adding to the array is an index, not
// a map lookup: KPIs add three durations per incident of a period.
type hist struct {
	bucketed bool
	dense    []int64
	exact    map[time.Duration]int64
}

func (h *hist) add(d time.Duration) {
	if h.bucketed {
		if i, ok := bucketIndex(d); ok {
			if i >= len(h.dense) {
				h.dense = grow(h.dense, i+1)
			}
			h.dense[i]++
			return
		}
		d = bot.DurationBucketMid(d)
	}
	if h.exact == nil {
		h.exact = map[time.Duration]int64{}
	}
	h.exact[d]++
}

// merge adds o's counts to h's.
func (h *hist) merge(o *hist) {
	if len(o.dense) > len(h.dense) {
		h.dense = grow(h.dense, len(o.dense))
	}
	for i, n := range o.dense {
		h.dense[i] += n
	}
	for v, n := range o.exact {
		if h.exact == nil {
			h.exact = map[time.Duration]int64{}
		}
		h.exact[v] += n
	}
}

// grow lengthens counts to n (zeros added), at least doubling its
// capacity when it has to move it.
func grow(counts []int64, n int) []int64 {
	if n <= cap(counts) {
		return counts[:n]
	}
	c := make([]int64, n, max(n, 2*cap(counts), 256))
	copy(c, counts)
	return c
}

// len is how many distinct values h holds.
func (h *hist) len() int {
	n := len(h.exact)
	for _, c := range h.dense {
		if c > 0 {
			n++
		}
	}
	return n
}

// each calls fn for every value counted, with its count.
func (h *hist) each(fn func(v time.Duration, n int64)) {
	for i, n := range h.dense {
		if n > 0 {
			fn(bucketMids[i], n)
		}
	}
	for v, n := range h.exact {
		fn(v, n)
	}
}
