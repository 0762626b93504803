package main

import (
	"io"

	"github.com/ripple-sim/ripple/plots"
	"github.com/ripple-sim/ripple/sim"
	"github.com/ripple-sim/ripple/sim/output"
)

// The standard figures of a run, drawn into figures/ by `ripple run` and
// redrawn by `ripple plot`: fan charts of shock against twin, effects, the
// policy summary and distributions. A metric the run lacks (a mean-field run,
// say) is skipped.
var (
	fanDaily = []string{"dau", "orders", "gmv", "merchants_alive", "merchant_sales", "courier_income_mean",
		"fc_worked_hours", "fc_vto_hours", "trust_mean", "aware_share", "media_attention", "ambiguity"}
	fanMonthly = []string{"mau"}
)

// figureSet returns the run's figures as output extras, PNG and SVG each.
func figureSet(sc sim.Scenario, seed uint64, reps int, sum output.Summary, policy []output.PolicyRow) []output.Extra {
	opt := plots.Options{Caption: plots.Caption(sc.Name, reps, seed), Marks: plots.ScenarioMarks(&sc)}
	var figs []*plots.Figure
	var names []string
	add := func(name string, f *plots.Figure, err error) {
		if err == nil {
			figs, names = append(figs, f), append(names, name)
		}
	}
	for _, m := range fanMonthly {
		f, err := plots.Fan(sum.Monthly, m, opt)
		add("fan_"+m, f, err)
	}
	for _, m := range fanDaily {
		f, err := plots.Fan(sum.Daily, m, opt)
		add("fan_"+m, f, err)
		f, err = plots.Effect(sum.Daily, m, opt)
		add("effect_"+m, f, err)
	}
	if len(policy) > 0 {
		f, err := plots.Policy(plots.PolicyRows("case", policy), opt)
		add("policy", f, err)
	}
	f, err := plots.Spread(sum.Daily, "trust_p10", "trust_p50", "trust_p90", opt)
	add("trust_distribution", f, err)
	f, err = plots.Spread(sum.Distributions, "courier_income_change_p10", "courier_income_change_p50", "courier_income_change_p90", opt)
	add("courier_income_change", f, err)
	month := sc.Disclosure.AddDate(0, 2, 1-sc.Disclosure.Day()) // the second month after the disclosure
	f, err = plots.Distribution(sum.Distributions, month, opt)
	add("merchant_revenue_change", f, err)

	var extras []output.Extra
	for i, fig := range figs {
		for _, format := range []string{"png", "svg"} {
			extras = append(extras, output.Extra{
				Name: "figures/" + names[i] + "." + format,
				Write: func(w io.Writer) error {
					wt, err := fig.WriterTo(format)
					if err != nil {
						return err
					}
					_, err = wt.WriteTo(w)
					return err
				},
			})
		}
	}
	return extras
}
