package agents

import (
	"math"
	"math/rand/v2"

	"github.com/ripple-sim/ripple/sim/rng"
	"gonum.org/v1/gonum/stat/distuv"
)

// counter is a math/rand/v2 Source over counter-based draws for one entity:
// rejection samplers get as many uniforms as they need, and the result still
// depends only on (key, entity, first slot).
type counter struct {
	d            rng.DayKey
	entity, slot uint64
}

func (c *counter) Uint64() uint64 { c.slot++; return c.d.Bits(c.entity, c.slot) }

// betaMeanSD draws Beta with the given mean and sd; sd 0 returns the mean.
func betaMeanSD(mean, sd float64, src rand.Source) float64 {
	if sd <= 0 {
		return mean
	}
	k := mean*(1-mean)/(sd*sd) - 1
	return distuv.Beta{Alpha: mean * k, Beta: (1 - mean) * k, Src: src}.Rand()
}

// gammaMeanShape draws Gamma with the given mean and shape; shape <= 0 returns the mean.
func gammaMeanShape(mean, shape float64, src rand.Source) float64 {
	if shape <= 0 || mean <= 0 {
		return mean
	}
	return distuv.Gamma{Alpha: shape, Beta: shape / mean, Src: src}.Rand()
}

// Phi is the standard normal CDF.
func Phi(z float64) float64 { return 0.5 * math.Erfc(-z/math.Sqrt2) }

// hazardP turns a daily hazard into a probability: 1 - exp(-h).
func hazardP(h float64) float64 { return -math.Expm1(-h) }

// StochRound rounds x >= 0 to floor(x) or floor(x)+1 with the expectation x,
// inverting one uniform u: floor(x) + 1{u < x - floor(x)}. x <= 0 or NaN gives 0.
func StochRound(x, u float64) int {
	if !(x > 0) {
		return 0
	}
	k := math.Floor(x)
	if u < x-k {
		k++
	}
	return int(k)
}

// Quantile is the p-quantile of sorted x by linear interpolation
// between order statistics (R type 7); NaN for empty x.
func Quantile(x []float64, p float64) float64 {
	if len(x) == 0 {
		return math.NaN()
	}
	h := p * float64(len(x)-1)
	j := int(h)
	if j >= len(x)-1 {
		return x[len(x)-1]
	}
	return x[j] + (h-float64(j))*(x[j+1]-x[j])
}
