package benchmarks

import (
	"fmt"
	"math"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/ripple-sim/ripple/agents"
	"github.com/ripple-sim/ripple/sim"
	"github.com/ripple-sim/ripple/sim/rng"
)

// econ rebuilds the engine's stages S7-S9 (sim/economy.go) from the public
// agents API: the same baseline as sim's newEcosystem, the same calls in the
// same order, shards of sim.ShardSize on one goroutine.
type econ struct {
	sc             *sim.Scenario
	key            rng.Key
	wC, wM, wF, wK float64
	hs0, piFC      float64
	months         []int16   // calendar month of each day since the start's month
	season         []float64 // seasonality of each day
	vto            []agents.VTOWindow

	m      *agents.Merchants
	s      *agents.Staff
	k      *agents.Couriers
	market agents.CourierMarket
	blFC   float64

	mWt    []float64
	mParts []agents.MerchantPartial
	fParts []agents.StaffPartial
	kParts []agents.CourierPartial
	mDay   agents.MerchantDay
	fDay   agents.StaffDay
	kDay   agents.CourierDay

	// Last day's results, for the check against the engine.
	mTot  agents.MerchantPartial
	offer float64
	cf    agents.CourierFlows
}

func newEcon(sc *sim.Scenario, seed uint64, rep int) (*econ, error) {
	pop := &sc.Population
	key := rng.NewKey(seed, uint64(rep))
	var u0 [agents.Rivals]float64
	for r, s := range sc.Rivals.Shares {
		u0[r] = math.Log(s)
	}
	c := agents.NewConsumers[float64](pop.Consumers, sc.Consumers, u0, key)
	e := &econ{
		sc: sc, key: key,
		wC: pop.RealConsumers / float64(pop.Consumers), wM: pop.RealMerchants / float64(pop.Merchants),
		wF: pop.RealStaff / float64(pop.Staff), wK: pop.RealCouriers / float64(pop.Couriers),
	}
	days := dayIndex(sc, sc.End) + 1
	e.months, e.season = make([]int16, days), make([]float64, days)
	for t := range days {
		d := sc.Start.AddDate(0, 0, t)
		e.months[t] = int16(monthIndex(d) - monthIndex(sc.Start))
		e.season[t] = sc.Seasonality[d.Month()-1]
	}
	for _, v := range sc.Windows.VTO {
		e.vto = append(e.vto, agents.VTOWindow{From: dayIndex(sc, v[0]), To: dayIndex(sc, v[1])})
	}

	q0 := 0.0 // expected orders of the initial state
	for i, st := range c.Status {
		if st == agents.Active {
			q0 += c.Lambda[i] * c.Sigma[i] / c.Sigma0[i]
		}
	}
	q0 *= e.wC
	q3 := sc.Merchants.Share3P(1) * q0
	q1P := q0 - q3
	e.m = agents.NewMerchants(pop.Merchants, sc.Merchants, q3, e.wM, key)
	e.m.Track(e.months, dayIndex(sc, sc.Windows.MerchantBase[0]), dayIndex(sc, sc.Windows.MerchantBase[1]))
	p0 := agents.FCParcels(sc.Staff, q1P, q3)
	e.s = agents.NewStaff(pop.Staff, pop.StaffSlots, sc.Staff, key)
	e.hs0 = agents.FCBaselineHours(sc.Staff, e.wF, pop.Staff)
	e.piFC = agents.FCProductivity(sc.Staff, p0, e.hs0)
	e.k = agents.NewCouriers(pop.Couriers, pop.CourierSlots, sc.Couriers, key)
	m, err := e.k.NewMarket(pop.RealCouriers, p0)
	if err != nil {
		return nil, err
	}
	e.market = m
	return e, nil
}

func dayIndex(sc *sim.Scenario, d time.Time) int { return int(d.Sub(sc.Start).Hours() / 24) }
func monthIndex(d time.Time) int                 { return d.Year()*12 + int(d.Month()) - 1 }

// clone returns a fresh copy of e's populations with its own scratch.
func (e *econ) clone() *econ {
	d := *e
	d.m, d.s, d.k = e.m.Clone(), e.s.Clone(), e.k.Clone()
	d.mWt = make([]float64, shards(d.m.Len()))
	d.mParts = make([]agents.MerchantPartial, shards(d.m.Len()))
	d.fParts = make([]agents.StaffPartial, shards(d.s.Len()))
	d.kParts = make([]agents.CourierPartial, shards(d.k.Len()))
	return &d
}

func shards(n int) int { return (n + sim.ShardSize - 1) / sim.ShardSize }

func shard(s, n int) (lo, hi int) {
	lo = s * sim.ShardSize
	return lo, min(lo+sim.ShardSize, n)
}

// merchants is S7 on day t for the day's real orders and gbar (Weights, Step);
// it returns the 1P orders and the 3P units sold, in real units.
func (e *econ) merchants(t int, orders, gbar float64) (q1P, sold3P float64) {
	q3 := e.sc.Merchants.Share3P(gbar) * orders
	n := e.m.Len()
	for s := range e.mWt {
		lo, hi := shard(s, n)
		e.mWt[s] = e.m.Weights(lo, hi, gbar)
	}
	sumWt := 0.0
	for _, x := range e.mWt {
		sumWt += x
	}
	e.mDay = agents.MerchantDay{T: t, Q3: q3, SumWt: sumWt, Season: e.season[t]}
	for s := range e.mParts {
		lo, hi := shard(s, n)
		e.mParts[s] = agents.MerchantPartial{}
		e.m.Step(lo, hi, &e.mDay, &e.mParts[s])
	}
	mt := &e.mTot
	*mt = agents.MerchantPartial{}
	for s := range e.mParts {
		mt.Add(&e.mParts[s])
	}
	q1P = orders - e.wM*mt.Demand
	if sumWt == 0 {
		q1P = orders - q3
	}
	return q1P, e.wM * mt.Sold
}

// fc is S8 on day t (Roster, VTOOffer, Step, FCProcess, Hire); it returns
// the parcels processed.
func (e *econ) fc(t int, q1P, sold3P float64) (pProc float64) {
	p := e.sc.Staff
	pfc := agents.FCParcels(p, q1P, sold3P) + e.blFC
	n := e.s.Len()
	var ft agents.StaffPartial
	for s := range e.fParts {
		lo, hi := shard(s, n)
		e.fParts[s] = agents.StaffPartial{}
		e.s.Roster(lo, hi, t, &e.fParts[s])
		ft.Add(&e.fParts[s])
	}
	hs, _, _, offer := agents.VTOOffer(p, e.wF, float64(ft.Sched), ft.SumQPool, pfc, e.season[t], e.hs0, e.piFC)
	e.fDay = agents.StaffDay{T: t, Offer: offer, Windows: agents.VTOWindowMask(e.vto, t)}
	ft = agents.StaffPartial{}
	for s := range e.fParts {
		lo, hi := shard(s, n)
		e.s.Step(lo, hi, &e.fDay, &e.fParts[s])
		ft.Add(&e.fParts[s])
	}
	_, pProc, blFC, _ := agents.FCProcess(p, e.wF, hs, float64(ft.Accepted), pfc, e.piFC)
	e.blFC, e.offer = blFC, offer
	e.s.Hire(t, e.s.Hires(t))
	return pProc
}

// couriers is S9 on day t (Work, Clear, Settle, Hire).
func (e *econ) couriers(t int, pProc float64) {
	e.kDay = agents.CourierDay{T: t, Key: e.key, Month: e.months[t], YbarPrev: e.market.Ybar}
	n := e.k.Len()
	var kt agents.CourierPartial
	for s := range e.kParts {
		lo, hi := shard(s, n)
		e.kParts[s] = agents.CourierPartial{}
		e.k.Work(lo, hi, &e.kDay, &e.kParts[s])
		kt.Add(&e.kParts[s])
	}
	next, cf := e.market.Clear(&e.sc.Couriers, kt.Working, pProc)
	e.kDay.Q, e.kDay.Ybar = cf.Q, cf.Ybar
	for s := range e.kParts {
		lo, hi := shard(s, n)
		e.k.Settle(lo, hi, &e.kDay, &e.kParts[s])
	}
	e.k.Hire(e.k.Hires(&e.kDay, &cf, e.wK))
	e.market, e.cf = next, cf
}

// rest is the part of the engine's books and metrics that scales with a
// population: the distinct VTO acceptors of each window.
func (e *econ) rest() {
	for w := range e.vto {
		sinkF += e.s.DVA(w, e.wF)
	}
}

var sinkF float64

// caseRun is the default scenario with the case's shocks at the default scale
// (caseScenario), with every stage's daily inputs taken from one engine run.
type caseRun struct {
	sc          sim.Scenario
	full, cons  *sim.World // with the economy, and consumers only (same consumers)
	start, days int        // first timed day (disclosure + 3), days in the run
	base        *econ      // the economy at day 0

	orders, gbar       []float64 // real orders and gbar per day, from the engine
	q1P, sold3P, pProc []float64 // S8 and S9 inputs per day, from the reconstruction
}

var loadCase = sync.OnceValues(newCaseRun)

func theCase(b *testing.B) *caseRun {
	r, err := loadCase()
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC() // the setup's garbage
	return r
}

// newCaseRun runs the engine once and checks that the reconstruction repeats
// its economy day by day.
func newCaseRun() (*caseRun, error) {
	r := &caseRun{sc: caseScenario(100_000)}
	var err error
	if r.full, err = sim.NewWorld(r.sc, 1, 0); err != nil {
		return nil, err
	}
	cs := r.sc
	p := &cs.Population
	p.Merchants, p.Staff, p.StaffSlots, p.Couriers, p.CourierSlots = 0, 0, 0, 0, 0
	if r.cons, err = sim.NewWorld(cs, 1, 0); err != nil {
		return nil, err
	}
	if r.base, err = newEcon(&r.sc, 1, 0); err != nil {
		return nil, err
	}

	e, err := r.full.NewEngine(false, 1)
	if err != nil {
		return nil, err
	}
	r.start = e.DayOf(r.sc.Disclosure) + 3
	for !e.Done() {
		e.Step()
	}
	e.Close()
	r.days = e.Day()
	tb := e.Tables().Daily
	col := func(name string) []float64 {
		for i, m := range tb.Metrics {
			if m == name {
				return tb.Values[i]
			}
		}
		panic("no daily metric " + name)
	}
	r.orders, r.gbar = col("orders"), col("gbar")

	r.q1P, r.sold3P, r.pProc = make([]float64, r.days), make([]float64, r.days), make([]float64, r.days)
	x := r.base.clone()
	for t := range r.days {
		r.q1P[t], r.sold3P[t] = x.merchants(t, r.orders[t], r.gbar[t])
		r.pProc[t] = x.fc(t, r.q1P[t], r.sold3P[t])
		x.couriers(t, r.pProc[t])
		for _, c := range []struct {
			name string
			v    float64
		}{
			{"orders_1p", r.q1P[t]}, {"merchants_alive", x.wM * float64(x.mTot.Alive)},
			{"vto_offer", x.offer}, {"parcels_processed", r.pProc[t]}, {"couriers_working", x.cf.Nw},
		} {
			if want := col(c.name)[t]; math.Abs(c.v-want) > 1e-9*math.Abs(want) {
				return nil, fmt.Errorf("day %d: %s = %v in the reconstruction, %v in the engine: update econ to match sim/economy.go",
					t, c.name, c.v, want)
			}
		}
	}
	return r, nil
}

// engine returns an engine on w stepped to the first timed day.
func (r *caseRun) engine(b *testing.B, w *sim.World) *sim.Engine {
	e, err := w.NewEngine(false, 1)
	if err != nil {
		b.Fatal(err)
	}
	for e.Day() < r.start {
		e.Step()
	}
	return e
}

// econ returns a fresh economy stepped to the first timed day.
func (r *caseRun) econ() *econ {
	x := r.base.clone()
	for t := range r.start {
		r.step(x, t)
	}
	return x
}

// step runs S7-S9 of day t with the recorded inputs.
func (r *caseRun) step(x *econ, t int) {
	x.merchants(t, r.orders[t], r.gbar[t])
	x.fc(t, r.q1P[t], r.sold3P[t])
	x.couriers(t, r.pProc[t])
}
