package agents

import (
	"errors"
	"fmt"
	"math"

	"github.com/ripple-sim/ripple/sim/rng"
)

// MerchantParams are the 3P merchant parameters of MODEL.md M7. Rates are per
// day, money is KRW, quantities are units (one unit = one order).
type MerchantParams struct {
	PiSD           float64 // log-sd of popularity pi ~ LogNormal(0, PiSD)
	SEps           float64 // log-sd of exposure eps ~ LogNormal(0, SEps)
	MuPer          float64 // log-mean shift of eps for perishable merchants
	DepMean, DepSD float64 // platform dependence d ~ Beta(mean, sd); sd 0 makes it constant
	Fee            float64 // f: platform fee share of sales value
	Cost           float64 // c: unit purchase cost as a share of p (non-perishable)
	CostH          float64 // c_h: harvest cost per unit as a share of p (perishable)
	RhoF           float64 // rho_F: fixed cost as a share of baseline net inflow G0
	BufDaysMedian  float64 // cash buffer in days of outlays: LogNormal(median, BufDaysSD)
	BufDaysSD      float64
	CredDaysMax    float64 // credit line in days of outlays: Uniform(0, CredDaysMax)
	PerishShare    float64 // share of perishable merchants
	L              int     // shelf life of perishables, days (>= 1)
	HBuf           float64 // h_buf: harvest margin over baseline demand
	ACapFactor     float64 // alternative-channel capacity A_cap = ACapFactor*q0 units/day
	PSFactor       float64 // alternative-channel price p_s = PSFactor*p
	Cover          float64 // order-up-to level of non-perishables, days of forecast demand
	TauFC          float64 // tau_fc: forecast smoothing time, days (>= 1)
	Price          float64 // p: value of one unit, KRW (default: the consumer AOV)
	Phi1P0, DPhi   float64 // 1P share of orders phi1P = Phi1P0 + DPhi*(1 - gbar)
}

// DefaultMerchantParams returns MODEL.md M7's defaults. MuPer has no stated
// default (range 0-1); it is 0 here. A unit is one order, valued at the
// consumer AOV of 35,000 KRW.
func DefaultMerchantParams() MerchantParams {
	return MerchantParams{
		PiSD: 1, SEps: 0.8, MuPer: 0, DepMean: 0.6, DepSD: 0.2,
		Fee: 0.206, Cost: 0.55, CostH: 0.6, RhoF: 0.8,
		BufDaysMedian: 20, BufDaysSD: 0.8, CredDaysMax: 30,
		PerishShare: 0.15, L: 7, HBuf: 0.05, ACapFactor: 0.2, PSFactor: 0.5,
		Cover: 7, TauFC: 14, Price: 35_000, Phi1P0: 0.7, DPhi: 0,
	}
}

// Validate reports every parameter outside its domain.
func (p MerchantParams) Validate() error {
	var errs []error
	bad := func(ok bool, name string, v any, want string) {
		if !ok {
			errs = append(errs, fmt.Errorf("merchants.%s = %v: must be %s", name, v, want))
		}
	}
	in01 := func(x float64) bool { return x >= 0 && x <= 1 }
	bad(p.PiSD >= 0, "pi_sd", p.PiSD, ">= 0")
	bad(p.SEps >= 0, "s_eps", p.SEps, ">= 0")
	bad(p.DepMean > 0 && p.DepMean <= 1, "dep_mean", p.DepMean, "in (0, 1]")
	bad(p.DepSD >= 0 && p.DepSD*p.DepSD < p.DepMean*(1-p.DepMean) || p.DepSD == 0, "dep_sd", p.DepSD,
		">= 0 with sd^2 < mean*(1-mean)")
	bad(in01(p.Fee), "f", p.Fee, "in [0, 1]")
	bad(p.Cost >= 0, "c", p.Cost, ">= 0")
	bad(p.CostH >= 0, "c_h", p.CostH, ">= 0")
	bad(p.RhoF >= 0, "rho_f", p.RhoF, ">= 0")
	bad(p.BufDaysMedian >= 0, "bufdays_median", p.BufDaysMedian, ">= 0")
	bad(p.BufDaysSD >= 0, "bufdays_sd", p.BufDaysSD, ">= 0")
	bad(p.CredDaysMax >= 0, "creddays_max", p.CredDaysMax, ">= 0")
	bad(in01(p.PerishShare), "perishable_share", p.PerishShare, "in [0, 1]")
	bad(p.L >= 1, "shelf_life", p.L, ">= 1 day")
	bad(p.HBuf >= 0, "h_buf", p.HBuf, ">= 0")
	bad(p.ACapFactor >= 0, "a_cap", p.ACapFactor, ">= 0")
	bad(p.PSFactor >= 0, "p_s", p.PSFactor, ">= 0")
	bad(p.Cover >= 0, "cover", p.Cover, ">= 0 days")
	bad(p.TauFC >= 1, "tau_fc", p.TauFC, ">= 1 day")
	bad(p.Price > 0, "price", p.Price, "> 0 KRW")
	bad(in01(p.Phi1P0), "phi1p0", p.Phi1P0, "in [0, 1]")
	bad(p.DPhi >= 0, "dphi", p.DPhi, ">= 0")
	return errors.Join(errs...)
}

// Share3P returns 1 - phi1P(gbar), the 3P share of orders (clamped to [0, 1]):
// Q3 = Share3P(gbar)*Q.
func (p MerchantParams) Share3P(gbar float64) float64 {
	return 1 - min(1, max(0, p.Phi1P0+p.DPhi*(1-gbar)))
}

// Merchants is the 3P merchant population of MODEL.md M7 as a struct of
// arrays. Each agent is a cohort of WM identical merchants; every quantity is
// per represented merchant (multiply sums by WM for real units). Traits are
// set by NewMerchants and shared by clones; state changes daily in Step.
type Merchants struct {
	P      MerchantParams
	WM     float64 // represented merchants per agent, w_M
	Q3Base float64 // baseline real 3P demand per day at gbar = 1

	// Traits.
	Pi, Eps, Dep []float64 // popularity, exposure, platform dependence d
	Perish       []bool
	Q0           []float64 // baseline demand, units/day
	MOwn         []float64 // own-channel contribution M_own, KRW/day
	Fixed        []float64 // fixed cost F, KRW/day
	Credit       []float64 // credit line B, KRW
	cohOff       []int32   // start of the merchant's cohorts in Coh; -1 if non-perishable

	// State at the end of the last stepped day.
	Alive   []bool
	Cash    []float64 // C
	Dhat    []float64 // demand forecast (non-perishable)
	Stock   []float64 // on-hand units: the bucket, or the sum of the cohorts
	Coh     []float64 // perishable cohorts, P.L per perishable merchant, age 0 first (age 0 is empty between days)
	Wt      []float64 // today's allocation weight, written by Weights
	ExitDay []int32   // day of exit, -1 if alive
	Flow    MerchantFlows

	// Revenue bookkeeping (Track).
	months           []int16   // calendar month of each day
	monthDays        []int32   // days per month
	monthLast        []int32   // last day of each month
	baseFrom, baseTo int       // base window, inclusive day indices
	RevBase          []float64 // sum of p*sold over the base window
	RevMonth         []float64 // sum of p*sold per month: [month*Len() + j]
}

// MerchantFlows are one merchant's flows on the last stepped day, in units per
// represented merchant. They satisfy MODEL.md T5:
// Stock(t) = Stock(t-1) + Inflow - Sold - Div - Spoiled - WrittenOff.
type MerchantFlows struct {
	Dem        []float64 // demand allocated to the merchant
	Inflow     []float64 // restock (non-perishable) or harvest (perishable)
	Sold       []float64 // units sold on the platform
	Div        []float64 // units diverted to alternative channels
	Spoiled    []float64 // units spoiled at age L-1
	WrittenOff []float64 // stock written off at exit
}

// MerchantDay carries one day's inputs to the merchant kernel.
type MerchantDay struct {
	T      int     // day index (exit days, revenue windows)
	Q3     float64 // real 3P demand today: Share3P(gbar)*Q
	SumWt  float64 // sum of the day's Weights over all shards, in shard order
	Season float64 // seasonality s(t): scales the perishable harvest
}

// MerchantPartial is one shard's contribution to a day's merchant aggregates:
// sums over agents of per-represented-merchant quantities (multiply by w_M for
// real units). Units are orders, values KRW. The ledger postings of MODEL.md
// M10 are CONS->MERCH Sales, MERCH->PLAT Fees, OUT->MERCH OwnIncome +
// DivertValue, MERCH->OUT PurchaseCost + HarvestCost + FixedCost, and
// NetIncome is the MERCH balance change (the sum of cash changes).
type MerchantPartial struct {
	Alive       int64 // merchants alive at the end of the day
	AlivePerish int64 // of which perishable
	Exits       int64 // merchants that exited today

	Demand, Sold, Lost float64 // units: allocated demand, sold, lost = demand - sold
	Sales              float64 // p*sold: 3P GMV
	Fees               float64 // f*p*sold

	Purchased, PurchaseCost float64 // non-perishable restock: units, c*p*units
	Harvested, HarvestCost  float64 // perishable harvest: units, c_h*p*units
	FixedCost               float64 // F of the merchants alive at the start of the day
	OwnIncome               float64 // M_own of the merchants alive at the start of the day

	Diverted, DivertValue     float64 // units sold to alternative channels, p_s*units
	Spoiled, SpoiledValue     float64 // spoiled units, valued at p
	WrittenOff, WrittenOffVal float64 // stock written off at exit, units and valued at p

	StockPerish, StockOther float64 // on-hand units at the end of the day
	NetIncome               float64 // (1-f)*p*sold + M_own + p_s*div - cost - F
	Cash                    float64 // sum of C over merchants alive at the end of the day
}

// Add adds q to p; reduce shards in shard order.
func (p *MerchantPartial) Add(q *MerchantPartial) {
	p.Alive += q.Alive
	p.AlivePerish += q.AlivePerish
	p.Exits += q.Exits
	p.Demand += q.Demand
	p.Sold += q.Sold
	p.Lost += q.Lost
	p.Sales += q.Sales
	p.Fees += q.Fees
	p.Purchased += q.Purchased
	p.PurchaseCost += q.PurchaseCost
	p.Harvested += q.Harvested
	p.HarvestCost += q.HarvestCost
	p.FixedCost += q.FixedCost
	p.OwnIncome += q.OwnIncome
	p.Diverted += q.Diverted
	p.DivertValue += q.DivertValue
	p.Spoiled += q.Spoiled
	p.SpoiledValue += q.SpoiledValue
	p.WrittenOff += q.WrittenOff
	p.WrittenOffVal += q.WrittenOffVal
	p.StockPerish += q.StockPerish
	p.StockOther += q.StockOther
	p.NetIncome += q.NetIncome
	p.Cash += q.Cash
}

// NewMerchants draws n merchant agents, each representing wM merchants, from
// the InitMerchant stream of key (day -1), and sets them to their baseline
// steady state (MODEL.md M7 Init) for a real 3P demand of q3Base units/day at
// gbar = 1: q0_j = q3Base*pi_j/(wM*sum_k pi_k). p must be valid (Validate).
func NewMerchants(n int, p MerchantParams, q3Base, wM float64, key rng.Key) *Merchants {
	m := &Merchants{P: p, WM: wM, Q3Base: q3Base}
	f := func() []float64 { return make([]float64, n) }
	m.Pi, m.Eps, m.Dep, m.Q0, m.MOwn, m.Fixed, m.Credit = f(), f(), f(), f(), f(), f(), f()
	m.Cash, m.Dhat, m.Stock, m.Wt = f(), f(), f(), f()
	m.Flow = MerchantFlows{f(), f(), f(), f(), f(), f()}
	m.Perish, m.Alive = make([]bool, n), make([]bool, n)
	m.cohOff, m.ExitDay = make([]int32, n), make([]int32, n)
	bufDays, credDays := f(), f()

	tr := key.Day(rng.InitMerchant, -1)
	nPer := 0
	sumPi := 0.0
	for j := range n {
		e := uint64(j)
		m.Pi[j] = math.Exp(p.PiSD * rng.Normal(tr.U(e, 0)))
		per := tr.U(e, 1) < p.PerishShare
		mu := 0.0
		if per {
			mu = p.MuPer
		}
		m.Eps[j] = math.Exp(mu + p.SEps*rng.Normal(tr.U(e, 2)))
		bufDays[j] = p.BufDaysMedian * math.Exp(p.BufDaysSD*rng.Normal(tr.U(e, 3)))
		credDays[j] = p.CredDaysMax * tr.U(e, 4)
		m.Dep[j] = betaMeanSD(p.DepMean, p.DepSD, &counter{d: tr, entity: e, slot: 100})
		m.Perish[j] = per
		m.cohOff[j] = -1
		if per {
			m.cohOff[j] = int32(nPer * p.L)
			nPer++
		}
		sumPi += m.Pi[j]
	}
	m.Coh = make([]float64, nPer*p.L)

	// Perishable baseline for q0 = 1: the module is homogeneous of degree one
	// in (harvest, demand, A_cap), so each merchant's steady state is q0 times it.
	unit := make([]float64, p.L)
	var sold1, div1 float64
	if nPer > 0 {
		sold1, div1 = stationaryFIFO(unit, 1+p.HBuf, 1, p.ACapFactor)
	}
	ps := p.PSFactor * p.Price
	for j := range n {
		q0 := 0.0
		if sumPi > 0 {
			q0 = q3Base * m.Pi[j] / (wM * sumPi)
		}
		m.Q0[j] = q0
		m.MOwn[j] = (1 - p.Cost) * p.Price * q0 * (1 - m.Dep[j]) / m.Dep[j]
		var g0, buy float64 // net inflow before F, purchases (KRW/day)
		if off := m.cohOff[j]; off >= 0 {
			coh := m.Coh[off : int(off)+p.L]
			for a := range coh {
				coh[a] = q0 * unit[a]
				m.Stock[j] += coh[a]
			}
			buy = p.CostH * p.Price * (1 + p.HBuf) * q0
			g0 = (1-p.Fee)*p.Price*q0*sold1 + ps*q0*div1 - buy
		} else {
			// Stock available for sale after restock is cover*q0; end-of-day
			// stock is what remains after selling q0, so day 0 is stationary.
			s0 := min(1, p.Cover) * q0
			m.Stock[j] = max(0, p.Cover-1) * q0
			m.Dhat[j] = q0
			buy = p.Cost * p.Price * s0
			g0 = (1-p.Fee)*p.Price*s0 - buy
		}
		g0 += m.MOwn[j]
		m.Fixed[j] = p.RhoF * g0
		out := m.Fixed[j] + buy
		m.Cash[j] = bufDays[j] * out
		m.Credit[j] = credDays[j] * out
		m.Alive[j] = true
		m.ExitDay[j] = -1
	}
	return m
}

// stationaryFIFO iterates the perishable module from empty cohorts at constant
// harvest h, demand dem and capacity acap until the cohorts stop changing, and
// returns the last day's sales and diversion.
func stationaryFIFO(coh []float64, h, dem, acap float64) (sold, div float64) {
	prev := make([]float64, len(coh))
	for it := 0; it < 1_000_000; it++ {
		copy(prev, coh)
		sold, div, _ = fifo(coh, h, dem, acap)
		if it > len(coh) && equalF(prev, coh) {
			break
		}
	}
	return sold, div
}

func equalF(a, b []float64) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// fifo runs one day of the perishable module of M7 on the cohorts (age 0
// first; age 0 empty on entry): harvest h at age 0, sell up to dem oldest
// first, divert up to acap of the oldest units aged >= L-2, spoil what is left
// at age L-1, age every cohort by one day.
func fifo(coh []float64, h, dem, acap float64) (sold, div, spoiled float64) {
	L := len(coh)
	coh[0] += h
	rem := dem
	for a := L - 1; a >= 0 && rem > 0; a-- {
		x := min(rem, coh[a])
		coh[a] -= x
		rem -= x
	}
	sold = dem - rem
	rc := acap
	for a := L - 1; a >= max(0, L-2) && rc > 0; a-- {
		x := min(rc, coh[a])
		coh[a] -= x
		rc -= x
		div += x
	}
	spoiled = coh[L-1]
	copy(coh[1:], coh[:L-1])
	coh[0] = 0
	return sold, div, spoiled
}

// Len returns the number of merchant agents.
func (m *Merchants) Len() int { return len(m.Pi) }

// Cohorts returns merchant j's cohorts (age 0 first), nil if non-perishable.
func (m *Merchants) Cohorts(j int) []float64 {
	off := m.cohOff[j]
	if off < 0 {
		return nil
	}
	return m.Coh[off : int(off)+m.P.L]
}

// Weights computes wt_j = alive_j(t-1)*pi_j*gbar^eps_j for [lo, hi), stores
// it in Wt and returns the shard's sum. Sum the shards in shard order and pass
// the total to Step as SumWt.
func (m *Merchants) Weights(lo, hi int, gbar float64) float64 {
	s := 0.0
	if !(gbar > 0) {
		clear(m.Wt[lo:hi])
		return 0
	}
	lg := math.Log(gbar)
	for j := lo; j < hi; j++ {
		w := 0.0
		if m.Alive[j] {
			w = m.Pi[j]
			if lg != 0 {
				w *= math.Exp(m.Eps[j] * lg)
			}
		}
		m.Wt[j] = w
		s += w
	}
	return s
}

// Step advances merchants [lo, hi) through day d.T (stage S7): demand
// allocation dem_j = Q3*wt_j/(w_M*SumWt) (none if SumWt == 0: the caller books
// all of Q3 as lost), the restock or FIFO rule, cash, exit iff C < -B. It adds
// the shard's aggregates to p. Weights must have run over the same range.
func (m *Merchants) Step(lo, hi int, d *MerchantDay, p *MerchantPartial) {
	P := &m.P
	k := 0.0
	if d.SumWt > 0 {
		k = d.Q3 / (m.WM * d.SumWt)
	}
	price := P.Price
	ps := P.PSFactor * price
	L := P.L
	var rev []float64
	inBase := false
	if m.months != nil && d.T >= 0 && d.T < len(m.months) {
		n := m.Len()
		mo := int(m.months[d.T])
		rev = m.RevMonth[mo*n : mo*n+n]
		inBase = d.T >= m.baseFrom && d.T <= m.baseTo
	}
	fl := &m.Flow
	for j := lo; j < hi; j++ {
		if !m.Alive[j] {
			fl.Dem[j], fl.Inflow[j], fl.Sold[j], fl.Div[j], fl.Spoiled[j], fl.WrittenOff[j] = 0, 0, 0, 0, 0, 0
			continue
		}
		dem := k * m.Wt[j]
		var in, sold, div, spoiled, stock, cost float64
		off := m.cohOff[j]
		if off >= 0 {
			coh := m.Coh[off : int(off)+L]
			in = (1 + P.HBuf) * m.Q0[j] * d.Season
			sold, div, spoiled = fifo(coh, in, dem, P.ACapFactor*m.Q0[j])
			for _, x := range coh {
				stock += x
			}
			cost = P.CostH * price * in
			p.Harvested += in
			p.HarvestCost += cost
		} else {
			i0 := m.Stock[j]
			in = max(0, P.Cover*m.Dhat[j]-i0)
			avail := i0 + in
			sold = min(dem, avail)
			stock = avail - sold
			m.Dhat[j] += (dem - m.Dhat[j]) / P.TauFC
			cost = P.Cost * price * in
			p.Purchased += in
			p.PurchaseCost += cost
		}
		v := price * sold
		net := (1-P.Fee)*v + m.MOwn[j] + ps*div - cost - m.Fixed[j]
		c := m.Cash[j] + net
		m.Cash[j] = c

		wo := 0.0
		if c < -m.Credit[j] {
			wo = stock
			stock = 0
			if off >= 0 {
				clear(m.Coh[off : int(off)+L])
			}
			m.Alive[j] = false
			m.ExitDay[j] = int32(d.T)
			p.Exits++
		} else {
			p.Alive++
			p.Cash += c
			if off >= 0 {
				p.AlivePerish++
			}
		}
		m.Stock[j] = stock
		fl.Dem[j], fl.Inflow[j], fl.Sold[j], fl.Div[j], fl.Spoiled[j], fl.WrittenOff[j] = dem, in, sold, div, spoiled, wo

		p.Demand += dem
		p.Sold += sold
		p.Lost += dem - sold
		p.Sales += v
		p.Fees += P.Fee * v
		p.FixedCost += m.Fixed[j]
		p.OwnIncome += m.MOwn[j]
		p.Diverted += div
		p.DivertValue += ps * div
		p.Spoiled += spoiled
		p.SpoiledValue += price * spoiled
		p.WrittenOff += wo
		p.WrittenOffVal += price * wo
		if off >= 0 {
			p.StockPerish += stock
		} else {
			p.StockOther += stock
		}
		p.NetIncome += net
		if rev != nil {
			rev[j] += v
			if inBase {
				m.RevBase[j] += v
			}
		}
	}
}

// Track enables the revenue bookkeeping of MODEL.md §5: months[t] is the
// calendar month index of day t (from 0) for every day to be
// simulated, and [baseFrom, baseTo] the base window (inclusive day indices;
// cohort M0 is the merchants alive at the end of baseTo). Call it once, before
// the first Step and before cloning.
func (m *Merchants) Track(months []int16, baseFrom, baseTo int) {
	n, nm := m.Len(), 0
	for _, mo := range months {
		nm = max(nm, int(mo)+1)
	}
	m.months = months
	m.baseFrom, m.baseTo = baseFrom, baseTo
	m.monthDays, m.monthLast = make([]int32, nm), make([]int32, nm)
	for t, mo := range months {
		m.monthDays[mo]++
		m.monthLast[mo] = int32(t)
	}
	m.RevBase = make([]float64, n)
	m.RevMonth = make([]float64, n*nm)
}

// Months returns the number of calendar months tracked.
func (m *Merchants) Months() int { return len(m.monthDays) }

// InM0 reports whether merchant j belongs to cohort M0 (alive at the end of
// the base window).
func (m *Merchants) InM0(j int) bool {
	return m.months != nil && (m.ExitDay[j] < 0 || int(m.ExitDay[j]) > m.baseTo)
}

// Delta returns Delta_j(month) = Rev_j(month)/Rev_j(base) - 1 with Rev the
// mean daily focal-platform sales value, or -1 if j exited by the month's last
// day; ok is false if j is not in M0 or had no base revenue. Call it once the
// month's last day (and the base window) has been stepped.
func (m *Merchants) Delta(j, month int) (delta float64, ok bool) {
	if !m.InM0(j) || month < 0 || month >= len(m.monthDays) || m.RevBase[j] <= 0 {
		return 0, false
	}
	if e := m.ExitDay[j]; e >= 0 && e <= m.monthLast[month] {
		return -1, true
	}
	base := m.RevBase[j] / float64(m.baseTo-m.baseFrom+1)
	rev := m.RevMonth[month*m.Len()+j] / float64(m.monthDays[month])
	return rev/base - 1, true
}

// DepClass returns the dependence class of §5: 0 for d < 0.4, 1 for
// 0.4 <= d <= 0.7, 2 for d > 0.7.
func DepClass(d float64) int {
	switch {
	case d < 0.4:
		return 0
	case d <= 0.7:
		return 1
	}
	return 2
}

// MerchantClasses is the number of §5 classes: {not perishable, perishable} x
// dependence {<0.4, 0.4-0.7, >0.7}.
const MerchantClasses = 6

// Class returns merchant j's §5 class: 3*perishable + DepClass(d).
func (m *Merchants) Class(j int) int {
	c := DepClass(m.Dep[j])
	if m.Perish[j] {
		c += 3
	}
	return c
}

// AppendDelta appends Delta_j(month) of the M0 merchants of class (-1: all),
// in index order, to dst. It does not allocate if dst has room.
func (m *Merchants) AppendDelta(dst []float64, month, class int) []float64 {
	for j := range m.Len() {
		if class >= 0 && m.Class(j) != class {
			continue
		}
		if v, ok := m.Delta(j, month); ok {
			dst = append(dst, v)
		}
	}
	return dst
}

var flowNames = [...]string{"demand", "inflow", "sold", "diverted", "spoiled", "written off"}

// Check verifies the merchant invariants that the state shows: non-negative
// cohorts and stock equal to their sum, an empty age-0 cohort between days,
// dead merchants holding no stock and alive ones within their credit line,
// and the last day's flows non-negative with sold <= demand.
func (m *Merchants) Check() error {
	const tol = 1e-9
	fl := &m.Flow
	for j := range m.Len() {
		s := m.Stock[j]
		if !(s >= 0) || math.IsInf(s, 0) {
			return fmt.Errorf("merchant %d: stock %v", j, s)
		}
		if coh := m.Cohorts(j); coh != nil {
			sum := 0.0
			for a, x := range coh {
				if !(x >= 0) {
					return fmt.Errorf("merchant %d: cohort of age %d holds %v", j, a, x)
				}
				sum += x
			}
			if coh[0] != 0 {
				return fmt.Errorf("merchant %d: age-0 cohort %v between days", j, coh[0])
			}
			if math.Abs(sum-s) > tol*max(1, s) {
				return fmt.Errorf("merchant %d: stock %v != cohort sum %v", j, s, sum)
			}
		}
		flows := [...]float64{fl.Dem[j], fl.Inflow[j], fl.Sold[j], fl.Div[j], fl.Spoiled[j], fl.WrittenOff[j]}
		for k, v := range flows {
			if !(v >= 0) || math.IsInf(v, 0) {
				return fmt.Errorf("merchant %d: %s %v", j, flowNames[k], v)
			}
		}
		if fl.Sold[j] > fl.Dem[j] {
			return fmt.Errorf("merchant %d: sold %v > demand %v", j, fl.Sold[j], fl.Dem[j])
		}
		if math.IsNaN(m.Cash[j]) || math.IsNaN(m.Dhat[j]) || m.Dhat[j] < 0 {
			return fmt.Errorf("merchant %d: cash %v, forecast %v", j, m.Cash[j], m.Dhat[j])
		}
		if m.Alive[j] {
			if m.ExitDay[j] != -1 || m.Cash[j] < -m.Credit[j] {
				return fmt.Errorf("merchant %d: alive with exit day %d, cash %v < -credit %v",
					j, m.ExitDay[j], m.Cash[j], -m.Credit[j])
			}
		} else if m.ExitDay[j] < 0 || s != 0 {
			return fmt.Errorf("merchant %d: exited (day %d) but holds stock %v", j, m.ExitDay[j], s)
		}
	}
	return nil
}

// Clone returns an independent copy sharing the read-only traits. The shock
// run and its twin start from clones.
func (m *Merchants) Clone() *Merchants {
	d := *m
	d.Alive, d.ExitDay = clone(m.Alive), clone(m.ExitDay)
	d.Cash, d.Dhat, d.Stock, d.Coh, d.Wt = clone(m.Cash), clone(m.Dhat), clone(m.Stock), clone(m.Coh), clone(m.Wt)
	f := &m.Flow
	d.Flow = MerchantFlows{clone(f.Dem), clone(f.Inflow), clone(f.Sold), clone(f.Div), clone(f.Spoiled), clone(f.WrittenOff)}
	if m.RevBase != nil {
		d.RevBase, d.RevMonth = clone(m.RevBase), clone(m.RevMonth)
	}
	return &d
}

// Bytes returns the memory held by the population's arrays.
func (m *Merchants) Bytes() int {
	n := 0
	f := &m.Flow
	for _, s := range [][]float64{m.Pi, m.Eps, m.Dep, m.Q0, m.MOwn, m.Fixed, m.Credit, m.Cash, m.Dhat, m.Stock,
		m.Coh, m.Wt, f.Dem, f.Inflow, f.Sold, f.Div, f.Spoiled, f.WrittenOff, m.RevBase, m.RevMonth} {
		n += 8 * len(s)
	}
	n += len(m.Perish) + len(m.Alive) + 4*(len(m.cohOff)+len(m.ExitDay)+len(m.monthDays)+len(m.monthLast))
	return n + 2*len(m.months)
}
