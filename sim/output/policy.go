package output

import (
	"encoding/csv"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/ripple-sim/ripple/sim"
)

// PolicyMetric defines one row of the policy summary (MODEL.md §5): the
// cumulative effect of the breach on a group over the whole horizon.
//
// Sign conventions: a replicate's value is Sign × Σ_days (shock − twin) of the
// Sources added together. With Sign +1 (most rows) a loss is negative (net
// income, pay, profit) and an extra quantity positive (exits, spoilage, fines).
// Sign −1 turns a loss into a positive number: forgone orders and GMV are
// twin − shock.
type PolicyMetric struct {
	Group   string   // consumers, merchants, couriers, fc_staff, platform
	Name    string   // metric name in policy.csv
	Sources []string // daily metrics (sim.DailyMetrics), added together
	Sign    float64  // +1 or −1, see above
	Unit    string
}

// PolicyMetrics are the rows of the policy summary, in output order.
var PolicyMetrics = []PolicyMetric{
	{"consumers", "forgone_orders", []string{"orders"}, -1, "orders"},
	{"consumers", "forgone_gmv", []string{"gmv"}, -1, "KRW"},
	{"merchants", "net_income", []string{"merchant_net_income"}, 1, "KRW"},
	{"merchants", "exits", []string{"merchant_exits"}, 1, "merchants"},
	{"merchants", "spoilage", []string{"spoiled_value"}, 1, "KRW"},
	{"merchants", "lost_sales", []string{"lost_sales"}, 1, "KRW"},
	{"couriers", "gross_pay", []string{"courier_gross_pay"}, 1, "KRW"},
	{"fc_staff", "wages", []string{"fc_wages"}, 1, "KRW"},
	{"fc_staff", "vto_hours", []string{"fc_vto_hours"}, 1, "hours"},
	{"platform", "net_profit", []string{"net_profit"}, 1, "KRW"},
	{"platform", "revenue", []string{"revenue"}, 1, "KRW"},
	{"platform", "vouchers", []string{"vouchers_expense"}, 1, "KRW"},
	{"platform", "fines", []string{"fines"}, 1, "KRW"},
	{"platform", "remediation", []string{"remediation", "corrective"}, 1, "KRW"},
}

// PolicyRow is one row of the policy summary: a metric and its cumulative
// effect described across replicates.
type PolicyRow struct {
	PolicyMetric
	Stat
}

// Policy returns the policy summary of a batch: one row for each of
// PolicyMetrics whose sources are all in the daily table, in that order.
func Policy(results []sim.Result) []PolicyRow {
	if len(results) == 0 {
		return nil
	}
	dates := results[0].Shock.Daily.Dates
	if len(dates) == 0 {
		return nil
	}
	var rows []PolicyRow
	for _, pm := range PolicyMetrics {
		w, ok := SumDaily(results, dates[0], dates[len(dates)-1], pm.Sources...)
		if !ok {
			continue
		}
		xs := slices.Clone(w.Sums[Effect])
		for i, x := range xs {
			xs[i] = pm.Sign*x + 0 // + 0 turns −0 into 0
		}
		rows = append(rows, PolicyRow{pm, Describe(xs)})
	}
	return rows
}

// Window holds per-replicate sums of daily metrics over a date window.
type Window struct {
	Days int          // days of the daily table inside the window
	Sums [3][]float64 // Sums[v][i]: replicate i's sum for variant v; Effect = Shock − Twin
}

// Stat describes variant v's sums across replicates.
func (w Window) Stat(v Variant) Stat { return Describe(w.Sums[v]) }

// SumDaily sums daily metrics (added together) over the dates from..to,
// inclusive, per replicate and variant. ok is false when a metric is not in
// the daily table or no date falls in the window. As with Summarize, the
// layout comes from the first result.
func SumDaily(results []sim.Result, from, to time.Time, metrics ...string) (w Window, ok bool) {
	if len(results) == 0 || len(metrics) == 0 {
		return w, false
	}
	ref := &results[0].Shock.Daily
	cols := make([]int, len(metrics))
	for i, m := range metrics {
		if cols[i] = slices.Index(ref.Metrics, m); cols[i] < 0 {
			return w, false
		}
	}
	var days []int
	for d, date := range ref.Dates {
		if !date.Before(from) && !date.After(to) {
			days = append(days, d)
		}
	}
	if len(days) == 0 {
		return w, false
	}
	w.Days = len(days)
	for v := range w.Sums {
		w.Sums[v] = make([]float64, len(results))
	}
	for i := range results {
		for v, t := range []*sim.Table{&results[i].Shock.Daily, &results[i].Twin.Daily} {
			for _, m := range cols {
				for _, d := range days {
					w.Sums[v][i] += at(t, m, d)
				}
			}
		}
		w.Sums[Effect][i] = w.Sums[Shock][i] - w.Sums[Twin][i]
	}
	return w, true
}

// Describe describes values across replicates as Summarize does: NaNs are
// skipped. xs is not modified.
func Describe(xs []float64) Stat {
	ys := make([]float64, 0, len(xs))
	for _, x := range xs {
		if !math.IsNaN(x) {
			ys = append(ys, x)
		}
	}
	return describe(ys, make([]float64, len(ys)+1))
}

var policyHeader = []string{"scenario", "lever_set", "versus", "group", "metric", "unit", "n", "mean", "se", "ci_lo", "ci_hi", "p5", "p50", "p95"}

// writePolicyRows writes one arm's policy rows against one reference.
func writePolicyRows(cw *csv.Writer, scenario, leverSet, versus string, rows []PolicyRow) error {
	for _, r := range rows {
		err := cw.Write([]string{scenario, leverSet, versus, r.Group, r.Name, r.Unit, strconv.Itoa(r.N),
			formatStat(r.Mean), formatStat(r.SE), formatStat(r.Lo), formatStat(r.Hi),
			formatStat(r.P5), formatStat(r.P50), formatStat(r.P95)})
		if err != nil {
			return err
		}
	}
	return nil
}
