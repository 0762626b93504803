package output

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/ripple-sim/ripple/sim"
)

// tinyDesign is a consumer-only design: 1 point, 2 lever sets (the case
// and a faster apology), R replicates.
func tinyDesign(R int) (sim.Design, Batch) {
	sc := sim.DefaultScenario()
	sc.Population.Consumers = 300
	sc.Network.Mode = sim.NetNone
	sc.Population.Merchants, sc.Population.Staff, sc.Population.Couriers = 0, 0, 0
	sc.Start = sc.Disclosure.AddDate(0, 0, -14)
	sc.End = sc.Disclosure.AddDate(0, 0, 45)
	fast := sc
	fast.Levers.ApologyDelayDays = 1
	d := sim.Design{Seed: 3, Replicates: R, Points: []sim.Point{{LeverSets: []sim.LeverSet{{Name: "case", Scenario: sc}, {Name: "fast", Scenario: fast}}}}}
	b := testRun()
	b.Replicates = R
	b.Seed = 3
	b.Arms = []Arm{{Point: 0, LeverSet: 0, Name: "case"}, {Point: 0, LeverSet: 1, Name: "fast"}}
	return d, b
}

// TestRunUnitsEndToEnd streams a real batch through the store with 1 and 2
// workers, and as 2 shards merged: the outputs are identical.
func TestRunUnitsEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the simulation")
	}
	d, b := tinyDesign(3)
	var dirs []string
	for _, workers := range []int{1, 2} {
		b.Workers = workers
		dir := filepath.Join(t.TempDir(), fmt.Sprint("w", workers))
		s, err := Open(dir, b, false)
		if err != nil {
			t.Fatal(err)
		}
		if err := sim.RunUnits(context.Background(), &d, d.Units(), workers, s.Put); err != nil {
			t.Fatal(err)
		}
		if err := s.Finish(Hooks{}); err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, dir)
	}
	var shards []string
	for i := range 2 {
		sb := b
		sb.Shard = Shard{i, 2}
		dir := filepath.Join(t.TempDir(), fmt.Sprint("shard", i))
		s, err := Open(dir, sb, false)
		if err != nil {
			t.Fatal(err)
		}
		if err := sim.RunUnits(context.Background(), &d, sim.Shard(d.Units(), i, 2), 2, s.Put); err != nil {
			t.Fatal(err)
		}
		if err := s.FinishShard(); err != nil {
			t.Fatal(err)
		}
		shards = append(shards, dir)
	}
	merged := filepath.Join(t.TempDir(), "merged")
	if err := Merge(merged, shards, Hooks{}, 2); err != nil {
		t.Fatal(err)
	}
	for _, dir := range dirs[1:] {
		if diff := diffOutputs(t, dirs[0], dir); diff != nil {
			t.Errorf("%s differs from %s in %v", dir, dirs[0], diff)
		}
	}
	if diff := diffOutputs(t, dirs[0], merged); diff != nil {
		t.Errorf("merged output differs in %v", diff)
	}
	rows := readCSV(t, filepath.Join(merged, "policy.csv"))
	var versus []string
	for _, r := range rows[1:] {
		versus = append(versus, r[1]+"/"+r[2])
	}
	if len(rows) < 3 || rows[1][1] != "case" || rows[len(rows)-1][1] != "fast" || rows[len(rows)-1][2] != "case" {
		t.Errorf("policy.csv rows: %v", versus)
	}
}
