package sim

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"unsafe"

	"github.com/ripple-sim/ripple/agents"
	"github.com/ripple-sim/ripple/sim/rng"
)

// World is one replicate's starting point: the network and the initial
// population, drawn from the INIT streams of (seed, replicate) only. The shock
// run and its twin start from copies of it. The World keeps the consumers'
// traits and network only: each engine draws its own copy of the initial
// consumer state (agents.Consumers.Fresh), so that at full scale no second
// state is alive during a run.
type World struct {
	sc  Scenario
	cal calendar
	key rng.Key
	// Exactly one is set: float64 consumers in the weighted mode, float32 at
	// full scale (Population.Scale == ScaleFull; MODEL.md §1 allows float32
	// trust and shares there, and the compact traits and wallets make the
	// population fit the full-scale budget: TestFullScaleBytes).
	consumers   *agents.Consumers[float64]
	consumers32 *agents.Consumers[float32]
	merchants   *agents.Merchants
	staff       *agents.Staff
	couriers    *agents.Couriers
	base        baseline
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
	var net *agents.Network
	if sc.Network.Mode == NetConfig {
		// The graph does not depend on the number of workers, so use them all.
		g, err := agents.ConfigModelWorkers(n, sc.Network.MeanDegree, w.key, runtime.GOMAXPROCS(0))
		if err != nil {
			return nil, fmt.Errorf("network: %w", err)
		}
		net = &g
	}
	var err error
	if sc.Population.Scale == ScaleFull {
		collect()
		w.consumers32, err = newConsumers[float32](w, u0, net)
	} else {
		w.consumers, err = newConsumers[float64](w, u0, net)
	}
	if err != nil {
		return nil, err
	}
	return w, nil
}

// collect runs the garbage collector at full scale before large arrays are
// allocated, so that they take the place of those just dropped (the network
// builder's scratch, a finished run's state) instead of adding to the peak:
// a gigabyte or more each time, which the collector's pacing would otherwise
// leave in place for a while.
func collect() { runtime.GC() }

// newConsumers draws the world's consumers, builds the rest of the economy
// from their initial state, then drops that state (engines draw their own).
func newConsumers[F agents.Real](w *World, u0 [agents.Rivals]float64, net *agents.Network) (*agents.Consumers[F], error) {
	c := agents.NewConsumers[F](w.sc.Population.Consumers, w.sc.Consumers, u0, w.key)
	if w.sc.Population.Merchants > 0 {
		q0, wow := initialOrders(c)
		if err := w.newEcosystem(q0, wow); err != nil {
			return nil, err
		}
	}
	c.DropState()
	if err := c.SetNetwork(net, w.sc.Network.Mode == NetComplete); err != nil {
		return nil, fmt.Errorf("network: %w", err)
	}
	return c, nil
}

// initialOrders returns the expected orders per day of the initial state (s =
// 1, g = 1), in agent units, and the number of Active members.
func initialOrders[F agents.Real](c *agents.Consumers[F]) (q0 float64, wow int) {
	for i, st := range c.Status {
		if st == agents.Active {
			q0 += float64(c.Lambda[i]) * float64(c.Sigma[i]) / float64(c.Sigma0[i])
			if c.Flags[i]&agents.FlagWOW != 0 {
				wow++
			}
		}
	}
	return q0, wow
}

// NewEngine returns an engine for the shock run (twin false) or the no-breach
// twin (twin true), starting from a fresh copy of the world's initial
// population. workers goroutines share the shards of each day; results do not
// depend on it.
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

// BytesPerConsumer returns the consumer memory alive while one of the world's
// engines runs, per consumer (rounded down): the world's traits and network,
// the state an engine draws and its per-shard partial sums (the arrays
// Engine.consumerBytes counts in a running engine).
func (w *World) BytesPerConsumer() int {
	n := w.sc.Population.Consumers
	parts := (n + ShardSize - 1) / ShardSize * int(unsafe.Sizeof(agents.Partial{}))
	if c := w.consumers32; c != nil {
		return (c.Bytes() + c.FreshStateBytes() + parts) / n
	}
	c := w.consumers
	return (c.Bytes() + c.FreshStateBytes() + parts) / n
}
