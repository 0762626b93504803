package meanfield

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/ripple-sim/ripple/agents"
	"github.com/ripple-sim/ripple/sim"
	"github.com/ripple-sim/ripple/sim/rng"
)

// economy is stages S7-S10 of the mean field, driven by the consumers'
// expected orders: the engine's merchant kernel on a fixed sample of
// merchants (deterministic given demand), the fulfillment centre and the
// couriers as expected headcounts by trait node, and the books.
type economy struct {
	sc        *sim.Scenario
	wM, wF    float64
	q1P0, q30 float64 // baseline 1P and 3P orders per day
	hs0, piFC float64
	revenue0  float64 // baseline revenue per day, for the trailing 365 days
	opex0     float64

	merch  *agents.Merchants
	mt     agents.MerchantPartial
	blFC   float64
	fc     []fcClass
	hiresF float64 // FC hires per day, real (baseline attrition)
	winF   []agents.VTOWindow
	dva    []float64 // distinct VTO acceptors per window so far, real

	kc                 []kClass
	y0, omegaK, hbase  float64 // hbase: expected baseline quits per day, real
	ybar, blK          float64
	cash, cashPrev     float64
	pledged, liability float64
	revHist            []float64
	scratch            []float64
}

// fcClass is the fulfillment staff with one roster offset, pool flag and
// acceptance propensity q: its real headcount, the expected VTO shifts and
// scheduled days of its last LWindow days (the trailing share l of M8), and
// per DVA window the headcount that has not yet accepted a VTO shift in it.
type fcClass struct {
	off      int
	pool     bool
	q, w     float64 // propensity; share of a hire
	n        float64
	acc, sch []float64 // ring over the last LWindow days
	notYet   []float64
}

// kClass is the couriers with one node of pi0 and of Ystar: real headcount,
// and those who quit and wait in Reserve.
type kClass struct {
	pi0, ystar, w, n, quit float64
}

// newEconomy builds the economy's baseline from the consumers' initial
// expected orders, as sim.NewWorld does from a replicate's initial state.
func newEconomy(sc *sim.Scenario, m *consumers, fs []sim.DayForcing) (*economy, error) {
	pop := &sc.Population
	e := &economy{sc: sc, revHist: make([]float64, len(fs))}
	e.wM = pop.RealMerchants / float64(pop.Merchants)
	e.wF = pop.RealStaff / float64(pop.Staff)
	dayOf := func(d time.Time) int { return int(d.Sub(sc.Start).Hours() / 24) }

	// Baseline orders: expected orders of the initial state at s = 1, g = 1.
	q0, wow := 0.0, 0.0
	for k, c := range m.classes {
		x := &m.cells[k][0]
		if c.orders {
			q0 += c.lambda * (x.sg[sA0] + x.sg[sA1]) / c.sigma0
		}
		if c.counts {
			wow += x.p[sA1]
		}
	}
	q0 *= pop.RealConsumers
	e.q30 = sc.Merchants.Share3P(1) * q0
	e.q1P0 = q0 - e.q30

	// Merchants: the engine's kernel on the sample of seed 1, replicate 0.
	key := rng.NewKey(1, 0)
	e.merch = agents.NewMerchants(pop.Merchants, sc.Merchants, e.q30, e.wM, key)
	months := make([]int16, len(fs))
	for t := range fs {
		months[t] = fs[t].Day.Month
	}
	e.merch.Track(months, dayOf(sc.Windows.MerchantBase[0]), dayOf(sc.Windows.MerchantBase[1]))

	// Fulfillment centre: 7 offsets x (not pool, pool at each q node).
	sp := &sc.Staff
	p0 := agents.FCParcels(*sp, e.q1P0, e.q30)
	e.hs0 = agents.FCBaselineHours(*sp, e.wF, pop.Staff)
	e.piFC = agents.FCProductivity(*sp, p0, e.hs0)
	qs := betaNodes(5, sp.QBar, sp.QSD)
	lw := max(sp.LWindow, 1)
	for o := range 7 {
		add := func(pool bool, q, w float64) {
			if w <= 0 {
				return
			}
			e.fc = append(e.fc, fcClass{off: o, pool: pool, q: q, w: w / 7, n: pop.RealStaff * w / 7,
				acc: make([]float64, lw), sch: make([]float64, lw), notYet: make([]float64, len(sc.Windows.VTO))})
		}
		add(false, 0, 1-sp.OmegaPool)
		for _, n := range qs {
			add(true, n.x, sp.OmegaPool*n.w)
		}
	}
	e.hiresF = pop.RealStaff * hazardP(sp.HF0)
	for _, v := range sc.Windows.VTO {
		e.winF = append(e.winF, agents.VTOWindow{From: dayOf(v[0]), To: dayOf(v[1])})
	}
	e.dva = make([]float64, len(e.winF))

	// Couriers: nodes of pi0 (Beta) and Ystar (log-normal).
	cp := &sc.Couriers
	if err := cp.Validate(); err != nil {
		return nil, err
	}
	e.y0 = cp.Y0()
	w, err := agents.OmegaK(*cp, pop.RealCouriers, p0)
	if err != nil {
		return nil, fmt.Errorf("couriers: %v (baseline parcels %.4g per day)", err, p0)
	}
	e.omegaK, e.ybar = w, e.y0
	sY := cp.SY * e.y0
	for _, pn := range betaNodes(5, cp.PiBar0, cp.Pi0SD) {
		ys := hermite(5)
		if cp.YStarSD == 0 {
			ys = hermite(1)
		}
		for _, yn := range ys {
			c := kClass{pi0: pn.x, ystar: cp.YStarMed * e.y0 * math.Exp(cp.YStarSD*yn.x), w: pn.w * yn.w}
			c.n = pop.RealCouriers * c.w
			e.hbase += c.n * hazardP(cp.HK0+cp.HK1*phi((c.ystar-e.y0)/sY))
			e.kc = append(e.kc, c)
		}
	}

	// The books: opex0 makes the baseline net margin m_net (M10).
	pl, mp := &sc.Platform, &sc.Merchants
	rev1P := mp.Price * e.q1P0
	e.revenue0 = rev1P + mp.Fee*mp.Price*e.q30 + pl.FeeW/30.4*pop.RealConsumers*wow
	courierPay := cp.RP * e.omegaK * p0
	e.opex0 = e.revenue0 - (1-pl.GM)*rev1P - courierPay - sp.WH*e.hs0 - pl.MNet*e.revenue0
	return e, nil
}

// step runs S7-S10 on day t and records the day's metrics.
func (e *economy) step(t int, f *sim.DayForcing, m *consumers, s *series) {
	sc, d, a := e.sc, &f.Day, &m.acc
	realC := sc.Population.RealConsumers
	orders := realC * a.orders
	gbar := a.demand / m.demandBase

	// S7 merchants.
	q3 := sc.Merchants.Share3P(gbar) * orders
	n := e.merch.Len()
	sumWt := e.merch.Weights(0, n, gbar)
	e.mt = agents.MerchantPartial{}
	e.merch.Step(0, n, &agents.MerchantDay{T: t, Q3: q3, SumWt: sumWt, Season: d.Season}, &e.mt)
	mt := &e.mt
	q1P := orders - e.wM*mt.Demand
	if sumWt == 0 {
		q1P = orders - q3
	}
	sold3P := e.wM * mt.Sold

	// S8 fulfillment centre: roster, VTO offer, acceptance, processing, attrition, hires.
	sp := &sc.Staff
	pc := agents.FCParcels(*sp, q1P, sold3P)
	pfc := pc + e.blFC
	var nSched, sumQ float64 // in agents, as the engine's roster counts
	for i := range e.fc {
		c := &e.fc[i]
		if on(t, c.off) {
			nSched += c.n / e.wF
			if c.pool {
				sumQ += c.n * c.q / e.wF
			}
		}
	}
	hs, _, _, offer := agents.VTOOffer(*sp, e.wF, nSched, sumQ, pfc, d.Season, e.hs0, e.piFC)
	accepted, active := 0.0, 0.0
	lw := max(sp.LWindow, 1)
	slot := t % lw
	for i := range e.fc {
		c := &e.fc[i]
		for w, win := range e.winF {
			if t == win.From {
				c.notYet[w] = c.n
			}
		}
		c.acc[slot], c.sch[slot] = 0, 0
		if on(t, c.off) {
			c.sch[slot] = 1
			if c.pool && offer > 0 {
				pa := offer * c.q
				c.acc[slot] = pa
				accepted += c.n * pa / e.wF
				for w, win := range e.winF {
					if t >= win.From && t <= win.To {
						nw := c.notYet[w] * pa
						c.notYet[w] -= nw
						e.dva[w] += nw
					}
				}
			}
		}
		// Attrition at the expected trailing VTO share, then hires.
		l, sch := 0.0, 0.0
		for j := range lw {
			l += c.acc[j]
			sch += c.sch[j]
		}
		haz := sp.HF0
		if sch > 0 {
			haz += sp.HF1 * l / sch
		}
		surv := math.Exp(-haz)
		c.n *= surv
		active += c.n
		h := e.hiresF * c.w
		c.n += h
		for w := range c.notYet {
			c.notYet[w] = c.notYet[w]*surv + h
		}
	}
	hwork, pProc, blFC, wages := agents.FCProcess(*sp, e.wF, hs, accepted, pfc, e.piFC)
	e.blFC = blFC

	// S9 couriers: participation at yesterday's Ybar, clearing, quits, hires.
	cp := &sc.Couriers
	r := 1.0
	if cp.E != 0 {
		r = math.Pow(max(e.ybar, 0.01*e.y0)/e.y0, cp.E/(1-cp.PiBar0))
	}
	nw, kActive := 0.0, 0.0
	for _, c := range e.kc {
		pr := c.pi0 * r
		nw += c.n * pr / (pr + 1 - c.pi0)
		kActive += c.n
	}
	pav := e.omegaK*pProc + e.blK
	var q, pdel float64
	switch {
	case nw <= 0:
		e.blK = pav
	case pav <= cp.K*nw:
		q, pdel, e.blK = pav/nw, pav, 0
	default:
		q, pdel = cp.K, cp.K*nw
		e.blK = pav - pdel
	}
	e.ybar += (cp.RP*q - cp.KC - e.ybar) / cp.TauY
	gross := cp.RP * pdel
	quits := 0.0
	sY := cp.SY * e.y0
	hires := e.hbase
	if ex := pav - cp.K*nw; ex > 0 && cp.EtaH > 0 {
		hires += cp.EtaH * ex / (cp.K * cp.PiBar0)
	}
	for i := range e.kc {
		c := &e.kc[i]
		qn := c.n * hazardP(cp.HK0+cp.HK1*phi((c.ystar-e.ybar)/sY))
		quits += qn
		c.n -= qn
		c.quit += qn
	}
	// Hires take Reserve slots in index order, so couriers who quit come back
	// first (with their traits), then the never-used slots (the trait law).
	waiting := 0.0
	for _, c := range e.kc {
		waiting += c.quit
	}
	back := min(hires, waiting)
	for i := range e.kc {
		c := &e.kc[i]
		h := (hires - back) * c.w
		if waiting > 0 {
			r := c.quit * back / waiting
			c.quit -= r
			h += r
		}
		c.n += h
	}

	// S10 books, as the engine's.
	pl, mp := &sc.Platform, &sc.Merchants
	gmv1P := mp.Price * q1P
	fees := e.wM * mt.Fees
	membership := pl.FeeW / 30.4 * realC * a.wow
	cogs := (1 - pl.GM) * gmv1P
	coreRed, ncRed := realC*a.coreRedeemed, realC*a.ncRedeemed
	used := coreRed + ncRed
	if f.Announce {
		eligible := a.brHolders
		if d.VoucherAllNA {
			eligible += a.brNoAcct
		}
		e.pledged = realC * eligible * (d.CoreFace + d.NCFace)
		e.liability = e.pledged
	} else if e.pledged > 0 {
		e.liability = math.Max(0, e.liability-used)
	}
	voucherExp := used
	if sc.Levers.VoucherPnL == sim.OnPledge {
		voucherExp = 0
		if f.Announce {
			voucherExp = e.pledged
		}
		if f.VouchersExpired && e.liability > 0 {
			voucherExp -= e.liability
			e.liability = 0
		}
	}
	if f.VouchersExpired {
		e.liability = 0
	}
	var remediation, corrective, fine float64
	if f.Remediation {
		remediation = pl.RRem * pl.MIns / 90
	}
	if f.Corrective {
		corrective = sc.Regulator.KappaCorr * pl.RRem / 90
	}
	if f.Fine {
		rev := 0.0
		for dd := t - 365; dd < t; dd++ {
			if dd < 0 {
				rev += e.revenue0
			} else {
				rev += e.revHist[dd]
			}
		}
		fine = sc.Levers.FinePct / 100 * rev
	}
	revenue := gmv1P + fees + membership
	e.revHist[t] = revenue
	net := revenue - cogs - gross - wages - e.opex0 - voucherExp - remediation - corrective - fine
	e.cash += revenue - cogs - gross - wages - e.opex0 - coreRed - ncRed - remediation - corrective - fine

	for _, kv := range []struct {
		name string
		v    float64
	}{
		{"orders_1p", q1P}, {"orders_3p", orders - q1P},
		{"merchants_alive", e.wM * float64(mt.Alive)}, {"merchant_exits", e.wM * float64(mt.Exits)},
		{"merchant_sales", e.wM * mt.Sales}, {"lost_sales", e.wM * mt.Lost * mp.Price},
		{"spoiled_units", e.wM * mt.Spoiled}, {"spoiled_value", e.wM * mt.SpoiledValue},
		{"perishable_stock", e.wM * mt.StockPerish}, {"merchant_net_income", e.wM * mt.NetIncome},
		{"parcels_created", pc}, {"parcels_processed", pProc}, {"fc_backlog", blFC},
		{"fc_scheduled_hours", hs}, {"fc_worked_hours", hwork},
		{"fc_vto_hours", e.wF * sp.HS * accepted}, {"fc_vto_shifts", e.wF * accepted},
		{"fc_wages", wages}, {"fc_active", active + e.hiresF}, {"vto_offer", offer},
		{"couriers_active", kActive - quits + hires}, {"couriers_working", nw},
		{"parcels_per_courier", q}, {"parcels_delivered", pdel}, {"courier_backlog", e.blK},
		{"courier_gross_pay", gross}, {"courier_income_mean", e.ybar},
		{"courier_quits", quits}, {"courier_hires", hires},
		{"revenue", revenue}, {"revenue_1p", gmv1P}, {"fees", fees}, {"membership", membership},
		{"cogs", cogs}, {"vouchers_expense", voucherExp}, {"voucher_liability", e.liability},
		{"remediation", remediation}, {"corrective", corrective}, {"fines", fine},
		{"net_profit", net}, {"platform_cash", e.cash}, {"fcf", e.cash - e.cashPrev},
	} {
		s.set(kv.name, t, kv.v)
	}
	e.cashPrev = e.cash
}

// on reports whether roster offset o works on day t (5 days of 7, as agents'
// schedMask).
func on(t, o int) bool {
	r := (t + o) % 7
	return r != 0 && r != 1
}

// Distribution snapshots (MODEL.md §5) that the mean field has: merchant
// revenue change over the merchant sample, the harmed-merchant mean, merchant
// cash, and distinct VTO acceptors.
var distQuantiles = []float64{0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95}

func distNames(windows int) []string {
	classes := []string{"nonperishable_dep_lo", "nonperishable_dep_mid", "nonperishable_dep_hi",
		"perishable_dep_lo", "perishable_dep_mid", "perishable_dep_hi"}
	var names []string
	for c := -1; c < agents.MerchantClasses; c++ {
		suffix := ""
		if c >= 0 {
			suffix = "_" + classes[c]
		}
		for _, q := range distQuantiles {
			names = append(names, fmt.Sprintf("rev_change_p%d%s", int(math.Round(q*100)), suffix))
		}
	}
	names = append(names, "hcm", "merchant_cash_p10", "merchant_cash_p50", "merchant_cash_p90")
	for w := range windows {
		names = append(names, fmt.Sprintf("dva_%d", w+1))
	}
	return names
}

// snapshot returns the distribution values of month mo.
func (e *economy) snapshot(mo int) []float64 {
	var out []float64
	for c := -1; c < agents.MerchantClasses; c++ {
		e.scratch = e.merch.AppendDelta(e.scratch[:0], mo, c)
		slices.Sort(e.scratch)
		for _, q := range distQuantiles {
			out = append(out, agents.Quantile(e.scratch, q))
		}
	}
	e.scratch = e.merch.AppendDelta(e.scratch[:0], mo, -1)
	sum, n := 0.0, 0
	for _, d := range e.scratch {
		if d < -0.10 {
			sum += d
			n++
		}
	}
	hcm := math.NaN()
	if n > 0 {
		hcm = sum / float64(n)
	}
	out = append(out, hcm)
	e.scratch = e.scratch[:0]
	for j, alive := range e.merch.Alive {
		if alive {
			e.scratch = append(e.scratch, e.merch.Cash[j])
		}
	}
	slices.Sort(e.scratch)
	out = append(out, agents.Quantile(e.scratch, 0.10), agents.Quantile(e.scratch, 0.50), agents.Quantile(e.scratch, 0.90))
	return append(out, e.dva...)
}
