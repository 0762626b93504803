package configs

import (
	"math"
	"math/bits"
	"math/rand/v2"
)

// lhsStream is the PCG stream of Latin hypercube samples.
const lhsStream = 0x6c68735f72697070 // "lhs_ripp"

// lhs draws a Latin hypercube sample of n points over the factors' ranges:
// for each factor, in order, a random permutation of the n strata of
// [lo, hi] and one uniform position within each stratum. Point i takes
// stratum perm[i]. Integer keys are rounded to the nearest whole number. The
// draws use only PCG's Uint64 and integer arithmetic, and the float
// expressions are written so that they cannot be fused, so the sample is the
// same on every platform and Go release.
func lhs(seed uint64, n int, fs []*factor) [][]float64 {
	out := make([][]float64, n)
	for i := range out {
		out[i] = make([]float64, len(fs))
	}
	if len(fs) == 0 {
		return out
	}
	g := rand.NewPCG(seed, lhsStream)
	perm := make([]int, n)
	for k, f := range fs {
		for i := range perm {
			perm[i] = i
		}
		for i := n - 1; i > 0; i-- { // Fisher-Yates
			hi, _ := bits.Mul64(g.Uint64(), uint64(i+1))
			j := int(hi)
			perm[i], perm[j] = perm[j], perm[i]
		}
		for i := range n {
			u := (float64(g.Uint64()>>11) + 0.5) / (1 << 53) // (0, 1)
			t := (float64(perm[i]) + u) / float64(n)
			span := float64(t * (f.hi - f.lo)) // explicit conversion: no fused multiply-add
			v := f.lo + span
			if f.p.kind == kInt {
				v = math.Round(v)
			}
			out[i][k] = math.Min(math.Max(v, f.lo), f.hi)
		}
	}
	return out
}
