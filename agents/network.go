package agents

import (
	"math"
	"math/bits"
	"slices"

	"github.com/ripple-sim/ripple/sim/rng"
)

// Network is an undirected graph in compressed sparse row form: the neighbours
// of i are Nbrs[Offsets[i]:Offsets[i+1]], sorted ascending, without self-loops
// or repeats. j is a neighbour of i exactly when i is a neighbour of j.
type Network struct {
	Offsets []int64 // len Len()+1, Offsets[0] = 0
	Nbrs    []int32
}

// Len returns the number of nodes.
func (g *Network) Len() int { return max(len(g.Offsets)-1, 0) }

// Degree returns the number of neighbours of node i.
func (g *Network) Degree(i int) int { return int(g.Offsets[i+1] - g.Offsets[i]) }

// Neighbours returns the sorted neighbours of node i; the slice aliases Nbrs.
func (g *Network) Neighbours(i int) []int32 { return g.Nbrs[g.Offsets[i]:g.Offsets[i+1]] }

// Slots of the rng.InitNetwork stream (day -1), whose entity is the node for
// slotDegree and the stub number for the others (see shuffleStubs).
const (
	slotDegree uint64 = iota
	slotShuffle
	slotBucket
)

// ConfigModel builds the configuration-model graph of MODEL.md M3 on n nodes.
// Degrees are LogNormal with mean meanDegree and sd 0.5*meanDegree, rounded to
// the nearest integer and clamped to [1, n-1]; the stubs are matched in pairs
// after a uniformly random shuffle, dropping the last stub if their total is
// odd.
// Self-loops and multi-edges are then dropped, so realised degrees can be a
// little lower than drawn ones (an O(1) number of edges in all, for fixed
// degree moments). The graph is a pure function of (n, meanDegree, key) and
// draws only from rng.InitNetwork. meanDegree <= 0 or n < 2 gives no edges.
//
// Time is linear in the number of stubs S; memory peaks at 8 bytes per stub
// (the stub array and Nbrs) plus 8 bytes per node, and the result keeps 4
// bytes per stub plus 8 per node. n must fit in an int32.
func ConfigModel(n int, meanDegree float64, key rng.Key) Network {
	if n < 0 || n > math.MaxInt32 {
		panic("agents: ConfigModel: n out of range")
	}
	off := make([]int64, n+1)
	if n < 2 || !(meanDegree > 0) || math.IsInf(meanDegree, 0) {
		return Network{Offsets: off, Nbrs: []int32{}}
	}
	dk := key.Day(rng.InitNetwork, -1)

	// Row i first gets room for its drawn degree: off is the prefix sum.
	deg := newDegreeDraw(n, meanDegree, dk)
	for i := range n {
		off[i+1] = off[i] + deg.at(i)
	}
	total := off[n]

	// Shuffle the stubs (the owner of each) and match them in pairs.
	stubs := make([]int32, total)
	shuffleStubs(stubs, off, dk, stubBucketShift)

	// Scatter both ends of every pair into the rows, self-loops included,
	// using off[a] as row a's cursor; an odd last stub is matched to its own
	// owner. Every row is then exactly full, off[a] is the end of row a, and
	// the loops are dropped below with the repeats.
	nbrs := make([]int32, total)
	m := len(stubs) &^ 1
	for e := 0; e < m; e += 2 {
		a, b := stubs[e], stubs[e+1]
		nbrs[off[a]] = b
		off[a]++
		nbrs[off[b]] = a
		off[b]++
	}
	if m < len(stubs) {
		a := stubs[m]
		nbrs[off[a]] = a
		off[a]++
	}
	copy(off[1:], off[:n])
	off[0] = 0

	// Sort each row and drop self-loops and repeats, compacting in place (w
	// never passes the read position). A multi-edge repeats in both rows, so
	// the result stays symmetric.
	var w int64
	start := off[0]
	for i := range n {
		end := off[i+1]
		row := nbrs[start:end]
		sortRow(row)
		for k, v := range row {
			if int(v) != i && (k == 0 || v != row[k-1]) {
				nbrs[w] = v
				w++
			}
		}
		start = end
		off[i+1] = w
	}
	return Network{Offsets: off, Nbrs: nbrs[:w:w]}
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
func (d degreeDraw) at(i int) int64 {
	x := math.Round(math.Exp(d.mu + d.sigma*rng.Normal(d.dk.U(uint64(i), slotDegree))))
	return int64(min(max(x, 1), d.maxDeg))
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

// shuffleStubs fills stubs, of length off[n], with a uniformly random
// arrangement of the stubs of every node i (off[i+1]-off[i] copies of i), by
// the Rao-Sandelius method: each stub, numbered p in owner order, goes to one
// of len(stubs)>>shift buckets (at least one) drawn from (p, slotBucket); the
// buckets are laid out in order and each is Fisher-Yates shuffled with the
// draw for position q taken from (q, slotShuffle). Independent uniform buckets
// followed by uniform shuffles within them give a uniform permutation. Buckets
// that fit in cache make this several times faster than one Fisher-Yates pass
// over the whole array once it spans hundreds of megabytes. Random indices use
// Lemire's multiply-high reduction of 64 counter-based bits.
func shuffleStubs(stubs []int32, off []int64, dk rng.DayKey, shift uint) {
	n := len(off) - 1
	nb := uint64(max(len(stubs)>>shift, 1))
	bucket := func(p int) int {
		b, _ := bits.Mul64(dk.Bits(uint64(p), slotBucket), nb)
		return int(b)
	}
	end := make([]int64, nb+1) // bucket b is stubs[end[b-1]:end[b]] at the end
	for p := range stubs {
		end[bucket(p)+1]++
	}
	for b := range nb {
		end[b+1] += end[b]
	}
	p := 0
	for i := range n {
		for range off[i+1] - off[i] {
			b := bucket(p)
			stubs[end[b]] = int32(i)
			end[b]++
			p++
		}
	}
	lo := int64(0)
	for _, hi := range end[:nb] {
		seg := stubs[lo:hi]
		for k := len(seg) - 1; k > 0; k-- {
			j, _ := bits.Mul64(dk.Bits(uint64(lo)+uint64(k), slotShuffle), uint64(k+1))
			seg[k], seg[j] = seg[j], seg[k]
		}
		lo = hi
	}
}
