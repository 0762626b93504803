package sim

import (
	"context"
	"slices"
	"sync"
	"testing"
)

// leverVariants changes every lever of sc, one scenario per variant.
func leverVariants(sc Scenario) []Scenario {
	out := []Scenario{sc}
	for _, f := range []func(*Levers){
		func(l *Levers) { l.SanctionLevel, l.SuspensionDays, l.SuspensionScope = 4, 60, ScopeAll },
		func(l *Levers) { l.InvestigationDays, l.DecisionDelayDays = 30, 0 },
		func(l *Levers) { l.Transparency, l.ApologyDelayDays, l.SanctionEffect = 1, 0, "signal" },
		func(l *Levers) { l.VoucherDesign, l.VoucherPnL, l.FinePct = VoucherCash, OnPledge, 3 },
		func(l *Levers) { l.FollowUpAccounts, l.PoliticalCap = 5e6, true },
	} {
		v := sc
		f(&v.Levers)
		out = append(out, v)
	}
	return out
}

// TestTwinIgnoresLevers checks what lets one twin serve every lever set of a
// point (MODEL.md M14): the twin of a scenario does not depend on its levers.
func TestTwinIgnoresLevers(t *testing.T) {
	base := shockScenario(2000)
	base.End = Date(2026, 8, 31) // past the decision and a suspension
	var ref Tables
	for i, sc := range leverVariants(base) {
		w, err := NewWorld(sc, 3, 1)
		if err != nil {
			t.Fatal(err)
		}
		tb, err := w.run(context.Background(), true, 1)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			ref = tb
			continue
		}
		for ti, name := range TableNames {
			if !sameTable(ref.Table(ti), tb.Table(ti)) {
				t.Errorf("lever variant %d: the twin's %s table differs from the base's", i, name)
			}
		}
	}
}

// TestRunUnits checks that a design's units equal separate batches of each
// lever set: the shared world and twin change nothing, whatever the workers.
func TestRunUnits(t *testing.T) {
	base := shockScenario(1500)
	base.End = Date(2026, 1, 20) // past the disclosure, the probe and the vouchers
	vars := leverVariants(base)[:3]
	other := base
	other.Consumers.Eta = 2 // a second parameter point
	d := Design{Seed: 5, Replicates: 2, Points: []Point{{}, {}}}
	for i, sc := range vars {
		d.Points[0].LeverSets = append(d.Points[0].LeverSets, LeverSet{Name: string(rune('a' + i)), Scenario: sc})
	}
	d.Points[1].LeverSets = []LeverSet{{Name: "eta2", Scenario: other}}
	if got := d.Units(); !slices.Equal(got, []UnitID{{0, 0}, {0, 1}, {1, 0}, {1, 1}}) {
		t.Fatalf("Units() = %v", got)
	}
	want := map[[2]int][]Result{} // (point, lever set): its own batch
	for p, pt := range d.Points {
		for l, ls := range pt.LeverSets {
			res, err := RunBatch(context.Background(), ls.Scenario, BatchOptions{Seed: d.Seed, Replicates: d.Replicates, Workers: 2})
			if err != nil {
				t.Fatal(err)
			}
			want[[2]int{p, l}] = res
		}
	}
	for _, workers := range []int{1, 3} {
		var mu sync.Mutex
		got := map[UnitID]*UnitResult{}
		err := RunUnits(context.Background(), &d, d.Units(), workers, func(u *UnitResult) error {
			mu.Lock()
			got[u.UnitID] = u
			mu.Unlock()
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for p, pt := range d.Points {
			for l, ls := range pt.LeverSets {
				for r := range d.Replicates {
					u := got[UnitID{p, r}]
					if u == nil || !sameResults([]Result{u.Result(l)}, want[[2]int{p, l}][r:r+1]) {
						t.Errorf("%d workers: point %d, lever set %s, replicate %d differs from its own batch", workers, p, ls.Name, r)
					}
				}
			}
		}
	}
}

// TestDesignCheck checks that lever sets of a point may differ in levers only.
func TestDesignCheck(t *testing.T) {
	sc := shockScenario(100)
	other := sc
	other.Consumers.Eta = 2
	for _, tc := range []struct {
		name string
		d    Design
		ok   bool
	}{
		{"single", SingleDesign(sc, "case", 1, 2), true},
		{"levers differ", Design{Replicates: 1, Points: []Point{{LeverSets: []LeverSet{{"a", sc}, {"b", leverVariants(sc)[1]}}}}}, true},
		{"parameters differ", Design{Replicates: 1, Points: []Point{{LeverSets: []LeverSet{{"a", sc}, {"b", other}}}}}, false},
		{"no replicates", SingleDesign(sc, "case", 1, 0), false},
		{"no points", Design{Replicates: 1}, false},
		{"empty point", Design{Replicates: 1, Points: []Point{{}}}, false},
	} {
		if err := tc.d.Check(); (err == nil) != tc.ok {
			t.Errorf("%s: Check() = %v, want ok %v", tc.name, err, tc.ok)
		}
	}
}

// TestShard checks that shards are disjoint, cover the units and are balanced.
func TestShard(t *testing.T) {
	d := Design{Replicates: 7, Points: make([]Point, 3)}
	all := d.Units()
	for _, n := range []int{1, 2, 4, 21, 30} {
		var union []UnitID
		for i := range n {
			s := Shard(all, i, n)
			if len(s) < len(all)/n || len(s) > len(all)/n+1 {
				t.Errorf("shard %d/%d has %d of %d units", i, n, len(s), len(all))
			}
			union = append(union, s...)
		}
		slices.SortFunc(union, func(a, b UnitID) int { return (a.Point-b.Point)*1000 + a.Replicate - b.Replicate })
		if !slices.Equal(union, all) {
			t.Errorf("%d shards do not cover the units exactly once", n)
		}
	}
}
