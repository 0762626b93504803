package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/ripple-sim/ripple/sim"
	"github.com/ripple-sim/ripple/sim/output"
)

// groupResults returns two replicates from 2025-10-01 to 2026-01-31 whose
// daily metrics are f(metric, date, replicate) in the shock run and
// f(metric, date, -1) in the twin.
func groupResults(metrics []string, f func(m string, d time.Time, r int) float64) []sim.Result {
	var dates []time.Time
	for d := sim.Date(2025, 10, 1); !d.After(sim.Date(2026, 1, 31)); d = d.AddDate(0, 0, 1) {
		dates = append(dates, d)
	}
	tables := func(r int) sim.Tables {
		t := sim.Table{Dates: dates, Metrics: metrics, Values: make([][]float64, len(metrics))}
		for m, name := range metrics {
			t.Values[m] = make([]float64, len(dates))
			for d, date := range dates {
				t.Values[m][d] = f(name, date, r)
			}
		}
		return sim.Tables{Daily: t}
	}
	return []sim.Result{{Replicate: 0, Shock: tables(0), Twin: tables(-1)}, {Replicate: 1, Shock: tables(1), Twin: tables(-1)}}
}

func TestGroups(t *testing.T) {
	metrics := []string{"merchant_sales", "merchant_exits", "courier_income_mean", "courier_gross_pay",
		"fc_vto_shifts", "vto_offer", "revenue", "net_profit"}
	// The shock (r >= 0) changes each metric in one month by an amount
	// proportional to r+1; the twin (r = -1) is flat.
	f := func(m string, d time.Time, r int) float64 {
		k := float64(r + 1)
		dec, jan := d.Month() == time.December, d.Year() == 2026
		switch m {
		case "merchant_sales": // -10 %, -20 % in January
			return 100 - b(jan)*10*k
		case "merchant_exits": // 10, 20 on 1 December
			return b(dec && d.Day() == 1) * 10 * k
		case "courier_income_mean": // -5 %, -10 % in January vs November
			return 1000 - b(jan)*50*k
		case "courier_gross_pay": // -3.1, -6.2 bn over January
			return 1e9 - b(jan)*1e8*k
		case "fc_vto_shifts": // 310, 620 in December
			return b(dec) * 10 * k
		case "vto_offer": // 10 %, 20 % in December
			return b(dec) * 0.1 * k
		case "revenue": // Q4 -9.3, -18.6 bn of 920 bn
			return 1e10 - b(dec)*3e8*k
		case "net_profit": // Q4 9.2 bn; shock -3.2, -15.6 bn
			return 1e8 - b(dec)*4e8*k
		}
		return 0
	}
	var out bytes.Buffer
	res := groupResults(metrics, f)
	printGroups(&out, sumGroups(res), output.Policy(res), output.Summarize(res))
	want := `
By group (mean over replicates [95% CI]; effect = shock - twin, summed over the run; more in policy.csv):
  merchants  daily sales Jan 2026 vs twin -15.0 [-78.5, +48.5] %; exits effect +15 [-49, +79] merchants
  couriers   mean income Jan 2026 vs Nov 2025 (shock) -7.5 [-39.3, +24.3] %; gross pay effect -4.65 [-24.34, +15.04] KRW bn
  FC staff   VTO shifts effect +465 [-1504, +2434] person-shifts; mean VTO offer rate Dec 2025 15.0 [-48.5, 78.5] % (twin 0.0 [0.0, 0.0] %)
  platform   Q4 2025 revenue vs twin -1.52 [-7.94, +4.91] %; Q4 2025 net profit -9.4 [-88.2, +69.4] KRW bn (twin +9.2 [+9.2, +9.2])
`
	if got := out.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}

	// Only consumer metrics: no group lines at all.
	out.Reset()
	res = groupResults([]string{"orders"}, f)
	printGroups(&out, sumGroups(res), output.Policy(res), output.Summarize(res))
	if out.Len() != 0 {
		t.Errorf("printed for a consumer-only run:\n%s", out.String())
	}
	// Part of the metrics: only their statements.
	out.Reset()
	res = groupResults([]string{"revenue"}, f)
	printGroups(&out, sumGroups(res), output.Policy(res), output.Summarize(res))
	if got := out.String(); strings.Count(got, "\n") != 3 || !strings.Contains(got, "  platform   Q4 2025 revenue vs twin -1.52 ") {
		t.Errorf("revenue only:\n%s", got)
	}
}

func sumGroups(rs []sim.Result) groupSums {
	g := groupSums{}
	for i := range rs {
		g.add(&rs[i])
	}
	return g
}

func b(x bool) float64 {
	if x {
		return 1
	}
	return 0
}
