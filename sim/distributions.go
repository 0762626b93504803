package sim

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/ripple-sim/ripple/agents"
)

// Monthly distribution snapshots of MODEL.md §5, taken on each month's last
// simulated day: merchant revenue change by class, the harmed-merchant
// conditional mean, merchant cash, courier monthly net income and its change
// against the disclosure month, and distinct VTO acceptors per window.

var (
	distQuantiles = []float64{0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95}
	distClasses   = []string{"nonperishable_dep_lo", "nonperishable_dep_mid", "nonperishable_dep_hi",
		"perishable_dep_lo", "perishable_dep_mid", "perishable_dep_hi"}
)

// distMetrics returns the names of the distribution table's columns.
func distMetrics(windows int) []string {
	var names []string
	for c := -1; c < agents.MerchantClasses; c++ {
		suffix := ""
		if c >= 0 {
			suffix = "_" + distClasses[c]
		}
		for _, q := range distQuantiles {
			names = append(names, fmt.Sprintf("rev_change_p%d%s", int(math.Round(q*100)), suffix))
		}
	}
	names = append(names, "hcm",
		"merchant_cash_p10", "merchant_cash_p50", "merchant_cash_p90",
		"courier_income_p10", "courier_income_p50", "courier_income_p90",
		"courier_income_change_p10", "courier_income_change_p50", "courier_income_change_p90")
	for w := range windows {
		names = append(names, fmt.Sprintf("dva_%d", w+1))
	}
	return names
}

// snapshot fills the distribution columns of month m (day t is its last day).
func (e *Engine) snapshot(t int) {
	m := int(e.cal.month[t])
	col := 0
	put := func(v float64) { e.dist[col][m] = v; col++ }
	for c := -1; c < agents.MerchantClasses; c++ {
		e.scratch = e.merchants.AppendDelta(e.scratch[:0], m, c)
		slices.Sort(e.scratch)
		for _, q := range distQuantiles {
			put(agents.Quantile(e.scratch, q))
		}
	}
	e.scratch = e.merchants.AppendDelta(e.scratch[:0], m, -1)
	sum, n := 0.0, 0
	for _, d := range e.scratch {
		if d < -0.10 {
			sum += d
			n++
		}
	}
	put(ratioNaN(sum, float64(n)))

	e.scratch = e.scratch[:0]
	for j, alive := range e.merchants.Alive {
		if alive {
			e.scratch = append(e.scratch, e.merchants.Cash[j])
		}
	}
	slices.Sort(e.scratch)
	put(agents.Quantile(e.scratch, 0.10))
	put(agents.Quantile(e.scratch, 0.50))
	put(agents.Quantile(e.scratch, 0.90))

	ref := int16(e.cal.month[e.cal.day(e.sc.Disclosure)])
	var inc agents.CourierIncome
	var err error
	if int16(m) > ref {
		inc, err = e.couriers.IncomeStats(int16(m), ref, cohortRef)
	} else {
		inc, err = e.couriers.IncomeStats(int16(m), int16(m), 0)
		inc.DP10, inc.DP50, inc.DP90 = math.NaN(), math.NaN(), math.NaN()
	}
	if err != nil {
		inc = agents.CourierIncome{P10: math.NaN(), P50: math.NaN(), P90: math.NaN(),
			DP10: math.NaN(), DP50: math.NaN(), DP90: math.NaN()}
	}
	for _, v := range []float64{inc.P10, inc.P50, inc.P90, inc.DP10, inc.DP50, inc.DP90} {
		put(v)
	}
	for w := range e.vtoWindows {
		put(e.staff.DVA(w, e.base.wF))
	}
}

// cohortRef marks the couriers Active on the first day of the disclosure
// month, the cohort of CT-5's income change.
const cohortRef uint8 = 1

func ratioNaN(a, b float64) float64 {
	if b == 0 {
		return math.NaN()
	}
	return a / b
}

// distributions returns the snapshot table, one row per calendar month.
func (e *Engine) distributions() Table {
	if e.merchants == nil {
		return Table{}
	}
	days := e.cal.days
	nm := int(e.cal.month[days-1]) + 1
	t := Table{Metrics: distMetrics(len(e.vtoWindows)), Dates: make([]time.Time, nm), Values: make([][]float64, len(e.dist))}
	for d := range days {
		t.Dates[e.cal.month[d]] = firstOfMonth(e.cal.date(d))
	}
	for i := range e.dist {
		t.Values[i] = slices.Clone(e.dist[i][:nm])
	}
	return t
}
