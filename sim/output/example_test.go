package output_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/ripple-sim/ripple/sim"
	"github.com/ripple-sim/ripple/sim/output"
)

func ExampleWrite() {
	day := []time.Time{sim.Date(2025, 11, 29)}
	tables := func(dau float64) sim.Tables {
		t := sim.Table{Dates: day, Metrics: []string{"dau"}, Values: [][]float64{{dau}}}
		return sim.Tables{Daily: t, Weekly: t, Monthly: t}
	}
	units := []*sim.UnitResult{{UnitID: sim.UnitID{Point: 0, Replicate: 0}, Twin: tables(1e7), Shocks: []sim.Tables{tables(9.5e6)}}}

	parent, err := os.MkdirTemp("", "ripple-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(parent)
	dir := filepath.Join(parent, "out")
	b := output.Batch{Scenario: "demo", Arms: []output.Arm{{Point: 0, LeverSet: 0, Name: "case"}}, Seed: 1, Replicates: 1, Workers: 1}
	if err := output.Write(dir, b, units, output.Hooks{}); err != nil {
		log.Fatal(err)
	}
	daily, err := os.ReadFile(filepath.Join(dir, "daily.csv"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(string(daily))
	// Output:
	// scenario,lever_set,replicate,variant,date,metric,value
	// demo,case,0,shock,2025-11-29,dau,9.5e+06
	// demo,case,0,twin,2025-11-29,dau,1e+07
	// demo,case,0,effect,2025-11-29,dau,-500000
}

func ExamplePolicy() {
	days := []time.Time{sim.Date(2025, 12, 1), sim.Date(2025, 12, 2)}
	daily := func(orders ...float64) sim.Tables {
		return sim.Tables{Daily: sim.Table{Dates: days, Metrics: []string{"orders"}, Values: [][]float64{orders}}}
	}
	// Two replicates: the breach costs 3 and 5 orders over the two days.
	results := []sim.Result{
		{Replicate: 0, Shock: daily(98, 99), Twin: daily(100, 100)},
		{Replicate: 1, Shock: daily(97, 98), Twin: daily(100, 100)},
	}
	for _, r := range output.Policy(results) {
		fmt.Printf("%s %s: %g %s (n %d, p50 %g)\n", r.Group, r.Name, r.Mean, r.Unit, r.N, r.P50)
	}
	// Output:
	// consumers forgone_orders: 4 orders (n 2, p50 3)
}

func ExampleSumDaily() {
	days := []time.Time{sim.Date(2025, 12, 31), sim.Date(2026, 1, 1), sim.Date(2026, 1, 2)}
	daily := func(revenue ...float64) sim.Tables {
		return sim.Tables{Daily: sim.Table{Dates: days, Metrics: []string{"revenue"}, Values: [][]float64{revenue}}}
	}
	results := []sim.Result{{Replicate: 0, Shock: daily(10, 8, 9), Twin: daily(10, 10, 10)}}
	w, ok := output.SumDaily(results, sim.Date(2026, 1, 1), sim.Date(2026, 1, 31), "revenue")
	fmt.Println(ok, w.Days, w.Stat(output.Shock).Mean, w.Stat(output.Effect).Mean)
	// Output:
	// true 2 17 -3
}
