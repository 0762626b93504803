package targets

// The evaluators as they were before the Accumulator, kept verbatim (renamed)
// as the reference that TestAccumulatorMatchesLegacy compares against.

import (
	"fmt"
	"math"
	"time"

	"github.com/ripple-sim/ripple/sim"
	"github.com/ripple-sim/ripple/sim/output"
)

func (s *Set) legacyEvaluate(results []sim.Result, sc *sim.Scenario) []Check {
	e := newEnv(sc)
	checks := make([]Check, 0, len(s.Targets))
	for i := range s.Targets {
		t := &s.Targets[i]
		c := Check{ID: t.ID, Label: t.Statistic, Statistic: t.Statistic, Weight: t.Weight, Unit: Ratio,
			Mean: math.NaN(), Lo: math.NaN(), Hi: math.NaN()}
		switch ev := legacyEvaluators[t.ID]; {
		case ev == nil:
			c.skip("no statistic is implemented for this id")
		case len(results) == 0:
			c.skip("no replicates")
		default:
			ev(&c, t, results, &e)
		}
		if c.Target == "" {
			c.Target = t.Text(c.Unit)
		}
		checks = append(checks, c)
	}
	return checks
}

type legacyEvaluator func(c *Check, t *Target, rs []sim.Result, e *env)

var legacyEvaluators = map[string]legacyEvaluator{
	"CT-1": legacyCT1, "CT-2": legacyCT2, "CT-3": legacyCT3, "CT-3b": legacyCT3b, "CT-4": legacyCT4, "CT-5": legacyCT5,
	"CT-6": legacyCT6, "CT-7": legacyCT7, "CT-8": legacyCT8, "CT-9": legacyCT9, "CT-10": legacyCT10,
}

// legacyPerRep applies f to every replicate; the first error is returned.
func legacyPerRep(rs []sim.Result, f func(r *sim.Result) (float64, error)) ([]float64, error) {
	xs := make([]float64, len(rs))
	for i := range rs {
		x, err := f(&rs[i])
		if err != nil {
			return nil, err
		}
		xs[i] = x
	}
	return xs, nil
}

// legacyCT1: MAU(Jan)/MAU(Dec) − 1 of the shock's monthly table.
func legacyCT1(c *Check, t *Target, rs []sim.Result, e *env) {
	m := firstN(monthsIn(t.Statistic), 2, jan26, dec25)
	c.Label, c.Unit = label("MAU %s / %s - 1", m[0], m[1]), Share
	xs, err := legacyPerRep(rs, func(r *sim.Result) (float64, error) { return mauChange(&r.Shock, m[0], m[1]) })
	if err != nil {
		c.skip(err.Error())
		return
	}
	c.describe(xs)
	c.judge(t.Contains(c.Mean))
}

// legacyCT2: ratio of December's MAU change to January's; both must be negative.
func legacyCT2(c *Check, t *Target, rs []sim.Result, e *env) {
	m := [4]time.Time(firstN(monthsIn(t.Statistic), 4, dec25, nov25, jan26, dec25))
	c.Label = label("MAU MoM %s / MoM %s", m[0], m[2])
	var firsts, seconds []float64
	xs, err := legacyPerRep(rs, func(r *sim.Result) (float64, error) {
		ratio, a, b, err := momRatio(&r.Shock, m)
		firsts, seconds = append(firsts, a), append(seconds, b)
		return ratio, err
	})
	if err != nil {
		c.skip(err.Error())
		return
	}
	c.describe(xs)
	a, b := output.Describe(firsts), output.Describe(seconds)
	c.note("MoM %s %s, %s %s (means)", month(m[0]), Format(a.Mean, Share), month(m[2]), Format(b.Mean, Share))
	c.judge(t.Contains(c.Mean) && a.Mean < 0 && b.Mean < 0)
	if !(a.Mean < 0 && b.Mean < 0) {
		c.note("a decline is not negative")
	}
}

// legacyCT3: HCM of the month, from the shock's distributions table.
func legacyCT3(c *Check, t *Target, rs []sim.Result, e *env) {
	m := firstN(monthsIn(t.Statistic), 1, jan26)[0]
	c.Label, c.Unit = label("HCM %s", m), Share
	if d := daysIn(t.Statistic); len(d) >= 2 && !(d[0].Equal(e.base[0]) && d[1].Equal(e.base[1])) {
		c.skip(fmt.Sprintf("the run's merchant base window %s..%s is not the target's %s..%s",
			day(e.base[0]), day(e.base[1]), day(d[0]), day(d[1])))
		return
	}
	xs, err := legacyPerRep(rs, func(r *sim.Result) (float64, error) {
		return valueAt(&r.Shock.Distributions, "distributions", "hcm", m)
	})
	if err != nil {
		c.skip(err.Error())
		return
	}
	c.describe(xs)
	c.judge(t.Contains(c.Mean))
}

// legacyCT3b: P10 of revenue change over perishable merchants (approximated from
// the class quantiles, see perishableP10) and their mean on-hand stock in the
// month against the base window.
func legacyCT3b(c *Check, t *Target, rs []sim.Result, e *env) {
	m := firstN(monthsIn(t.Statistic), 1, jan26)[0]
	c.Label, c.Unit = label("P10 rev. change %s, perishable", m), Share
	xs, err := legacyPerRep(rs, func(r *sim.Result) (float64, error) { return perishableP10(&r.Shock, m, e.depW) })
	if err != nil {
		c.skip(err.Error())
		return
	}
	stock, err := legacyPerRep(rs, func(r *sim.Result) (float64, error) { return stockRatio(&r.Shock, m, e.base) })
	if err != nil {
		c.skip(err.Error())
		return
	}
	c.describe(xs)
	st := output.Describe(stock)
	c.note("perishable stock %s / base = %s", month(m), Format(st.Mean, Ratio))
	c.note("P10 approximated from the perishable classes' quantiles mixed by their shares under %s dependence", e.depDoc)
	c.judge(t.Contains(c.Mean) && st.Mean > 1)
}

// legacyCT4: distinct VTO acceptors of the window at the end of its last month.
func legacyCT4(c *Check, t *Target, rs []sim.Result, e *env) {
	win := firstN(daysIn(t.Statistic), 2, sim.Date(2025, 12, 1), sim.Date(2026, 1, 15))
	c.Label = fmt.Sprintf("DVA[%s, %s]", day(win[0]), day(win[1]))
	c.Unit = People
	k := -1
	for i, w := range e.vto {
		if w[0].Equal(win[0]) && w[1].Equal(win[1]) {
			k = i
		}
	}
	if k < 0 {
		c.skip(fmt.Sprintf("the run has no VTO window [%s, %s] ([outputs] vto_windows)", day(win[0]), day(win[1])))
		return
	}
	at := sim.Date(win[1].Year(), win[1].Month(), 1)
	metric := fmt.Sprintf("dva_%d", k+1)
	xs, err := legacyPerRep(rs, func(r *sim.Result) (float64, error) {
		return valueAt(&r.Shock.Distributions, "distributions", metric, at)
	})
	if err != nil {
		c.skip(err.Error())
		return
	}
	c.describe(xs)
	c.judge(t.Contains(c.Mean))
	if c.Mean > t.FlagAbove {
		c.Flagged = true
		c.note("above the flag of %s: check, do not reject", Format(t.FlagAbove, People))
	}
}

// legacyCT5: median courier income change against the reference month, and the
// identity gross-pay change = delivered-parcel change.
func legacyCT5(c *Check, t *Target, rs []sim.Result, e *env) {
	m := firstN(monthsIn(t.Statistic), 2, jan26, nov25)
	c.Label, c.Unit = label("median courier income change %s vs %s", m[0], m[1]), KRW
	c.Target = "< 0; gross-pay change = parcel change"
	if d0 := sim.Date(e.d0.Year(), e.d0.Month(), 1); !d0.Equal(m[1]) {
		c.skip(fmt.Sprintf("the outputs measure courier income change against the disclosure month %s, not %s", month(d0), month(m[1])))
		return
	}
	xs, err := legacyPerRep(rs, func(r *sim.Result) (float64, error) {
		return valueAt(&r.Shock.Distributions, "distributions", "courier_income_change_p50", m[0])
	})
	if err != nil {
		c.skip(err.Error())
		return
	}
	gaps, err := legacyPerRep(rs, func(r *sim.Result) (float64, error) { return payParcelGap(&r.Shock, m[0], m[1]) })
	if err != nil {
		c.skip(err.Error())
		return
	}
	c.describe(xs)
	worst := 0.0
	for _, g := range gaps {
		if !(math.Abs(g) <= worst) { // NaN stays worst
			worst = math.Abs(g)
		}
	}
	ok := worst <= identityTol
	c.note("median of each courier's monthly net income change; gross-pay change - parcel change: max |gap| %.2g over replicates (identity %s within %g)",
		worst, map[bool]string{true: "holds", false: "fails"}[ok], identityTol)
	c.judge(c.Mean < 0 && ok)
}

// legacyCT6: Q4 revenue, shock over twin − 1, from daily sums.
func legacyCT6(c *Check, t *Target, rs []sim.Result, e *env) {
	q := quarterOf(t, q4of25)
	c.Label, c.Unit = quarterLabel(q)+" revenue, shock / twin - 1", Share
	xs, err := legacyPerRep(rs, func(r *sim.Result) (float64, error) {
		s, err := quarterSum(&r.Shock.Daily, "revenue", q)
		if err != nil {
			return 0, err
		}
		w, err := quarterSum(&r.Twin.Daily, "revenue", q)
		return s/w - 1, err
	})
	if err != nil {
		c.skip(err.Error())
		return
	}
	c.describe(xs)
	c.judge(t.Contains(c.Mean))
}

// legacyCT7: Q4 net profit of shock (the statistic) and twin, from daily sums.
func legacyCT7(c *Check, t *Target, rs []sim.Result, e *env) {
	q := quarterOf(t, q4of25)
	c.Label, c.Unit = quarterLabel(q)+" net profit, shock", KRW
	shock, err := legacyPerRep(rs, func(r *sim.Result) (float64, error) { return quarterSum(&r.Shock.Daily, "net_profit", q) })
	if err != nil {
		c.skip(err.Error())
		return
	}
	twin, err := legacyPerRep(rs, func(r *sim.Result) (float64, error) { return quarterSum(&r.Twin.Daily, "net_profit", q) })
	if err != nil {
		c.skip(err.Error())
		return
	}
	c.describe(shock)
	tw := output.Describe(twin)
	c.note("twin %s", Format(tw.Mean, KRW))
	c.judge(tw.Mean > 0 && c.Mean < 0)
}

// legacyCT8 and legacyCT9 came after the Accumulator; they are written here
// in the batch form of the others, as the reference for the comparison.

// legacyCT8: the mean of cohort C0's reduced share over D0+30..D0+180.
func legacyCT8(c *Check, t *Target, rs []sim.Result, e *env) {
	from, to := e.d0.AddDate(0, 0, 30), e.d0.AddDate(0, 0, 180)
	c.Label, c.Unit = fmt.Sprintf("cohort C0 not Active or g < 0.95, mean %s..%s", day(from), day(to)), Share
	xs, err := legacyPerRep(rs, func(r *sim.Result) (float64, error) {
		x, err := column(&r.Shock.Daily, "daily", "c0_reduced")
		if err != nil {
			return 0, err
		}
		sum, n := 0.0, 0
		for d, dt := range r.Shock.Daily.Dates {
			if !dt.Before(from) && !dt.After(to) {
				sum += x[d]
				n++
			}
		}
		if n != 151 {
			return 0, fmt.Errorf("the daily table covers %d of the 151 days %s..%s", n, day(from), day(to))
		}
		return sum / float64(n), nil
	})
	if err != nil {
		c.skip(err.Error())
		return
	}
	c.describe(xs)
	c.judge(t.Contains(c.Mean))
}

// legacyCT9: a batch of Results has no run without the follow-up breach.
func legacyCT9(c *Check, t *Target, rs []sim.Result, e *env) {
	c.Label = fmt.Sprintf("orders effect of the follow-up 2026-02-05..2026-02-18 / of the breach %s..%s", day(e.d0), day(e.d0.AddDate(0, 0, 13)))
	for _, r := range rs {
		if _, _, err := dailySum(&r.Shock.Daily, "orders", sim.Date(2026, 2, 5), sim.Date(2026, 2, 18)); err != nil {
			c.skip(err.Error())
			return
		}
		if _, _, err := dailySum(&r.Shock.Daily, "orders", e.d0, e.d0.AddDate(0, 0, 13)); err != nil {
			c.skip(err.Error())
			return
		}
	}
	c.skip(noFollowUpMissing)
}

// legacyCT10: Q4 distinct purchasers (shock − twin, the statistic) and WOW
// cancellations (shock − twin), from the quarterly table.
func legacyCT10(c *Check, t *Target, rs []sim.Result, e *env) {
	q := quarterOf(t, q4of25)
	c.Label, c.Unit = quarterLabel(q)+" purchasers, shock - twin", People
	effect := func(metric string) ([]float64, error) {
		return legacyPerRep(rs, func(r *sim.Result) (float64, error) {
			if _, _, err := dailySum(&r.Shock.Daily, "orders", q, q.AddDate(0, 3, -1)); err != nil {
				return 0, err // a partial quarter
			}
			s, err := valueAt(&r.Shock.Quarterly, "quarterly", metric, q)
			if err != nil {
				return 0, err
			}
			w, err := valueAt(&r.Twin.Quarterly, "quarterly", metric, q)
			return s - w, err
		})
	}
	buyers, err := effect("purchasers")
	if err != nil {
		c.skip(err.Error())
		return
	}
	cancels, err := effect("wow_cancellations")
	if err != nil {
		c.skip(err.Error())
		return
	}
	c.describe(buyers)
	wc := output.Describe(cancels)
	c.note("WOW cancellations, shock - twin: %s", Format(wc.Mean, People))
	c.judge(c.Mean < 0 && wc.Mean > 0)
}
