package sim

import (
	"math"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/ripple-sim/ripple/agents"
	"github.com/ripple-sim/ripple/sim/rng"
)

// ShardSize is the number of consumers per shard. It is fixed, whatever the
// number of workers, so partial sums are always reduced over the same blocks in
// the same order and results are byte-identical for any worker count.
const ShardSize = 4096

// Engine runs one replicate of one variant day by day.
type Engine struct {
	sc    *Scenario
	cal   calendar
	sched *schedule
	// The consumers: pop is the running population, which is c (float64, the
	// weighted mode) or c32 (float32, full scale); the other is nil.
	pop        consumers
	c          *agents.Consumers[float64]
	c32        *agents.Consumers[float32]
	demandBase float64 // the gbar denominator (agents.Consumers.DemandBase)
	key        rng.Key
	wC         float64 // real consumers per agent

	t         int     // next day to simulate
	af, as, u float64 // attention stores and ambiguity
	reg       int     // regulator state
	uR        [agents.Rivals]float64

	day   agents.Day
	parts []agents.Partial
	tot   agents.Partial
	pool  *pool // nil: run shards in the calling goroutine

	consumerPass, tallyPass func(int) // e.runShard, e.tallyShard, bound once

	// Merchants (S7), fulfillment staff (S8), couriers (S9) and the books (S10).
	base                                       baseline
	merchants                                  *agents.Merchants
	staff                                      *agents.Staff
	couriers                                   *agents.Couriers
	mParts                                     []agents.MerchantPartial
	mWt                                        []float64
	mTot                                       agents.MerchantPartial
	mDay                                       agents.MerchantDay
	fParts                                     []agents.StaffPartial
	fTot                                       agents.StaffPartial
	fDay                                       agents.StaffDay
	kParts                                     []agents.CourierPartial
	kTot                                       agents.CourierPartial
	kDay                                       agents.CourierDay
	market                                     agents.CourierMarket
	gbar, blFC                                 float64
	ledger                                     ledger
	flows                                      flows
	cashPrev, pledged, liability               float64
	revHist                                    []float64
	vtoWindows                                 []agents.VTOWindow
	dist                                       [][]float64 // [distribution metric][month]
	scratch                                    []float64
	merchWeightPass, merchStepPass, rosterPass func(int)
	staffStepPass, workPass, settlePass        func(int)

	daily   [][]float64 // [metric][day]
	newM    []int64     // agents visiting for the first time this month, per day
	newW    []int64     // same for the ISO week
	newQBuy []int64     // agents ordering for the first time this quarter
}

// consumers is what the engine needs of its consumer population, whatever
// its float type.
type consumers interface {
	Len() int
	Step(lo, hi int, d *agents.Day, p *agents.Partial)
	MarkC0()
	Tally(lo, hi int)
	Check() error
	Bytes() int
	StateBytes() int
}

func newEngine(w *World, twin bool, workers int) (*Engine, error) {
	sc := &w.sc
	sched, err := newSchedule(sc, w.cal, twin)
	if err != nil {
		return nil, err
	}
	n := w.sc.Population.Consumers
	e := &Engine{
		sc: sc, cal: w.cal, sched: sched, key: w.key,
		wC:    sc.Population.RealConsumers / float64(n),
		parts: make([]agents.Partial, (n+ShardSize-1)/ShardSize),
		daily: make([][]float64, len(DailyMetrics)),
		newM:  make([]int64, w.cal.days), newW: make([]int64, w.cal.days), newQBuy: make([]int64, w.cal.days),
	}
	if w.consumers32 != nil {
		collect()
		e.c32 = w.consumers32.Fresh()
		e.pop, e.demandBase = e.c32, e.c32.DemandBase
	} else {
		e.c = w.consumers.Fresh()
		e.pop, e.demandBase = e.c, e.c.DemandBase
	}
	for m := range e.daily {
		e.daily[m] = make([]float64, w.cal.days)
	}
	for r, s := range sc.Rivals.Shares {
		e.uR[r] = math.Log(s)
	}
	e.day.Key = w.key
	e.day.IncJump = sched.incJump
	e.consumerPass, e.tallyPass = e.runShard, e.tallyShard
	if workers > 1 && len(e.parts) > 1 {
		e.pool = newPool(min(workers, len(e.parts)))
	}

	if w.merchants == nil {
		return e, nil // consumer-only run
	}
	e.base, e.market = w.base, w.base.market
	e.merchants, e.staff, e.couriers = w.merchants.Clone(), w.staff.Clone(), w.couriers.Clone()
	e.mParts, e.mWt = make([]agents.MerchantPartial, shards(e.merchants.Len())), make([]float64, shards(e.merchants.Len()))
	e.fParts = make([]agents.StaffPartial, shards(e.staff.Len()))
	e.kParts = make([]agents.CourierPartial, shards(e.couriers.Len()))
	e.revHist = make([]float64, w.cal.days)
	for _, v := range sc.Windows.VTO {
		e.vtoWindows = append(e.vtoWindows, agents.VTOWindow{From: w.cal.day(v[0]), To: w.cal.day(v[1])})
	}
	nm := int(w.cal.month[w.cal.days-1]) + 1
	for range distMetrics(len(e.vtoWindows)) {
		e.dist = append(e.dist, make([]float64, nm))
	}
	e.scratch = make([]float64, 0, max(e.merchants.Len(), e.couriers.Len()))
	e.merchWeightPass, e.merchStepPass, e.rosterPass = e.merchWeights, e.merchStep, e.roster
	e.staffStepPass, e.workPass, e.settlePass = e.staffStep, e.courierWork, e.courierSettle
	return e, nil
}

// Close stops the engine's worker goroutines.
func (e *Engine) Close() {
	if e.pool != nil {
		e.pool.close()
	}
}

// Done reports whether every day has been simulated.
func (e *Engine) Done() bool { return e.t >= e.cal.days }

// Step simulates one day: S0-S2 sequentially, S3-S6 over the consumer shards
// and their reduction in shard order, S7-S10 (economy), then the day's metrics.
func (e *Engine) Step() {
	t := e.t
	e.prepare(t)
	e.pool.run(e.consumerPass, len(e.parts))
	e.reduce()
	if e.merchants != nil {
		e.economy(t)
	}
	e.record(t)
	if t == e.cal.day(e.sc.Disclosure)-1 {
		e.pop.MarkC0()
	}
	e.pool.run(e.tallyPass, len(e.parts))
	e.t++
}

// tallyShard passes shard s's changes of view to the neighbours' counts.
func (e *Engine) tallyShard(s int) {
	lo := s * ShardSize
	e.pop.Tally(lo, min(lo+ShardSize, e.pop.Len()))
}

func (e *Engine) runShard(s int) {
	lo := s * ShardSize
	hi := min(lo+ShardSize, e.pop.Len())
	p := &e.parts[s]
	*p = agents.Partial{}
	e.pop.Step(lo, hi, &e.day, p)
}

// consumerBytes returns the consumer memory alive while the engine runs: the
// shared traits and network (the world's), the engine's own state and its
// per-shard partial sums (a trust histogram per 4,096 consumers).
func (e *Engine) consumerBytes() int {
	return e.pop.Bytes() + len(e.parts)*int(unsafe.Sizeof(agents.Partial{}))
}

// prepare runs stages S0-S2: calendar, events and regulator, media and
// ambiguity, and fills the kernel's inputs.
func (e *Engine) prepare(t int) {
	sc, pl, d := e.sc, &e.sched.plans[t], &e.day
	date := e.cal.date(t)

	// S1 events and regulator transitions.
	switch {
	case pl.decision:
		e.reg = RegDecided
	case pl.findings && e.reg == RegOpen:
		e.reg = RegFindings
	case pl.probeOpen && e.reg == RegIdle:
		e.reg = RegOpen
	}
	if e.reg == RegDecided && t >= e.sched.closed {
		e.reg = RegClosed
	}
	for r := range e.uR {
		e.uR[r] += pl.shift[r]
	}

	// S2 media attention (M1) and ambiguity (M2).
	e.af = e.af*math.Exp(-1/sc.Media.TauF) + pl.fast
	e.as = e.as*math.Exp(-1/sc.Media.TauS) + pl.slow
	target := 0.0
	switch e.reg {
	case RegOpen:
		target = sc.Ambiguity.UOpen
	case RegFindings:
		target = sc.Ambiguity.URes // findings are disputed
	}
	tauRel := sc.Ambiguity.TauU
	if target > e.u {
		tauRel = sc.Ambiguity.TauOpen
	}
	chi := sc.Levers.Transparency
	e.u = min(1, max(0, target+(e.u-target)*math.Exp(-1/tauRel)+(1-chi)*pl.dU))

	cp := &sc.Consumers
	d.T = t
	d.Month, d.Week, d.Quarter = e.cal.month[t], e.cal.week[t], e.cal.quarter[t]
	d.Season = sc.Seasonality[date.Month()-1]
	d.A, d.Af, d.U = e.af+e.as, e.af, e.u
	d.News = 0
	if e.af > 0 {
		d.News = e.af / (e.af + cp.AHalf)
	}
	d.R = cp.R0 * math.Pow(1-e.u, cp.Zeta) * (1 + cp.CChi*chi)
	d.JNeg, d.JPos = pl.jNeg, pl.jPos
	d.IncSoFar |= pl.incidents
	d.SumExpU = 0
	for r := range e.uR {
		d.Softmax[r] = math.Exp(e.uR[r])
		d.SumExpU += d.Softmax[r]
	}
	for r := range d.Softmax {
		d.Softmax[r] /= d.SumExpU
	}
	suspAll := inAny(e.sched.suspAll, t)
	d.UtilityChanged = t == 0 || pl.shift != [agents.Rivals]float64{} || suspAll != d.SuspAll
	d.SuspAll, d.SuspNew = suspAll, inAny(e.sched.suspNew, t)

	v, vw := e.sched.voucher, e.sched.vouchers
	d.VoucherIssue = pl.issue
	d.VoucherOpen = vw.has(t)
	d.VoucherExpire = t == vw.to
	d.VoucherAllNA = !v.rejoin
	d.VWin = d.VoucherOpen && v.rejoin
	d.CoreFace, d.NCFace = v.core, v.nonCore
	d.NCRedeemP = 0
	if v.validDays > 0 && cp.RhoNC > 0 {
		d.NCRedeemP = 1 - math.Pow(1-cp.RhoNC, 1/float64(v.validDays))
	}
}

// reduce sums the shards' partials in shard order.
func (e *Engine) reduce() {
	t := &e.tot
	*t = agents.Partial{}
	for s := range e.parts {
		p := &e.parts[s]
		t.Active += p.Active
		t.Churned += p.Churned
		t.NoAccount += p.NoAccount
		t.Aware += p.Aware
		t.Spreaders += p.Spreaders
		t.Leavers += p.Leavers
		t.Churns += p.Churns
		t.Deletions += p.Deletions
		t.Returns += p.Returns
		t.Visitors += p.Visitors
		t.NewMonth += p.NewMonth
		t.NewWeek += p.NewWeek
		t.NewBuyersQ += p.NewBuyersQ
		t.Orders += p.Orders
		t.WOW += p.WOW
		t.WOWCancels += p.WOWCancels
		t.Holders += p.Holders
		t.BreachedHolders += p.BreachedHolders
		t.BreachedNoAcct += p.BreachedNoAcct
		t.Reduced += p.Reduced
		t.C0 += p.C0
		t.C0Reduced += p.C0Reduced
		t.TrustSum += p.TrustSum
		t.Demand += p.Demand
		t.RivalBasket += p.RivalBasket
		for r := range agents.Rivals {
			t.RivalN[r] += p.RivalN[r]
			t.RivalLeft[r] += p.RivalLeft[r]
		}
		t.CoreRedeemed += p.CoreRedeemed
		t.NCRedeemed += p.NCRedeemed
		t.Forfeit += p.Forfeit
		for b := range p.Hist {
			t.Hist[b] += p.Hist[b]
		}
	}
	e.day.PrevSpreaders, e.day.PrevAware, e.day.PrevLeavers = t.Spreaders, t.Aware, t.Leavers
}

// pool is a fixed set of goroutines that run the shards of one pass of a
// day; it does not allocate per pass.
type pool struct {
	start chan struct{}
	wg    sync.WaitGroup
	next  atomic.Int64
	n     int
	work  func(int)
	total int
}

func newPool(workers int) *pool {
	p := &pool{start: make(chan struct{}), n: workers}
	for range workers {
		go func() {
			for range p.start {
				for {
					s := int(p.next.Add(1) - 1)
					if s >= p.total {
						break
					}
					p.work(s)
				}
				p.wg.Done()
			}
		}()
	}
	return p
}

// run calls work(s) for every shard s in [0, shards), in parallel. work must
// be a long-lived function value (a field), so that no closure is built per day.
func (p *pool) run(work func(int), shards int) {
	if p == nil || shards == 1 {
		for s := range shards {
			work(s)
		}
		return
	}
	p.work, p.total = work, shards
	p.next.Store(0)
	p.wg.Add(p.n)
	for range p.n {
		p.start <- struct{}{}
	}
	p.wg.Wait()
}

func (p *pool) close() { close(p.start) }

// Day returns the index of the next day to simulate (0 is the scenario's start).
func (e *Engine) Day() int { return e.t }

// DayOf returns the day index of a date.
func (e *Engine) DayOf(d time.Time) int { return e.cal.day(d) }
