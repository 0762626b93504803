package targets

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ripple-sim/ripple/sim"
)

// knobs set a synthetic replicate whose statistics are known.
type knobs struct {
	mau                       map[time.Time]float64 // monthly MAU of the shock (the twin's is 100)
	hcm, dva, incomeChange    float64               // January's distribution values
	perishQ                   [7]float64            // January's rev_change quantiles, every perishable class
	stockBase, stockJan       float64               // perishable_stock in the base window and in January
	payNov, payJan            float64               // courier pay per parcel up to November, from December
	revTwin, revFactor        float64               // daily revenue of the twin; shock = factor * twin in Q4
	profitShock, profitTwin   float64               // daily net profit
	buyersShock, buyersTwin   float64               // Q4 purchasers
	cancelsShock, cancelsTwin float64               // Q4 WOW cancellations
	c0                        float64               // cohort C0's reduced share from D0
}

func baseKnobs() knobs {
	return knobs{
		mau: map[time.Time]float64{date(2025, 9, 1): 100, date(2025, 10, 1): 100, nov25: 100,
			dec25: 99.68, jan26: 99.68 * (1 - 0.032), date(2026, 2, 1): 96},
		hcm: -0.35, dva: 8000, incomeChange: -1000,
		perishQ:   [7]float64{-0.8, -0.6, -0.3, -0.1, 0, 0.1, 0.2},
		stockBase: 100, stockJan: 130, payNov: 2000, payJan: 2000,
		revTwin: 1e11, revFactor: 0.99, profitShock: -1e9, profitTwin: 2e9,
		buyersShock: 9e6, buyersTwin: 1e7, cancelsShock: 2e5, cancelsTwin: 1e5,
		c0: 0.7,
	}
}

func tableOf(dates []time.Time, metrics []string, f func(metric string, d time.Time) float64) sim.Table {
	t := sim.Table{Dates: dates, Metrics: metrics}
	for _, m := range metrics {
		col := make([]float64, len(dates))
		for i, d := range dates {
			col[i] = f(m, d)
		}
		t.Values = append(t.Values, col)
	}
	return t
}

// synth builds replicate rep; noise (rep−1)·spread on hcm and dva averages out
// over three replicates.
func synth(k knobs, rep int) sim.Result {
	var days, months []time.Time
	for d := date(2025, 9, 1); !d.After(date(2026, 6, 30)); d = d.AddDate(0, 0, 1) {
		days = append(days, d)
	}
	for m := date(2025, 9, 1); !m.After(date(2026, 2, 1)); m = m.AddDate(0, 1, 0) {
		if _, ok := k.mau[m]; ok {
			months = append(months, m)
		}
	}
	quarters := []time.Time{date(2025, 7, 1), q4of25, date(2026, 1, 1)}
	inQ4 := func(d time.Time) bool { return !d.Before(q4of25) && d.Before(jan26) }
	noise := float64(rep - 1)
	tables := func(shock bool) sim.Tables {
		var tb sim.Tables
		tb.Daily = tableOf(days, []string{"perishable_stock", "parcels_delivered", "courier_gross_pay", "revenue", "net_profit", "orders", "c0_reduced"},
			func(m string, d time.Time) float64 {
				parcels := 1000 + float64(d.YearDay()%17)
				switch m {
				case "perishable_stock":
					if d.Year() == 2026 && d.Month() == 1 {
						return k.stockJan
					}
					return k.stockBase
				case "parcels_delivered":
					return parcels
				case "courier_gross_pay":
					if d.Before(dec25) {
						return k.payNov * parcels
					}
					return k.payJan * parcels
				case "revenue":
					if shock && inQ4(d) {
						return k.revFactor * k.revTwin
					}
					return k.revTwin
				case "c0_reduced":
					if d.Before(date(2025, 11, 29)) {
						return math.NaN()
					}
					return k.c0 + 0.01*noise
				case "net_profit":
					if shock {
						return k.profitShock
					}
					return k.profitTwin
				}
				return 1
			})
		tb.Monthly = tableOf(months, []string{"mau"}, func(_ string, d time.Time) float64 {
			if shock {
				return k.mau[d]
			}
			return 100
		})
		dist := []string{"hcm", "dva_1", "courier_income_change_p50"}
		for _, class := range []string{"lo", "mid", "hi"} {
			for _, p := range []int{5, 10, 25, 50, 75, 90, 95} {
				dist = append(dist, fmt.Sprintf("rev_change_p%d_perishable_dep_%s", p, class))
			}
		}
		tb.Distributions = tableOf(months, dist, func(m string, d time.Time) float64 {
			if !d.Equal(jan26) {
				return math.NaN()
			}
			switch m {
			case "hcm":
				return k.hcm + 0.01*noise
			case "dva_1":
				return k.dva + 100*noise
			case "courier_income_change_p50":
				return k.incomeChange
			}
			q := slices.Index([]int{5, 10, 25, 50, 75, 90, 95}, atoiBetween(m, "rev_change_p", "_"))
			return k.perishQ[q]
		})
		tb.Quarterly = tableOf(quarters, []string{"purchasers", "wow_cancellations"}, func(m string, _ time.Time) float64 {
			switch {
			case m == "purchasers" && shock:
				return k.buyersShock
			case m == "purchasers":
				return k.buyersTwin
			case shock:
				return k.cancelsShock
			}
			return k.cancelsTwin
		})
		return tb
	}
	return sim.Result{Replicate: rep, Shock: tables(true), Twin: tables(false)}
}

// atoiBetween reads the integer between prefix and the next sep of s.
func atoiBetween(s, prefix, sep string) int {
	s = strings.TrimPrefix(s, prefix)
	n := 0
	fmt.Sscanf(s[:strings.Index(s, sep)], "%d", &n)
	return n
}

func batch(k knobs) []sim.Result {
	return []sim.Result{synth(k, 0), synth(k, 1), synth(k, 2)}
}

func find(checks []Check, id string) Check {
	for _, c := range checks {
		if c.ID == id {
			return c
		}
	}
	return Check{ID: "missing " + id}
}

func TestEvaluateSynthetic(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		name   string
		change func(k *knobs)
		id     string
		status string
		mean   float64 // NaN: not checked
		note   string  // in the note
	}{
		{"CT-1 pass", nil, "CT-1", Pass, -0.032, ""},
		{"CT-1 fail", func(k *knobs) { k.mau[jan26] = 99 }, "CT-1", Fail, 99/99.68 - 1, ""},
		{"CT-2 pass", nil, "CT-2", Pass, 0.1, "MoM 2025-12 -0.32%, 2026-01 -3.20%"},
		{"CT-2 fail", func(k *knobs) { k.mau[jan26] = 99 }, "CT-2", Fail, -0.0032 / (99/99.68 - 1), ""},
		{"CT-2 rises", func(k *knobs) { k.mau[dec25] = 100.32; k.mau[jan26] = 100.32 * 1.032 }, "CT-2", Fail, 0.1, "a decline is not negative"},
		{"CT-3 pass", nil, "CT-3", Pass, -0.35, ""},
		{"CT-3 fail", func(k *knobs) { k.hcm = -0.2 }, "CT-3", Fail, -0.2, ""},
		{"CT-3b pass", nil, "CT-3b", Pass, -0.6, "stock 2026-01 / base = 1.3"},
		{"CT-3b stock", func(k *knobs) { k.stockJan = 90 }, "CT-3b", Fail, -0.6, "base = 0.9"},
		{"CT-3b p10", func(k *knobs) { k.perishQ[1] = -0.4 }, "CT-3b", Fail, -0.4, ""},
		{"CT-4 pass", nil, "CT-4", Pass, 8000, ""},
		{"CT-4 fail", func(k *knobs) { k.dva = 3000 }, "CT-4", Fail, 3000, ""},
		{"CT-4 flag", func(k *knobs) { k.dva = 20000 }, "CT-4", Pass, 20000, "above the flag of 15,000"},
		{"CT-5 pass", nil, "CT-5", Pass, -1000, "identity holds"},
		{"CT-5 sign", func(k *knobs) { k.incomeChange = 500 }, "CT-5", Fail, 500, "identity holds"},
		{"CT-5 identity", func(k *knobs) { k.payJan = 2000 * (1 + 1e-8) }, "CT-5", Fail, -1000, "identity fails"},
		{"CT-6 pass", nil, "CT-6", Pass, -0.01, ""},
		{"CT-6 fail", func(k *knobs) { k.revFactor = 0.95 }, "CT-6", Fail, -0.05, ""},
		{"CT-7 pass", nil, "CT-7", Pass, -92e9, "twin 184.0 bn KRW"},
		{"CT-7 fail", func(k *knobs) { k.profitShock = 1e9 }, "CT-7", Fail, 92e9, ""},
		{"CT-7 twin", func(k *knobs) { k.profitTwin = -1e8 }, "CT-7", Fail, -92e9, ""},
		{"CT-8 pass", nil, "CT-8", Pass, 0.7, ""},
		{"CT-8 fail", func(k *knobs) { k.c0 = 0.1 }, "CT-8", Fail, 0.1, ""},
		{"CT-9", nil, "CT-9", NotComputed, nan, "follow_up_breach_accounts = 0"},
		{"CT-10 pass", nil, "CT-10", Pass, -1e6, "shock - twin: 100,000"},
		{"CT-10 buyers", func(k *knobs) { k.buyersShock = 1.1e7 }, "CT-10", Fail, 1e6, ""},
		{"CT-10 cancels", func(k *knobs) { k.cancelsShock = 5e4 }, "CT-10", Fail, -1e6, "-50,000"},
		{"no January", func(k *knobs) { delete(k.mau, jan26); delete(k.mau, date(2026, 2, 1)) }, "CT-1", NotComputed, nan, "the monthly table has no 2026-01-01"},
		{"no January (HCM)", func(k *knobs) { delete(k.mau, jan26); delete(k.mau, date(2026, 2, 1)) }, "CT-3", NotComputed, nan, "the distributions table has no 2026-01-01"},
	} {
		k := baseKnobs()
		if tc.change != nil {
			tc.change(&k)
		}
		c := find(Evaluate(batch(k), nil), tc.id)
		if c.Status != tc.status || !strings.Contains(c.Note, tc.note) {
			t.Errorf("%s: status %q, note %q; want %q and %q", tc.name, c.Status, c.Note, tc.status, tc.note)
		}
		if !math.IsNaN(tc.mean) && math.Abs(c.Mean-tc.mean) > 1e-9*math.Max(1, math.Abs(tc.mean)) {
			t.Errorf("%s: mean %v, want %v", tc.name, c.Mean, tc.mean)
		}
		if math.IsNaN(tc.mean) != math.IsNaN(c.Mean) {
			t.Errorf("%s: mean %v", tc.name, c.Mean)
		}
		if tc.status != NotComputed && (c.N != 3 || !(c.Lo <= c.Mean && c.Mean <= c.Hi)) {
			t.Errorf("%s: n %d, interval [%v, %v] around %v", tc.name, c.N, c.Lo, c.Hi, c.Mean)
		}
	}
}

func TestEvaluateAll(t *testing.T) {
	checks := Evaluate(batch(baseKnobs()), nil)
	if len(checks) != 11 || HighFailed(checks) {
		t.Fatalf("%d checks, high failed %v", len(checks), HighFailed(checks))
	}
	for _, c := range checks {
		if c.Label == "" || c.Target == "" || c.Statistic == "" || c.Weight == "" {
			t.Errorf("%s: %+v", c.ID, c)
		}
	}
	if c := find(checks, "CT-3"); c.Lo >= c.Mean || c.Hi <= c.Mean {
		t.Errorf("CT-3: a noisy statistic has interval [%v, %v] around %v", c.Lo, c.Hi, c.Mean)
	}
	k := baseKnobs()
	k.mau[jan26] = 99
	if !HighFailed(Evaluate(batch(k), nil)) {
		t.Error("a failing CT-1 is not a high failure")
	}
	if c := Evaluate(nil, nil)[0]; c.Status != NotComputed || c.Note != "no replicates" {
		t.Errorf("no results: %+v", c)
	}
}

// TestEvaluateScenario checks that the statistics follow the scenario and
// the dates of the statistic text.
func TestEvaluateScenario(t *testing.T) {
	res := batch(baseKnobs())
	sc := sim.DefaultScenario()
	sc.Windows.VTO = [][2]time.Time{{date(2025, 11, 1), date(2025, 11, 30)}, {date(2025, 12, 1), date(2026, 1, 15)}}
	sc.Windows.MerchantBase[0] = date(2025, 9, 1)
	s := Default()
	checks := s.Evaluate(res, &sc)
	if c := find(checks, "CT-4"); c.Status != NotComputed || !strings.Contains(c.Note, "dva_2") {
		// dva_2 is absent in the synthetic tables: the window's index is used.
		t.Errorf("CT-4 with the window second: %+v", c)
	}
	if c := find(checks, "CT-3"); c.Status != NotComputed || !strings.Contains(c.Note, "base window 2025-09-01..2025-11-28") {
		t.Errorf("CT-3 with another base window: %+v", c)
	}
	sc.Disclosure = date(2025, 12, 3)
	if c := find(s.Evaluate(res, &sc), "CT-5"); c.Status != NotComputed || !strings.Contains(c.Note, "disclosure month 2025-12") {
		t.Errorf("CT-5 with a December disclosure: %+v", c)
	}

	s.Targets[0].Statistic = "MAU(2025-12) / MAU(2025-11) - 1"
	if c := find(s.Evaluate(res, nil), "CT-1"); math.Abs(c.Mean-(-0.0032)) > 1e-12 || c.Label != "MAU Dec-25 / Nov-25 - 1" {
		t.Errorf("CT-1 on other months: %+v", c)
	}
	s.Targets[0].ID = "CT-99"
	if c := s.Evaluate(res, nil)[0]; c.Status != NotComputed || !strings.Contains(c.Note, "no statistic") {
		t.Errorf("unknown id: %+v", c)
	}
}

func TestMixtureQuantile(t *testing.T) {
	q := [7]float64{-0.8, -0.6, -0.3, -0.1, 0, 0.1, 0.2}
	for _, w := range [][]float64{{1}, {1, 1, 1}, {0.2, 0.5, 0.3}} {
		qs := make([][7]float64, len(w))
		for i := range qs {
			qs[i] = q
		}
		if got := mixtureQuantile(qs, w, 0.10); math.Abs(got-(-0.6)) > 1e-12 {
			t.Errorf("identical classes %v: %v, want -0.6", w, got)
		}
	}
	// Exits at -1 up to the P10.
	if got := mixtureQuantile([][7]float64{{-1, -1, -0.5, 0, 0, 0, 0}}, []float64{1}, 0.10); got != -1 {
		t.Errorf("exits: %v", got)
	}
	// Against the pooled P10 of three samples of different shapes.
	r := rand.New(rand.NewPCG(1, 2))
	sizes := []int{3000, 5000, 2000}
	var pooled []float64
	var qs [][7]float64
	var w []float64
	for c, n := range sizes {
		x := make([]float64, n)
		for i := range x {
			x[i] = math.Max(-1, -0.2*float64(c)+0.3*r.NormFloat64())
		}
		slices.Sort(x)
		var cq [7]float64
		for k, p := range revQuantiles {
			cq[k] = type7(x, p)
		}
		qs, w, pooled = append(qs, cq), append(w, float64(n)), append(pooled, x...)
	}
	slices.Sort(pooled)
	want := type7(pooled, 0.10)
	if got := mixtureQuantile(qs, w, 0.10); math.Abs(got-want) > 0.02 { // the CDF is linear between quantiles
		t.Errorf("mixture P10 %v, pooled %v", got, want)
	}
	if got := mixtureQuantile(qs, []float64{1, 0, 0}, 0.10); math.Abs(got-qs[0][1]) > 1e-12 {
		t.Errorf("one class: %v, want %v", got, qs[0][1])
	}
}

func type7(x []float64, p float64) float64 {
	h := p * float64(len(x)-1)
	i := int(h)
	return x[i] + (h-float64(i))*(x[i+1]-x[i])
}

func TestDepShares(t *testing.T) {
	w := depShares(0.6, 0.2)
	if s := w[0] + w[1] + w[2]; math.Abs(s-1) > 1e-12 || !(w[1] > w[0] && w[1] > w[2] && w[0] > 0.1) {
		t.Errorf("Beta(0.6, 0.2) shares %v", w)
	}
	if w := depShares(0.8, 0); w != [3]float64{0, 0, 1} {
		t.Errorf("constant 0.8: %v", w)
	}
}

// TestCT9 pairs each replicate's shock run with its run without the
// follow-up breach, whichever comes first.
func TestCT9(t *testing.T) {
	var days []time.Time
	for d := date(2025, 11, 1); !d.After(date(2026, 3, 1)); d = d.AddDate(0, 0, 1) {
		days = append(days, d)
	}
	orders := func(main, follow float64) sim.Tables {
		return sim.Tables{Daily: tableOf(days, []string{"orders"}, func(_ string, d time.Time) float64 {
			switch {
			case !d.Before(date(2025, 11, 29)) && !d.After(date(2025, 12, 12)):
				return main
			case !d.Before(date(2026, 2, 5)) && !d.After(date(2026, 2, 18)):
				return follow
			}
			return 100
		})}
	}
	twin := orders(100, 100)
	a := NewAccumulator(nil)
	// Main effect 14 * (90 - 100) = -140; follow-up effect 14 * (95 - 95.25 - 0.25k).
	for rep := range 3 {
		nf := orders(90, 95.25+0.25*float64(rep))
		if rep == 1 {
			a.AddNoFollowUp(rep, &nf)
		}
		a.Add(&sim.Result{Replicate: rep, Shock: orders(90, 95), Twin: twin})
		if rep != 1 {
			a.AddNoFollowUp(rep, &nf)
		}
	}
	c := find(a.Checks(), "CT-9")
	// Ratios 0.025, 0.05, 0.075: mean 0.05, inside (0, 0.1].
	if c.Status != Pass || c.N != 3 || math.Abs(c.Mean-0.05) > 1e-12 {
		t.Errorf("CT-9: %+v", c)
	}
	b := NewAccumulator(nil)
	b.Add(&sim.Result{Replicate: 0, Shock: orders(90, 95), Twin: twin})
	b.Add(&sim.Result{Replicate: 1, Shock: orders(90, 95), Twin: twin})
	nf := orders(90, 96)
	b.AddNoFollowUp(0, &nf)
	if c := find(b.Checks(), "CT-9"); c.Status != NotComputed || !strings.Contains(c.Note, "without the follow-up") {
		t.Errorf("CT-9 with a replicate missing its run without the follow-up: %+v", c)
	}
}

func TestNoFollowUp(t *testing.T) {
	cs := sim.DefaultScenario()
	cs.Events = caseEvents()
	nf := cs
	nf.Levers.FollowUpAccounts = 0
	other := nf
	other.Levers.FinePct = 3
	none := cs
	none.Events = caseEvents()[:8] // no follow-up event
	noneNF := none
	noneNF.Levers.FollowUpAccounts = 0
	ls := func(scs ...sim.Scenario) []sim.LeverSet {
		var out []sim.LeverSet
		for _, s := range scs {
			out = append(out, sim.LeverSet{Scenario: s})
		}
		return out
	}
	for _, tc := range []struct {
		name string
		sets []sim.LeverSet
		want int
	}{
		{"pair", ls(cs, nf), 1},
		{"third", ls(cs, other, nf), 2},
		{"other levers too", ls(cs, other), -1},
		{"alone", ls(cs), -1},
		{"case without follow-up", ls(nf, cs), -1},
		{"no follow-up event", ls(none, noneNF), -1},
	} {
		if got := NoFollowUp(tc.sets); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
}
