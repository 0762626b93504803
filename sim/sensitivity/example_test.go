package sensitivity_test

import (
	"fmt"

	"github.com/ripple-sim/ripple/sim/sensitivity"
)

// Screening y = 3a + b² over a in [0, 1], b in [0, 1] and c in [1, 100]
// (log scale), which y ignores.
func Example() {
	params := []sensitivity.Param{{Name: "a", Lo: 0, Hi: 1}, {Name: "b", Lo: 0, Hi: 1}, {Name: "c", Lo: 1, Hi: 100, Log: true}}
	d, _ := sensitivity.NewDesign(len(params), 10, 4, 1)
	xs, _ := d.Values(params) // one row of parameter values per point
	y := make([]float64, len(xs))
	for i, x := range xs {
		y[i] = 3*x[0] + x[1]*x[1] // run the model here
	}
	effects, _ := sensitivity.Analyze(d, y)
	for _, i := range sensitivity.Ranking(effects) {
		e := effects[i]
		fmt.Printf("%s: mu* %.2f, sigma %.2f\n", params[i].Name, e.MuStar, e.Sigma)
	}
	// Output:
	// a: mu* 3.00, sigma 0.00
	// b: mu* 0.93, sigma 0.34
	// c: mu* 0.00, sigma 0.00
}
