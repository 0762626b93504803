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
	results := []sim.Result{{Replicate: 0, Shock: tables(9.5e6), Twin: tables(1e7)}}

	parent, err := os.MkdirTemp("", "ripple-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(parent)
	dir := filepath.Join(parent, "out")
	run := output.Run{Scenario: "demo", LeverSet: "case", Seed: 1, Replicates: 1, Workers: 1}
	if err := output.Write(dir, run, results); err != nil {
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
