package main

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/ripple-sim/ripple/configs"
	"github.com/ripple-sim/ripple/plots"
	"github.com/ripple-sim/ripple/sim"
	"github.com/ripple-sim/ripple/sim/output"
	"github.com/ripple-sim/ripple/targets"
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

// figures draws the run's figures, in report order, with their file names.
func figures(sc sim.Scenario, m output.Manifest, sum output.Summary, policy []output.PolicyRow) ([]string, []*plots.Figure) {
	opt := plots.Options{Caption: plots.Caption(sc.Name, m.Replicates, m.Seed), Marks: plots.ScenarioMarks(&sc)}
	var names []string
	var figs []*plots.Figure
	add := func(name string, f *plots.Figure, err error) {
		if err == nil {
			names, figs = append(names, name), append(figs, f)
		}
	}
	for _, metric := range fanMonthly {
		f, err := plots.Fan(sum.Monthly, metric, opt)
		add("fan_"+metric, f, err)
	}
	for _, metric := range fanDaily {
		f, err := plots.Fan(sum.Daily, metric, opt)
		add("fan_"+metric, f, err)
		f, err = plots.Effect(sum.Daily, metric, opt)
		add("effect_"+metric, f, err)
	}
	if len(policy) > 0 {
		f, err := plots.Policy(plots.PolicyRows(m.LeverSets[0], policy), opt)
		add("policy", f, err)
	}
	f, err := plots.Spread(sum.Daily, "trust_p10", "trust_p50", "trust_p90", opt)
	add("trust_distribution", f, err)
	f, err = plots.Spread(sum.Distributions, "courier_income_change_p10", "courier_income_change_p50", "courier_income_change_p90", opt)
	add("courier_income_change", f, err)
	month := sc.Disclosure.AddDate(0, 2, 1-sc.Disclosure.Day()) // the second month after the disclosure
	f, err = plots.Distribution(sum.Distributions, month, opt)
	add("merchant_revenue_change", f, err)
	return names, figs
}

// extras returns a run's figures (PNG and SVG under figures/) and its
// self-contained report.html as output files, from the summary and policy
// rows of its (first) lever set and the calibration checks. m describes the
// run.
// A sweep adds its comparison figures (see sweepFigures) when exp is not nil.
func extras(sc sim.Scenario, m output.Manifest, sum output.Summary, policy []output.PolicyRow, checks []targets.Check,
	exp *configs.Experiment, a *output.Assembled) ([]output.Extra, error) {
	names, figs := figures(sc, m, sum, policy)
	if exp != nil {
		opt := plots.Options{Caption: plots.Caption(sc.Name, m.Replicates, m.Seed)}
		n, f := sweepFigures(exp, a, opt)
		names, figs = append(names, n...), append(figs, f...)
	}
	var out []output.Extra
	title := "ripple: " + sc.Name
	if exp != nil {
		title = "ripple: sweep " + exp.Name + " on " + sc.Name + " (calibration and figures of the case lever set first)"
	}
	report := plots.ReportData{
		Title:        title,
		Caption:      plots.Caption(sc.Name, m.Replicates, m.Seed),
		ScenarioTOML: m.ScenarioTOML,
		Provenance:   provenance(m),
	}
	for _, c := range checks {
		row := plots.HeadlineRow{ID: c.ID, Statistic: c.Statistic, Target: c.Target,
			Weight: c.Weight, Mean: c.Mean, Lo: c.Lo, Hi: c.Hi, Status: c.Status, Note: c.Note}
		switch c.Unit {
		case targets.Share:
			row.Mean, row.Lo, row.Hi, row.Suffix = 100*c.Mean, 100*c.Lo, 100*c.Hi, "%"
		case targets.KRW:
			row.Suffix = " KRW"
		}
		report.Headline = append(report.Headline, row)
	}
	for i, fig := range figs {
		rf, err := plots.ReportFigureOf(names[i], fig)
		if err != nil {
			return nil, err
		}
		report.Figures = append(report.Figures, rf)
		for _, format := range []string{"png", "svg"} {
			out = append(out, output.Extra{Name: "figures/" + names[i] + "." + format, Write: func(w io.Writer) error {
				if format == "png" {
					_, err := w.Write(rf.PNG)
					return err
				}
				wt, err := fig.WriterTo(format)
				if err != nil {
					return err
				}
				_, err = wt.WriteTo(w)
				return err
			}})
		}
	}
	var html bytes.Buffer
	if err := plots.Report(&html, report); err != nil {
		return nil, err
	}
	out = append(out, output.Extra{Name: "report.html", Write: func(w io.Writer) error {
		_, err := w.Write(html.Bytes())
		return err
	}})
	return out, nil
}

// provenance lists what produced a run, for the report.
func provenance(m output.Manifest) []plots.KeyValue {
	kv := func(k, v string) plots.KeyValue { return plots.KeyValue{Key: k, Value: v} }
	return []plots.KeyValue{
		kv("ripple", m.Ripple), kv("Go", m.Go), kv("OS/arch", m.GOOS+"/"+m.GOARCH),
		kv("scenario", m.Scenario), kv("lever sets", strings.Join(m.LeverSets, "; ")),
		kv("seed", fmt.Sprint(m.Seed)), kv("replicates", fmt.Sprint(m.Replicates)), kv("workers", fmt.Sprint(m.Workers)),
		kv("consumer agents", fmt.Sprintf("%d for %.4g app users", m.Agents.Consumers, m.Agents.RealConsumers)),
		kv("started", m.StartTime), kv("simulation wall time", fmt.Sprintf("%.1f s", m.WallSeconds)),
	}
}
