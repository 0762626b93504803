package meanfield_test

import (
	"fmt"

	"github.com/ripple-sim/ripple/sim"
	"github.com/ripple-sim/ripple/sim/meanfield"
)

// The mean field of a scenario built in Go: the default parameters and one
// disclosure. It returns the shock and its twin as one deterministic
// replicate, in the engine's table layout.
func ExampleRun() {
	sc := sim.DefaultScenario()
	sc.End = sim.Date(2026, 1, 31)
	sc.Events = []sim.Event{{Date: sc.Disclosure, Type: sim.Incident, Accounts: 33.7e6, Sens: 1}}

	res, err := meanfield.Run(sc)
	if err != nil {
		fmt.Println(err)
		return
	}
	aware := res.Shock.Daily.Col("aware_share")
	shock, twin := res.Shock.Monthly.Col("mau"), res.Twin.Monthly.Col("mau")
	last := len(shock) - 1
	fmt.Printf("aware at the end: %.3f\n", aware[len(aware)-1])
	fmt.Printf("January MAU: shock %.2f M, twin %.2f M\n", shock[last]/1e6, twin[last]/1e6)
	// Output:
	// aware at the end: 1.000
	// January MAU: shock 32.54 M, twin 33.15 M
}
