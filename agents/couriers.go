package agents

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/ripple-sim/ripple/sim/rng"
)

// Courier status (MODEL.md M9). Reserve slots are inactive couriers that
// hires can activate; they are not part of Real_K.
const (
	CourierActive uint8 = iota
	CourierReserve
)

// CourierMonths is the number of calendar months of per-courier parcel and
// working-day sums kept, in a ring indexed by month % CourierMonths.
const CourierMonths = 24

// HireEntity is the entity of the day's hire draw in stream rng.Quit (slot 0);
// it lies beyond every courier index.
const HireEntity uint64 = 1 << 63

// CourierParams are the courier parameters of MODEL.md M9. Money is KRW,
// rates are per day.
type CourierParams struct {
	K        float64 // route capacity, parcels per working courier-day
	PiBar0   float64 // mean baseline participation pi_bar0
	Pi0SD    float64 // sd of pi0 ~ Beta(PiBar0, Pi0SD); 0 makes it homogeneous
	E        float64 // participation elasticity to income at baseline
	RP       float64 // pay per delivered parcel r_p
	KC       float64 // cost of a working day k_c
	UK0      float64 // baseline route utilisation u_K0
	TauY     float64 // time constant of the income EWMA Ybar, days
	SY       float64 // quit smoothing s_Y as a fraction of Y0
	YStarMed float64 // median living-cost target Ystar as a fraction of Y0
	YStarSD  float64 // log-sd of Ystar; 0 makes it homogeneous
	HK0, HK1 float64 // baseline quit hazard; extra hazard as income falls below Ystar
	EtaH     float64 // hires per courier-equivalent of unmet route capacity
}

// DefaultCourierParams returns the defaults of MODEL.md M9, except u_K0 =
// 0.85 (MODEL.md: 0.92 +- 30 %): at 0.92 the modelled couriers' share
// omega_K of baseline parcels exceeds 1 with the default populations.
func DefaultCourierParams() CourierParams {
	return CourierParams{
		K: 340, PiBar0: 0.7, Pi0SD: 0.1, E: 1.2,
		RP: 800, KC: 40_000, UK0: 0.85, TauY: 14, SY: 0.1,
		YStarMed: 1 / 1.2, YStarSD: 0.15,
		HK0: 0.0019, HK1: 0.01, EtaH: 0.05,
	}
}

// Y0 is the baseline net daily income of a working courier, r_p*u_K0*K - k_c.
func (p CourierParams) Y0() float64 { return p.RP*p.UK0*p.K - p.KC }

// Validate reports every parameter outside its domain.
func (p CourierParams) Validate() error {
	var errs []error
	bad := func(ok bool, name string, v float64, want string) {
		if !ok {
			errs = append(errs, fmt.Errorf("couriers: %s = %v: %s", name, v, want))
		}
	}
	fin := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
	bad(p.K > 0 && fin(p.K), "K", p.K, "must be positive")
	bad(p.PiBar0 > 0 && p.PiBar0 < 1, "pi_bar0", p.PiBar0, "must be in (0, 1)")
	bad(p.Pi0SD >= 0 && p.Pi0SD*p.Pi0SD < p.PiBar0*(1-p.PiBar0), "pi0 sd", p.Pi0SD,
		"must be >= 0 with sd^2 < pi_bar0*(1-pi_bar0)")
	bad(fin(p.E), "e", p.E, "must be finite")
	bad(p.RP > 0 && fin(p.RP), "r_p", p.RP, "must be positive")
	bad(p.KC >= 0 && fin(p.KC), "k_c", p.KC, "must be >= 0")
	bad(p.UK0 > 0 && p.UK0 <= 1, "u_K0", p.UK0, "must be in (0, 1]")
	bad(p.TauY >= 1 && fin(p.TauY), "tau_Y", p.TauY, "must be >= 1 day")
	bad(p.SY > 0 && fin(p.SY), "s_Y", p.SY, "must be positive (fraction of Y0)")
	bad(p.YStarMed > 0 && fin(p.YStarMed), "Ystar median", p.YStarMed, "must be positive (fraction of Y0)")
	bad(p.YStarSD >= 0 && fin(p.YStarSD), "Ystar log-sd", p.YStarSD, "must be >= 0")
	bad(p.HK0 >= 0 && fin(p.HK0), "hK0", p.HK0, "must be >= 0")
	bad(p.HK1 >= 0 && fin(p.HK1), "hK1", p.HK1, "must be >= 0")
	bad(p.EtaH >= 0 && fin(p.EtaH), "eta_h", p.EtaH, "must be >= 0")
	bad(p.Y0() > 0, "Y0 = r_p*u_K0*K - k_c", p.Y0(), "must be positive")
	return errors.Join(errs...)
}

// OmegaK returns omega_K = u_K0*pi_bar0*Real_K*K/P0, the share of processed
// parcels that the modelled couriers deliver at baseline (the rest go to
// drivers outside the model). It is an error if it exceeds 1 (MODEL.md T24).
func OmegaK(p CourierParams, realK, p0 float64) (float64, error) {
	if !(realK > 0) || !(p0 > 0) || math.IsInf(realK, 0) || math.IsInf(p0, 0) {
		return 0, fmt.Errorf("couriers: Real_K = %v, P0 = %v: both must be positive and finite", realK, p0)
	}
	w := p.UK0 * p.PiBar0 * realK * p.K / p0
	if w > 1 {
		return w, fmt.Errorf("couriers: omega_K = u_K0*pi_bar0*Real_K*K/P0 = %.4g: must be <= 1 (lower Real_K or raise P0 to >= %.4g)",
			w, p0*w)
	}
	return w, nil
}

// Couriers is the courier population of MODEL.md M9 as a struct of arrays:
// N slots start Active, the rest in Reserve. Traits are drawn at init and
// never change; a slot keeps its traits through quits and re-hires.
type Couriers struct {
	P     CourierParams
	N     int     // slots Active at init (N_K)
	Y0    float64 // baseline net daily income of a working courier
	Hbase float64 // expected baseline quits per day (agents), the baseline hire rate

	// Traits, shared by clones.
	Pi0   []float64 // baseline participation
	YStar []float64 // daily living-cost target, KRW

	// State.
	Status  []uint8 // CourierActive or CourierReserve
	Working []bool  // worked today (set by Work)
	Cohort  []uint8 // cohort bits set by MarkCohort
	Mon     []int16 // calendar month of the courier's last Settle (-1 before the first)

	// Per-courier sums per calendar month m, at [(m%CourierMonths)*Len() + i].
	MParcels []float64 // parcels delivered
	MDays    []uint16  // days worked

	scratch []float64 // IncomeStats workspace, never shared by clones
}

// NewCouriers draws n Active couriers and reserve Reserve slots from stream
// rng.InitCourier at day -1: pi0 ~ Beta(mean PiBar0, sd Pi0SD) and Ystar ~
// LogNormal(median YStarMed*Y0, log-sd YStarSD). Hbase is the expected number
// of quits of the initial Active couriers at Ybar = Y0. p must pass Validate.
func NewCouriers(n, reserve int, p CourierParams, key rng.Key) *Couriers {
	m := n + reserve
	c := &Couriers{P: p, N: n, Y0: p.Y0()}
	c.Pi0, c.YStar = make([]float64, m), make([]float64, m)
	c.Status, c.Working, c.Cohort = make([]uint8, m), make([]bool, m), make([]uint8, m)
	c.Mon = make([]int16, m)
	fill(c.Mon, -1)
	c.MParcels, c.MDays = make([]float64, CourierMonths*m), make([]uint16, CourierMonths*m)

	traits := key.Day(rng.InitCourier, -1)
	med := p.YStarMed * c.Y0
	sY := p.SY * c.Y0
	for i := range m {
		e := uint64(i)
		c.Pi0[i] = betaMeanSD(p.PiBar0, p.Pi0SD, &counter{d: traits, entity: e, slot: 100})
		c.YStar[i] = med * math.Exp(p.YStarSD*rng.Normal(traits.U(e, 1)))
		if i >= n {
			c.Status[i] = CourierReserve
			continue
		}
		c.Hbase += hazardP(p.HK0 + p.HK1*Phi((c.YStar[i]-c.Y0)/sY))
	}
	return c
}

// Len returns the number of courier slots, Active and Reserve.
func (c *Couriers) Len() int { return len(c.Status) }

// CourierMarket is the global courier state of M9 (Ybar and BL_K, carried
// from day to day) with the constants of the market clearing.
type CourierMarket struct {
	WK     float64 // real couriers per agent, Real_K/N_K
	OmegaK float64 // share of P_proc for the modelled couriers
	Ybar   float64 // EWMA of net daily income per working courier, KRW
	BL     float64 // undelivered parcels BL_K
}

// NewMarket returns the baseline market for Real_K real couriers and
// baseline processed parcels P0: Ybar = Y0, no backlog. It validates the
// parameters and omega_K.
func (c *Couriers) NewMarket(realK, p0 float64) (CourierMarket, error) {
	if err := c.P.Validate(); err != nil {
		return CourierMarket{}, err
	}
	if c.N <= 0 {
		return CourierMarket{}, fmt.Errorf("couriers: N_K = %d: must be positive", c.N)
	}
	w, err := OmegaK(c.P, realK, p0)
	if err != nil {
		return CourierMarket{}, err
	}
	return CourierMarket{WK: realK / float64(c.N), OmegaK: w, Ybar: c.Y0}, nil
}

// CourierFlows is the market clearing of one day, in real units.
type CourierFlows struct {
	Working int64   // agents working
	Nw      float64 // real couriers working, w_K*Working
	Pav     float64 // parcels available, omega_K*P_proc + BL_K(t-1)
	Q       float64 // parcels per working courier, min(K, Pav/Nw), 0 if Nw = 0
	Pdel    float64 // parcels delivered, q*Nw
	BL      float64 // BL_K(t) = Pav - Pdel
	Y       float64 // net income of a working courier, r_p*q - k_c
	Ybar    float64 // Ybar(t)
	Gross   float64 // gross pay r_p*Pdel
	Costs   float64 // working costs k_c*Nw
}

// Clear is stage 2 of the courier day, a pure function: given yesterday's
// market m, today's working agents (from Work) and today's P_proc, it returns
// the flows and the market to carry to tomorrow.
func (m CourierMarket) Clear(p *CourierParams, working int64, pProc float64) (CourierMarket, CourierFlows) {
	f := CourierFlows{Working: working, Nw: m.WK * float64(working)}
	f.Pav = m.OmegaK*pProc + m.BL
	switch {
	case f.Nw <= 0:
		f.BL = f.Pav
	case f.Pav <= p.K*f.Nw:
		f.Q, f.Pdel = f.Pav/f.Nw, f.Pav // everything available is delivered
	default:
		f.Q, f.Pdel = p.K, p.K*f.Nw
		f.BL = f.Pav - f.Pdel
	}
	f.Y = p.RP*f.Q - p.KC
	f.Ybar = m.Ybar + (f.Y-m.Ybar)/p.TauY
	f.Gross, f.Costs = p.RP*f.Pdel, p.KC*f.Nw
	m.Ybar, m.BL = f.Ybar, f.BL
	return m, f
}

// CourierDay carries one day's inputs to Work and Settle.
type CourierDay struct {
	T        int
	Key      rng.Key
	Month    int16   // calendar month index since the start, >= 0
	YbarPrev float64 // Ybar(t-1), read by Work
	Q        float64 // q(t) from Clear, read by Settle
	Ybar     float64 // Ybar(t) from Clear, read by Settle
}

// CourierPartial is one shard's contribution to the day's courier counts.
// Every paid courier earns the same r_p*q that day, so counts are enough:
// money follows from Pay, and shard reductions are exact.
type CourierPartial struct {
	Active  int64 // Active at the start of the day (Work)
	Working int64 // chose to work (Work)
	Paid    int64 // paid in Settle; equals Working
	Quits   int64 // Active -> Reserve (Settle)
}

// Add adds q's counts to p.
func (p *CourierPartial) Add(q *CourierPartial) {
	p.Active += q.Active
	p.Working += q.Working
	p.Paid += q.Paid
	p.Quits += q.Quits
}

// Pay returns the gross pay r_p*q and working costs k_c of the paid couriers
// in real units (w_K real couriers per agent).
func (p *CourierPartial) Pay(cp *CourierParams, q, wK float64) (gross, costs float64) {
	nw := wK * float64(p.Paid)
	return cp.RP * (q * nw), cp.KC * nw
}

// odds is the day's factor on every courier's baseline odds pi0/(1-pi0):
// exp((e/(1-pi_bar0))*ln(max(Ybar, 0.01*Y0)/Y0)).
func (c *Couriers) odds(ybar float64) float64 {
	if c.P.E == 0 {
		return 1
	}
	return math.Pow(max(ybar, 0.01*c.Y0)/c.Y0, c.P.E/(1-c.P.PiBar0))
}

// PWork returns courier i's probability of working when yesterday's income
// EWMA was ybarPrev: logistic(logit(pi0) + (e/(1-pi_bar0))*ln(max(ybarPrev,
// 0.01*Y0)/Y0)), computed as pi0*r/(pi0*r + 1 - pi0) with r the odds factor.
func (c *Couriers) PWork(i int, ybarPrev float64) float64 {
	pi, r := c.Pi0[i], c.odds(ybarPrev)
	return pi * r / (pi*r + 1 - pi)
}

// Work is stage 1 of the courier day for slots [lo, hi): each Active courier
// works with probability PWork(i, d.YbarPrev), using uniform (rng.Work, T,
// i, 0). It sets Working for every slot and adds Active and Working to p.
func (c *Couriers) Work(lo, hi int, d *CourierDay, p *CourierPartial) {
	k := d.Key.Day(rng.Work, d.T)
	r := c.odds(d.YbarPrev)
	var active, working int64
	for i := lo; i < hi; i++ {
		w := false
		if c.Status[i] == CourierActive {
			active++
			pi := c.Pi0[i]
			pr := pi * r
			w = k.U(uint64(i), 0)*(pr+1-pi) < pr // u < pi0*r/(pi0*r + 1 - pi0)
			if w {
				working++
			}
		}
		c.Working[i] = w
	}
	p.Active += active
	p.Working += working
}

// Settle is stage 3 of the courier day for slots [lo, hi): working couriers
// add d.Q parcels and one working day to their sums for d.Month (income
// r_p*q - k_c); then each Active courier quits to Reserve with probability
// 1 - exp(-(hK0 + hK1*Phi((Ystar - d.Ybar)/(s_Y*Y0)))), using uniform
// (rng.Quit, T, i, 0). It adds Paid and Quits to p.
func (c *Couriers) Settle(lo, hi int, d *CourierDay, p *CourierPartial) {
	P := &c.P
	kq := d.Key.Day(rng.Quit, d.T)
	m := d.Month
	base := (int(m) % CourierMonths) * len(c.Status)
	sY := P.SY * c.Y0
	hMax := P.HK0 + P.HK1 // bounds the hazard: u >= hMax never quits
	var paid, quits int64
	for i := lo; i < hi; i++ {
		if c.Mon[i] != m {
			c.rollMonth(i, m)
		}
		if c.Status[i] != CourierActive {
			continue
		}
		if c.Working[i] {
			paid++
			c.MParcels[base+i] += d.Q
			c.MDays[base+i]++
		}
		if u := kq.U(uint64(i), 0); u < hMax && occurs(u, P.HK0+P.HK1*Phi((c.YStar[i]-d.Ybar)/sY)) {
			c.Status[i] = CourierReserve
			quits++
		}
	}
	p.Paid += paid
	p.Quits += quits
}

// rollMonth clears courier i's ring entries for the months after its last
// Settle up to m, and records m.
func (c *Couriers) rollMonth(i int, m int16) {
	last := c.Mon[i]
	k := int(m) - int(last)
	if last < 0 || k <= 0 || k > CourierMonths {
		k = CourierMonths
	}
	n := len(c.Status)
	for j := range k {
		s := ((int(m)-j)%CourierMonths + CourierMonths) % CourierMonths
		c.MParcels[s*n+i], c.MDays[s*n+i] = 0, 0
	}
	c.Mon[i] = m
}

// ExpectedHires is M9's daily hire rate in agents:
// Hbase + eta_h*max(0, P_av - K*Nw)/(K*pi_bar0*w_K).
func (c *Couriers) ExpectedHires(f *CourierFlows, wK float64) float64 {
	h := c.Hbase
	if ex := f.Pav - c.P.K*f.Nw; ex > 0 && c.P.EtaH > 0 {
		h += c.P.EtaH * ex / (c.P.K * c.P.PiBar0 * wK)
	}
	return h
}

// Hires returns the day's number of hires, StochRound(ExpectedHires(f, wK), u)
// with u = (rng.Quit, T, HireEntity, 0).
func (c *Couriers) Hires(d *CourierDay, f *CourierFlows, wK float64) int {
	return StochRound(c.ExpectedHires(f, wK), d.Key.Day(rng.Quit, d.T).U(HireEntity, 0))
}

// Hire is stage 4: it activates the first k Reserve slots in index order and
// returns how many it activated (fewer if the reserve runs out). Index order
// makes hires deterministic; a courier who quit can be re-hired, even on the
// day of the quit (which then nets out), and keeps its traits and monthly
// sums. Hires start working the next day. Hire is sequential: call it once,
// after every shard's Settle.
func (c *Couriers) Hire(k int) int {
	h := 0
	for i := 0; h < k && i < len(c.Status); i++ {
		if c.Status[i] == CourierReserve {
			c.Status[i] = CourierActive
			h++
		}
	}
	return h
}

// MarkCohort sets the cohort bits in mask for the couriers Active now and
// clears them for the others (e.g. "Active on 11-01" of CT-5).
func (c *Couriers) MarkCohort(mask uint8) {
	for i, s := range c.Status {
		if s == CourierActive {
			c.Cohort[i] |= mask
		} else {
			c.Cohort[i] &^= mask
		}
	}
}

// Income returns courier i's net income in calendar month m,
// r_p*parcels - k_c*days worked. m must be within the courier's ring window.
func (c *Couriers) Income(m int16, i int) float64 {
	j := (int(m)%CourierMonths)*len(c.Status) + i
	return c.P.RP*c.MParcels[j] - c.P.KC*float64(c.MDays[j])
}

// inWindow reports whether courier i's ring still holds month m.
func (c *Couriers) inWindow(m int16, i int) bool {
	return m >= 0 && m <= c.Mon[i] && int(c.Mon[i])-int(m) < CourierMonths
}

// MonthTotals returns the parcels delivered and days worked in month m, summed
// over all slots in agent units (multiply by w_K for real units).
func (c *Couriers) MonthTotals(m int16) (parcels float64, days int64, err error) {
	base := (int(m) % CourierMonths) * len(c.Status)
	for i := range c.Status {
		if !c.inWindow(m, i) {
			return 0, 0, fmt.Errorf("couriers: month %d not held for courier %d (last month %d)", m, i, c.Mon[i])
		}
		parcels += c.MParcels[base+i]
		days += int64(c.MDays[base+i])
	}
	return parcels, days, nil
}

// CourierIncome summarises monthly net income (KRW) over a set of couriers.
type CourierIncome struct {
	N                      int     // couriers included
	P10, P50, P90          float64 // income in month m
	RefP10, RefP50, RefP90 float64 // income in the reference month, same couriers
	DP10, DP50, DP90       float64 // per-courier change, income(m) - income(ref)
}

// IncomeStats returns percentiles (linear interpolation between order
// statistics) of monthly net income in month m and in month ref, and of each
// courier's change between them, over the couriers Active now that carry
// every cohort bit in mask (mask 0: all Active). For CT-5 mark the cohort on
// 11-01 and call IncomeStats(Jan, Nov, mask) at the end of 01-31. Percentiles
// of an empty set are NaN. After the first call it does not allocate; it is
// not safe for concurrent use.
func (c *Couriers) IncomeStats(m, ref int16, mask uint8) (CourierIncome, error) {
	n := len(c.Status)
	if len(c.scratch) < 3*n {
		c.scratch = make([]float64, 3*n)
	}
	x, y, z := c.scratch[:0:n], c.scratch[n:n:2*n], c.scratch[2*n:2*n:3*n]
	for i, s := range c.Status {
		if s != CourierActive || c.Cohort[i]&mask != mask {
			continue
		}
		if !c.inWindow(m, i) || !c.inWindow(ref, i) {
			return CourierIncome{}, fmt.Errorf("couriers: months %d and %d not both held for courier %d (last month %d)",
				m, ref, i, c.Mon[i])
		}
		a, b := c.Income(m, i), c.Income(ref, i)
		x, y, z = append(x, a), append(y, b), append(z, a-b)
	}
	var r CourierIncome
	r.N = len(x)
	r.P10, r.P50, r.P90 = courierPercentiles(x)
	r.RefP10, r.RefP50, r.RefP90 = courierPercentiles(y)
	r.DP10, r.DP50, r.DP90 = courierPercentiles(z)
	return r, nil
}

// courierPercentiles sorts x in place and returns its P10, P50 and P90.
func courierPercentiles(x []float64) (p10, p50, p90 float64) {
	slices.Sort(x)
	return Quantile(x, 0.1), Quantile(x, 0.5), Quantile(x, 0.9)
}

// Clone returns an independent copy sharing the read-only traits.
func (c *Couriers) Clone() *Couriers {
	d := *c
	d.Status, d.Working, d.Cohort, d.Mon = clone(c.Status), clone(c.Working), clone(c.Cohort), clone(c.Mon)
	d.MParcels, d.MDays = clone(c.MParcels), clone(c.MDays)
	d.scratch = nil
	return &d
}

// Bytes returns the memory held by the population's arrays (traits counted
// once, the IncomeStats workspace excluded).
func (c *Couriers) Bytes() int {
	return 8*(len(c.Pi0)+len(c.YStar)+len(c.MParcels)) + 2*(len(c.Mon)+len(c.MDays)) +
		len(c.Status) + len(c.Working) + len(c.Cohort)
}

// Check verifies the courier invariants after a day: valid status and
// traits, and per-month sums with 0 <= parcels <= K*days and days <= 31.
func (c *Couriers) Check() error {
	n := len(c.Status)
	for i := range n {
		switch {
		case c.Status[i] > CourierReserve:
			return fmt.Errorf("courier %d: status %d", i, c.Status[i])
		case !(c.Pi0[i] > 0 && c.Pi0[i] < 1):
			return fmt.Errorf("courier %d: pi0 %v outside (0, 1)", i, c.Pi0[i])
		case !(c.YStar[i] > 0) || math.IsInf(c.YStar[i], 0):
			return fmt.Errorf("courier %d: Ystar %v not positive", i, c.YStar[i])
		}
	}
	for j, x := range c.MParcels {
		d := c.MDays[j]
		if !(x >= 0 && x <= c.P.K*float64(d)*(1+1e-12)) || d > 31 {
			return fmt.Errorf("courier %d, month slot %d: %v parcels over %d days (K = %v)", j%n, j/n, x, d, c.P.K)
		}
	}
	return nil
}
