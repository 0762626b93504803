package sim

import (
	"context"
	"fmt"
	"math"

	"github.com/ripple-sim/ripple/agents"
	"github.com/ripple-sim/ripple/sim/rng"
)

// World is one replicate's starting point: the network and the initial
// population, drawn from the INIT streams of (seed, replicate) only. The shock
// run and its twin start from clones of it.
type World struct {
	sc        Scenario
	cal       calendar
	key       rng.Key
	consumers *agents.Consumers
	merchants *agents.Merchants
	staff     *agents.Staff
	couriers  *agents.Couriers
	base      baseline
}

// NewWorld checks the scenario and builds replicate rep's network and initial
// population.
func NewWorld(sc Scenario, seed uint64, rep int) (*World, error) {
	if err := sc.Check(); err != nil {
		return nil, err
	}
	w := &World{sc: sc, cal: newCalendar(sc.Start, sc.End), key: rng.NewKey(seed, uint64(rep))}
	var u0 [agents.Rivals]float64
	for r, s := range sc.Rivals.Shares {
		u0[r] = math.Log(s)
	}
	n := sc.Population.Consumers
	w.consumers = agents.NewConsumers(n, sc.Consumers, u0, w.key)
	switch sc.Network.Mode {
	case NetConfig:
		g := agents.ConfigModel(n, sc.Network.MeanDegree, w.key)
		w.consumers.Net = &g
	case NetComplete:
		w.consumers.Complete = true
	}
	if sc.Population.Merchants > 0 {
		if err := w.newEcosystem(); err != nil {
			return nil, err
		}
	}
	return w, nil
}

// NewEngine returns an engine for the shock run (twin false) or the no-breach
// twin (twin true), starting from a copy of the world's population. workers
// goroutines share the shards of each day; results do not depend on it.
func (w *World) NewEngine(twin bool, workers int) (*Engine, error) {
	return newEngine(w, twin, workers)
}

// Run simulates the shock run and its twin and returns both. The context is
// checked between days.
func (w *World) Run(ctx context.Context, rep, workers int) (Result, error) {
	res := Result{Replicate: rep}
	var err error
	if res.Shock, err = w.run(ctx, false, workers); err != nil {
		return res, err
	}
	res.Twin, err = w.run(ctx, true, workers)
	return res, err
}

// run simulates the shock run or the twin.
func (w *World) run(ctx context.Context, twin bool, workers int) (Tables, error) {
	e, err := w.NewEngine(twin, workers)
	if err != nil {
		return Tables{}, err
	}
	defer e.Close()
	for !e.Done() {
		if e.t%32 == 0 {
			if err := ctx.Err(); err != nil {
				return Tables{}, err
			}
		}
		e.Step()
	}
	return e.Tables(), nil
}

// Check reports the first reason a scenario cannot run. Files are checked
// more thoroughly by package configs; this guards programmatic use and asserts
// the monotone couplings of MODEL.md T20.
func (sc *Scenario) Check() error {
	switch {
	case sc.Population.Consumers < 1:
		return fmt.Errorf("population: %d consumers: need at least 1", sc.Population.Consumers)
	case !sc.Start.Before(sc.End) || sc.Disclosure.Before(sc.Start) || sc.Disclosure.After(sc.End):
		return fmt.Errorf("dates: need start < end and disclosure within them")
	case (sc.Population.Merchants > 0) != (sc.Population.Staff > 0) || (sc.Population.Merchants > 0) != (sc.Population.Couriers > 0):
		return fmt.Errorf("population: merchants, staff and couriers must all be positive, or all 0 for a consumer-only run")
	case sc.Population.Scale != "" && sc.Population.Scale != ScaleWeighted && sc.Population.Scale != ScaleFull:
		return fmt.Errorf("population scale %q: want weighted or full", sc.Population.Scale)
	case sc.Network.Mode != NetConfig && sc.Network.Mode != NetComplete && sc.Network.Mode != NetNone:
		return fmt.Errorf("network mode %q: want config, complete or none", sc.Network.Mode)
	}
	if _, ok := sanctionEffects[sc.Levers.SanctionEffect]; !ok {
		return fmt.Errorf("sanction effect %q: want balanced, closure or signal", sc.Levers.SanctionEffect)
	}
	if _, ok := voucherDesigns[sc.Levers.VoucherDesign]; !ok && sc.Levers.VoucherDesign != VoucherNone {
		return fmt.Errorf("voucher design %q: want none, case, full_core or cash", sc.Levers.VoucherDesign)
	}
	return checkMonotone(&sc.Consumers)
}

// checkMonotone asserts that the churn hazard falls and the return rate,
// purchase propensity and target basket share rise with trust (T20): the
// couplings that make common random numbers give monotone comparisons.
func checkMonotone(p *agents.ConsumerParams) error {
	const taus, delta = 0.75, 0.15
	prev := struct{ h, ret, g, s float64 }{math.Inf(1), -1, -1, -1}
	for k := 0; k <= 100; k++ {
		tau := taus * float64(k) / 100
		x := 1 - tau/taus
		h := p.H0 + p.H1*agents.Phi((x-delta)/p.STh)
		ret := p.B0 * agents.Phi((delta-x)/p.STh)
		g := math.Pow(tau/taus, p.Eta)
		s := p.BetaTau * tau
		if h > prev.h || ret < prev.ret || g < prev.g || s < prev.s {
			return fmt.Errorf("consumer rules are not monotone in trust at tau = %.3f (need h1, b0, eta, beta_tau >= 0)", tau)
		}
		prev.h, prev.ret, prev.g, prev.s = h, ret, g, s
	}
	return nil
}

// BytesPerConsumer returns the memory of one consumer's state and network
// share, averaged over the population.
func (w *World) BytesPerConsumer() int { return w.consumers.Bytes() / w.consumers.Len() }
