package agents

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/ripple-sim/ripple/sim/rng"
)

// checkGraph asserts the CSR invariants: offsets well formed, rows strictly
// increasing (sorted, no repeats), no self-loops, ids in range, symmetric.
func checkGraph(t *testing.T, g Network, n int) {
	t.Helper()
	if g.Len() != n || len(g.Offsets) != n+1 || g.Offsets[0] != 0 || g.Offsets[n] != int64(len(g.Nbrs)) {
		t.Fatalf("bad shape: Len %d, len(Offsets) %d, Offsets[0] %v, Offsets[n] vs len(Nbrs) %d",
			g.Len(), len(g.Offsets), g.Offsets[:min(1, len(g.Offsets))], len(g.Nbrs))
	}
	for i := range n {
		if g.Offsets[i+1] < g.Offsets[i] {
			t.Fatalf("Offsets decrease at %d", i)
		}
		row := g.Neighbours(i)
		if len(row) != g.Degree(i) {
			t.Fatalf("node %d: Degree %d, row length %d", i, g.Degree(i), len(row))
		}
		for k, j := range row {
			switch {
			case j < 0 || int(j) >= n:
				t.Fatalf("node %d: neighbour %d out of range", i, j)
			case int(j) == i:
				t.Fatalf("node %d: self-loop", i)
			case k > 0 && row[k-1] >= j:
				t.Fatalf("node %d: row not strictly increasing at %d: %v", i, k, row)
			}
			if _, ok := slices.BinarySearch(g.Neighbours(int(j)), int32(i)); !ok {
				t.Fatalf("asymmetric: %d in N(%d) but %d not in N(%d)", j, i, i, j)
			}
		}
	}
}

func TestConfigModelInvariants(t *testing.T) {
	key := rng.NewKey(7, 0)
	tests := []struct {
		n int
		k float64
	}{
		{0, 15}, {1, 15}, {2, 15}, {3, 15}, {4, 2}, {10, 15}, {50, 15},
		{1000, 2}, {1000, 15}, {20000, 15}, {100, 0}, {100, -1},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("n=%d,k=%g", tt.n, tt.k), func(t *testing.T) {
			g := ConfigModel(tt.n, tt.k, key)
			checkGraph(t, g, tt.n)
			if tt.k <= 0 && len(g.Nbrs) != 0 {
				t.Errorf("k = %g: got %d neighbour entries, want none", tt.k, len(g.Nbrs))
			}
		})
	}
}

func TestConfigModelTiny(t *testing.T) {
	// n = 2: both nodes draw degree 1 (clamped to n-1), so the graph is one edge.
	for rep := range uint64(20) {
		g := ConfigModel(2, 15, rng.NewKey(1, rep))
		if !slices.Equal(g.Nbrs, []int32{1, 0}) {
			t.Fatalf("rep %d: n = 2 graph %v, want one edge", rep, g.Nbrs)
		}
	}
	var zero Network
	if zero.Len() != 0 {
		t.Errorf("zero Network Len = %d", zero.Len())
	}
}

func TestConfigModelDegrees(t *testing.T) {
	const n = 20000
	for _, k := range []float64{5, 10, 15, 20} {
		t.Run(fmt.Sprintf("k=%g", k), func(t *testing.T) {
			key := rng.NewKey(3, 1)
			g := ConfigModel(n, k, key)
			checkGraph(t, g, n)

			// Drawn stubs vs realised: the edges lost to self-loops and
			// multi-edges are O(1) in all, about c/2 + c^2/4 with
			// c = (<k^2> - <k>)/<k> (Newman 2010, §13.2).
			deg := newDegreeDraw(n, k, key.Day(rng.InitNetwork, -1))
			var drawn, drawn2 float64
			for i := range n {
				d := float64(deg.at(i))
				drawn += d
				drawn2 += d * d
			}
			c := (drawn2 - drawn) / drawn
			wantLost := c/2 + c*c/4
			lost := (drawn - float64(len(g.Nbrs))) / 2
			if lost > 2*wantLost+5 || lost/drawn > 0.005 {
				t.Errorf("lost %.1f edges (%.3f%% of stubs), expected about %.1f", lost, 100*lost/drawn, wantLost)
			}

			var sum, sum2 float64
			for i := range n {
				d := float64(g.Degree(i))
				sum += d
				sum2 += d * d
			}
			mean := sum / n
			sd := math.Sqrt(sum2/n - mean*mean)
			t.Logf("mean %.3f sd %.3f, lost %.0f edges (expected ~%.1f)", mean, sd, lost, wantLost)
			if math.Abs(mean/k-1) > 0.02 {
				t.Errorf("mean degree %.3f, want %g +- 2%%", mean, k)
			}
			// Rounding adds variance 1/12 to the lognormal's (k/2)^2.
			if wantSD := math.Sqrt(k*k/4 + 1.0/12); math.Abs(sd/wantSD-1) > 0.06 {
				t.Errorf("degree sd %.3f, want %.3f +- 6%%", sd, wantSD)
			}
		})
	}
}

func TestConfigModelDeterminism(t *testing.T) {
	const n, k = 5000, 15
	a := ConfigModel(n, k, rng.NewKey(11, 2))
	b := ConfigModel(n, k, rng.NewKey(11, 2))
	if !slices.Equal(a.Offsets, b.Offsets) || !slices.Equal(a.Nbrs, b.Nbrs) {
		t.Fatal("same key gave different graphs")
	}
	for _, key := range []rng.Key{rng.NewKey(11, 3), rng.NewKey(12, 2)} {
		c := ConfigModel(n, k, key)
		if slices.Equal(a.Offsets, c.Offsets) || slices.Equal(a.Nbrs, c.Nbrs) {
			t.Errorf("key %x gave the same graph as key %x", key, rng.NewKey(11, 2))
		}
	}
}

func TestShuffleStubsUniform(t *testing.T) {
	// Four stubs of four owners in two buckets (shift 1): all 24
	// arrangements must be equally likely, bucketing included.
	const reps = 24000
	off := []int64{0, 1, 2, 3, 4}
	counts := map[[4]int32]int{}
	for rep := range uint64(reps) {
		var s [4]int32
		shuffleStubs(s[:], off, rng.NewKey(4, rep).Day(rng.InitNetwork, -1), 1)
		counts[s]++
	}
	if len(counts) != 24 {
		t.Fatalf("%d distinct arrangements, want 24", len(counts))
	}
	chi2 := 0.0
	for _, c := range counts {
		d := float64(c) - reps/24
		chi2 += d * d / (reps / 24)
	}
	if chi2 > 49.7 { // chi-square, 23 df, p = 0.001
		t.Errorf("chi-square %.1f over 24 arrangements: not uniform", chi2)
	}

	// Many owners with several stubs each: the output is a permutation.
	off = []int64{0, 3, 3, 10, 11, 40}
	s := make([]int32, off[len(off)-1])
	shuffleStubs(s, off, rng.NewKey(4, 0).Day(rng.InitNetwork, -1), 2)
	var got [5]int64
	for _, v := range s {
		got[v]++
	}
	for i := range got {
		if got[i] != off[i+1]-off[i] {
			t.Errorf("owner %d has %d stubs, want %d", i, got[i], off[i+1]-off[i])
		}
	}
}

func BenchmarkConfigModel(b *testing.B) {
	for _, n := range []int{1e5, 1e6} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			key := rng.NewKey(1, 0)
			var g Network
			for b.Loop() {
				g = ConfigModel(n, 15, key)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/node")
			b.ReportMetric(float64(8*len(g.Offsets)+4*len(g.Nbrs))/float64(n), "B/node-kept")
		})
	}
}
