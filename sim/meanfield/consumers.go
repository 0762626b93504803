package meanfield

import (
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/ripple-sim/ripple/agents"
	"github.com/ripple-sim/ripple/sim"
)

// Account states of a cell: Active non-member and member, then Churned and
// NoAccount without and with the left-aware flag of M5b.
const (
	sA0 = iota
	sA1
	sC0
	sC1
	sN0
	sN1
	nS
)

// cell is one class's share of one awareness cohort. Every field but tau is
// a share of all consumers, split by account state; the markers are shares
// of those who also have some property.
type cell struct {
	tau float64 // trust, the same for the whole cell
	p   [nS]float64
	sg  [nS]float64 // sum of basket shares sigma
	got [nS]float64 // marker: no voucher wallet received yet
	vc  []float64   // marker: holds an unredeemed core voucher, per order-rate node [s*nLam+j]
	vn  [nS]float64 // marker: holds an unused non-core balance
	c0  [nS]float64 // marker: in cohort C0 (Active on the day before the disclosure)
	buy []float64   // marker: no order yet this quarter, per order-rate node [s*nLam+j]
	dst [nS][agents.Rivals]float64
	// Markers of no visit day yet this month and this ISO week, per visit-rate
	// node: mon[s*nq+q], wk[s*nq+q].
	mon, wk []float64
}

// cohort is a group of consumers who became aware on the same day (or on
// days merged into it; index 0: the unaware), with the incidents they have
// absorbed.
type cohort struct {
	inc uint16
}

// consumers is the consumer side of the mean field: M3-M6 and M12.
type consumers struct {
	p       *agents.ConsumerParams
	wom     bool    // complete graph (or config, treated as complete); false: no word of mouth
	classes []class // traits
	cohorts []cohort
	cells   [][]cell // [class][cohort]
	fresh   []cell   // today's newly aware cell of each class
	opt     Options
	chunks  []chunk

	uf, sumW0    float64
	zs           float64 // 1 - 2^(-1/hl_sigma)
	expBm        float64 // exp(-beta_m)
	sw0          float64
	demandBase   float64 // sum over consumers of lambda*pA, per consumer
	nuX, nuW     []float64
	nuLaplace    func(y float64) float64 // E_nu[exp(-nu*y)]
	trustX       []float64
	trustMean    float64
	xU, xS, xLft float64 // unaware, spreader and aware-leaver shares at t-1

	acc  dayAcc
	hist [agents.HistBins]float64

	// Constants.
	expLV, expVou, expDorm float64 // exp(-lambda_v), exp(-nu_vou), exp(-nu_dorm)
}

// chunk is a fixed block of classes that one goroutine steps; its partial
// sums are added in chunk order, so results do not depend on scheduling.
type chunk struct {
	lo, hi int
	acc    dayAcc
	hist   [agents.HistBins]float64
	dev    float64 // sum of w*(relative trust difference)^2 of the fresh cells
}

// dayAcc holds one day's aggregates, as shares of all consumers.
type dayAcc struct {
	active, churned, noAccount        float64
	churns, deletions, returns        float64
	visitors, orders, demand          float64
	wow, wowCancels                   float64
	holders, reduced, trustSum        float64
	c0, c0Reduced                     float64 // cohort C0, and its share not Active or with g < 0.95
	rivalN, rivalLeft                 [agents.Rivals]float64
	rivalBasket                       float64
	coreRedeemed, ncRedeemed, forfeit float64
	leavers                           float64
	brHolders, brNoAcct               float64 // breached consumers with and without an account
	mauLeft, wauLeft, buyLeft         float64 // not yet visited this month / week, not yet bought this quarter
}

func newConsumers(sc *sim.Scenario, o Options) *consumers {
	p := &sc.Consumers
	m := &consumers{p: p, wom: sc.Network.Mode != sim.NetNone, opt: o}
	m.classes = newClasses(p, o)
	m.zs = -math.Expm1(-math.Ln2 / p.HlSigma)
	m.expBm = math.Exp(-p.BetaM2)
	m.sw0 = p.PWOW / (1 - p.PWOW) * (p.HW0 + p.H0)
	m.expLV, m.expVou, m.expDorm = math.Exp(-p.LambdaV), math.Exp(-p.NuVou), math.Exp(-p.NuDorm)
	for _, s := range sc.Rivals.Shares {
		m.sumW0 += math.Exp(math.Log(s))
	}

	// Visit rates: nodes for the "no visit yet" markers, and the exact Laplace
	// transform E[exp(-nu*y)] of the Gamma law for daily visits.
	if p.NuShape <= 0 || p.NuBar <= 0 {
		m.nuX, m.nuW = []float64{p.NuBar}, []float64{1}
		m.nuLaplace = func(y float64) float64 { return math.Exp(-p.NuBar * y) }
	} else {
		m.nuX, m.nuW = gammaGrid(p.NuBar, p.NuShape)
		th, k := p.NuBar/p.NuShape, p.NuShape
		m.nuLaplace = func(y float64) float64 { return math.Pow(1+th*y, -k) }
	}

	// Baseline trust nodes, for the quantiles.
	m.trustMean = p.TrustMean
	for _, n := range betaNodes(o.TrustNodes, p.TrustMean, p.TrustSD) {
		m.trustX = append(m.trustX, n.x)
	}

	// u_f so that the mean basket share at baseline trust is sigma_bar0 (M5a),
	// over the expected initial membership.
	taus := p.TrustMean
	meanS := func(uf float64) float64 {
		s := 0.0
		for _, c := range m.classes {
			if !c.counts {
				continue
			}
			a1 := c.pA * c.wow
			s += c.w * (a1*m.sstar(uf, taus, true, 0, m.sumW0) + (1-a1)*m.sstar(uf, taus, false, 0, m.sumW0))
		}
		return s
	}
	lo, hi := -50.0, 50.0
	for range 200 {
		mid := (lo + hi) / 2
		if meanS(mid) < p.SigmaBar0 {
			lo = mid
		} else {
			hi = mid
		}
	}
	m.uf = (lo + hi) / 2

	nq := len(m.nuX)
	m.cohorts = []cohort{{}}
	m.cells = make([][]cell, len(m.classes))
	for k := range m.classes {
		c := &m.classes[k]
		c.s1, c.s0 = m.sstar(m.uf, taus, true, 0, m.sumW0), m.sstar(m.uf, taus, false, 0, m.sumW0)
		c.sigma0 = c.wow*c.s1 + (1-c.wow)*c.s0
		if c.counts {
			m.demandBase += c.w * c.lambda * c.pA
		}
		x := cell{tau: taus}
		if c.counts {
			x.mon, x.wk, x.buy = make([]float64, nS*nq), make([]float64, nS*nq), make([]float64, nS*len(c.lamX))
			if c.br {
				x.vc = make([]float64, nS*len(c.lamX))
			}
		}
		x.p[sA1] = c.w * c.pA * c.wow
		x.p[sA0] = c.w*c.pA - x.p[sA1]
		x.p[sC0] = c.w * c.pA * c.rc
		x.p[sN0] = c.w - c.w*c.pA*(1+c.rc)
		for s := range nS {
			x.sg[s] = x.p[s] * c.s0
			if c.br {
				x.got[s] = x.p[s]
			}
			if s >= sC0 {
				for r := range agents.Rivals {
					x.dst[s][r] = x.p[s] * sc.Rivals.Shares[r] / m.sumW0
				}
			}
		}
		x.sg[sA1] = x.p[sA1] * c.s1
		m.cells[k] = []cell{x}
	}
	m.xU = 1
	m.fresh = make([]cell, len(m.classes))
	const nChunks = 8 // fixed, whatever the number of CPUs
	for i := range nChunks {
		lo, hi := i*len(m.classes)/nChunks, (i+1)*len(m.classes)/nChunks
		if hi > lo {
			m.chunks = append(m.chunks, chunk{lo: lo, hi: hi})
		}
	}
	return m
}

// gammaGrid returns nodes and weights for E[f(nu)], nu ~ Gamma(shape, mean):
// the trapezoid rule in log(nu) on a geometric grid of ratio 2 from 2^-12 to
// 2^4 times the scale. For f(nu) = exp(-nu*y), y <= 30 (a month of visits),
// its relative error is below 1e-4.
func gammaGrid(mean, shape float64) (xs, ws []float64) {
	th := mean / shape
	sum := 0.0
	for q := -12; q <= 4; q++ {
		x := math.Ldexp(1, q)
		w := math.Exp(shape*math.Log(x) - x)
		xs, ws = append(xs, x*th), append(ws, w)
		sum += w
	}
	for i := range ws {
		ws[i] /= sum
	}
	return xs, ws
}

// sstar is the target basket share of M5a.
func (m *consumers) sstar(uf, tau float64, wow bool, susp, sumExpU float64) float64 {
	v := uf + m.p.BetaTau*tau - m.p.DSusp*susp
	if wow {
		v += m.p.BetaM2
	}
	return 1 / (1 + sumExpU*math.Exp(-v))
}

// trans is one day's status transition of a cell (M5b).
type trans struct {
	a0Stay, a0Join, a1Stay, a1Cancel float64
	toC, toN                         float64 // churn to Churned / NoAccount (from either Active state)
	cRet, nRet                       float64
	la                               int // 1 if the leavers are aware
}

// apply moves a marker vector through the transition. Leavers' mass that is
// dropped on deletion (vouchers forfeited, a deletion visit) is returned
// instead of moved when keepDel is false.
func (tr *trans) apply(x *[nS]float64, keepDel bool) (deleted float64) {
	a0, a1 := x[sA0], x[sA1]
	c0, c1, n0, n1 := x[sC0], x[sC1], x[sN0], x[sN1]
	x[sA0] = a0*tr.a0Stay + a1*tr.a1Cancel + (c0+c1)*tr.cRet + (n0+n1)*tr.nRet
	x[sA1] = a1*tr.a1Stay + a0*tr.a0Join
	cStay, nStay := 1-tr.cRet, 1-tr.nRet
	x[sC0], x[sC1], x[sN0], x[sN1] = c0*cStay, c1*cStay, n0*nStay, n1*nStay
	out := a0 + a1
	x[sC0+tr.la] += out * tr.toC
	deleted = out * tr.toN
	if keepDel {
		x[sN0+tr.la] += deleted
	}
	return deleted
}

// applyNodes does apply for per-node markers (layout [s*nq+q]).
func (tr *trans) applyNodes(x []float64, nq int, keepDel bool) (deleted float64) {
	cStay, nStay := 1-tr.cRet, 1-tr.nRet
	for q := range nq {
		a0, a1 := x[sA0*nq+q], x[sA1*nq+q]
		c0, c1, n0, n1 := x[sC0*nq+q], x[sC1*nq+q], x[sN0*nq+q], x[sN1*nq+q]
		x[sA0*nq+q] = a0*tr.a0Stay + a1*tr.a1Cancel + (c0+c1)*tr.cRet + (n0+n1)*tr.nRet
		x[sA1*nq+q] = a1*tr.a1Stay + a0*tr.a0Join
		x[sC0*nq+q], x[sC1*nq+q], x[sN0*nq+q], x[sN1*nq+q] = c0*cStay, c1*cStay, n0*nStay, n1*nStay
		x[(sC0+tr.la)*nq+q] += (a0 + a1) * tr.toC
		if keepDel {
			x[(sN0+tr.la)*nq+q] += (a0 + a1) * tr.toN
		}
		deleted += (a0 + a1) * tr.toN
	}
	return deleted
}

// step advances the consumers by day t of the forcing (stages S3-S6) and
// leaves the day's aggregates in m.acc. first flags the first day of a
// month, an ISO week and a quarter.
func (m *consumers) step(t int, f *sim.DayForcing, first [3]bool) {
	p, d := m.p, &f.Day

	// Neighbour shares at t-1 (complete graph).
	var fS, aN, fQ float64
	if m.wom {
		fS, aN, fQ = m.xS, 1-m.xU, m.xLft
	}

	// S3 awareness: the unaware lose a share pAw to a new cohort.
	pAw := 0.0
	if h := p.BetaM*d.A + p.BetaW*fS; h > 0 {
		pAw = hazardP(h)
	}
	newAware := m.xU * pAw
	psi := 0.0
	for _, c := range m.classes {
		if c.counts {
			psi += c.w * c.psi
		}
	}
	m.xS = m.xS*math.Exp(-(p.Gamma*aN+p.DeltaS)) + psi*newAware
	m.xU -= newAware
	nc := len(m.cohorts)
	create := newAware > 0

	// S4 trust of every aware cell, and of the newly aware.
	parallel(m.chunks, func(ch *chunk) {
		ch.dev = 0
		for k := ch.lo; k < ch.hi; k++ {
			cl, cells := &m.classes[k], m.cells[k]
			for c := 1; c < nc; c++ {
				m.trust(cl, &cells[c], m.cohorts[c].inc, d, fS)
			}
			if create {
				n := &m.fresh[k]
				u := &cells[0]
				if n.mon == nil {
					n.mon, n.wk, n.buy, n.vc = make([]float64, len(u.mon)), make([]float64, len(u.wk)), make([]float64, len(u.buy)), make([]float64, len(u.vc))
				}
				scaleInto(n, u, pAw)
				m.trust(cl, n, 0, d, fS)
				if nc > 1 {
					dv := (n.tau - cells[nc-1].tau) / m.trustMean
					ch.dev += cl.w * dv * dv
				}
			}
		}
	})
	merge := false
	if create && nc > 1 {
		dev := 0.0
		for i := range m.chunks {
			dev += m.chunks[i].dev
		}
		merge = newAware < m.opt.MergeShare || math.Sqrt(dev) < m.opt.MergeTrust
	}
	if create && !merge {
		m.cohorts = append(m.cohorts, cohort{})
	}

	// The rest of S4, S5 and S6, cell by cell.
	parallel(m.chunks, func(ch *chunk) {
		ch.acc = dayAcc{}
		clear(ch.hist[:])
		for k := ch.lo; k < ch.hi; k++ {
			cl := &m.classes[k]
			if create {
				n := &m.fresh[k]
				if merge {
					y := &m.cells[k][nc-1]
					my, mn := sum(y.p[:]), sum(n.p[:])
					if my+mn > 0 {
						y.tau = (my*y.tau + mn*n.tau) / (my + mn)
					}
					addInto(y, n)
				} else {
					x := *n
					x.mon, x.wk, x.buy, x.vc = slices.Clone(n.mon), slices.Clone(n.wk), slices.Clone(n.buy), slices.Clone(n.vc)
					m.cells[k] = append(m.cells[k], x)
				}
			}
			for c := range m.cells[k] {
				m.status(cl, &m.cells[k][c], c > 0, d, fQ, first, &ch.acc, &ch.hist)
			}
		}
	})
	m.acc = dayAcc{}
	clear(m.hist[:])
	for i := range m.chunks {
		ch := &m.chunks[i]
		m.acc.add(&ch.acc)
		for b, v := range ch.hist {
			m.hist[b] += v
		}
	}
	for c := 1; c < len(m.cohorts); c++ {
		m.cohorts[c].inc = d.IncSoFar
	}
	m.xLft = m.acc.leavers
}

// markC0 puts every cell's Active share in cohort C0 (CT-8), at the end of
// the day before the disclosure, as agents.Consumers.MarkC0 does.
func (m *consumers) markC0() {
	for k := range m.cells {
		for c := range m.cells[k] {
			x := &m.cells[k][c]
			x.c0 = [nS]float64{}
			for s := range sC0 {
				x.c0[s] = x.p[s]
			}
		}
	}
}

// parallel runs f on every chunk, on up to GOMAXPROCS goroutines.
func parallel(chunks []chunk, f func(*chunk)) {
	w := min(runtime.GOMAXPROCS(0), len(chunks))
	if w <= 1 {
		for i := range chunks {
			f(&chunks[i])
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range w {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(chunks) {
					return
				}
				f(&chunks[i])
			}
		})
	}
	wg.Wait()
}

// add adds q's aggregates to a.
func (a *dayAcc) add(q *dayAcc) {
	a.active += q.active
	a.churned += q.churned
	a.noAccount += q.noAccount
	a.churns += q.churns
	a.deletions += q.deletions
	a.returns += q.returns
	a.visitors += q.visitors
	a.orders += q.orders
	a.demand += q.demand
	a.wow += q.wow
	a.wowCancels += q.wowCancels
	a.holders += q.holders
	a.c0 += q.c0
	a.c0Reduced += q.c0Reduced
	a.reduced += q.reduced
	a.trustSum += q.trustSum
	for r := range agents.Rivals {
		a.rivalN[r] += q.rivalN[r]
		a.rivalLeft[r] += q.rivalLeft[r]
	}
	a.rivalBasket += q.rivalBasket
	a.coreRedeemed += q.coreRedeemed
	a.ncRedeemed += q.ncRedeemed
	a.forfeit += q.forfeit
	a.leavers += q.leavers
	a.brHolders += q.brHolders
	a.brNoAcct += q.brNoAcct
	a.mauLeft += q.mauLeft
	a.wauLeft += q.wauLeft
	a.buyLeft += q.buyLeft
}

// trust runs stage S4's trust update (M4) on an aware cell, exactly as the
// consumer kernel does for each of its agents.
func (m *consumers) trust(cl *class, x *cell, inc uint16, d *agents.Day, fS float64) {
	p := m.p
	jn := d.JNeg
	if todo := d.IncSoFar &^ inc; todo != 0 {
		for k := 0; todo != 0; k++ {
			if todo&(1<<k) != 0 {
				jn += d.IncJump[k]
				todo &^= 1 << k
			}
		}
	}
	tau1 := x.tau * math.Exp(-cl.kappa*(p.AM*d.A+p.AW*fS+p.AU*d.U+jn))
	x.tau = tau1 + math.Min(1, d.R+d.JPos)*math.Max(0, m.trustMean-tau1)
}

// status runs the rest of S4 (basket share), S5 (status, membership), the
// vouchers and S6 (visits, orders) on one cell, and adds it to the day's
// aggregates.
func (m *consumers) status(cl *class, x *cell, aware bool, d *agents.Day, fQ float64, first [3]bool, a *dayAcc, hist *[agents.HistBins]float64) {
	p := m.p
	taus := m.trustMean
	nq := len(m.nuX)
	if cl.counts && (first[0] || first[1]) {
		for s := range nS {
			for q := range nq {
				if first[0] {
					x.mon[s*nq+q] = x.p[s]
				}
				if first[1] {
					x.wk[s*nq+q] = x.p[s]
				}
			}
		}
	}
	if first[2] && cl.counts {
		nl := len(cl.lamX)
		for s := range nS {
			for j := range nl {
				x.buy[s*nl+j] = x.p[s]
			}
		}
	}

	g, xd := 1.0, 0.0
	if x.tau != taus {
		r := x.tau / taus
		g, xd = math.Exp(p.Eta*math.Log(r)), 1-r
	}

	// S4 basket share: sigma moves towards the target at yesterday's membership.
	susp := 0.0
	if d.SuspAll {
		susp = 1
	}
	e0 := d.SumExpU * math.Exp(-(m.uf + p.BetaTau*x.tau - p.DSusp*susp))
	ss0, ss1 := 1/(1+e0), 1/(1+e0*m.expBm)
	for s := range nS {
		ss := ss0
		if s == sA1 {
			ss = ss1
		}
		x.sg[s] += m.zs * (ss*x.p[s] - x.sg[s])
	}

	// S5 status and membership.
	phiRet, phiOut := cl.phiD0, 0.0
	if xd != 0 {
		phiRet = phi((cl.delta - xd) / p.STh)
		if d.News > 0 {
			phiOut = phi((xd - cl.delta) / p.STh)
		}
	}
	h := p.H0 + p.HW*fQ + p.H1*phiOut*d.News
	ph := hazardP(h)
	pJoin := hazardP(m.sw0 * phiRet)
	pCancel := hazardP(p.HW0 + p.MW*(h-p.H0))
	hv := 0.0
	if d.VWin && cl.br {
		hv = p.BV
	}
	tr := trans{
		a0Stay: (1 - ph) * (1 - pJoin), a0Join: (1 - ph) * pJoin,
		a1Stay: (1 - ph) * (1 - pCancel), a1Cancel: (1 - ph) * pCancel,
		toC: ph * (1 - p.PDel), toN: ph * p.PDel,
		cRet: hazardP(p.B0 * phiRet),
	}
	if !d.SuspNew {
		tr.nRet = hazardP(p.BNew*phiRet + hv)
	}
	if aware {
		tr.la = 1
	}
	act := x.p[sA0] + x.p[sA1]
	if !cl.counts { // a tilted twin: order-weighted sums only
		for s := sC0; s < nS; s++ {
			stay := 1 - tr.cRet
			if s >= sN0 {
				stay = 1 - tr.nRet
			}
			for r := range agents.Rivals {
				x.dst[s][r] *= stay
			}
		}
		for r := range agents.Rivals {
			x.dst[sC0+tr.la][r] += act * tr.toC * d.Softmax[r]
			x.dst[sN0+tr.la][r] += act * tr.toN * d.Softmax[r]
		}
		tr.apply(&x.p, true)
		tr.apply(&x.sg, true)
		tr.apply(&x.c0, true)
		m.orderSums(cl, x, g, d, a)
		return
	}
	a.churns += act * ph
	a.wowCancels += x.p[sA1] * (ph + (1-ph)*pCancel)
	a.returns += (x.p[sC0]+x.p[sC1])*tr.cRet + (x.p[sN0]+x.p[sN1])*tr.nRet
	for s := sC0; s < nS; s++ { // leavers' destinations
		stay := 1 - tr.cRet
		if s >= sN0 {
			stay = 1 - tr.nRet
		}
		for r := range agents.Rivals {
			x.dst[s][r] *= stay
		}
	}
	for r := range agents.Rivals {
		x.dst[sC0+tr.la][r] += act * tr.toC * d.Softmax[r]
		x.dst[sN0+tr.la][r] += act * tr.toN * d.Softmax[r]
	}
	gotRejoin := (x.got[sN0] + x.got[sN1]) * tr.nRet
	deleted := tr.apply(&x.p, true)
	a.deletions += deleted
	tr.apply(&x.sg, true)
	tr.apply(&x.c0, true)
	tr.applyNodes(x.buy, len(cl.lamX), true)
	tr.applyNodes(x.mon, nq, false)
	tr.applyNodes(x.wk, nq, false)
	if cl.br {
		tr.apply(&x.got, true)
		a.forfeit += d.CoreFace*tr.applyNodes(x.vc, len(cl.lamX), false) + d.NCFace*tr.apply(&x.vn, false)
	}

	// Vouchers: expiry, then hand-out (issue day, or re-joining in the window).
	var rec [nS]float64
	if cl.br {
		if d.VoucherExpire {
			a.forfeit += d.CoreFace*sum(x.vc) + d.NCFace*sum(x.vn[:])
			clear(x.vc)
			x.vn = [nS]float64{}
		}
		if d.VoucherOpen {
			if d.VoucherIssue {
				for s := range nS {
					if s < sN0 || d.VoucherAllNA {
						rec[s], x.got[s] = x.got[s], 0
					}
				}
			} else {
				rec[sA0] = gotRejoin
				x.got[sA0] -= gotRejoin
			}
			for s := range nS {
				for j, w := range cl.lamW {
					x.vc[s*len(cl.lamW)+j] += w * rec[s]
				}
				x.vn[s] += rec[s]
			}
		}
	}

	// S6 visits and orders. fac[s] is the probability of no visit day in
	// state s, but for the Active states' visit-rate factor exp(-nu*g^eta_v*s(t)).
	expChk := 1.0
	if cl.br && aware && p.NuChk*d.Af != 0 {
		expChk = math.Exp(-p.NuChk * d.Af)
	}
	var fac [nS]float64
	for s := range nS {
		ps := x.p[s]
		noIssue := 1.0 // wallets handed out today bring extra visits
		if d.VoucherIssue && ps > 0 && rec[s] > 0 {
			fr := rec[s] / ps
			noIssue = 1 - fr + fr*m.expVou
		}
		switch s {
		case sA0, sA1:
			noOrder := 1.0
			if !d.SuspAll && ps > 0 {
				// No order: Poisson with lambda*c, plus lambda_v for voucher holders.
				c := g * d.Season * x.sg[s] / (ps * cl.sigma0)
				nl := len(cl.lamX)
				e := math.Exp(-cl.lamX[0] * c)
				step := 1.0
				if nl > 1 {
					step = math.Exp(-(cl.lamX[1] - cl.lamX[0]) * c)
				}
				pms := 1.0
				if s == sA0 {
					pms = p.PMS
				}
				noOrder = 0
				for j, w := range cl.lamW {
					mix := 1.0
					if cl.br {
						v := x.vc[s*nl+j]
						a.orders += p.LambdaV * v
						if fv := v / (w * ps); fv > 0 {
							mix = 1 - fv + fv*m.expLV
							red := v * (1 - e*m.expLV) * pms
							x.vc[s*nl+j] -= red
							a.coreRedeemed += d.CoreFace * red
						}
					}
					x.buy[s*nl+j] *= e * mix
					noOrder += w * e * mix
					e *= step
				}
			}
			fac[s] = expChk * noOrder * noIssue
		case sC0, sC1:
			fac[s] = m.expDorm * expChk * noIssue
			a.visitors += ps * (1 - fac[s])
		default:
			fac[s] = 1
		}
		if s < sN0 && x.vn[s] > 0 && d.NCRedeemP > 0 {
			u := x.vn[s] * d.NCRedeemP
			x.vn[s] -= u
			a.ncRedeemed += d.NCFace * u
		}
	}
	gv := g
	if p.EtaV != 1 && g != 1 {
		gv = math.Exp(p.EtaV * math.Log(g))
	}
	y := gv * d.Season
	a.visitors += deleted + x.p[sA0] + x.p[sA1] - (x.p[sA0]*fac[sA0]+x.p[sA1]*fac[sA1])*m.nuLaplace(y)
	e := math.Exp(-m.nuX[0] * y) // exp(-nu_q*y); the nodes double
	for q := range nq {
		for s := range sN0 { // NoAccount agents do not visit
			f := fac[s]
			if s <= sA1 {
				f *= e
			}
			x.mon[s*nq+q] *= f
			x.wk[s*nq+q] *= f
		}
		e *= e
	}

	// Aggregates.
	a.active += x.p[sA0] + x.p[sA1]
	a.wow += x.p[sA1]
	a.churned += x.p[sC0] + x.p[sC1]
	a.noAccount += x.p[sN0] + x.p[sN1]
	a.leavers += x.p[sC1] + x.p[sN1]
	hold := x.p[sA0] + x.p[sA1] + x.p[sC0] + x.p[sC1]
	a.holders += hold
	if cl.br {
		a.brHolders += hold
		a.brNoAcct += x.p[sN0] + x.p[sN1]
	}
	a.trustSum += hold * x.tau
	if g < 0.95 {
		a.reduced += hold
	}
	a.c0 += sum(x.c0[:])
	if g < 0.95 {
		a.c0Reduced += sum(x.c0[:])
	} else {
		a.c0Reduced += sum(x.c0[sC0:])
	}
	for s := sC0; s < nS; s++ {
		for r := range agents.Rivals {
			a.rivalN[r] += x.dst[s][r]
		}
	}
	if cl.orders {
		m.orderSums(cl, x, g, d, a)
	}
	for s := range nS {
		for j, w := range cl.lamW {
			a.buyLeft += w * x.buy[s*len(cl.lamW)+j]
		}
		for q := range nq {
			a.mauLeft += m.nuW[q] * x.mon[s*nq+q]
			a.wauLeft += m.nuW[q] * x.wk[s*nq+q]
		}
	}
	if hold > 0 && cl.counts {
		r := x.tau / taus
		kt := float64(len(m.trustX))
		for _, ts := range m.trustX {
			v := x.tau
			if len(m.trustX) > 1 {
				v = ts * r
			}
			b := int(v * agents.HistBins)
			b = min(max(b, 0), agents.HistBins-1)
			hist[b] += hold / kt
		}
	}
}

// orderSums adds a cell's order-weighted sums (M6 orders at the order rate,
// the demand index, rivals' baskets and leavers' demand) to a.
func (m *consumers) orderSums(cl *class, x *cell, g float64, d *agents.Day, a *dayAcc) {
	for s := sA0; s <= sA1; s++ {
		a.demand += cl.lambda * g * x.sg[s] / cl.sigma0
		if !d.SuspAll {
			a.orders += cl.lambda * g * d.Season * x.sg[s] / cl.sigma0
		}
		if ps := x.p[s]; ps > 0 {
			a.rivalBasket += cl.lambda * ps * math.Max(0, 1-x.sg[s]/(ps*cl.sigma0))
		}
	}
	for s := sC0; s < nS; s++ {
		for r := range agents.Rivals {
			a.rivalLeft[r] += cl.lambda * x.dst[s][r]
		}
	}
}

// scaleInto sets n to share f of u and removes it from u.
func scaleInto(n, u *cell, f float64) {
	n.tau = u.tau
	for _, pr := range []struct{ a, b *[nS]float64 }{{&n.p, &u.p}, {&n.sg, &u.sg}, {&n.got, &u.got}, {&n.vn, &u.vn}, {&n.c0, &u.c0}} {
		for s := range nS {
			pr.a[s] = f * pr.b[s]
			pr.b[s] -= pr.a[s]
		}
	}
	for s := range nS {
		for r := range agents.Rivals {
			n.dst[s][r] = f * u.dst[s][r]
			u.dst[s][r] -= n.dst[s][r]
		}
	}
	for i := range u.mon {
		n.mon[i], n.wk[i] = f*u.mon[i], f*u.wk[i]
		u.mon[i] -= n.mon[i]
		u.wk[i] -= n.wk[i]
	}
	for i := range u.buy {
		n.buy[i] = f * u.buy[i]
		u.buy[i] -= n.buy[i]
	}
	for i := range u.vc {
		n.vc[i] = f * u.vc[i]
		u.vc[i] -= n.vc[i]
	}
}

// addInto adds n's shares to y (trust is set by the caller).
func addInto(y, n *cell) {
	for s := range nS {
		y.p[s] += n.p[s]
		y.sg[s] += n.sg[s]
		y.got[s] += n.got[s]
		y.vn[s] += n.vn[s]
		y.c0[s] += n.c0[s]
		for r := range agents.Rivals {
			y.dst[s][r] += n.dst[s][r]
		}
	}
	for i := range y.mon {
		y.mon[i] += n.mon[i]
		y.wk[i] += n.wk[i]
	}
	for i := range y.buy {
		y.buy[i] += n.buy[i]
	}
	for i := range y.vc {
		y.vc[i] += n.vc[i]
	}
}

func sum(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s
}

// histQuantile is the engine's trust quantile over a histogram of shares.
func histQuantile(h *[agents.HistBins]float64, n, q float64) float64 {
	if n == 0 {
		return math.NaN()
	}
	target := q * n
	cum := 0.0
	for b, c := range h {
		if c == 0 {
			continue
		}
		if cum+c >= target {
			return (float64(b) + (target-cum)/c) / agents.HistBins
		}
		cum += c
	}
	return 1
}
