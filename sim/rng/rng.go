// Package rng provides ripple's counter-based random numbers.
//
// Every uniform is a pure function of (seed, replicate, stream, day, entity,
// slot): a chain of SplitMix64 finalisers over those six words, with the top 53
// bits turned into a float64 in the open interval (0, 1). There is no generator
// state to share or to advance, so draws do not depend on the order in which
// agents are visited, on the number of goroutines, or on which branches other
// rules took. Runs that share a seed share their uniforms per (agent, day,
// purpose): common random numbers across a shock and its twin, and across the
// levels of a policy sweep (MODEL.md M14).
package rng

import "math"

// Stream names one (module, purpose) pair. Streams used during initialisation
// start with Init so that the initial population never depends on the scenario.
type Stream uint64

// The streams of MODEL.md M14. Values are frozen: changing one changes every
// result drawn from it.
const (
	Status Stream = iota + 1
	Delete
	WOW
	Visit
	Order
	Aware
	Spread
	Voucher
	Work
	VTO
	Quit
	_
	_
	_
	_
	_
	InitConsumer // consumer traits (trust baseline, thresholds, rates)
	InitStatus   // initial status, membership and rival
	InitNetwork  // degrees and stub matching
	InitMerchant
	InitCourier
	InitStaff
)

const golden = 0x9e3779b97f4a7c15

// mix is the SplitMix64 output function applied to z + golden.
func mix(z uint64) uint64 {
	z += golden
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// Key is the part of the hash chain fixed for one (seed, replicate).
type Key uint64

// NewKey starts the chain for a seed and replicate.
func NewKey(seed, replicate uint64) Key { return Key(mix(mix(seed) ^ replicate)) }

// Day fixes the stream and day, the part of the chain shared by every agent
// that draws from that stream on that day.
func (k Key) Day(s Stream, day int) DayKey {
	return DayKey(mix(mix(uint64(k)^uint64(s)) ^ uint64(int64(day))))
}

// DayKey is the chain fixed for one (seed, replicate, stream, day).
type DayKey uint64

// Bits returns 64 random bits for an entity and slot.
func (d DayKey) Bits(entity, slot uint64) uint64 {
	return mix(mix(uint64(d)^entity) ^ slot)
}

// U returns a uniform in (0, 1) for an entity and slot.
func (d DayKey) U(entity, slot uint64) float64 { return ToUnit(d.Bits(entity, slot)) }

// ToUnit maps the top 53 bits of h to the open interval (0, 1):
// (h>>11 + 0.5) * 2^-53, so neither 0 nor 1 is ever returned.
func ToUnit(h uint64) float64 { return (float64(h>>11) + 0.5) * (1.0 / (1 << 53)) }

// U is the one-call form of Key.Day(s, day).U(entity, slot).
func U(seed, replicate uint64, s Stream, entity uint64, day int, slot uint64) float64 {
	return NewKey(seed, replicate).Day(s, day).U(entity, slot)
}

// Poisson returns the Poisson(mean) variate at uniform u by inversion of the
// CDF: the smallest k with u < F(k). It is monotone in mean for fixed u, which
// the monotone couplings of MODEL.md T20 rely on. mean <= 0 gives 0.
func Poisson(mean, u float64) int {
	if mean <= 0 || u < 1-mean { // exp(-mean) >= 1 - mean
		return 0
	}
	if lo, _, ok := expBounds(mean); ok && u < lo {
		return 0
	}
	p := math.Exp(-mean)
	f := p
	k := 0
	for u >= f {
		k++
		p *= mean / float64(k)
		f += p
		if p == 0 || k > 10000 { // u beyond the representable tail
			break
		}
	}
	return k
}

// Positive reports Poisson(mean, u) > 0, that is u >= exp(-mean), using
// 1 - mean <= exp(-mean) <= 1 - mean + mean^2/2 to skip the exponential in
// most cases.
func Positive(mean, u float64) bool {
	switch {
	case mean <= 0 || u < 1-mean:
		return false
	case u >= 1-mean+mean*mean/2:
		return true
	}
	if lo, hi, ok := expBounds(mean); ok {
		switch {
		case u < lo:
			return false
		case u >= hi:
			return true
		}
	}
	return u >= math.Exp(-mean)
}

// expBounds returns lo < exp(-mean) < hi, as computed by math.Exp, for 0 <
// mean < 1: the Taylor polynomial to the cubic term and that plus the
// quartic term (the remainders alternate in sign), each widened by a margin
// well above their rounding error (a few units of 2^-53, every term being
// below 1). They settle all but a share mean^2/12 of the draws that the
// quadratic bounds leave open, with the answer the exponential would give
// (TestExpBounds). (The quadratic bounds before them are exact only up to
// one unit of rounding near mean = 0; they define Positive and are kept.)
func expBounds(mean float64) (lo, hi float64, ok bool) {
	if !(mean > 0 && mean < 1) {
		return 0, 0, false
	}
	const margin = 0x1p-48
	m2 := mean * mean
	l := 1 - mean + m2/2 - m2*mean/6
	return l - margin, l + m2*m2/24 + margin, true
}

// Categorical returns the index i with cum[i-1] <= u*total < cum[i], given
// unnormalised weights w; it inverts one uniform and is stable in the weights.
func Categorical(w []float64, u float64) int {
	total := 0.0
	for _, x := range w {
		total += x
	}
	t := u * total
	acc := 0.0
	for i, x := range w {
		acc += x
		if t < acc {
			return i
		}
	}
	return len(w) - 1
}

// Normal returns the standard normal quantile of u (inversion).
func Normal(u float64) float64 { return -math.Sqrt2 * math.Erfcinv(2*u) }
