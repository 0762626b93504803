package main

import (
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ripple-sim/ripple/sim"
	"github.com/ripple-sim/ripple/sim/output"
)

// The console summary shows the months around the disclosure.
var summaryFrom, summaryTo = sim.Date(2025, 10, 1), sim.Date(2026, 3, 1)

// printSummary prints mean MAU of shock and twin by month, the effect on
// monthly orders and on Active consumers at month end with 95 % intervals,
// and a line per group of agents.
func printSummary(w io.Writer, sc *sim.Scenario, seed uint64, g groupSums, policy []output.PolicyRow, s output.Summary) {
	n := 0
	if st := s.Monthly.Series(output.Shock, "mau"); len(st) > 0 {
		n = st[0].N
	}
	fmt.Fprintf(w, "%s: %s (seed %d), %d consumer agents for %s app users\n\n",
		sc.Name, plural(n, "replicate"), seed, sc.Population.Consumers, millions(sc.Population.RealConsumers))
	printMonths(w, s)
	printGroups(w, g, policy, s)
}

// printMonths prints the monthly table.
func printMonths(w io.Writer, s output.Summary) {
	mauS, momS := s.Monthly.Series(output.Shock, "mau"), s.Monthly.Series(output.Shock, "mau_mom")
	mauT, momT := s.Monthly.Series(output.Twin, "mau"), s.Monthly.Series(output.Twin, "mau_mom")
	orders := s.Monthly.Series(output.Effect, "orders")
	active := s.Daily.Series(output.Effect, "active")

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "month\tMAU shock\tMoM\tMAU twin\tMoM\teffect on orders\teffect on Active (month end)")
	fmt.Fprintln(tw, "\t(M)\t\t(M)\t\t(M, 95% CI)\t(M, 95% CI)")
	rows := 0
	for k, month := range s.Monthly.Dates {
		if month.Before(summaryFrom) || month.After(summaryTo) {
			continue
		}
		rows++
		end := monthEnd(s.Daily.Dates, month)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", month.Format("Jan 2006"),
			mean(mauS, k, 1e-6, "%.2f"), mean(momS, k, 100, "%+.1f%%"),
			mean(mauT, k, 1e-6, "%.2f"), mean(momT, k, 100, "%+.1f%%"),
			interval(orders, k), interval(active, end))
	}
	if rows == 0 {
		fmt.Fprintf(w, "(the run has no months between %s and %s to summarise; see summary.csv)\n",
			summaryFrom.Format("Jan 2006"), summaryTo.Format("Jan 2006"))
		return
	}
	tw.Flush()
	fmt.Fprintln(w, "\nMAU: distinct visitors in the month, mean over replicates; M = millions of real users or orders.")
	fmt.Fprintln(w, "effect = shock - twin on the same random numbers; 95% CI = mean +/- t(0.975, n-1) * se.")
}

// monthEnd returns the index of the last daily date in month's month, or -1.
func monthEnd(days []time.Time, month time.Time) int {
	end := -1
	for d, day := range days {
		if day.Year() == month.Year() && day.Month() == month.Month() {
			end = d
		}
	}
	return end
}

// mean formats st[k].Mean*scale, or "n/a" when it is missing.
func mean(st []output.Stat, k int, scale float64, format string) string {
	if k < 0 || k >= len(st) || math.IsNaN(st[k].Mean) {
		return "n/a"
	}
	return fmt.Sprintf(format, st[k].Mean*scale)
}

// interval formats a mean and its 95 % interval in millions.
func interval(st []output.Stat, k int) string {
	if k < 0 || k >= len(st) || math.IsNaN(st[k].Mean) {
		return "n/a"
	}
	x := st[k]
	if x.N < 2 {
		return fmt.Sprintf("%+.2f [n/a]", x.Mean/1e6)
	}
	return fmt.Sprintf("%+.2f [%+.2f, %+.2f]", x.Mean/1e6, x.Lo/1e6, x.Hi/1e6)
}

// plural formats "1 replicate", "2 replicates".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// window is a closed range of days.
type window struct {
	name     string
	from, to time.Time
}

func month(y int, m time.Month) window {
	from := sim.Date(y, m, 1)
	return window{from.Format("Jan 2006"), from, from.AddDate(0, 1, -1)}
}

// Windows of the group lines.
var (
	nov25, dec25, jan26 = month(2025, 11), month(2025, 12), month(2026, 1)
	q4y25               = window{"Q4 2025", sim.Date(2025, 10, 1), sim.Date(2025, 12, 31)}
)

// days returns the number of days in w.
func (w window) days() int { return int(w.to.Sub(w.from).Hours()/24) + 1 }

// groupNeeds are the (window, metric) sums the group lines use; a nil from
// and to mean the whole run.
var groupNeeds = []struct {
	w      window
	metric string
}{
	{jan26, "merchant_sales"}, {jan26, "courier_income_mean"}, {nov25, "courier_income_mean"},
	{window{name: "run"}, "fc_vto_shifts"}, {dec25, "vto_offer"}, {q4y25, "revenue"}, {q4y25, "net_profit"},
}

// groupSums holds the per-replicate window sums behind the group lines, fed
// one replicate at a time so that a batch of any size needs a few numbers per
// replicate.
type groupSums map[string]*output.Window

// add adds one replicate's sums.
func (g groupSums) add(r *sim.Result) {
	dates := r.Shock.Daily.Dates
	if len(dates) == 0 {
		return
	}
	for _, n := range groupNeeds {
		w := n.w
		if w.name == "run" {
			w.from, w.to = dates[0], dates[len(dates)-1]
		}
		s, ok := output.SumDaily([]sim.Result{*r}, w.from, w.to, n.metric)
		if !ok || (n.w.name != "run" && s.Days != w.days()) {
			continue // the run does not cover all of the window
		}
		key := n.w.name + "." + n.metric
		if g[key] == nil {
			g[key] = &output.Window{Days: s.Days}
		}
		for v := range s.Sums {
			g[key].Sums[v] = append(g[key].Sums[v], s.Sums[v]...)
		}
	}
}

// sum returns the per-replicate sums of a metric over w, or ok false unless
// the run covers all of w.
func (g groupSums) sum(w window, metric string) (output.Window, bool) {
	s := g[w.name+"."+metric]
	if s == nil {
		return output.Window{}, false
	}
	return *s, true
}

// daily returns variant v's per-replicate daily means over a window.
func daily(s output.Window, v output.Variant) []float64 {
	xs := make([]float64, len(s.Sums[v]))
	for i, x := range s.Sums[v] {
		xs[i] = x / float64(s.Days)
	}
	return xs
}

// change describes the per-replicate relative change a/b - 1.
func change(a, b []float64) output.Stat {
	xs := make([]float64, len(a))
	for i := range a {
		xs[i] = math.NaN()
		if b[i] != 0 {
			xs[i] = a[i]/b[i] - 1
		}
	}
	return output.Describe(xs)
}

// ci formats st.Mean*scale with its 95 % interval, e.g. "-1.2 [-1.5, -0.9]",
// or "n/a".
func ci(st output.Stat, scale float64, format string) string {
	if st.N == 0 || math.IsNaN(st.Mean) {
		return "n/a"
	}
	s := fmt.Sprintf(format, st.Mean*scale)
	if !math.IsNaN(st.Lo) {
		s += fmt.Sprintf(" ["+format+", "+format+"]", st.Lo*scale, st.Hi*scale)
	}
	return s
}

// printGroups prints a line per group of agents: the breach's effect on
// merchants, couriers, FC staff and the platform. Statements whose metrics
// the run lacks are left out, and so are lines with none.
func printGroups(w io.Writer, g groupSums, rows []output.PolicyRow, s output.Summary) {
	horizon := window{name: "run"}
	policy := map[string]output.Stat{}
	for _, r := range rows {
		policy[r.Group+"."+r.Name] = r.Stat
	}
	var lines [][2]string
	add := func(group string, parts ...string) {
		var ps []string
		for _, p := range parts {
			if p != "" {
				ps = append(ps, p)
			}
		}
		if len(ps) > 0 {
			lines = append(lines, [2]string{group, strings.Join(ps, "; ")})
		}
	}
	effect := func(key, what string, scale float64, format, unit string) string {
		if st, ok := policy[key]; ok {
			return what + " " + ci(st, scale, format) + " " + unit
		}
		return ""
	}

	var sales string
	if x, ok := g.sum(jan26, "merchant_sales"); ok {
		sales = "daily sales " + jan26.name + " vs twin " + ci(change(daily(x, output.Shock), daily(x, output.Twin)), 100, "%+.1f") + " %"
	}
	add("merchants", sales, effect("merchants.exits", "exits effect", 1, "%+.0f", "merchants"))

	var income string
	if jan, ok := g.sum(jan26, "courier_income_mean"); ok {
		if nov, ok := g.sum(nov25, "courier_income_mean"); ok {
			income = "mean income " + jan26.name + " vs " + nov25.name + " (shock) " +
				ci(change(daily(jan, output.Shock), daily(nov, output.Shock)), 100, "%+.1f") + " %"
		}
	}
	add("couriers", income, effect("couriers.gross_pay", "gross pay effect", 1e-9, "%+.2f", "KRW bn"))

	var shifts, offer, dva string
	if x, ok := g.sum(horizon, "fc_vto_shifts"); ok {
		shifts = "VTO shifts effect " + ci(x.Stat(output.Effect), 1, "%+.0f") + " person-shifts"
	}
	if x, ok := g.sum(dec25, "vto_offer"); ok {
		offer = fmt.Sprintf("mean VTO offer rate %s %s %% (twin %s %%)", dec25.name,
			ci(output.Describe(daily(x, output.Shock)), 100, "%.1f"), ci(output.Describe(daily(x, output.Twin)), 100, "%.1f"))
	}
	if st := s.Distributions.Series(output.Shock, "dva_1"); len(st) > 0 {
		dva = "distinct VTO acceptors, first window " + ci(st[len(st)-1], 1, "%.0f") + " persons"
	}
	add("FC staff", shifts, offer, dva)

	var revenue, profit string
	if x, ok := g.sum(q4y25, "revenue"); ok {
		revenue = q4y25.name + " revenue vs twin " + ci(change(x.Sums[output.Shock], x.Sums[output.Twin]), 100, "%+.2f") + " %"
	}
	if x, ok := g.sum(q4y25, "net_profit"); ok {
		profit = fmt.Sprintf("%s net profit %s KRW bn (twin %s)", q4y25.name,
			ci(x.Stat(output.Shock), 1e-9, "%+.1f"), ci(x.Stat(output.Twin), 1e-9, "%+.1f"))
	}
	add("platform", revenue, profit)

	if len(lines) == 0 {
		return
	}
	fmt.Fprintln(w, "\nBy group (mean over replicates [95% CI]; effect = shock - twin, summed over the run; more in policy.csv):")
	for _, l := range lines {
		fmt.Fprintf(w, "  %-10s %s\n", l[0], l[1])
	}
}
