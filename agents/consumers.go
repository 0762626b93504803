package agents

import (
	"math"

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

// View bits: what neighbours see of an agent on the next day.
const (
	viewSpreader uint8 = 1 << iota
	viewAware
	viewLeaver // not Active and left while aware
)

// HistBins is the resolution of the trust histogram used for daily quantiles.
const HistBins = 2048

// Consumers is the consumer population as a struct of arrays. Traits are set
// at Init and never change; state changes daily in Step.
type Consumers struct {
	P   ConsumerParams
	Net *Network // nil in complete and none modes
	// Complete is true for the complete graph: neighbour shares are
	// population shares excluding self.
	Complete bool

	UF         float64 // basket utility constant u_f (M5a)
	SW0        float64 // WOW join rate s_w0
	DemandBase float64 // sum_i lambda_i*pA_i, the gbar denominator

	// Traits.
	TauS, Kappa, Delta, Lambda, Nu, Sigma0 []float64
	PhiD0                                  []float64 // Phi(delta/s_th): threshold term at zero deficit

	// State.
	Tau, Sigma, SStar       []float64 // trust, basket share, its current target
	Op, Status, Dest, Flags []uint8
	Inc                     []uint16 // incidents already absorbed
	LastMonth, LastWeek     []int16  // period of the last visit (-1 none)
	LastBuyQ                []int16  // quarter of the last order
	VCore, VNC              []float64
	View, ViewNext          []uint8 // neighbour-visible state: day t-1, day t
}

// Len returns the number of consumers.
func (c *Consumers) Len() int { return len(c.Tau) }

// NewConsumers draws n consumers from the INIT streams of key (so the initial
// population never depends on the scenario's events or levers), with rival
// baseline utilities u0 (sum of exp(u0) need not be 1).
func NewConsumers(n int, p ConsumerParams, u0 [Rivals]float64, key rng.Key) *Consumers {
	c := &Consumers{P: p}
	f := func() []float64 { return make([]float64, n) }
	b := func() []uint8 { return make([]uint8, n) }
	s := func() []int16 { s := make([]int16, n); fill(s, -1); return s }
	c.TauS, c.Kappa, c.Delta, c.Lambda, c.Nu, c.Sigma0, c.PhiD0 = f(), f(), f(), f(), f(), f(), f()
	c.Tau, c.Sigma, c.SStar, c.VCore, c.VNC = f(), f(), f(), f(), f()
	c.Op, c.Status, c.Dest, c.Flags, c.View, c.ViewNext = b(), b(), b(), b(), b(), b()
	c.Inc = make([]uint16, n)
	c.LastMonth, c.LastWeek, c.LastBuyQ = s(), s(), s()

	traits := key.Day(rng.InitConsumer, -1)
	for i := range n {
		e := uint64(i)
		src := &counter{d: traits, entity: e, slot: 100}
		c.TauS[i] = betaMeanSD(p.TrustMean, p.TrustSD, src)
		src.slot = 200
		c.Delta[i] = betaMeanSD(p.DeltaMean, p.DeltaSD, src)
		src.slot = 300
		c.Nu[i] = gammaMeanShape(p.NuBar, p.NuShape, src)
		src.slot = 400
		c.Lambda[i] = gammaMeanShape(p.LambdaBar, p.LambdaShape, src)
		if traits.U(e, 1) < p.PB {
			c.Flags[i] |= FlagBreached
		}
		unc := traits.U(e, 2) < p.PUnc
		if unc {
			c.Flags[i] |= FlagUnconcern
		}
		k := math.Exp(-p.SKappa*p.SKappa/2 + p.SKappa*rng.Normal(traits.U(e, 3)))
		if p.LambdaBar > 0 && c.Lambda[i] > 0 {
			k *= math.Pow(c.Lambda[i]/p.LambdaBar, -p.Phi)
		}
		if unc {
			k *= p.CUnc
		}
		c.Kappa[i] = k
		c.PhiD0[i] = Phi(c.Delta[i] / p.STh)
		c.Tau[i] = c.TauS[i]
	}

	// Status and membership from each agent's stationary law at baseline
	// rates (M5 init).
	c.SW0 = p.PWOW / (1 - p.PWOW) * (p.HW0 + p.H0)
	st := key.Day(rng.InitStatus, -1)
	ph := hazardP(p.H0)
	var w [Rivals]float64
	for r := range w {
		w[r] = math.Exp(u0[r])
	}
	for i := range n {
		e := uint64(i)
		pb, pn := hazardP(p.B0*c.PhiD0[i]), hazardP(p.BNew*c.PhiD0[i])
		rc, rn := ratio(ph*(1-p.PDel), pb), ratio(ph*p.PDel, pn)
		pA := 1 / (1 + rc + rn)
		u := st.U(e, 0)
		switch {
		case u < pA:
			c.Status[i] = Active
			if st.U(e, 1) < c.wowShare(i) {
				c.Flags[i] |= FlagWOW
			}
		case u < pA*(1+rc):
			c.Status[i] = Churned
		default:
			c.Status[i] = NoAccount
		}
		c.Dest[i] = uint8(rng.Categorical(w[:], st.U(e, 2)))
		c.DemandBase += c.Lambda[i] * pA
	}

	// u_f so that the mean basket share at baseline trust is sigma_bar0 (M5a).
	sumW := w[0] + w[1] + w[2]
	meanS := func(uf float64) float64 {
		t := 0.0
		for i := range n {
			t += c.sstar(uf, c.TauS[i], c.Flags[i]&FlagWOW != 0, 0, sumW)
		}
		return t / float64(n)
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
	c.UF = (lo + hi) / 2
	// sigma0 is the agent's stationary expected share, averaged over membership,
	// so that E[sigma/sigma0] = 1 and orders stay stationary in the twin while
	// members join and cancel; each agent starts at its current target.
	for i := range n {
		s1, s0 := c.sstar(c.UF, c.TauS[i], true, 0, sumW), c.sstar(c.UF, c.TauS[i], false, 0, sumW)
		pw := c.wowShare(i)
		c.Sigma0[i] = pw*s1 + (1-pw)*s0
		c.Sigma[i] = s0
		if c.Flags[i]&FlagWOW != 0 {
			c.Sigma[i] = s1
			c.Flags[i] |= FlagWasWOW
		}
		c.SStar[i] = c.Sigma[i]
	}
	return c
}

// wowShare is consumer i's stationary membership probability while Active at
// baseline: daily join probability over join plus leave (cancel or churn).
// It is p_WOW when Phi(delta/s_th) = 1 and a little lower otherwise.
func (c *Consumers) wowShare(i int) float64 {
	join := hazardP(c.SW0 * c.PhiD0[i])
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

// sstar is the target basket share of M5a.
func (c *Consumers) sstar(uf, tau float64, wow bool, susp, sumExpU float64) float64 {
	v := uf + c.P.BetaTau*tau - c.P.DSusp*susp
	if wow {
		v += c.P.BetaM2
	}
	return 1 / (1 + sumExpU*math.Exp(-v))
}

// MarkC0 puts the consumers Active now in cohort C0 and takes the others
// out. The engine calls it at the end of the day before the disclosure; CT-8
// follows the cohort (Partial.C0, C0Reduced).
func (c *Consumers) MarkC0() {
	for i, st := range c.Status {
		if st == Active {
			c.Flags[i] |= FlagC0
		} else {
			c.Flags[i] &^= FlagC0
		}
	}
}

// Clone returns an independent copy of the population sharing the read-only
// traits and network. The shock run and its twin start from clones.
func (c *Consumers) Clone() *Consumers {
	d := *c
	d.Tau, d.Sigma, d.SStar = clone(c.Tau), clone(c.Sigma), clone(c.SStar)
	d.VCore, d.VNC = clone(c.VCore), clone(c.VNC)
	d.Op, d.Status, d.Dest, d.Flags = clone(c.Op), clone(c.Status), clone(c.Dest), clone(c.Flags)
	d.View, d.ViewNext, d.Inc = clone(c.View), clone(c.ViewNext), clone(c.Inc)
	d.LastMonth, d.LastWeek, d.LastBuyQ = clone(c.LastMonth), clone(c.LastWeek), clone(c.LastBuyQ)
	return &d
}

func clone[T any](s []T) []T { return append([]T(nil), s...) }

// Bytes returns the memory held by the population's arrays and its network.
func (c *Consumers) Bytes() int {
	n := 0
	for _, s := range [][]float64{c.TauS, c.Kappa, c.Delta, c.Lambda, c.Nu, c.Sigma0, c.PhiD0, c.Tau, c.Sigma, c.SStar, c.VCore, c.VNC} {
		n += 8 * len(s)
	}
	for _, s := range [][]uint8{c.Op, c.Status, c.Dest, c.Flags, c.View, c.ViewNext} {
		n += len(s)
	}
	n += 2 * (len(c.Inc) + len(c.LastMonth) + len(c.LastWeek) + len(c.LastBuyQ))
	if c.Net != nil {
		n += 8*len(c.Net.Offsets) + 4*len(c.Net.Nbrs)
	}
	return n
}
