package sim

import (
	"fmt"
	"math"

	"github.com/ripple-sim/ripple/agents"
)

// baseline holds the expected quantities of an undisturbed day (s = 1, gbar =
// 1) that the other populations and the books are initialised from.
type baseline struct {
	wC, wM, wF, wK float64 // real units per agent
	q0, q1P, q3    float64 // orders per day: all, 1P, 3P
	p0             float64 // parcels created per day
	hs0, piFC      float64 // FC scheduled hours and productivity (M8)
	market         agents.CourierMarket
	revenue        float64 // platform revenue per day
	opex0          float64 // fixed operating cost per day (M10)
}

// newEcosystem builds the merchants, staff and couriers of a world and the
// baseline they share, from the consumers' initial state: q0 is its expected
// orders per day in agent units (initialOrders) and wow its Active members.
func (w *World) newEcosystem(q0 float64, wow int) error {
	sc, pop := &w.sc, &w.sc.Population
	b := &w.base
	b.wC = pop.RealConsumers / float64(pop.Consumers)
	b.wM = pop.RealMerchants / float64(pop.Merchants)
	b.wF = pop.RealStaff / float64(pop.Staff)
	b.wK = pop.RealCouriers / float64(pop.Couriers)
	// Baseline orders: the expected orders of the initial state (s = 1, g = 1),
	// so that this replicate's economy starts in balance with its own consumers.
	b.q0 = q0 * b.wC
	b.q3 = sc.Merchants.Share3P(1) * b.q0
	b.q1P = b.q0 - b.q3

	w.merchants = agents.NewMerchants(pop.Merchants, sc.Merchants, b.q3, b.wM, w.key)
	w.merchants.Track(w.cal.month, w.cal.day(sc.Windows.MerchantBase[0]), w.cal.day(sc.Windows.MerchantBase[1]))

	b.p0 = agents.FCParcels(sc.Staff, b.q1P, b.q3)
	w.staff = agents.NewStaff(pop.Staff, pop.StaffSlots, sc.Staff, w.key)
	b.hs0 = agents.FCBaselineHours(sc.Staff, b.wF, pop.Staff)
	b.piFC = agents.FCProductivity(sc.Staff, b.p0, b.hs0)

	w.couriers = agents.NewCouriers(pop.Couriers, pop.CourierSlots, sc.Couriers, w.key)
	m, err := w.couriers.NewMarket(pop.RealCouriers, b.p0)
	if err != nil {
		return fmt.Errorf("%v (baseline parcels %.4g per day; the baseline is sampled, so with few consumer agents it varies by replicate: use more agents or a lower couriers.u_k0)", err, b.p0)
	}
	b.market = m

	// opex0 makes the baseline net margin m_net (M10).
	pl, mp := &sc.Platform, &sc.Merchants
	rev1P := mp.Price * b.q1P
	b.revenue = rev1P + mp.Fee*mp.Price*b.q3 + pl.FeeW/30.4*b.wC*float64(wow)
	courierPay := sc.Couriers.RP * m.OmegaK * b.p0
	b.opex0 = b.revenue - (1-pl.GM)*rev1P - courierPay - sc.Staff.WH*b.hs0 - pl.MNet*b.revenue
	return nil
}

// economy runs stages S7-S10 on day t, after the consumers: merchants, the
// fulfillment centre, couriers and the books.
func (e *Engine) economy(t int) {
	sc, b := e.sc, &e.base
	season := e.day.Season
	orders := b.wC * float64(e.tot.Orders)
	gbar := ratio(e.tot.Demand, e.demandBase)

	// S7 merchants: weights, then demand allocation, stock and cash.
	q3 := sc.Merchants.Share3P(gbar) * orders
	e.gbar = gbar
	e.pool.run(e.merchWeightPass, len(e.mParts))
	sumWt := 0.0
	for _, x := range e.mWt {
		sumWt += x
	}
	e.mDay = agents.MerchantDay{T: t, Q3: q3, SumWt: sumWt, Season: season}
	e.pool.run(e.merchStepPass, len(e.mParts))
	mt := &e.mTot
	*mt = agents.MerchantPartial{}
	for s := range e.mParts {
		mt.Add(&e.mParts[s])
	}
	q1P := orders - b.wM*mt.Demand
	if sumWt == 0 {
		q1P = orders - q3 // every 3P order is lost
	}
	sold3P := b.wM * mt.Sold

	// S8 fulfillment centre: roster, VTO offer and acceptance, processing, hires.
	pc := agents.FCParcels(sc.Staff, q1P, sold3P)
	pfc := pc + e.blFC
	e.pool.run(e.rosterPass, len(e.fParts))
	ft := &e.fTot
	*ft = agents.StaffPartial{}
	for s := range e.fParts {
		ft.Add(&e.fParts[s])
	}
	hs, _, _, offer := agents.VTOOffer(sc.Staff, b.wF, float64(ft.Sched), ft.SumQPool, pfc, season, b.hs0, b.piFC)
	e.fDay = agents.StaffDay{T: t, Offer: offer, Windows: agents.VTOWindowMask(e.vtoWindows, t)}
	e.pool.run(e.staffStepPass, len(e.fParts))
	*ft = agents.StaffPartial{}
	for s := range e.fParts {
		ft.Add(&e.fParts[s])
	}
	hwork, pProc, blFC, wages := agents.FCProcess(sc.Staff, b.wF, hs, float64(ft.Accepted), pfc, b.piFC)
	e.blFC = blFC
	fHired := e.staff.Hire(t, e.staff.Hires(t))

	// S9 couriers: participation, load and pay, quits and hires.
	e.kDay = agents.CourierDay{T: t, Key: e.key, Month: e.cal.month[t], YbarPrev: e.market.Ybar}
	e.pool.run(e.workPass, len(e.kParts))
	kt := &e.kTot
	*kt = agents.CourierPartial{}
	for s := range e.kParts {
		kt.Add(&e.kParts[s])
	}
	next, cf := e.market.Clear(&sc.Couriers, kt.Working, pProc)
	e.kDay.Q, e.kDay.Ybar = cf.Q, cf.Ybar
	e.pool.run(e.settlePass, len(e.kParts))
	*kt = agents.CourierPartial{}
	for s := range e.kParts {
		kt.Add(&e.kParts[s])
	}
	kHired := e.couriers.Hire(e.couriers.Hires(&e.kDay, &cf, b.wK))
	e.market = next

	// S10 books.
	f := e.books(t, q1P, mt, &cf, hwork, wages)

	// Metrics.
	col := func(m int, v float64) { e.daily[m][t] = v }
	col(mOrders1P, q1P)
	col(mOrders3P, orders-q1P)
	col(mMerchAlive, b.wM*float64(mt.Alive))
	col(mMerchExits, b.wM*float64(mt.Exits))
	col(mMerchSales, b.wM*mt.Sales)
	col(mLostSales, b.wM*mt.Lost*sc.Merchants.Price)
	col(mSpoiledUnits, b.wM*mt.Spoiled)
	col(mSpoiledValue, b.wM*mt.SpoiledValue)
	col(mPerishStock, b.wM*mt.StockPerish)
	col(mMerchNet, b.wM*mt.NetIncome)
	col(mParcelsCreated, pc)
	col(mParcelsProc, pProc)
	col(mFCBacklog, blFC)
	col(mFCSched, hs)
	col(mFCWorked, hwork)
	col(mFCVTOHours, b.wF*sc.Staff.HS*float64(ft.Accepted))
	col(mFCVTOShifts, b.wF*float64(ft.Accepted))
	col(mFCWages, wages)
	col(mFCActive, b.wF*float64(ft.Active+int64(fHired)))
	col(mVTOOffer, offer)
	col(mCouriersActive, b.wK*float64(kt.Active-kt.Quits+int64(kHired)))
	col(mCouriersWorking, cf.Nw)
	col(mParcelsPerCourier, cf.Q)
	col(mParcelsDelivered, cf.Pdel)
	col(mCourierBacklog, cf.BL)
	col(mCourierGross, cf.Gross)
	col(mCourierIncome, cf.Ybar)
	col(mCourierQuits, b.wK*float64(kt.Quits))
	col(mCourierHires, b.wK*float64(kHired))
	col(mRevenue, f.revenue())
	col(mRevenue1P, f.gmv1P)
	col(mFees, f.fees)
	col(mMembership, f.membership)
	col(mCOGS, f.cogs)
	col(mVoucherExpense, f.voucherExpense)
	col(mVoucherLiability, e.liability)
	col(mRemediation, f.remediation)
	col(mCorrective, f.corrective)
	col(mFines, f.fine)
	col(mNetProfit, f.netProfit())
	col(mPlatformCash, e.ledger.bal[acPlat])
	col(mFCF, e.ledger.bal[acPlat]-e.cashPrev)
	e.cashPrev = e.ledger.bal[acPlat]
	if date := e.cal.date(t); date.Day() == 1 && date.Month() == e.sc.Disclosure.Month() && date.Year() == e.sc.Disclosure.Year() {
		e.couriers.MarkCohort(cohortRef)
	}
	if t == e.cal.days-1 || e.cal.month[t+1] != e.cal.month[t] {
		e.snapshot(t)
	}
}

// books posts day t to the ledger and returns its flows (M10, M11).
func (e *Engine) books(t int, q1P float64, mt *agents.MerchantPartial, cf *agents.CourierFlows, hwork, wages float64) *flows {
	sc, b, s := e.sc, &e.base, e.sched
	pl, mp := &sc.Platform, &sc.Merchants
	f := &e.flows
	*f = flows{}
	f.gmv1P = mp.Price * q1P
	f.gmv3P = b.wM * mt.Sales
	f.fees = b.wM * mt.Fees
	f.membership = pl.FeeW / 30.4 * b.wC * float64(e.tot.WOW)
	f.cogs = (1 - pl.GM) * f.gmv1P
	f.courierPay, f.courierCost = cf.Gross, cf.Costs
	f.fcWages = wages
	f.opex = b.opex0
	f.coreRedeemed = b.wC * e.tot.CoreRedeemed
	f.ncRedeemed = b.wC * e.tot.NCRedeemed
	f.merchIn = b.wM * (mt.OwnIncome + mt.DivertValue)
	f.merchCost = b.wM * (mt.PurchaseCost + mt.HarvestCost + mt.FixedCost)

	// Vouchers: the liability is what was pledged and is not yet redeemed or
	// expired; whatever is left at expiry (forfeited wallets, eligible
	// accounts that never claimed) is released then.
	used := f.coreRedeemed + f.ncRedeemed
	if t == s.announce {
		eligible := e.tot.BreachedHolders
		if !s.voucher.rejoin {
			eligible += e.tot.BreachedNoAcct
		}
		e.pledged = b.wC * float64(eligible) * (s.voucher.core + s.voucher.nonCore)
		e.liability = e.pledged
	} else if e.pledged > 0 {
		e.liability = math.Max(0, e.liability-used)
	}
	expired := s.vouchers.to != math.MaxInt && t >= s.vouchers.to
	if sc.Levers.VoucherPnL == OnPledge {
		if t == s.announce {
			f.voucherExpense = e.pledged
		}
		if expired && e.liability > 0 {
			f.voucherExpense -= e.liability // the unredeemed part is reversed
			e.liability = 0
		}
	} else {
		f.voucherExpense = used
	}
	if expired {
		e.liability = 0
	}

	if s.remediation.has(t) {
		f.remediation = pl.RRem * pl.MIns / 90
	}
	if s.corrective.has(t) {
		f.corrective = sc.Regulator.KappaCorr * pl.RRem / 90
	}
	if t == s.fineDay {
		f.fine = sc.Levers.FinePct / 100 * e.rev365(t)
	}
	e.revHist[t] = f.revenue()
	e.ledger.book(f)
	return f
}

// rev365 is the platform's revenue over the 365 days before day t; days
// before the simulation start count at the baseline rate.
func (e *Engine) rev365(t int) float64 {
	s := 0.0
	for d := t - 365; d < t; d++ {
		if d < 0 {
			s += e.base.revenue
		} else {
			s += e.revHist[d]
		}
	}
	return s
}

// Shard passes of the other populations, bound once as method values.
func (e *Engine) merchWeights(s int) {
	lo, hi := shard(s, e.merchants.Len())
	e.mWt[s] = e.merchants.Weights(lo, hi, e.gbar)
}

func (e *Engine) merchStep(s int) {
	lo, hi := shard(s, e.merchants.Len())
	e.mParts[s] = agents.MerchantPartial{}
	e.merchants.Step(lo, hi, &e.mDay, &e.mParts[s])
}

func (e *Engine) roster(s int) {
	lo, hi := shard(s, e.staff.Len())
	e.fParts[s] = agents.StaffPartial{}
	e.staff.Roster(lo, hi, e.t, &e.fParts[s])
}

func (e *Engine) staffStep(s int) {
	lo, hi := shard(s, e.staff.Len())
	e.staff.Step(lo, hi, &e.fDay, &e.fParts[s])
}

func (e *Engine) courierWork(s int) {
	lo, hi := shard(s, e.couriers.Len())
	e.kParts[s] = agents.CourierPartial{}
	e.couriers.Work(lo, hi, &e.kDay, &e.kParts[s])
}

func (e *Engine) courierSettle(s int) {
	lo, hi := shard(s, e.couriers.Len())
	e.couriers.Settle(lo, hi, &e.kDay, &e.kParts[s])
}

// shard returns the index range of shard s of a population of n.
func shard(s, n int) (lo, hi int) {
	lo = s * ShardSize
	return lo, min(lo+ShardSize, n)
}

func shards(n int) int { return (n + ShardSize - 1) / ShardSize }
