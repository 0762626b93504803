package main

import (
	"fmt"
	"io"
	"math"
	"text/tabwriter"
	"time"

	"github.com/ripple-sim/ripple/sim"
	"github.com/ripple-sim/ripple/sim/output"
)

// The console summary shows the months around the disclosure.
var summaryFrom, summaryTo = sim.Date(2025, 10, 1), sim.Date(2026, 3, 1)

// printSummary prints mean MAU of shock and twin by month, and the effect on
// monthly orders and on Active consumers at month end with 95 % intervals.
func printSummary(w io.Writer, sc sim.Scenario, seed uint64, s output.Summary) {
	n := 0
	if st := s.Monthly.Series(output.Shock, "mau"); len(st) > 0 {
		n = st[0].N
	}
	fmt.Fprintf(w, "%s: %s (seed %d), %d consumer agents for %s app users\n\n",
		sc.Name, plural(n, "replicate"), seed, sc.Population.Consumers, millions(sc.Population.RealConsumers))

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
