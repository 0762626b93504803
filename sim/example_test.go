package sim_test

import (
	"context"
	"fmt"

	"github.com/ripple-sim/ripple/sim"
)

// A scenario built in Go: the default parameters, a small population and one
// disclosure. Each replicate is a shock run and its no-breach twin.
func ExampleRunBatch() {
	sc := sim.DefaultScenario()
	sc.Population.Consumers = 5000
	sc.End = sim.Date(2026, 1, 31)
	sc.Events = []sim.Event{{Date: sc.Disclosure, Type: sim.Incident, Accounts: 33.7e6, Sens: 1}}

	res, err := sim.RunBatch(context.Background(), sc, sim.BatchOptions{Seed: 1, Replicates: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	shock, twin := res[0].Shock.Daily.Col("aware_share"), res[0].Twin.Daily.Col("aware_share")
	last := len(shock) - 1
	fmt.Printf("aware at the end: shock %.2f, twin %.2f\n", shock[last], twin[last])
	// Output: aware at the end: shock 1.00, twin 0.00
}
