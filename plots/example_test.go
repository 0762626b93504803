package plots_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/ripple-sim/ripple/plots"
	"github.com/ripple-sim/ripple/sim"
	"github.com/ripple-sim/ripple/sim/output"
)

// A fan chart of monthly active users from two replicates, with the
// scenario's key dates marked, saved as PNG and SVG.
func ExampleFan() {
	months := []time.Time{sim.Date(2025, 11, 1), sim.Date(2025, 12, 1), sim.Date(2026, 1, 1), sim.Date(2026, 2, 1)}
	monthly := func(mau ...float64) sim.Tables {
		return sim.Tables{Monthly: sim.Table{Dates: months, Metrics: []string{"mau"}, Values: [][]float64{mau}}}
	}
	results := []sim.Result{
		{Replicate: 0, Shock: monthly(24e6, 21.5e6, 22e6, 22.8e6), Twin: monthly(24e6, 24.1e6, 23.9e6, 24e6)},
		{Replicate: 1, Shock: monthly(24.1e6, 21.2e6, 21.9e6, 22.5e6), Twin: monthly(24.1e6, 24e6, 24e6, 24.1e6)},
	}
	sum := output.Summarize(results)

	sc := sim.DefaultScenario()
	sc.Events = []sim.Event{{Date: sc.Disclosure, Type: sim.Incident, Accounts: 33.7e6},
		{Date: sc.Disclosure.AddDate(0, 0, 1), Type: sim.ProbeOpen}}
	fig, err := plots.Fan(sum.Monthly, "mau", plots.Options{
		Caption: plots.Caption("demo", len(results), 1),
		Marks:   plots.ScenarioMarks(&sc),
	})
	if err != nil {
		log.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "ripple-plots-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := plots.Save(fig, dir, "fan_mau"); err != nil {
		log.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, f := range files {
		fmt.Println(filepath.Base(f))
	}
	fmt.Println(fig.Title)
	fmt.Println(fig.Panels[0].Y.Label.Text)
	// Output:
	// fan_mau.png
	// fan_mau.svg
	// MAU: breach and no-breach twin (monthly)
	// MAU (M persons)
}
