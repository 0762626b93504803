package meanfield

import (
	"math"

	"github.com/ripple-sim/ripple/agents"
	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/stat/distuv"
)

// Options set the trait quadrature of Run. Zero fields take the defaults of
// DefaultOptions; a trait whose spread is zero in the scenario gets one node
// whatever the option.
type Options struct {
	KappaNodes  int // Gauss-Hermite nodes for the log-normal sensitivity e_i (M4)
	LambdaNodes int // equal-probability bins of the Gamma order rate lambda_i (M6)
	DeltaNodes  int // equal-probability bins of the Beta churn threshold delta_i (M5)
	TrustNodes  int // equal-probability bins of the Beta baseline trust, for the trust quantiles only
	// A day's newly aware join the previous awareness cohort (their trust is
	// averaged) when they are fewer than MergeShare of all consumers, or when
	// the RMS difference of relative trust between the two is below MergeTrust.
	// A negative value disables the rule.
	MergeShare, MergeTrust float64
}

// DefaultOptions are the quadrature sizes Run uses.
var DefaultOptions = Options{KappaNodes: 3, LambdaNodes: 3, DeltaNodes: 3, TrustNodes: 16, MergeShare: 1e-5, MergeTrust: 1e-3}

func (o Options) withDefaults() Options {
	d := DefaultOptions
	if o.KappaNodes > 0 {
		d.KappaNodes = o.KappaNodes
	}
	if o.LambdaNodes > 0 {
		d.LambdaNodes = o.LambdaNodes
	}
	if o.DeltaNodes > 0 {
		d.DeltaNodes = o.DeltaNodes
	}
	if o.TrustNodes > 0 {
		d.TrustNodes = o.TrustNodes
	}
	if o.MergeShare != 0 {
		d.MergeShare = max(o.MergeShare, 0)
	}
	if o.MergeTrust != 0 {
		d.MergeTrust = max(o.MergeTrust, 0)
	}
	return d
}

// node is one quadrature point of a trait distribution.
type node struct {
	x, y, z, w float64 // value, moments (see bins), weight
	lo, hi     float64 // the bin (quantiles)
}

// class is a group of identical consumers: one node of every trait.
type class struct {
	w                    float64 // share of all consumers
	br, unc              bool    // breached, privacy-unconcerned
	kappa, lambda, delta float64
	psi                  float64 // P(newly aware becomes a spreader)
	phiD0                float64 // Phi(delta/s_th)
	pA, wow              float64 // initial Active share; WOW share of the Active
	rc, rn               float64 // initial Churned and NoAccount shares relative to Active
	sigma0, s0, s1       float64 // baseline basket share; initial targets of non-members, members
	// counts: the class adds to the head counts (every class but a tilted
	// twin). orders: it adds to the order-weighted sums (orders, demand,
	// rivals' GMV); with a spread in lambda these come from tilted twins.
	counts, orders bool
	// Sub-grid of the order rate within the class's bin, for the chance of no
	// order: midpoints and weights (one node without a spread).
	lamX, lamW []float64
}

// subGrid returns nLam equally spaced nodes on [lo, hi] weighted by the Gamma
// density: midpoints, then stretched about lo to the bin's mean.
func subGrid(lo, hi, mean, shape, rate float64) (xs, ws []float64) {
	g := distuv.Gamma{Alpha: shape, Beta: rate}
	dx := (hi - lo) / nLam
	s, mu := 0.0, 0.0
	for j := range nLam {
		x := lo + (float64(j)+0.5)*dx
		xs, ws = append(xs, x), append(ws, g.Prob(x))
		s += ws[j]
		mu += x * ws[j]
	}
	for j := range ws {
		ws[j] /= s
		xs[j] = lo + (xs[j]-lo)*(mean-lo)/(mu/s-lo)
	}
	return xs, ws
}

// nLam is the size of the order-rate sub-grid of a class.
const nLam = 8

// hermite returns k probabilists' Gauss-Hermite nodes for a standard normal.
func hermite(k int) []node {
	if k <= 1 {
		return []node{{w: 1}}
	}
	x, w := make([]float64, k), make([]float64, k)
	quad.Hermite{}.FixedLocations(x, w, math.Inf(-1), math.Inf(1))
	out := make([]node, k)
	for i := range x {
		out[i] = node{x: math.Sqrt2 * x[i], w: w[i] / math.SqrtPi}
	}
	return out
}

// bins splits a distribution into k equal-probability bins. Each node is the
// bin's conditional mean x, the conditional mean y of x^s (the sensitivity
// factor of M4 for the order rate) and its x-weighted mean z =
// E[x^(s+1)]/E[x]. cdfS(s, x) is the CDF of the law with density
// proportional to x^s f(x), and momS(s) = E[X^s].
func bins(k int, s float64, quantile func(float64) float64, cdfS func(s, x float64) float64, momS func(s float64) float64) []node {
	out := make([]node, k)
	lo1, loS, loT := 0.0, 0.0, 0.0
	for i := range k {
		hi1, hiS, hiT := 1.0, 1.0, 1.0
		if i < k-1 {
			q := quantile(float64(i+1) / float64(k))
			hi1, hiS, hiT = cdfS(1, q), cdfS(s, q), cdfS(s+1, q)
		}
		kf := float64(k)
		out[i] = node{x: momS(1) * (hi1 - lo1) * kf, y: momS(s) * (hiS - loS) * kf,
			z: momS(s+1) * (hiT - loT) / (momS(1) * (hi1 - lo1)), w: 1 / kf,
			lo: quantile(float64(i) / kf), hi: quantile(float64(i+1) / kf)}
		lo1, loS, loT = hi1, hiS, hiT
	}
	return out
}

// gammaNodes returns nodes of Gamma(shape, mean) with y = E[(x/mean)^s | bin];
// shape <= 0 is the engine's "no spread" and gives the mean.
func gammaNodes(k int, mean, shape, s float64) []node {
	if k <= 1 || shape <= 0 || mean <= 0 {
		return []node{{x: mean, y: 1, z: 1, w: 1}}
	}
	rate := shape / mean
	g := distuv.Gamma{Alpha: shape, Beta: rate}
	cdfS := func(s, x float64) float64 { return distuv.Gamma{Alpha: shape + s, Beta: rate}.CDF(x) }
	momS := func(s float64) float64 { // E[(X/mean)^s]
		lg1, _ := math.Lgamma(shape + s)
		lg0, _ := math.Lgamma(shape)
		return math.Exp(lg1-lg0) / math.Pow(shape, s)
	}
	ns := bins(k, s, g.Quantile, cdfS, momS)
	for i := range ns {
		ns[i].x *= mean
		ns[i].hi = min(ns[i].hi, g.Quantile(1-1e-7))
	}
	return ns
}

// betaNodes returns nodes of Beta(mean, sd); sd 0 gives the mean.
func betaNodes(k int, mean, sd float64) []node {
	if k <= 1 || sd <= 0 {
		return []node{{x: mean, y: 1, z: 1, w: 1}}
	}
	c := mean*(1-mean)/(sd*sd) - 1
	a, b := mean*c, (1-mean)*c
	cdfS := func(s, x float64) float64 { return distuv.Beta{Alpha: a + s, Beta: b}.CDF(x) }
	return bins(k, 1, distuv.Beta{Alpha: a, Beta: b}.Quantile, cdfS, func(float64) float64 { return mean })
}

// phi is the standard normal CDF, as agents.Phi.
func phi(z float64) float64 { return agents.Phi(z) }

// hazardP turns a daily hazard into a probability, 1 - exp(-h).
func hazardP(h float64) float64 { return -math.Expm1(-h) }

// ratio is agents' a/b with 0/x = 0 and a/0 = +Inf.
func ratio(a, b float64) float64 {
	if a == 0 {
		return 0
	}
	if b == 0 {
		return math.Inf(1)
	}
	return a / b
}

// newClasses builds the consumer classes: breached or not x unconcerned or
// not x the nodes of e_i, lambda_i and delta_i, with the engine's initial law
// of each (status and membership from the stationary law at baseline rates).
func newClasses(p *agents.ConsumerParams, o Options) []class {
	var cs []class
	for _, br := range []bool{true, false} {
		wb := p.PB
		if !br {
			wb = 1 - p.PB
		}
		if wb <= 0 {
			continue
		}
		// The non-breached (2 % by default) get one node per trait.
		ke, kl, kd := o.KappaNodes, o.LambdaNodes, o.DeltaNodes
		if !br && p.PB > 0.5 {
			ke, kl, kd = 1, 1, 1
		}
		es := hermite(ke)
		if p.SKappa == 0 {
			es = hermite(1)
		}
		ls := gammaNodes(kl, p.LambdaBar, p.LambdaShape, -p.Phi)
		ds := betaNodes(kd, p.DeltaMean, p.DeltaSD)
		for _, unc := range []bool{false, true} {
			wu := 1 - p.PUnc
			if unc {
				wu = p.PUnc
			}
			if wu <= 0 {
				continue
			}
			for _, e := range es {
				for _, l := range ls {
					for _, d := range ds {
						// kappa as the engine draws it. For a bin of lambda the factor
						// (lambda/lambda_bar)^-phi is its conditional mean in the head-count
						// class, and its lambda-weighted mean in a tilted twin that carries
						// the order-weighted sums.
						roles := []struct {
							f              float64
							counts, orders bool
						}{{l.y, true, true}}
						if len(ls) > 1 {
							roles = []struct {
								f              float64
								counts, orders bool
							}{{l.y, true, false}, {l.z, false, true}}
						}
						for _, ro := range roles {
							k := math.Exp(-p.SKappa*p.SKappa/2 + p.SKappa*e.x)
							if p.LambdaBar > 0 && l.x > 0 {
								if len(ls) == 1 {
									k *= math.Pow(l.x/p.LambdaBar, -p.Phi)
								} else {
									k *= ro.f
								}
							}
							if unc {
								k *= p.CUnc
							}
							c := class{w: wb * wu * e.w * l.w * d.w, br: br, unc: unc, kappa: k, lambda: l.x, delta: d.x,
								counts: ro.counts, orders: ro.orders}
							c.psi = p.PsiNB
							if br {
								c.psi = p.PsiB
							}
							c.phiD0 = phi(d.x / p.STh)
							ph := hazardP(p.H0)
							pb, pn := hazardP(p.B0*c.phiD0), hazardP(p.BNew*c.phiD0)
							c.rc, c.rn = ratio(ph*(1-p.PDel), pb), ratio(ph*p.PDel, pn)
							c.pA = 1 / (1 + c.rc + c.rn)
							sw0 := p.PWOW / (1 - p.PWOW) * (p.HW0 + p.H0)
							join, leave := hazardP(sw0*c.phiD0), hazardP(p.HW0+p.H0)
							c.wow = ratio(join, join+leave)
							c.lamX, c.lamW = []float64{l.x}, []float64{1}
							if len(ls) > 1 {
								c.lamX, c.lamW = subGrid(l.lo, l.hi, l.x, p.LambdaShape, p.LambdaShape/p.LambdaBar)
							}
							cs = append(cs, c)
						}
					}
				}
			}
		}
	}
	return cs
}
