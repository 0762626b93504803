// Package sensitivity screens a model's parameters with the elementary
// effects method of Morris (1991), as refined by Campolongo, Cariboni and
// Saltelli (2007).
//
// A Design is r trajectories through the unit cube [0,1]^k on a grid of p
// levels: each trajectory starts at a random grid point and moves one
// coordinate at a time, in random order and direction, by the step
// Δ = p/(2(p-1)), so it has k+1 points and yields one elementary effect per
// parameter, EE_i = (y(x+Δe_i) − y(x))/Δ. Coordinates map to parameter values
// through Param.Value (linearly, or linearly in the logarithm for Log
// parameters), so an elementary effect is the change in the output per unit
// of the parameter's normalised range: the change one would see moving the
// parameter across its whole range, were the output linear. Analyze turns
// the outputs of every design point into, per parameter, the mean μ of its
// elementary effects (direction), the mean μ* of their absolute values
// (importance: the ranking statistic) with a bootstrap 95 % interval, and
// their standard deviation σ (non-linearity or interactions). A design is
// deterministic on every platform: the same seed, k, r and p give the same
// points (math/rand/v2's PCG). The package does no I/O and runs no model:
// the caller evaluates the points, preferably on common random numbers so
// that the differences along a trajectory carry little noise.
package sensitivity

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// Param is a parameter's range: a unit coordinate u maps to Lo + u(Hi−Lo),
// or with Log to Lo·(Hi/Lo)^u (then 0 < Lo).
type Param struct {
	Name   string
	Lo, Hi float64
	Log    bool
}

// Value returns the parameter value at unit coordinate u in [0, 1]: exactly
// Lo at 0 and Hi at 1, and never outside [Lo, Hi].
func (p Param) Value(u float64) float64 {
	switch {
	case u <= 0:
		return p.Lo
	case u >= 1:
		return p.Hi
	}
	var x float64
	if p.Log {
		x = math.Exp(math.Log(p.Lo) + u*(math.Log(p.Hi)-math.Log(p.Lo)))
	} else {
		x = p.Lo + u*(p.Hi-p.Lo)
	}
	return min(max(x, min(p.Lo, p.Hi)), max(p.Lo, p.Hi))
}

// Check reports why a parameter's range is unusable.
func (p Param) Check() error {
	switch {
	case math.IsNaN(p.Lo) || math.IsNaN(p.Hi) || math.IsInf(p.Lo, 0) || math.IsInf(p.Hi, 0):
		return fmt.Errorf("%s: range [%g, %g] is not finite", p.Name, p.Lo, p.Hi)
	case !(p.Lo < p.Hi):
		return fmt.Errorf("%s: range [%g, %g]: need lo < hi", p.Name, p.Lo, p.Hi)
	case p.Log && !(p.Lo > 0):
		return fmt.Errorf("%s: log-scale range [%g, %g]: need lo > 0", p.Name, p.Lo, p.Hi)
	}
	return nil
}

// Trajectory is one path of a Morris design: K+1 points in [0,1]^K, each
// differing from the one before it in the single coordinate Factors[j]
// (point j+1 from point j), by +Δ or −Δ.
type Trajectory struct {
	Points  [][]float64
	Factors []int
}

// Design is a Morris design: trajectories of K+1 points each on a grid of
// Levels levels {0, 1/(Levels−1), ..., 1}, with step Delta.
type Design struct {
	K, Levels    int
	Delta        float64
	Seed         uint64
	Trajectories []Trajectory
}

// NewDesign returns r trajectories for k parameters on a grid of p levels
// (p even, at least 2), drawn from seed: for each trajectory a base point
// with every coordinate on the grid's lower levels (so that base + Δ ≤ 1), a
// random direction per coordinate and a random order of the coordinates.
func NewDesign(k, r, p int, seed uint64) (*Design, error) {
	switch {
	case k < 1:
		return nil, fmt.Errorf("sensitivity: %d parameters: need at least 1", k)
	case r < 1:
		return nil, fmt.Errorf("sensitivity: %d trajectories: need at least 1", r)
	case p < 2 || p%2 != 0:
		return nil, fmt.Errorf("sensitivity: %d levels: need an even number, at least 2", p)
	}
	d := &Design{K: k, Levels: p, Delta: float64(p) / float64(2*(p-1)), Seed: seed}
	rng := rand.New(rand.NewPCG(seed, 0x6d6f72726973)) // "morris"
	lower := p / 2                                     // base levels 0 .. p/2−1
	step := p / 2                                      // Δ in grid levels
	for range r {
		level := make([]int, k)
		for i := range level {
			level[i] = rng.IntN(lower)
			if rng.IntN(2) == 1 { // start high and step down
				level[i] += step
			}
		}
		order := make([]int, k)
		for i := range order {
			order[i] = i
		}
		for i := k - 1; i > 0; i-- { // Fisher-Yates, spelt out so the order is ours
			j := rng.IntN(i + 1)
			order[i], order[j] = order[j], order[i]
		}
		t := Trajectory{Factors: order}
		t.Points = append(t.Points, d.unit(level))
		for _, i := range order {
			if level[i] >= step {
				level[i] -= step
			} else {
				level[i] += step
			}
			t.Points = append(t.Points, d.unit(level))
		}
		d.Trajectories = append(d.Trajectories, t)
	}
	return d, nil
}

// unit converts grid levels to unit coordinates.
func (d *Design) unit(level []int) []float64 {
	u := make([]float64, len(level))
	for i, l := range level {
		u[i] = float64(l) / float64(d.Levels-1)
	}
	return u
}

// Points returns every point of the design, trajectory by trajectory: the
// order in which Analyze takes the outputs. Points share no memory with the
// design.
func (d *Design) Points() [][]float64 {
	var ps [][]float64
	for _, t := range d.Trajectories {
		for _, x := range t.Points {
			ps = append(ps, slices.Clone(x))
		}
	}
	return ps
}

// Values maps the design's points to parameter values, one row per point in
// Points order and one column per parameter.
func (d *Design) Values(params []Param) ([][]float64, error) {
	if len(params) != d.K {
		return nil, fmt.Errorf("sensitivity: %d parameters for a design of %d", len(params), d.K)
	}
	for _, p := range params {
		if err := p.Check(); err != nil {
			return nil, fmt.Errorf("sensitivity: %w", err)
		}
	}
	ps := d.Points()
	for _, x := range ps {
		for i, u := range x {
			x[i] = params[i].Value(u)
		}
	}
	return ps, nil
}

// Effect is the elementary effects of one parameter on one output.
type Effect struct {
	Param int       // the parameter's index
	EE    []float64 // one per trajectory, in trajectory order; NaN where an output was not finite
	N     int       // finite elementary effects
	Mu    float64   // mean of the finite EE
	// MuStar is the mean of |EE|, the parameter's importance, with a 95 %
	// percentile bootstrap interval MuStarLo..MuStarHi (NaN when N < 2).
	MuStar, MuStarLo, MuStarHi float64
	Sigma                      float64 // standard deviation of the EE (n−1); NaN when N < 2
}

// bootstrapSamples is the number of resamples behind MuStarLo and MuStarHi.
const bootstrapSamples = 2000

// Analyze computes the elementary effects of every parameter from y, the
// output at each point in Points order, and returns one Effect per
// parameter in parameter order. Non-finite outputs give NaN effects, which
// the statistics skip. The bootstrap is seeded from the design's seed, so
// the result is deterministic.
func Analyze(d *Design, y []float64) ([]Effect, error) {
	if n := len(d.Trajectories) * (d.K + 1); len(y) != n {
		return nil, fmt.Errorf("sensitivity: %d outputs for a design of %d points", len(y), n)
	}
	if d.Delta <= 0 {
		return nil, errors.New("sensitivity: design has no step")
	}
	effects := make([]Effect, d.K)
	for i := range effects {
		effects[i] = Effect{Param: i, EE: make([]float64, len(d.Trajectories))}
	}
	at := 0
	for t, tr := range d.Trajectories {
		for j, i := range tr.Factors {
			dx := tr.Points[j+1][i] - tr.Points[j][i]
			effects[i].EE[t] = (y[at+j+1] - y[at+j]) / dx
		}
		at += d.K + 1
	}
	for i := range effects {
		effects[i].describe(d.Seed, i)
	}
	return effects, nil
}

// describe sets the statistics of e from its EE.
func (e *Effect) describe(seed uint64, i int) {
	var fin []float64
	for _, x := range e.EE {
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			fin = append(fin, x)
		}
	}
	e.N = len(fin)
	e.Mu, e.MuStar, e.Sigma, e.MuStarLo, e.MuStarHi = math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN()
	if e.N == 0 {
		return
	}
	abs := make([]float64, e.N)
	for k, x := range fin {
		abs[k] = math.Abs(x)
	}
	e.Mu, e.MuStar = mean(fin), mean(abs)
	if e.N < 2 {
		return
	}
	ss := 0.0
	for _, x := range fin {
		ss += (x - e.Mu) * (x - e.Mu)
	}
	e.Sigma = math.Sqrt(ss / float64(e.N-1))
	rng := rand.New(rand.NewPCG(seed, 0x626f6f74+uint64(i))) // "boot"
	ms := make([]float64, bootstrapSamples)
	for b := range ms {
		s := 0.0
		for range e.N {
			s += abs[rng.IntN(e.N)]
		}
		ms[b] = s / float64(e.N)
	}
	slices.Sort(ms)
	e.MuStarLo, e.MuStarHi = quantile(ms, 0.025), quantile(ms, 0.975)
	e.MuStarLo, e.MuStarHi = min(e.MuStarLo, e.MuStar), max(e.MuStarHi, e.MuStar)
}

func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// quantile is the type-7 quantile of sorted xs.
func quantile(xs []float64, p float64) float64 {
	h := p * float64(len(xs)-1)
	lo := int(math.Floor(h))
	if lo+1 >= len(xs) {
		return xs[len(xs)-1]
	}
	return xs[lo] + (h-float64(lo))*(xs[lo+1]-xs[lo])
}

// Ranking returns the parameter indices of effects sorted by μ*, largest
// first (NaN last; ties in parameter order).
func Ranking(effects []Effect) []int {
	idx := make([]int, len(effects))
	for i := range idx {
		idx[i] = i
	}
	key := func(i int) float64 {
		if m := effects[i].MuStar; !math.IsNaN(m) {
			return m
		}
		return math.Inf(-1)
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		ka, kb := key(a), key(b)
		switch {
		case ka > kb:
			return -1
		case ka < kb:
			return 1
		}
		return 0
	})
	return idx
}
