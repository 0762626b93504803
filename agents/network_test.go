package agents

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/ripple-sim/ripple/sim/rng"
)

// checkGraph asserts the CSR invariants: offsets well formed, rows strictly
// increasing (sorted, no repeats), no self-loops, ids in range, symmetric.
func checkGraph(t *testing.T, g Network, n int) {
	t.Helper()
	if g.Len() != n || len(g.Offsets) != n+1 || g.Offsets[0] != 0 || int(g.Offsets[n]) != len(g.Nbrs) {
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
	// Four stubs in two buckets (shift 1): all 24 arrangements must be
	// equally likely, bucketing included.
	const reps = 24000
	counts := map[[4]int32]int{}
	var scratch [4]int32
	for rep := range uint64(reps) {
		var s [4]int32
		shuffleStubs(s[:], scratch[:], 1, rng.NewKey(4, rep).Day(rng.InitNetwork, -1), 1)
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

	// Many stubs in small buckets: the output is a permutation.
	s := make([]int32, 1000)
	shuffleStubs(s, make([]int32, len(s)), 3, rng.NewKey(4, 0).Day(rng.InitNetwork, -1), 2)
	slices.Sort(s)
	for p, v := range s {
		if v != int32(p) {
			t.Fatalf("not a permutation: sorted[%d] = %d", p, v)
		}
	}
}

func TestShuffleStubsParts(t *testing.T) {
	// Many small buckets (shift 2), some (shift 6) and one (shift 30): the
	// permutation must not depend on how the stubs are split into ranges,
	// even with more ranges than stubs or buckets.
	const total = 701
	dk := rng.NewKey(4, 1).Day(rng.InitNetwork, -1)
	for _, shift := range []uint{2, 6, 30} {
		want := make([]int32, total)
		shuffleStubs(want, make([]int32, total), 1, dk, shift)
		for _, parts := range []int{2, 3, 8, 1000} {
			got := make([]int32, total)
			shuffleStubs(got, make([]int32, total), parts, dk, shift)
			if !slices.Equal(got, want) {
				t.Errorf("shift %d: %d parts gave a different permutation from 1", shift, parts)
			}
		}
	}
}

// graphHash is the SHA-256 of a graph's CSR arrays: every offset as a
// little-endian uint64, then every neighbour as a little-endian uint32, so
// that it does not depend on the integer types of the arrays.
func graphHash(g Network) string {
	h := sha256.New()
	var buf [8]byte
	for _, v := range g.Offsets {
		binary.LittleEndian.PutUint64(buf[:], uint64(v))
		h.Write(buf[:])
	}
	for _, v := range g.Nbrs {
		binary.LittleEndian.PutUint32(buf[:4], uint32(v))
		h.Write(buf[:4])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// TestConfigModelPinned is a regression pin: the hashes below were computed
// with the sequential int64-offset ConfigModel before it was parallelised and
// its offsets narrowed to uint32. The graph for given (n, meanDegree, key) must
// never change, since golden outputs elsewhere depend on it; a change here is
// a change of model, not a refactoring. At full scale (n = 33.7 million,
// k = 15, key (1, 0), too big for a test) the old code's hash,
// 3a4a59be41c278786f3d7aae0e3adda6ff5824af7da5ef57d5e034cc253a3308, was
// matched by hand with 1 and 2 workers.
func TestConfigModelPinned(t *testing.T) {
	tests := []struct {
		n    int
		k    float64
		seed uint64
		rep  uint64
		want string
	}{
		{50, 15, 7, 0, "82d354ffbfcaf176d42771ff223f9ab4cd1f12f7e2dc582312d68f1141cfa005"},
		{1000, 15, 7, 0, "bbb8fd4d33fc3b9be6534d10525769f569ada2edd409dccdc2ade0f929a17665"},
		{20001, 2, 3, 1, "eb4cbc47934bbca10b0bb43366516a50493d6251b3bc5a70699e6d8cdf5198ac"},
		{100000, 15, 1, 0, "d659f4c45c864a203125e9018e0e46636437a6f4ff8255d6fe95ebf1bcdfd98b"},
		{300000, 10, 5, 2, "178d94f1e8c407031a5b978f42a10f93d56cc7a5e426f71022b9f7c05def3b18"},
	}
	for _, tt := range tests {
		for _, workers := range []int{1, 2} {
			g, err := ConfigModelWorkers(tt.n, tt.k, rng.NewKey(tt.seed, tt.rep), workers)
			if err != nil {
				t.Fatal(err)
			}
			if got := graphHash(g); got != tt.want {
				t.Errorf("n = %d, k = %g, key (%d, %d), %d workers: graph hash %s, want %s",
					tt.n, tt.k, tt.seed, tt.rep, workers, got, tt.want)
			}
		}
	}
}

// TestConfigModelWorkers checks that the graph does not depend on the worker
// count: byte-identical Offsets and Nbrs for 1, 2, 3 and 8 workers (and 0,
// taken as 1), from the degenerate sizes (parts with no nodes) to several
// buckets of stubs per part.
func TestConfigModelWorkers(t *testing.T) {
	tests := []struct {
		n int
		k float64
	}{
		{0, 15}, {1, 15}, {2, 15}, {3, 15}, {5, 2}, {10, 15}, {50, 15}, {1000, 2},
		{1000, 15}, {20001, 2}, {100000, 15}, {300000, 10},
	}
	for _, tt := range tests {
		if testing.Short() && tt.n > 100000 {
			continue
		}
		key := rng.NewKey(9, uint64(tt.n))
		want := ConfigModel(tt.n, tt.k, key)
		for _, workers := range []int{0, 2, 3, 8} {
			g, err := ConfigModelWorkers(tt.n, tt.k, key, workers)
			if err != nil {
				t.Fatalf("n = %d, k = %g, %d workers: %v", tt.n, tt.k, workers, err)
			}
			if !slices.Equal(g.Offsets, want.Offsets) || !slices.Equal(g.Nbrs, want.Nbrs) {
				t.Errorf("n = %d, k = %g: %d workers gave a different graph from 1 worker", tt.n, tt.k, workers)
			}
			if workers == 3 {
				checkGraph(t, g, tt.n)
			}
		}
	}
}

func TestConfigModelErrors(t *testing.T) {
	key := rng.NewKey(1, 0)
	bad := []int{-1}
	if math.MaxInt > math.MaxInt32 {
		bad = append(bad, math.MaxInt32+1)
	}
	for _, n := range bad {
		if _, err := ConfigModelWorkers(n, 15, key, 2); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("n = %d", n)) {
			t.Errorf("n = %d: error %v, want one naming n", n, err)
		}
	}
	// Every degree clamps to n-1 = 65536: 65537*65536 = 2^32+2^16 stubs, just
	// over the uint32 limit.
	_, err := ConfigModelWorkers(65537, 1e9, key, 2)
	if err == nil || !strings.Contains(err.Error(), "n = 65537 at mean degree 1e+09 draws 4295032832 stubs") ||
		!strings.Contains(err.Error(), "4294967295") {
		t.Errorf("too many stubs: error %v", err)
	}
	// At n = 65536 the total 65536*65535 still fits (nothing is built here:
	// the graph would be complete and take 16 GiB).
	off := make([]uint32, 65536+1)
	if total, ok := drawDegrees(off, newDegreeDraw(65536, 1e9, key.Day(rng.InitNetwork, -1)), 2); !ok || total != 65536*65535 || off[65536] != 65536*65535 {
		t.Errorf("n = 65536: total %d, ok %v, off[n] %d", total, ok, off[65536])
	}
	defer func() {
		if r := recover(); r == nil {
			t.Error("ConfigModel did not panic on too many stubs")
		}
	}()
	ConfigModel(65537, 1e9, key)
}
