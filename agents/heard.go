package agents

import (
	"fmt"
	"math/bits"
	"sync/atomic"
)

// heard counts, for every consumer, its neighbours that were spreaders, aware
// and aware leavers on the previous day (the View bits), packed into one
// word: three 10-bit fields in a uint32 when every degree is below 2^10,
// three 21-bit fields in a uint64 otherwise. Step reads a consumer's counts
// instead of its neighbours' views, and Tally pushes each day's few changes
// of view to the neighbours' counts. Views change a handful of times per
// consumer in a run, so this replaces about 15 random reads per consumer-day
// with a sequential one.
type heard struct {
	w32   []uint32
	w64   []uint64
	width uint // field width in bits
}

// heardWidth returns the field width for a network of maximum degree maxDeg,
// or an error beyond 21 bits.
func heardWidth(maxDeg int) (uint, error) {
	switch w := bits.Len(uint(maxDeg)); {
	case w <= 10:
		return 10, nil
	case w <= 21:
		return 21, nil
	default:
		return 0, fmt.Errorf("agents: a consumer has %d neighbours, more than the %d the kernel counts", maxDeg, 1<<21-1)
	}
}

// newHeard returns zero counts for n consumers (nobody aware), in fields of
// the given width; the width stays when the counts are dropped.
func newHeard(n int, width uint) heard {
	h := heard{width: width}
	if width == 10 {
		h.w32 = make([]uint32, n)
		hugePages(h.w32, true) // Tally adds at random positions
	} else {
		h.w64 = make([]uint64, n)
		hugePages(h.w64, true)
	}
	return h
}

// at returns consumer i's counts of spreader, aware and aware-leaver neighbours.
func (h *heard) at(i int) (cs, ca, cl int) {
	if h.w32 != nil {
		v := h.w32[i]
		return int(v & (1<<10 - 1)), int(v >> 10 & (1<<10 - 1)), int(v >> 20)
	}
	v := h.w64[i]
	return int(v & (1<<21 - 1)), int(v >> 21 & (1<<21 - 1)), int(v >> 42)
}

// pack turns view bits into one count per field.
func (h *heard) pack(v uint8) uint64 {
	w := h.width
	return uint64(v&viewSpreader) | uint64(v&viewAware>>1)<<w | uint64(v&viewLeaver>>2)<<(2*w)
}

// add adds d (a difference of packed views, modulo the word size) to
// consumer j's counts. The adds of one day commute, and every partial sum
// of them is the count of some mix of old and new views, so no field ever
// leaves its range and the result does not depend on their order.
func (h *heard) add(j int32, d uint64) {
	if h.w32 != nil {
		atomic.AddUint32(&h.w32[j], uint32(d))
	} else {
		atomic.AddUint64(&h.w64[j], d)
	}
}

func (h *heard) bytes() int { return bytesOf(h.w32) + bytesOf(h.w64) }

// wordBytes is the size of one consumer's counts.
func (h *heard) wordBytes() int {
	if h.width == 10 {
		return 4
	}
	return 8
}

// Views keep today's bits in the low three bits and yesterday's above them.
const viewPrevShift = 3

// Tally passes the changes of view of consumers [lo, hi) on the day just
// stepped to their neighbours' counts. It runs after Step has finished on
// every shard, and may run on shards concurrently.
func (c *Consumers[F]) Tally(lo, hi int) {
	if c.Net == nil {
		return
	}
	h := &c.heard
	for i := lo; i < hi; i++ {
		v := c.View[i]
		now, prev := v&viewMask, v>>viewPrevShift
		if now == prev {
			continue
		}
		d := h.pack(now) - h.pack(prev)
		for _, j := range c.Net.Neighbours(i) {
			h.add(j, d)
		}
	}
}

// viewMask selects today's view bits.
const viewMask = 1<<viewPrevShift - 1

// checkHeard recounts every consumer's neighbour counts from today's views.
func (c *Consumers[F]) checkHeard() error {
	if c.Net == nil {
		return nil
	}
	for i := range c.Len() {
		var cs, ca, cl int
		for _, j := range c.Net.Neighbours(i) {
			v := c.View[j]
			cs += int(v & viewSpreader)
			ca += int(v & viewAware >> 1)
			cl += int(v & viewLeaver >> 2)
		}
		if gs, ga, gl := c.heard.at(i); gs != cs || ga != ca || gl != cl {
			return fmt.Errorf("consumer %d: neighbour counts (%d, %d, %d), recount (%d, %d, %d)", i, gs, ga, gl, cs, ca, cl)
		}
	}
	return nil
}
