package agents

import (
	"math"
	"sync"
	"testing"

	"github.com/ripple-sim/ripple/sim/rng"
)

// star returns a network on n nodes where node 0 is linked to every other
// node and node i to i+1 for i >= 1.
func star(n int) Network {
	rows := make([][]int32, n)
	link := func(a, b int) {
		rows[a] = append(rows[a], int32(b))
		rows[b] = append(rows[b], int32(a))
	}
	for i := 1; i < n; i++ {
		link(0, i)
		if i+1 < n {
			link(i, i+1)
		}
	}
	g := Network{Offsets: make([]uint32, n+1)}
	for i, r := range rows {
		g.Nbrs = append(g.Nbrs, r...)
		g.Offsets[i+1] = uint32(len(g.Nbrs))
	}
	return g
}

// TestTally changes views at random for 30 days, on two goroutines' halves
// at once, and recounts every consumer's neighbour counts after each day,
// with 10-bit fields (degrees below 1024) and 21-bit fields (a hub of 1,999).
func TestTally(t *testing.T) {
	for _, tc := range []struct {
		name  string
		g     Network
		width uint
	}{
		{"config", ConfigModel(3000, 15, rng.NewKey(1, 0)), 10},
		{"hub", star(2000), 21},
	} {
		n := tc.g.Len()
		c := NewConsumers[float64](n, testParams(), [Rivals]float64{0, math.Log(0.5), math.Log(0.2)}, rng.NewKey(2, 0))
		c.DropState()
		if err := c.SetNetwork(&tc.g, false); err != nil {
			t.Fatal(err)
		}
		c = c.Fresh()
		if c.heard.width != tc.width {
			t.Fatalf("%s: width %d, want %d", tc.name, c.heard.width, tc.width)
		}
		views := []uint8{0, viewAware, viewAware | viewSpreader, viewAware | viewLeaver, viewAware | viewSpreader | viewLeaver}
		d := rng.NewKey(3, 0)
		for day := range 30 {
			k := d.Day(rng.Aware, day)
			for i := range n {
				prev := c.View[i] & viewMask
				now := prev
				if k.U(uint64(i), 0) < 0.3 {
					now = views[int(k.U(uint64(i), 1)*float64(len(views)))]
				}
				c.View[i] = now | prev<<viewPrevShift
			}
			var wg sync.WaitGroup
			wg.Go(func() { c.Tally(0, n/2) })
			wg.Go(func() { c.Tally(n/2, n) })
			wg.Wait()
			if err := c.checkHeard(); err != nil {
				t.Fatalf("%s, day %d: %v", tc.name, day, err)
			}
		}
	}
	if _, err := heardWidth(1 << 21); err == nil {
		t.Error("a degree of 2^21 was accepted")
	}
}
