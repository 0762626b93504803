package agents

import (
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/ripple-sim/ripple/sim/rng"
)

// Opinion states of M3. Being aware is absorbing.
const (
	Unaware uint8 = iota
	Spreader
	Silent
)

// Account states of M5.
const (
	Active uint8 = iota
	Churned
	NoAccount
)

// Flag bits in Consumers.Flags.
const (
	FlagBreached   uint8 = 1 << iota // data exposed (br)
	FlagUnconcern                    // privacy-unconcerned (unc)
	FlagWOW                          // paid member
	FlagLeftAware                    // left the platform while aware
	FlagGotVoucher                   // received a voucher wallet
	FlagVisited                      // visited today (S6)
	FlagC0                           // in cohort C0: Active on the day before the disclosure (MarkC0)
	FlagWasWOW                       // member when SStar was last computed
)

// View bits: what neighbours see of an agent on the next day (Views keeps
// them in its low three bits, and the day before's above them).
const (
	viewSpreader uint8 = 1 << iota
	viewAware
	viewLeaver // not Active and left while aware
)

// HistBins is the resolution of the trust histogram used for daily quantiles.
const HistBins = 2048

// Real is the element type of the consumers' real-valued arrays: float64 in
// the default (weighted) mode, float32 in full-scale mode (MODEL.md §1 allows
// float32 there, with a deterministic tolerance of 1e-5). Kernels compute in
// float64 and only store as Real, so Consumers[float64] is exactly the
// float64 model.
type Real interface{ float32 | float64 }

// Consumers is the consumer population as a struct of arrays. Traits are set
// by NewConsumers and never change; they are shared read-only by every copy
// (Fresh, Clone). The state changes daily in Step.
//
// F is the storage type of the traits, trust, basket shares and voucher
// wallets. With F = float32 (full scale: 33.7 M consumers on one machine) a
// consumer takes 61 bytes instead of 105 (the network aside), at a relative
// rounding of 6e-8 per stored value; sim's full-scale agreement test checks
// the daily metrics against float64 within MODEL.md's 1e-5.
type Consumers[F Real] struct {
	P   ConsumerParams
	Net *Network // nil in complete and none modes
	// Complete is true for the complete graph: neighbour shares are
	// population shares excluding self.
	Complete bool

	UF         float64 // basket utility constant u_f (M5a)
	SW0        float64 // WOW join rate s_w0
	DemandBase float64 // sum_i lambda_i*pA_i, the gbar denominator

	key  rng.Key
	expU [Rivals]float64 // exp(u0_r): rival weights at baseline

	// Traits. The threshold term at zero deficit, Phi(delta/s_th), is
	// recomputed where needed (rarely: only when a draw falls where it matters).
	TauS, Kappa, Delta, Lambda, Nu, Sigma0 []F

	// State.
	Tau, Sigma, SStar       []F // trust, basket share, its current target
	Op, Status, Dest, Flags []uint8
	Inc                     []uint16 // incidents already absorbed
	LastMonth, LastWeek     []int16  // period of the last visit (-1 none)
	LastBuyQ                []int16  // quarter of the last order
	VCore, VNC              []F      // voucher wallets, KRW
	View                    []uint8  // neighbour-visible state: today's and yesterday's bits

	heard heard // neighbours' views of the day before, counted (network mode)
}

// Len returns the number of consumers.
func (c *Consumers[F]) Len() int { return len(c.TauS) }

// NewConsumers draws n consumers from the INIT streams of key (so the initial
// population never depends on the scenario's events or levers), with rival
// baseline utilities u0 (sum of exp(u0) need not be 1). It returns the traits
// and the initial state; Fresh draws the same initial state again.
func NewConsumers[F Real](n int, p ConsumerParams, u0 [Rivals]float64, key rng.Key) *Consumers[F] {
	c := &Consumers[F]{P: p, key: key}
	for r := range c.expU {
		c.expU[r] = math.Exp(u0[r])
	}
	f := func() []F { return make([]F, n) }
	c.TauS, c.Kappa, c.Delta, c.Lambda, c.Nu, c.Sigma0 = f(), f(), f(), f(), f(), f()

	traits := key.Day(rng.InitConsumer, -1)
	forRange(n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			e := uint64(i)
			src := &counter{d: traits, entity: e, slot: 100}
			c.TauS[i] = F(betaMeanSD(p.TrustMean, p.TrustSD, src))
			src.slot = 200
			c.Delta[i] = F(betaMeanSD(p.DeltaMean, p.DeltaSD, src))
			src.slot = 300
			c.Nu[i] = F(gammaMeanShape(p.NuBar, p.NuShape, src))
			src.slot = 400
			c.Lambda[i] = F(gammaMeanShape(p.LambdaBar, p.LambdaShape, src))
			lam := float64(c.Lambda[i])
			unc := traits.U(e, 2) < p.PUnc
			k := math.Exp(-p.SKappa*p.SKappa/2 + p.SKappa*rng.Normal(traits.U(e, 3)))
			if p.LambdaBar > 0 && lam > 0 {
				k *= math.Pow(lam/p.LambdaBar, -p.Phi)
			}
			if unc {
				k *= p.CUnc
			}
			c.Kappa[i] = F(k)
		}
	})

	// Status and membership from each agent's stationary law at baseline
	// rates (M5 init).
	c.SW0 = p.PWOW / (1 - p.PWOW) * (p.HW0 + p.H0)
	c.allocState()
	forRange(n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			c.initStatus(i)
		}
	})
	for i := range n { // in index order: the sum is part of the model's output
		c.DemandBase += float64(c.Lambda[i]) * c.pActive(i)
	}

	// u_f so that the mean basket share at baseline trust is sigma_bar0 (M5a).
	c.UF, _ = c.solveUF()
	// sigma0 is the agent's stationary expected share, averaged over membership,
	// so that E[sigma/sigma0] = 1 and orders stay stationary in the twin while
	// members join and cancel; each agent starts at its current target.
	sumW := c.sumExpU()
	forRange(n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			taus := float64(c.TauS[i])
			s1, s0 := c.sstar(c.UF, taus, true, 0, sumW), c.sstar(c.UF, taus, false, 0, sumW)
			pw := c.wowShare(i)
			c.Sigma0[i] = F(pw*s1 + (1-pw)*s0)
			c.initSigma(i, sumW)
		}
	})
	return c
}

// Fresh returns a copy of the population sharing the read-only traits and
// network, with its own initial state: the state NewConsumers drew, drawn
// again from the same INIT streams. Each run starts from a fresh copy, so the
// population that runs are made from need not keep a state (DropState).
func (c *Consumers[F]) Fresh() *Consumers[F] {
	d := *c
	d.allocState()
	sumW := d.sumExpU()
	forRange(d.Len(), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			d.initStatus(i)
			d.initSigma(i, sumW)
		}
	})
	return &d
}

// DropState releases the state arrays, keeping the traits (for Fresh).
func (c *Consumers[F]) DropState() {
	c.Tau, c.Sigma, c.SStar, c.VCore, c.VNC = nil, nil, nil, nil, nil
	c.Op, c.Status, c.Dest, c.Flags, c.View = nil, nil, nil, nil, nil
	c.Inc, c.LastMonth, c.LastWeek, c.LastBuyQ = nil, nil, nil, nil
	c.heard = heard{width: c.heard.width}
}

// SetNetwork sets the contact network: g (nil for none) or, with complete,
// the complete graph, on a population in its initial state (nobody aware)
// or without state. It fails if a degree is too large to count.
func (c *Consumers[F]) SetNetwork(g *Network, complete bool) error {
	c.Net, c.Complete = g, complete
	if g == nil {
		return nil
	}
	w, err := heardWidth(g.MaxDegree())
	c.heard = heard{width: w}
	if err == nil && c.Tau != nil {
		c.heard = newHeard(c.Len(), w)
	}
	return err
}

func (c *Consumers[F]) allocState() {
	n := c.Len()
	f := func() []F { return make([]F, n) }
	b := func() []uint8 { return make([]uint8, n) }
	s := func() []int16 { s := make([]int16, n); fill(s, -1); return s }
	c.Tau, c.Sigma, c.SStar, c.VCore, c.VNC = f(), f(), f(), f(), f()
	c.Op, c.Status, c.Dest, c.Flags, c.View = b(), b(), b(), b(), b()
	if c.Net != nil {
		c.heard = newHeard(n, c.heard.width)
	}
	c.Inc = make([]uint16, n)
	c.LastMonth, c.LastWeek, c.LastBuyQ = s(), s(), s()
}

// initStatus draws consumer i's initial flags, status, membership and
// destination (a rival, used once it leaves), and sets its trust to baseline.
func (c *Consumers[F]) initStatus(i int) {
	p := &c.P
	e := uint64(i)
	traits, st := c.key.Day(rng.InitConsumer, -1), c.key.Day(rng.InitStatus, -1)
	var flags uint8
	if traits.U(e, 1) < p.PB {
		flags |= FlagBreached
	}
	if traits.U(e, 2) < p.PUnc {
		flags |= FlagUnconcern
	}
	pA, rc := c.pActiveRC(i)
	u := st.U(e, 0)
	switch {
	case u < pA:
		c.Status[i] = Active
		if st.U(e, 1) < c.wowShare(i) {
			flags |= FlagWOW
		}
	case u < pA*(1+rc):
		c.Status[i] = Churned
	default:
		c.Status[i] = NoAccount
	}
	c.Flags[i] = flags
	c.Dest[i] = uint8(rng.Categorical(c.expU[:], st.U(e, 2)))
	c.Tau[i] = c.TauS[i]
}

// initSigma starts consumer i's basket share at its current target.
func (c *Consumers[F]) initSigma(i int, sumW float64) {
	wow := c.Flags[i]&FlagWOW != 0
	s := F(c.sstar(c.UF, float64(c.TauS[i]), wow, 0, sumW))
	c.Sigma[i], c.SStar[i] = s, s
	if wow {
		c.Flags[i] |= FlagWasWOW
	}
}

// pActive is consumer i's stationary probability of being Active at
// baseline rates.
func (c *Consumers[F]) pActive(i int) float64 { pA, _ := c.pActiveRC(i); return pA }

// pActiveRC returns pActive and the odds of Churned to Active.
func (c *Consumers[F]) pActiveRC(i int) (pA, rc float64) {
	p := &c.P
	ph, phi := hazardP(p.H0), c.phiD0(i)
	pb, pn := hazardP(p.B0*phi), hazardP(p.BNew*phi)
	rc, rn := ratio(ph*(1-p.PDel), pb), ratio(ph*p.PDel, pn)
	return 1 / (1 + rc + rn), rc
}

// phiD0 is Phi(delta/s_th): the threshold term at zero deficit.
func (c *Consumers[F]) phiD0(i int) float64 { return Phi(float64(c.Delta[i]) / c.P.STh) }

func (c *Consumers[F]) sumExpU() float64 { return c.expU[0] + c.expU[1] + c.expU[2] }

// meanShare is the mean target basket share at baseline trust and the
// initial membership, for basket utility constant uf.
func (c *Consumers[F]) meanShare(uf float64) float64 {
	sumW := c.sumExpU()
	t := 0.0
	for i := range c.Len() {
		t += c.sstar(uf, float64(c.TauS[i]), c.Flags[i]&FlagWOW != 0, 0, sumW)
	}
	return t / float64(c.Len())
}

// solveUF returns u_f and the number of passes over the population. The
// weighted mode bisects on the mean share summed in index order, as it always
// has (the default outputs depend on its last bit). At full scale, where each
// of those 56 or so passes over 33.7 million consumers takes a second, it
// runs safeguarded Newton steps on sums over fixed blocks in parallel: 7 to
// 10 passes (23 for a target share of 1e-6), the same for any number of
// workers, within 1e-12 of the bisection (TestSolveUF).
func (c *Consumers[F]) solveUF() (float64, int) {
	if _, full := any(F(0)).(float32); !full {
		return bisect(c.meanShare, c.P.SigmaBar0, false)
	}
	sumW := c.sumExpU()
	parts := make([][2]float64, (c.Len()+rangeBlock-1)/rangeBlock)
	return newton(func(uf float64) (y, dy float64) {
		forRange(c.Len(), func(lo, hi int) {
			var t, d float64
			for i := lo; i < hi; i++ {
				s := c.sstar(uf, float64(c.TauS[i]), c.Flags[i]&FlagWOW != 0, 0, sumW)
				t += s
				d += s * (1 - s)
			}
			parts[lo/rangeBlock] = [2]float64{t, d}
		})
		for _, p := range parts {
			y, dy = y+p[0], dy+p[1]
		}
		n := float64(c.Len())
		return y / n, dy / n
	}, c.P.SigmaBar0)
}

// newton finds the x in [-50, 50] at which the increasing f (with its
// derivative) crosses target: Newton steps, bisecting the bracket instead
// whenever a step would leave it, until a step is below 1e-12. It returns x
// and the number of evaluations of f.
func newton(f func(float64) (float64, float64), target float64) (float64, int) {
	lo, hi, x := -50.0, 50.0, 0.0
	for evals := 1; ; evals++ {
		y, dy := f(x)
		if y < target {
			lo = x
		} else {
			hi = x
		}
		next := x - (y-target)/dy
		if !(next > lo && next < hi) {
			next = (lo + hi) / 2
		}
		if math.Abs(next-x) < 1e-12 || evals == 200 {
			return next, evals
		}
		x = next
	}
}

// bisect returns the midpoint of 200 bisections of [-50, 50] for the x at
// which the increasing f crosses target, and the number of evaluations of f.
// Unless all is true it stops at the fixed point: once the midpoint equals an
// end of the interval, no later step changes the midpoint, so the result is
// the same as after all 200 steps (TestBisectFixedPoint).
func bisect(f func(float64) float64, target float64, all bool) (float64, int) {
	lo, hi := -50.0, 50.0
	evals := 0
	for range 200 {
		mid := (lo + hi) / 2
		if !all && (mid == lo || mid == hi) {
			break
		}
		evals++
		if f(mid) < target {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2, evals
}

// wowShare is consumer i's stationary membership probability while Active at
// baseline: daily join probability over join plus leave (cancel or churn).
// It is p_WOW when Phi(delta/s_th) = 1 and a little lower otherwise.
func (c *Consumers[F]) wowShare(i int) float64 {
	join := hazardP(c.SW0 * c.phiD0(i))
	leave := hazardP(c.P.HW0 + c.P.H0)
	return ratio(join, join+leave)
}

func ratio(a, b float64) float64 {
	if a == 0 {
		return 0
	}
	if b == 0 {
		return math.Inf(1)
	}
	return a / b
}

func fill[T any](s []T, v T) {
	for i := range s {
		s[i] = v
	}
}

// rangeBlock is the block length of forRange.
const rangeBlock = 1 << 16

// forRange calls f on the consecutive blocks of [0, n) from GOMAXPROCS
// goroutines. f must write only the indices of its block, so the result
// does not depend on the number of goroutines.
func forRange(n int, f func(lo, hi int)) {
	const block = rangeBlock
	blocks := (n + block - 1) / block
	workers := min(runtime.GOMAXPROCS(0), blocks)
	if workers <= 1 {
		for lo := 0; lo < n; lo += block {
			f(lo, min(lo+block, n))
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				b := int(next.Add(1) - 1)
				if b >= blocks {
					return
				}
				f(b*block, min((b+1)*block, n))
			}
		})
	}
	wg.Wait()
}

// sstar is the target basket share of M5a.
func (c *Consumers[F]) sstar(uf, tau float64, wow bool, susp, sumExpU float64) float64 {
	v := uf + c.P.BetaTau*tau - c.P.DSusp*susp
	if wow {
		v += c.P.BetaM2
	}
	return 1 / (1 + sumExpU*math.Exp(-v))
}

// MarkC0 puts the consumers Active now in cohort C0 and takes the others
// out. The engine calls it at the end of the day before the disclosure; CT-8
// follows the cohort (Partial.C0, C0Reduced).
func (c *Consumers[F]) MarkC0() {
	for i, st := range c.Status {
		if st == Active {
			c.Flags[i] |= FlagC0
		} else {
			c.Flags[i] &^= FlagC0
		}
	}
}

// Clone returns an independent copy of the population, state included,
// sharing the read-only traits and network.
func (c *Consumers[F]) Clone() *Consumers[F] {
	d := *c
	d.Tau, d.Sigma, d.SStar = clone(c.Tau), clone(c.Sigma), clone(c.SStar)
	d.VCore, d.VNC = clone(c.VCore), clone(c.VNC)
	d.Op, d.Status, d.Dest, d.Flags = clone(c.Op), clone(c.Status), clone(c.Dest), clone(c.Flags)
	d.View, d.Inc = clone(c.View), clone(c.Inc)
	d.heard = heard{w32: clone(c.heard.w32), w64: clone(c.heard.w64), width: c.heard.width}
	d.LastMonth, d.LastWeek, d.LastBuyQ = clone(c.LastMonth), clone(c.LastWeek), clone(c.LastBuyQ)
	return &d
}

func clone[T any](s []T) []T { return append([]T(nil), s...) }

// Bytes returns the memory held by the population's arrays (traits, and the
// state unless dropped) and its network.
func (c *Consumers[F]) Bytes() int {
	n := c.StateBytes()
	for _, s := range [][]F{c.TauS, c.Kappa, c.Delta, c.Lambda, c.Nu, c.Sigma0} {
		n += bytesOf(s)
	}
	if c.Net != nil {
		n += c.Net.Bytes()
	}
	return n
}

// StateBytes returns the memory held by the state arrays: what each run (a
// Fresh copy) adds to the shared traits and network.
func (c *Consumers[F]) StateBytes() int {
	n := 0
	for _, s := range [][]F{c.Tau, c.Sigma, c.SStar, c.VCore, c.VNC} {
		n += bytesOf(s)
	}
	for _, s := range [][]uint8{c.Op, c.Status, c.Dest, c.Flags, c.View} {
		n += bytesOf(s)
	}
	n += c.heard.bytes()
	for _, s := range [][]int16{c.LastMonth, c.LastWeek, c.LastBuyQ} {
		n += bytesOf(s)
	}
	return n + bytesOf(c.Inc)
}

// FreshStateBytes returns the memory of the state arrays Fresh allocates.
func (c *Consumers[F]) FreshStateBytes() int {
	var f F
	heard := 0
	if c.Net != nil {
		heard = c.heard.wordBytes()
	}
	return c.Len() * (5*int(unsafe.Sizeof(f)) + 5 + 2 + 3*2 + heard)
}

func bytesOf[T any](s []T) int {
	var v T
	return len(s) * int(unsafe.Sizeof(v))
}
