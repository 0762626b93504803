package agents

import (
	"fmt"
	"math"
	"math/bits"
	"slices"

	"golang.org/x/sync/errgroup"

	"github.com/ripple-sim/ripple/sim/rng"
)

// Network is an undirected graph in compressed sparse row form: the neighbours
// of i are Nbrs[Offsets[i]:Offsets[i+1]], sorted ascending, without self-loops
// or repeats. j is a neighbour of i exactly when i is a neighbour of j.
type Network struct {
	Offsets []uint32 // len Len()+1, Offsets[0] = 0
	Nbrs    []int32
}

// Len returns the number of nodes.
func (g *Network) Len() int { return max(len(g.Offsets)-1, 0) }

// Degree returns the number of neighbours of node i.
func (g *Network) Degree(i int) int { return int(g.Offsets[i+1] - g.Offsets[i]) }

// MaxDegree returns the largest degree (0 for no nodes).
func (g *Network) MaxDegree() int {
	m := 0
	for i := range g.Len() {
		m = max(m, g.Degree(i))
	}
	return m
}

// Neighbours returns the sorted neighbours of node i; the slice aliases Nbrs.
func (g *Network) Neighbours(i int) []int32 { return g.Nbrs[g.Offsets[i]:g.Offsets[i+1]] }

// Slots of the rng.InitNetwork stream (day -1), whose entity is the node for
// slotDegree and the stub number for the others (see shuffleStubs).
const (
	slotDegree uint64 = iota
	slotShuffle
	slotBucket
)

// ConfigModel is ConfigModelWorkers on one worker, for inputs known to be in
// range: it panics where ConfigModelWorkers returns an error.
func ConfigModel(n int, meanDegree float64, key rng.Key) Network {
	g, err := ConfigModelWorkers(n, meanDegree, key, 1)
	if err != nil {
		panic(err)
	}
	return g
}

// ConfigModelWorkers builds the configuration-model graph of MODEL.md M3 on n
// nodes with up to workers goroutines (fewer than 1 means 1). Degrees are
// LogNormal with mean meanDegree and sd 0.5*meanDegree, rounded to the nearest
// integer and clamped to [1, n-1]; the stubs are matched in pairs after a
// uniformly random shuffle, dropping the last stub if their total is odd.
// Self-loops and multi-edges are then dropped, so realised degrees can be a
// little lower than drawn ones (an O(1) number of edges in all, for fixed
// degree moments). The graph is a pure function of (n, meanDegree, key), the
// same for every worker count, and draws only from rng.InitNetwork.
// meanDegree <= 0 or n < 2 gives no edges.
//
// Time is linear in the number of stubs S (about meanDegree per node). Memory
// peaks at 8 bytes per stub (Nbrs and a scratch array as long) plus 4 bytes
// per node (Offsets), plus 4 bytes per worker per 2^15 stubs (the bucket
// cursors of shuffleStubs); the result keeps 4 bytes per stub plus 4 per node.
// At n = 33.7 million and mean degree 15 (S = 505 million) that is a peak of
// 4.2 GB and a result of 2.2 GB.
//
// The error reports n outside [0, 2^31-1], or more stubs than a uint32 offset
// can count (2^32-1, reached near n = 286 million at mean degree 15).
func ConfigModelWorkers(n int, meanDegree float64, key rng.Key, workers int) (Network, error) {
	if n < 0 || n > math.MaxInt32 {
		return Network{}, fmt.Errorf("agents: configuration model: n = %d (mean degree %g) is outside [0, %d]",
			n, meanDegree, math.MaxInt32)
	}
	workers = max(workers, 1)
	off := make([]uint32, n+1)
	hugePages(off, true)
	if n < 2 || !(meanDegree > 0) || math.IsInf(meanDegree, 0) {
		return Network{Offsets: off, Nbrs: []int32{}}, nil
	}
	dk := key.Day(rng.InitNetwork, -1)

	// Row i first gets room for its drawn degree: off is the prefix sum.
	if total, ok := drawDegrees(off, newDegreeDraw(n, meanDegree, dk), workers); !ok {
		return Network{}, fmt.Errorf("agents: configuration model: n = %d at mean degree %g draws %d stubs, more than the limit of %d (uint32 offsets)",
			n, meanDegree, total, uint64(math.MaxUint32))
	}
	rows := splitStubs(off, workers)

	// Number the stubs in owner order (stub p is slot p of Nbrs), shuffle
	// them into nbrs and pair them off there, then sort and clean the rows.
	nbrs := make([]int32, off[n])
	scratch := make([]int32, off[n])
	hugePages(nbrs, true)
	hugePages(scratch, true)
	shuffleStubs(nbrs, scratch, workers, dk, stubBucketShift)
	matchPairs(nbrs, scratch, off, rows)
	hugePages(scratch, false)
	scratch = nil
	w := dedupeRows(nbrs, off, rows)
	return Network{Offsets: off, Nbrs: nbrs[:w:w]}, nil
}

// parallel runs f(0), ..., f(parts-1) on their own goroutines (f(0) alone on
// the caller's) and waits for them.
func parallel(parts int, f func(part int)) {
	if parts <= 1 {
		f(0)
		return
	}
	var g errgroup.Group
	for c := 1; c < parts; c++ {
		g.Go(func() error { f(c); return nil })
	}
	f(0)
	g.Wait()
}

// drawDegrees sets off[i+1] to the drawn degree of node i for every node, in
// parts of equal node counts, then, if the total fits in a uint32, turns off
// into its prefix sum (per part, from the part's base). It returns the total
// and whether it fits.
func drawDegrees(off []uint32, deg degreeDraw, parts int) (uint64, bool) {
	n := len(off) - 1
	sums := make([]uint64, parts+1) // part c's sum, then its base, at sums[c+1]
	parallel(parts, func(c int) {
		var s uint64
		for i := c * n / parts; i < (c+1)*n/parts; i++ {
			d := deg.at(i)
			off[i+1] = d
			s += uint64(d)
		}
		sums[c+1] = s
	})
	for c := range parts {
		sums[c+1] += sums[c]
	}
	if sums[parts] > math.MaxUint32 {
		return sums[parts], false
	}
	parallel(parts, func(c int) {
		acc := uint32(sums[c])
		for i := c * n / parts; i < (c+1)*n/parts; i++ {
			acc += off[i+1]
			off[i+1] = acc
		}
	})
	return sums[parts], true
}

// splitStubs returns parts+1 node boundaries 0 = b[0] <= ... <= b[parts] = n
// that split the stubs about evenly: b[c] is the first node whose stubs start
// at or after c/parts of the total.
func splitStubs(off []uint32, parts int) []int {
	n := len(off) - 1
	total := uint64(off[n])
	b := make([]int, parts+1)
	for c := 1; c < parts; c++ {
		b[c], _ = slices.BinarySearch(off[:n], uint32(total*uint64(c)/uint64(parts)))
	}
	b[parts] = n
	return b
}

// matchPairs pairs positions 2e and 2e+1 of the shuffled stub numbers in
// perm (an odd last stub is matched to itself) and overwrites perm with the
// rows: slot p of row i (stub p) gets the owner of p's partner, so every row
// is exactly full, self-loops and repeats included, and these are dropped by
// dedupeRows. partner, of the same length, is scratch.
//
// It takes two passes of scattered writes to distinct slots, with no cursors
// and no scattered reads (whose cache misses would stall): the first sets partner[p] to the stub
// number of p's partner (in parallel over pairs); the second walks the stubs
// in owner order and writes each one's owner into the slot of its partner
// (in parallel over rows).
func matchPairs(perm, partner []int32, off []uint32, rows []int) {
	total := len(perm)
	parts := len(rows) - 1
	m := total &^ 1
	parallel(parts, func(c int) {
		for e := (m / 2) * c / parts * 2; e < (m/2)*(c+1)/parts*2; e += 2 {
			a, b := perm[e], perm[e+1]
			partner[uint32(a)] = b
			partner[uint32(b)] = a
		}
	})
	if m < total {
		partner[uint32(perm[m])] = perm[m]
	}
	parallel(parts, func(c int) {
		for i := rows[c]; i < rows[c+1]; i++ {
			for _, q := range partner[off[i]:off[i+1]] {
				perm[uint32(q)] = int32(i)
			}
		}
	})
}

// dedupeRows sorts each row of nbrs and drops self-loops and repeats,
// compacting in place, and sets off to the new rows; it returns the new
// length. A multi-edge repeats in both rows, so the result stays symmetric.
//
// Each part compacts its rows towards its own start (the write position never
// passes the read position) without touching its boundary offsets, which
// neighbouring parts read; the parts' blocks are then moved down in order and
// their offsets shifted.
func dedupeRows(nbrs []int32, off []uint32, rows []int) int {
	n := len(off) - 1
	parts := len(rows) - 1
	base := make([]uint32, parts+1) // start of part c's rows, old, then new
	end := make([]uint32, parts)    // end of part c's compacted rows, old layout
	for c := range base {
		base[c] = off[rows[c]]
	}
	parallel(parts, func(c int) {
		lo, hi := rows[c], rows[c+1]
		w, start := base[c], base[c]
		for i := lo; i < hi; i++ {
			stop := off[i+1]
			row := nbrs[start:stop]
			sortRow(row)
			for k, v := range row {
				if int(v) != i && (k == 0 || v != row[k-1]) {
					nbrs[w] = v
					w++
				}
			}
			start = stop
			if i+1 < hi {
				off[i+1] = w
			}
		}
		end[c] = w
	})
	shift := make([]uint32, parts)
	var w uint32
	for c := range parts {
		shift[c] = base[c] - w
		if shift[c] != 0 {
			copy(nbrs[w:], nbrs[base[c]:end[c]])
		}
		w += end[c] - base[c]
		base[c] -= shift[c]
	}
	parallel(parts, func(c int) {
		if s := shift[c]; s != 0 {
			for i := rows[c] + 1; i < rows[c+1]; i++ {
				off[i] -= s
			}
		}
	})
	for c := range parts {
		off[rows[c]] = base[c]
	}
	off[n] = w
	return int(w)
}

// degreeDraw draws the stub counts of ConfigModel: LogNormal with mean m and
// sd m/2 (sigma^2 = ln(1 + 1/4), mu = ln m - sigma^2/2), rounded to the
// nearest integer and clamped to [1, n-1].
type degreeDraw struct {
	mu, sigma, maxDeg float64
	dk                rng.DayKey
}

func newDegreeDraw(n int, meanDegree float64, dk rng.DayKey) degreeDraw {
	sigma2 := math.Log1p(0.25)
	return degreeDraw{
		mu:     math.Log(meanDegree) - sigma2/2,
		sigma:  math.Sqrt(sigma2),
		maxDeg: float64(n - 1),
		dk:     dk,
	}
}

// at returns the drawn degree of node i.
func (d degreeDraw) at(i int) uint32 {
	x := math.Round(math.Exp(d.mu + d.sigma*rng.Normal(d.dk.U(uint64(i), slotDegree))))
	return uint32(min(max(x, 1), d.maxDeg))
}

// sortRow sorts a CSR row: insertion sort for the short rows that dominate,
// slices.Sort beyond that.
func sortRow(row []int32) {
	if len(row) > 48 {
		slices.Sort(row)
		return
	}
	for i := 1; i < len(row); i++ {
		v := row[i]
		j := i
		for ; j > 0 && row[j-1] > v; j-- {
			row[j] = row[j-1]
		}
		row[j] = v
	}
}

// stubBucketShift sets the mean bucket size of shuffleStubs: 2^15 stubs, 128 KiB.
const stubBucketShift = 15

// shuffleStubs fills perm with a uniformly random permutation of the stub
// numbers 0..len(perm)-1 (ConfigModel numbers them in owner order: node i
// owns stubs Offsets[i] to Offsets[i+1]-1), stored as the bits of a uint32,
// by the Rao-Sandelius method: each stub p goes to one of len(perm)>>shift
// buckets (at least one) drawn from (p, slotBucket); the buckets are laid out
// in order, each holding its stubs in increasing order, and each is
// Fisher-Yates shuffled with the draw for position q taken from
// (q, slotShuffle). Independent uniform buckets followed by uniform shuffles
// within them give a uniform permutation. Buckets that fit in cache make this
// several times faster than one Fisher-Yates pass over the whole array once it
// spans hundreds of megabytes. Random indices use Lemire's multiply-high
// reduction of 64 counter-based bits.
//
// scratch, of the same length, holds each stub's bucket between the passes.
// The stubs are split into parts ranges, which count their stubs per bucket
// and place them in parallel: in every bucket, a range's stubs follow those of
// the ranges before it, as a single pass in increasing order would put them.
// The buckets are then shuffled in parallel. The result does not depend on
// parts.
func shuffleStubs(perm, scratch []int32, parts int, dk rng.DayKey, shift uint) {
	total := len(perm)
	nb := max(total>>shift, 1)
	first := func(c int) int { return int(uint64(total) * uint64(c) / uint64(parts)) }
	cur := make([][]uint32, parts) // range c's count, then its cursor, per bucket
	parallel(parts, func(c int) {
		cnt := make([]uint32, nb)
		for p := first(c); p < first(c+1); p++ {
			b, _ := bits.Mul64(dk.Bits(uint64(p), slotBucket), uint64(nb))
			scratch[p] = int32(b)
			cnt[b]++
		}
		cur[c] = cnt
	})
	start := make([]int, nb+1) // bucket b is perm[start[b]:start[b+1]]
	pos := 0
	for b := range nb {
		start[b] = pos
		for c := range parts {
			k := cur[c][b]
			cur[c][b] = uint32(pos)
			pos += int(k)
		}
	}
	start[nb] = pos
	parallel(parts, func(c int) {
		cb := cur[c]
		for p := first(c); p < first(c+1); p++ {
			b := scratch[p]
			perm[cb[b]] = int32(uint32(p))
			cb[b]++
		}
	})
	bparts := min(parts, nb)
	parallel(bparts, func(c int) {
		for b := c * nb / bparts; b < (c+1)*nb/bparts; b++ {
			lo := start[b]
			seg := perm[lo:start[b+1]]
			for k := len(seg) - 1; k > 0; k-- {
				j, _ := bits.Mul64(dk.Bits(uint64(lo)+uint64(k), slotShuffle), uint64(k+1))
				seg[k], seg[j] = seg[j], seg[k]
			}
		}
	})
}
