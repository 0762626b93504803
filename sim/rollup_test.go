package sim

import (
	"testing"
	"time"

	"github.com/ripple-sim/ripple/agents"
)

// scripted runs one consumer whose own rates are all zero except on the days
// where script changes them, and returns its tables in agent units.
func scripted(t *testing.T, script func(e *Engine)) Tables {
	t.Helper()
	sc := quiet(1)
	sc.End = Date(2026, 2, 28)
	p := &sc.Consumers
	p.NuBar, p.LambdaBar, p.NuDorm, p.H0, p.B0, p.BNew, p.PWOW, p.PDel = 0, 0, 0, 0, 0, 0, 0, 1
	sc.Population.RealConsumers = 1
	e := newTestEngine(t, sc, 0, true, 1)
	allActive(e)
	for !e.Done() {
		e.c.Nu[0], e.c.P.H0 = 0, 0
		script(e)
		e.Step()
	}
	return e.Tables()
}

func byDate(tab Table, metric string) map[string]float64 {
	out := map[string]float64{}
	col := tab.Col(metric)
	for k, d := range tab.Dates {
		out[d.Format(time.DateOnly)] = col[k]
	}
	return out
}

// TestScriptedUsers checks T17.
func TestScriptedUsers(t *testing.T) {
	// A user visiting only on 2025-12-15 counts in December and in the ISO week
	// starting Monday 2025-12-15, not in November or January.
	visitor := scripted(t, func(e *Engine) {
		if e.cal.date(e.t).Equal(Date(2025, 12, 15)) {
			e.c.Nu[0] = 1e9
		}
	})
	mau, wau := byDate(visitor.Monthly, "mau"), byDate(visitor.Weekly, "wau")
	for m, want := range map[string]float64{"2025-11-01": 0, "2025-12-01": 1, "2026-01-01": 0} {
		if mau[m] != want {
			t.Errorf("visitor: MAU %s = %v, want %v", m, mau[m], want)
		}
	}
	for w, want := range map[string]float64{"2025-12-08": 0, "2025-12-15": 1, "2025-12-22": 0} {
		if wau[w] != want {
			t.Errorf("visitor: WAU week of %s = %v, want %v", w, wau[w], want)
		}
	}

	// A user deleting on 2025-12-01 counts in December (the deletion visit)
	// and never after, even when it would visit.
	deleter := scripted(t, func(e *Engine) {
		d := e.cal.date(e.t)
		if d.Equal(Date(2025, 12, 1)) {
			e.c.P.H0 = 1e9
		}
		if d.After(Date(2025, 12, 1)) {
			e.c.Nu[0] = 1e9
		}
	})
	mau = byDate(deleter.Monthly, "mau")
	for m, want := range map[string]float64{"2025-11-01": 0, "2025-12-01": 1, "2026-01-01": 0, "2026-02-01": 0} {
		if mau[m] != want {
			t.Errorf("deleter: MAU %s = %v, want %v", m, mau[m], want)
		}
	}
	if d := byDate(deleter.Daily, "deletions"); d["2025-12-01"] != 1 {
		t.Errorf("deleter: deletions on 2025-12-01 = %v, want 1", d["2025-12-01"])
	}
}

// TestRollups checks T18: monthly and weekly tables equal the distinct counts
// and sums of the daily records, across the year boundary.
func TestRollups(t *testing.T) {
	sc := shockScenario(3000)
	sc.Start, sc.End = Date(2025, 10, 1), Date(2026, 2, 10)
	e := newTestEngine(t, sc, 2, false, 1)
	n := e.c.Len()
	months := map[string][]bool{}
	weeks := map[string][]bool{}
	orders := map[string]float64{}
	for !e.Done() {
		d := e.cal.date(e.t)
		e.Step()
		m, w := firstOfMonth(d).Format(time.DateOnly), isoMonday(d).Format(time.DateOnly)
		if months[m] == nil {
			months[m] = make([]bool, n)
		}
		if weeks[w] == nil {
			weeks[w] = make([]bool, n)
		}
		for i := range n {
			if e.c.Flags[i]&agents.FlagVisited != 0 {
				months[m][i], weeks[w][i] = true, true
			}
		}
		orders[m] += e.daily[mOrders][e.t-1]
	}
	count := func(s []bool) float64 {
		k := 0
		for _, v := range s {
			if v {
				k++
			}
		}
		return float64(k) * e.wC
	}
	tab := e.Tables()
	mau, wau, mo := byDate(tab.Monthly, "mau"), byDate(tab.Weekly, "wau"), byDate(tab.Monthly, "orders")
	for m, s := range months {
		if mau[m] != count(s) || mo[m] != orders[m] {
			t.Errorf("month %s: MAU %v orders %v, daily records give %v and %v", m, mau[m], mo[m], count(s), orders[m])
		}
	}
	for w, s := range weeks {
		if wau[w] != count(s) {
			t.Errorf("week of %s: WAU %v, daily records give %v", w, wau[w], count(s))
		}
	}
	if len(wau) != len(weeks) || len(mau) != len(months) {
		t.Errorf("%d weeks and %d months in the tables, %d and %d in the records", len(wau), len(mau), len(weeks), len(months))
	}
	// 2026-W01 starts on Monday 2025-12-29.
	if _, ok := wau["2025-12-29"]; !ok || !isoMonday(Date(2026, 1, 1)).Equal(Date(2025, 12, 29)) {
		t.Error("ISO week 2026-W01 should start on 2025-12-29")
	}
	if y, wk := Date(2025, 12, 29).ISOWeek(); y != 2026 || wk != 1 {
		t.Errorf("2025-12-29 is ISO %d-W%02d", y, wk)
	}
}
