package targets

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ripple-sim/ripple/sim"
)

// sameChecks compares checks field by field with reflect.DeepEqual, NaN
// equal to NaN (and only to NaN).
func sameChecks(t *testing.T, what string, got, want []Check) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d checks, want %d", what, len(got), len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		for _, p := range [][2]*float64{{&g.Mean, &w.Mean}, {&g.Lo, &w.Lo}, {&g.Hi, &w.Hi}} {
			if math.IsNaN(*p[0]) && math.IsNaN(*p[1]) {
				*p[0], *p[1] = 0, 0
			}
		}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%s: %s\n got %+v\nwant %+v", what, w.ID, got[i], want[i])
		}
	}
}

// accumulate feeds results one at a time.
func accumulate(s *Set, results []sim.Result, sc *sim.Scenario) []Check {
	a := s.NewAccumulator(sc)
	for i := range results {
		a.Add(&results[i])
	}
	return a.Checks()
}

// TestAccumulatorSynthetic compares the Accumulator with the evaluators it
// replaced (legacy_test.go) on synthetic batches that pass, fail, lack
// inputs, hold NaNs and fail in different replicates of different series.
func TestAccumulatorSynthetic(t *testing.T) {
	s := Default()
	other := sim.DefaultScenario()
	other.Windows.VTO = [][2]time.Time{{date(2025, 11, 1), date(2025, 11, 30)}}
	other.Windows.MerchantBase[0] = date(2025, 9, 1)
	other.Disclosure = date(2025, 12, 3)
	dropMonthly := func(r *sim.Result, m time.Time) {
		tb := &r.Shock.Monthly
		tb.Dates = slices.Clone(tb.Dates) // shared with the distributions table
		for d := range tb.Dates {
			if tb.Dates[d].Equal(m) {
				tb.Dates[d] = date(1999, 1, 1)
			}
		}
	}
	for _, tc := range []struct {
		name   string
		change func(k *knobs)
		edit   func(rs []sim.Result) // after synth
		sc     *sim.Scenario
	}{
		{name: "base"},
		{name: "fails", change: func(k *knobs) {
			k.mau[jan26], k.hcm, k.stockJan, k.dva, k.incomeChange = 99, -0.2, 90, 20000, 500
			k.payJan, k.revFactor, k.profitTwin, k.cancelsShock = 2000*(1+1e-8), 0.95, -1e8, 5e4
		}},
		{name: "rises", change: func(k *knobs) { k.mau[dec25] = 100.32; k.mau[jan26] = 100.32 * 1.032 }},
		{name: "no January", change: func(k *knobs) { delete(k.mau, jan26); delete(k.mau, date(2026, 2, 1)) }},
		{name: "other scenario", sc: &other},
		{name: "NaN values", edit: func(rs []sim.Result) {
			rs[1].Shock.Distributions.Col("hcm")[4] = math.NaN()
			rs[2].Shock.Daily.Col("courier_gross_pay")[100] = math.NaN()
			rs[0].Shock.Quarterly.Col("purchasers")[1] = math.NaN()
		}},
		{name: "errors in different replicates", edit: func(rs []sim.Result) {
			// CT-2: the ratio fails in replicate 1 on January, in replicate 2 on November:
			// replicate 1's error is reported.
			dropMonthly(&rs[2], nov25)
			dropMonthly(&rs[1], jan26)
			// CT-3b: the stock fails in replicate 0, the P10 in replicate 2: the P10's error wins.
			rs[0].Shock.Daily.Metrics[0] = "renamed"
			rs[2].Shock.Distributions.Metrics[5] = "renamed"
			// CT-10: cancellations fail in replicate 0, purchasers in replicate 1.
			rs[0].Shock.Quarterly.Metrics[1] = "renamed"
			rs[1].Twin.Quarterly.Metrics[0] = "renamed"
		}},
	} {
		k := baseKnobs()
		if tc.change != nil {
			tc.change(&k)
		}
		rs := batch(k)
		if tc.edit != nil {
			tc.edit(rs)
		}
		want := s.legacyEvaluate(rs, tc.sc)
		sameChecks(t, tc.name, accumulate(&s, rs, tc.sc), want)
		sameChecks(t, tc.name+" (Evaluate)", s.Evaluate(rs, tc.sc), want)
		for n := 0; n < len(rs); n++ {
			sameChecks(t, fmt.Sprintf("%s, first %d", tc.name, n), accumulate(&s, rs[:n], tc.sc), s.legacyEvaluate(rs[:n], tc.sc))
		}
	}
	a := s.NewAccumulator(nil)
	rs := batch(baseKnobs())
	a.Add(&rs[0])
	first := a.Checks()
	sameChecks(t, "Checks twice", a.Checks(), first)
	a.Add(&rs[1])
	a.Add(&rs[2])
	sameChecks(t, "Checks after more Adds", a.Checks(), s.legacyEvaluate(rs, nil))
	s.Targets[0].ID = "CT-99" // the accumulator keeps its own copy
	sameChecks(t, "after a change of the set", a.Checks(), Evaluate(rs, nil))
}

// TestAccumulatorRealBatch runs a small batch of the case (MODEL.md's
// parameters and the preset's main events; 2,000 consumers, to the end of
// the fit window) and feeds the units to an
// Accumulator as they finish, keeping no tables in it; its checks are those
// of the evaluators it replaced, computed afterwards on the whole batch.
func TestAccumulatorRealBatch(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the simulation")
	}
	sc := sim.DefaultScenario()
	sc.Population.Consumers = 2000
	sc.End = sim.Date(2026, 5, 31) // CT-8's window ends on 2026-05-28
	sc.Events = caseEvents()
	const reps = 4
	nf := sc
	nf.Levers.FollowUpAccounts = 0
	d := sim.SingleDesign(sc, "case", 11, reps)
	d.Points[0].LeverSets = append(d.Points[0].LeverSets, sim.LeverSet{Name: "no_follow_up", Scenario: nf})
	acc := NewAccumulator(&sc)
	results := make([]sim.Result, reps)
	var mu sync.Mutex
	err := sim.RunUnits(context.Background(), &d, d.Units(), 2, func(u *sim.UnitResult) error {
		r := u.Result(0)
		mu.Lock()
		defer mu.Unlock()
		acc.Add(&r) // in the order units finish
		acc.AddNoFollowUp(u.Replicate, &u.Shocks[1])
		results[u.Replicate] = r
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	s := Default()
	want := s.legacyEvaluate(results, &sc)
	computed := 0
	for _, c := range want {
		if c.Status != NotComputed {
			computed++
		}
	}
	if computed < 9 {
		t.Fatalf("only %d statistics computed on the real batch: %+v", computed, want)
	}
	// Describe sorts the values, so the order replicates arrive in does not
	// change a computed statistic. The batch form has no CT-9, which the
	// streamed one computes from the second lever set.
	streamed := acc.Checks()
	i9 := slices.IndexFunc(streamed, func(c Check) bool { return c.ID == "CT-9" })
	ct9 := streamed[i9]
	if ct9.Status == NotComputed || ct9.N != reps || !(ct9.Mean > 0) {
		t.Errorf("CT-9 on the real batch: %+v", ct9)
	}
	want[i9], streamed[i9] = Check{}, Check{}
	sameChecks(t, "streamed", streamed, want)
	inOrder, eval := accumulate(&s, results, &sc), Evaluate(results, &sc)
	if inOrder[i9].Status != NotComputed || eval[i9].Status != NotComputed {
		t.Errorf("CT-9 computed without the runs without the follow-up")
	}
	inOrder[i9], eval[i9] = Check{}, Check{}
	sameChecks(t, "in order", inOrder, want)
	sameChecks(t, "Evaluate", eval, want)
}

// caseEvents are the kr_coupang_2025 preset's events that move the
// statistics (configs holds the preset; the test does not depend on it).
func caseEvents() []sim.Event {
	d := sim.Date
	return []sim.Event{
		{Date: d(2025, 11, 20), Type: sim.Incident, Accounts: 4_500, Sens: 1},
		{Date: d(2025, 11, 29), Type: sim.Incident, Accounts: 33.7e6, Sens: 1},
		{Date: d(2025, 11, 29), Type: sim.RivalShock, Rival: 3, Shift: -0.3},
		{Date: d(2025, 11, 30), Type: sim.ProbeOpen, Media: 0.3},
		{Date: d(2025, 12, 17), Type: sim.Hearing, Media: 0.3},
		{Type: sim.Apology, Media: 0.3},
		{Date: d(2025, 12, 29), Type: sim.VoucherAnnounce, Media: 0.5},
		{Date: d(2026, 1, 15), Type: sim.VoucherIssue, Media: 0.2},
		{Date: d(2026, 2, 5), Type: sim.Incident, Sens: 1, FollowUp: true},
	}
}
