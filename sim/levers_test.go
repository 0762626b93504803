package sim

import (
	"math"
	"testing"
)

// runShock runs replicate rep of a scenario's shock and returns its engine.
func runShock(t *testing.T, sc Scenario, rep int) *Engine {
	t.Helper()
	e := newTestEngine(t, sc, rep, false, 2)
	for !e.Done() {
		e.Step()
	}
	return e
}

func sumDays(x []float64, from, to int) float64 {
	s := 0.0
	for _, v := range x[from:min(to, len(x))] {
		s += v
	}
	return s
}

// TestFineMonotone checks T20(a): ending platform cash is non-increasing in
// the fine, on common random numbers.
func TestFineMonotone(t *testing.T) {
	sc := shockScenario(5000)
	prev := math.Inf(1)
	for _, fine := range []float64{0, 0.5, 1, 3} {
		sc.Levers.FinePct = fine
		e := runShock(t, sc, 0)
		cash := e.daily[mPlatformCash][e.cal.days-1]
		if cash > prev {
			t.Errorf("fine %v %%: ending cash %.6g above %.6g at a lower fine", fine, cash, prev)
		}
		prev = cash
	}
}

// TestSuspensionMonotone checks T20(b): at a fixed sanction level, orders and
// courier gross pay inside the suspension window fall with its length and its
// scope (none < new < all).
func TestSuspensionMonotone(t *testing.T) {
	sc := shockScenario(8000)
	sc.Levers.SanctionLevel = 2
	type setting struct {
		days  int
		scope string
	}
	settings := []setting{{0, ScopeNone}, {30, ScopeNew}, {90, ScopeNew}, {30, ScopeAll}, {90, ScopeAll}}
	// ordered pairs (i, j): setting j is at least as severe as i
	pairs := [][2]int{{0, 1}, {1, 2}, {0, 3}, {3, 4}, {1, 3}, {2, 4}}
	d0 := newCalendar(sc.Start, sc.End).day(sc.Disclosure)
	from := d0 + sc.Levers.InvestigationDays + sc.Levers.DecisionDelayDays + sc.Regulator.LagS
	to := from + 90
	for rep := range 2 {
		var orders, pay []float64
		for _, s := range settings {
			sc.Levers.SuspensionDays, sc.Levers.SuspensionScope = s.days, s.scope
			e := runShock(t, sc, rep)
			orders = append(orders, sumDays(e.daily[mOrders], from, to))
			pay = append(pay, sumDays(e.daily[mCourierGross], from, to))
		}
		for _, p := range pairs {
			i, j := p[0], p[1]
			if orders[j] > orders[i] || pay[j] > pay[i] {
				t.Errorf("replicate %d: %v gives orders %.6g, pay %.6g; more severe %v gives %.6g, %.6g",
					rep, settings[i], orders[i], pay[i], settings[j], orders[j], pay[j])
			}
		}
		if orders[4] >= orders[0] {
			t.Errorf("replicate %d: a 90-day full suspension did not reduce orders", rep)
		}
	}
}

// TestVoucherCostMonotone checks T20(c): with c_v = 0 the voucher cost is
// non-decreasing in the face value.
func TestVoucherCostMonotone(t *testing.T) {
	sc := shockScenario(5000)
	sc.Jumps.CV = 0
	prev := -1.0
	for _, face := range []float64{10_000, 25_000, 50_000} {
		voucherDesigns["test"] = voucherTerms{core: face, validDays: 90, restrictive: true}
		sc.Levers.VoucherDesign = "test"
		e := runShock(t, sc, 0)
		cost := sumDays(e.daily[mVoucherExpense], 0, e.cal.days)
		if cost < prev || cost <= 0 {
			t.Errorf("face %v: voucher cost %.6g, below %.6g at a lower face value", face, cost, prev)
		}
		prev = cost
	}
	delete(voucherDesigns, "test")
}

// TestInvestigationMonotone checks T20(d): with vouchers off and no account
// deletions, cumulative orders fall as the investigation lengthens.
func TestInvestigationMonotone(t *testing.T) {
	sc := shockScenario(8000)
	sc.End = DefaultScenario().End // every probe length ends inside the run
	sc.Levers.VoucherDesign = VoucherNone
	sc.Consumers.PDel = 0
	prev := math.Inf(1)
	for _, days := range []int{30, 73, 180, 365} {
		sc.Levers.InvestigationDays = days
		e := runShock(t, sc, 0)
		orders := sumDays(e.daily[mOrders], 0, e.cal.days)
		if orders > prev {
			t.Errorf("T_inv %d: cumulative orders %.6g above %.6g for a shorter probe", days, orders, prev)
		}
		prev = orders
	}
}

// TestSanctionEffectSigns checks T21: with xi_sig = 0 a decision leaves mean
// trust 30 days later at least as high as a decision without jumps; with
// xi_close = 0, at most as high.
func TestSanctionEffectSigns(t *testing.T) {
	sc := shockScenario(5000)
	sc.Levers.SanctionLevel = 3
	d0 := newCalendar(sc.Start, sc.End).day(sc.Disclosure)
	day := d0 + sc.Levers.InvestigationDays + sc.Levers.DecisionDelayDays + 30
	meanTrust := func(effect [2]float64) float64 {
		sanctionEffects["test"] = effect
		defer delete(sanctionEffects, "test")
		sc.Levers.SanctionEffect = "test"
		e := newTestEngine(t, sc, 0, false, 1)
		for e.t <= day {
			e.Step()
		}
		return mean(e.c.Tau)
	}
	none, closure, signal := meanTrust([2]float64{0, 0}), meanTrust([2]float64{0.05, 0}), meanTrust([2]float64{0, 0.01})
	if closure < none {
		t.Errorf("closure only (xi_sig = 0): mean trust %.6f below no-jump decision %.6f", closure, none)
	}
	if signal > none {
		t.Errorf("signal only (xi_close = 0): mean trust %.6f above no-jump decision %.6f", signal, none)
	}
	if closure == none || signal == none {
		t.Error("a decision jump changed nothing")
	}
}

// intensive are the daily metrics that do not scale with the real counts.
var intensive = map[string]bool{
	"gbar": true, "trust_mean": true, "trust_p10": true, "trust_p50": true, "trust_p90": true,
	"share_reduced": true, "c0_reduced": true, "aware_share": true, "spreader_share": true, "media_attention": true,
	"ambiguity": true, "regulator_state": true, "suspension_new": true, "suspension_all": true,
	"vto_offer": true, "parcels_per_courier": true, "courier_income_mean": true,
}

// TestRealScaling checks T23: multiplying every real count (and the
// remediation budget) by k multiplies every extensive output by k and leaves
// the rest unchanged.
func TestRealScaling(t *testing.T) {
	const k = 3
	sc := shockScenario(5000)
	scaled := sc
	p := &scaled.Population
	p.RealConsumers, p.RealMerchants, p.RealCouriers, p.RealStaff = k*p.RealConsumers, k*p.RealMerchants, k*p.RealCouriers, k*p.RealStaff
	scaled.Platform.RRem *= k
	a, b := runShock(t, sc, 0).Tables(), runShock(t, scaled, 0).Tables()
	for m, name := range a.Daily.Metrics {
		f := float64(k)
		if intensive[name] {
			f = 1
		}
		for d, x := range a.Daily.Values[m] {
			y := b.Daily.Values[m][d]
			if math.Abs(y-f*x) > 1e-9*math.Max(1, math.Abs(f*x)) {
				t.Fatalf("%s on day %d: %.12g, want %g x %.12g", name, d, y, f, x)
			}
		}
	}
}

// TestVoucherPnLTiming: the voucher accounting lever moves expenses between
// days but not cash: platform cash is the same every day, the on_pledge
// expense falls on the announcement day (the provision) and the expiry day
// (the reversal), and over the run it is the pledged value less what was
// still unused at expiry.
func TestVoucherPnLTiming(t *testing.T) {
	sc := shockScenario(5000)
	redemption := runShock(t, sc, 0)
	sc.Levers.VoucherPnL = OnPledge
	pledge := runShock(t, sc, 0)
	s := pledge.sched
	for d := range pledge.cal.days {
		if a, b := redemption.daily[mPlatformCash][d], pledge.daily[mPlatformCash][d]; a != b {
			t.Fatalf("day %d: platform cash %v with on_redemption, %v with on_pledge", d, a, b)
		}
		if x := pledge.daily[mVoucherExpense][d]; x != 0 && d != s.announce && d != s.vouchers.to {
			t.Errorf("day %d: on_pledge voucher expense %v outside the announcement and expiry days", d, x)
		}
	}
	if pledge.pledged <= 0 || pledge.daily[mVoucherExpense][s.announce] != pledge.pledged {
		t.Errorf("provision %v on the announcement day, pledged %v", pledge.daily[mVoucherExpense][s.announce], pledge.pledged)
	}
	left := pledge.daily[mVoucherLiability][s.vouchers.to-1]
	used := 0.0
	for d := s.vouchers.from; d < s.vouchers.to; d++ {
		used += pledge.daily[mRedeemed][d]
	}
	total := sumDays(pledge.daily[mVoucherExpense], 0, pledge.cal.days)
	if math.Abs(total-(pledge.pledged-left)) > 1e-6*pledge.pledged || left <= 0 {
		t.Errorf("on_pledge expense over the run %.6g, want pledged %.6g less unused %.6g", total, pledge.pledged, left)
	}
	if math.Abs(pledge.pledged-left-used) > 1e-6*pledge.pledged {
		t.Errorf("liability fell by %.6g, redeemed %.6g", pledge.pledged-left, used)
	}
}
