package agents

import (
	"math"

	"github.com/ripple-sim/ripple/sim/rng"
)

// Step advances consumers [lo, hi) by one day through stages S3-S6 of MODEL.md
// §2 (awareness, trust and basket share, status and membership, visits and
// orders), reading neighbours only through their counted views of day t-1
// (Tally brings the counts up to date once every shard has stepped).
// It adds the shard's aggregates to p. Every draw is keyed by (agent, day,
// stream, slot), so skipping a draw that a rule does not need changes nothing.
func (c *Consumers[F]) Step(lo, hi int, d *Day, p *Partial) {
	P := &c.P
	var (
		kAware  = d.Key.Day(rng.Aware, d.T)
		kSpread = d.Key.Day(rng.Spread, d.T)
		kStatus = d.Key.Day(rng.Status, d.T)
		kDelete = d.Key.Day(rng.Delete, d.T)
		kWOW    = d.Key.Day(rng.WOW, d.T)
		kVisit  = d.Key.Day(rng.Visit, d.T)
		kOrder  = d.Key.Day(rng.Order, d.T)
		kVouch  = d.Key.Day(rng.Voucher, d.T)
	)
	n1 := float64(len(c.Tau) - 1)
	zs := -math.Expm1(-math.Ln2 / P.HlSigma) // 1 - 2^(-1/hl)
	susp := 0.0
	if d.SuspAll {
		susp = 1
	}
	ph0 := hazardP(P.H0)

	for i := lo; i < hi; i++ {
		e := uint64(i)
		flags := c.Flags[i]
		br := flags&FlagBreached != 0
		flags &^= FlagVisited
		deleted := false

		// Neighbour shares at t-1: spreaders fS, aware aN, aware leavers fQ.
		prevView := c.View[i] & viewMask
		var fS, aN, fQ float64
		if c.Net != nil {
			if k := c.Net.Degree(i); k > 0 {
				cs, ca, cl := c.heard.at(i)
				inv := 1 / float64(k)
				fS, aN, fQ = float64(cs)*inv, float64(ca)*inv, float64(cl)*inv
			}
		} else if c.Complete && n1 > 0 {
			fS = float64(d.PrevSpreaders-int64(prevView&viewSpreader)) / n1
			aN = float64(d.PrevAware-int64(prevView&viewAware>>1)) / n1
			fQ = float64(d.PrevLeavers-int64(prevView&viewLeaver>>2)) / n1
		}

		// S3 awareness.
		op := c.Op[i]
		switch op {
		case Unaware:
			if h := P.BetaM*d.A + P.BetaW*fS; h > 0 && occurs(kAware.U(e, 0), h) {
				psi := P.PsiNB
				if br {
					psi = P.PsiB
				}
				op = Silent
				if kSpread.U(e, 0) < psi {
					op = Spreader
				}
			}
		case Spreader:
			if occurs(kSpread.U(e, 1), P.Gamma*aN+P.DeltaS) {
				op = Silent
			}
		}
		c.Op[i] = op
		aware := op != Unaware

		// S4 trust (M4), then basket share (M5a).
		tau, taus := float64(c.Tau[i]), float64(c.TauS[i])
		if aware {
			jn := d.JNeg
			if todo := d.IncSoFar &^ c.Inc[i]; todo != 0 {
				for k := 0; todo != 0; k++ {
					if todo&(1<<k) != 0 {
						jn += d.IncJump[k]
						todo &^= 1 << k
					}
				}
				c.Inc[i] = d.IncSoFar
			}
			tau1 := tau * math.Exp(-float64(c.Kappa[i])*(P.AM*d.A+P.AW*fS+P.AU*d.U+jn))
			t := F(tau1 + math.Min(1, d.R+d.JPos)*math.Max(0, taus-tau1))
			c.Tau[i], tau = t, float64(t) // the day's rules read the stored trust
		}
		g, x := 1.0, 0.0
		if tau != taus {
			r := tau / taus
			g, x = math.Exp(P.Eta*math.Log(r)), 1-r
		}
		wow := flags&FlagWOW != 0
		ss := float64(c.SStar[i])
		if aware || d.UtilityChanged || (wow != (flags&FlagWasWOW != 0)) {
			s := F(c.sstar(c.UF, tau, wow, susp, d.SumExpU))
			c.SStar[i], ss = s, float64(s)
			flags &^= FlagWasWOW
			if wow {
				flags |= FlagWasWOW
			}
		}
		sigmaPrev := float64(c.Sigma[i])
		s := F(sigmaPrev + zs*(ss-sigmaPrev))
		c.Sigma[i] = s
		rel := float64(s) / float64(c.Sigma0[i]) // basket share relative to baseline

		// S5 status and membership (M5b): one uniform for status, one for deletion.
		// Phi((delta - x)/s_th) <= 1 bounds the return and join hazards, so it is
		// evaluated only when a draw falls where it matters.
		phiRet := func() float64 { return Phi((float64(c.Delta[i]) - x) / P.STh) }
		prev := c.Status[i]
		st := prev
		u := kStatus.U(e, 0)
		switch st {
		case Active:
			// h = h0 + h1*Phi((x-delta)/s_th)*S(t) + h_W*fQ, computed only when
			// its upper bound (Phi = 1) leaves the outcome open.
			hMax := P.H0 + P.HW*fQ
			if d.News > 0 && x != 0 {
				hMax += P.H1 * d.News
			}
			uw := kWOW.U(e, 0)
			h := P.H0
			if hMax != P.H0 && (u < hMax || (wow && uw < P.HW0+P.MW*(hMax-P.H0))) {
				h = P.H0 + P.HW*fQ
				if d.News > 0 && x != 0 {
					h += P.H1 * Phi((x-float64(c.Delta[i]))/P.STh) * d.News
				}
			}
			if occurs(u, h) {
				pc := ph0
				if h != P.H0 {
					pc = hazardP(h)
				}
				c.Dest[i] = uint8(categorical3(d.Softmax, u/pc))
				st = Churned
				if kDelete.U(e, 0) < P.PDel {
					st = NoAccount
					deleted = true
					p.Deletions++
					p.Forfeit += float64(c.VCore[i]) + float64(c.VNC[i])
					c.VCore[i], c.VNC[i] = 0, 0
				}
				p.Churns++
				if wow {
					p.WOWCancels++
					flags &^= FlagWOW
				}
				if aware {
					flags |= FlagLeftAware
				}
			} else if wow {
				if occurs(uw, P.HW0+P.MW*(h-P.H0)) {
					flags &^= FlagWOW
					p.WOWCancels++
				}
			} else if uw < c.SW0 && occurs(uw, c.SW0*phiRet()) {
				flags |= FlagWOW
			}
		case Churned:
			// Return iff u >= exp(-b0*Phi): impossible below 1 - b0.
			if u >= 1-P.B0 && u >= math.Exp(-P.B0*phiRet()) {
				st = Active
			}
		case NoAccount:
			hv := 0.0
			if d.VWin && br {
				hv = P.BV
			}
			if !d.SuspNew && u >= 1-(P.BNew+hv) && u >= math.Exp(-(P.BNew*phiRet()+hv)) {
				st = Active
			}
		}
		if st == Active && prev != Active {
			p.Returns++
			flags &^= FlagLeftAware
		}
		c.Status[i] = st

		// Vouchers: expiry, then hand-out (issue day, or re-joining in the window).
		if d.VoucherExpire {
			p.Forfeit += float64(c.VCore[i]) + float64(c.VNC[i])
			c.VCore[i], c.VNC[i] = 0, 0
		}
		issueVisit := false
		if br && flags&FlagGotVoucher == 0 && d.VoucherOpen {
			onIssue := d.VoucherIssue && (st != NoAccount || d.VoucherAllNA)
			rejoined := st == Active && prev == NoAccount
			if onIssue || rejoined {
				c.VCore[i], c.VNC[i] = F(d.CoreFace), F(d.NCFace)
				flags |= FlagGotVoucher
				issueVisit = d.VoucherIssue
			}
		}

		// S6 visits and orders (M6).
		var vm, om float64
		chk := 0.0
		if br && aware {
			chk = P.NuChk * d.Af
		}
		if issueVisit {
			chk += P.NuVou
		}
		switch st {
		case Active:
			gv := g
			if P.EtaV != 1 && g != 1 {
				gv = math.Exp(P.EtaV * math.Log(g))
			}
			vm = float64(c.Nu[i])*gv*d.Season + chk
			if !d.SuspAll {
				om = float64(c.Lambda[i]) * rel * g * d.Season
				if c.VCore[i] > 0 {
					om += P.LambdaV
				}
			}
		case Churned:
			vm = P.NuDorm + chk
		}
		visit := deleted || rng.Positive(vm, kVisit.U(e, 0))
		o := 0
		if om > 0 {
			o = rng.Poisson(om, kOrder.U(e, 0))
		}
		if o > 0 {
			visit = true
			p.Orders += int64(o)
			if c.LastBuyQ[i] != d.Quarter {
				c.LastBuyQ[i] = d.Quarter
				p.NewBuyersQ++
			}
			if c.VCore[i] > 0 && (flags&FlagWOW != 0 || kVouch.U(e, 0) < P.PMS) {
				p.CoreRedeemed += float64(c.VCore[i])
				c.VCore[i] = 0
			}
		}
		if c.VNC[i] > 0 && st != NoAccount && kVouch.U(e, 1) < d.NCRedeemP {
			p.NCRedeemed += float64(c.VNC[i])
			c.VNC[i] = 0
		}
		if visit {
			flags |= FlagVisited
			p.Visitors++
			if c.LastMonth[i] != d.Month {
				c.LastMonth[i] = d.Month
				p.NewMonth++
			}
			if c.LastWeek[i] != d.Week {
				c.LastWeek[i] = d.Week
				p.NewWeek++
			}
		}
		c.Flags[i] = flags

		// S11 bookkeeping for this agent.
		var view uint8
		if aware {
			p.Aware++
			view |= viewAware
			if op == Spreader {
				p.Spreaders++
				view |= viewSpreader
			}
		}
		switch st {
		case Active:
			p.Active++
			p.Demand += float64(c.Lambda[i]) * rel * g
			p.RivalBasket += float64(c.Lambda[i]) * math.Max(0, 1-rel)
			if flags&FlagWOW != 0 {
				p.WOW++
			}
		case Churned:
			p.Churned++
		default:
			p.NoAccount++
		}
		if st != Active {
			p.RivalN[c.Dest[i]]++
			p.RivalLeft[c.Dest[i]] += float64(c.Lambda[i])
			if flags&FlagLeftAware != 0 {
				p.Leavers++
				view |= viewLeaver
			}
		}
		if br {
			if st != NoAccount {
				p.BreachedHolders++
			} else {
				p.BreachedNoAcct++
			}
		}
		if flags&FlagC0 != 0 {
			p.C0++
			if st != Active || g < 0.95 {
				p.C0Reduced++
			}
		}
		if st != NoAccount {
			p.Holders++
			p.TrustSum += tau
			if g < 0.95 {
				p.Reduced++
			}
			b := int(tau * HistBins)
			if b >= HistBins {
				b = HistBins - 1
			}
			p.Hist[b]++
		}
		c.View[i] = view | prevView<<viewPrevShift
	}
}

// occurs reports whether an event of daily hazard h happens at uniform u,
// that is u < 1 - exp(-h). The bounds h - h^2/2 <= 1 - exp(-h) <= h settle
// most draws without the exponential.
func occurs(u, h float64) bool {
	if u >= h {
		return false
	}
	if u < h-h*h/2 {
		return true
	}
	return u < -math.Expm1(-h)
}

// categorical3 inverts u on the rival shares.
func categorical3(w [Rivals]float64, u float64) int {
	acc := 0.0
	for r := range Rivals - 1 {
		acc += w[r]
		if u < acc {
			return r
		}
	}
	return Rivals - 1
}
