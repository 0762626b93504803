package main

import (
	"bytes"
	"cmp"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/ripple-sim/ripple/configs"
	"github.com/ripple-sim/ripple/plots"
	"github.com/ripple-sim/ripple/sim/output"
)

// responseMetrics are the outcomes of a sweep's response curves, by policy
// row key: who bears the cost of each lever setting.
var responseMetrics = []string{"consumers.forgone_orders", "merchants.net_income", "couriers.gross_pay",
	"fc_staff.wages", "platform.net_profit"}

// sweepFigures draws a sweep's comparison figures: the headline cumulative
// effects of every lever set against the twin ("sweep_policy") and against
// the case ("sweep_vs_case"), and, for the first parameter point, response
// curves of each headline effect against the first lever, one line per value
// of the second (when the sweep varies one or two levers).
func sweepFigures(exp *configs.Experiment, a *output.Assembled, opt plots.Options) ([]string, []*plots.Figure) {
	var names []string
	var figs []*plots.Figure
	add := func(name string, f *plots.Figure, err error) {
		if err == nil {
			names, figs = append(names, name), append(figs, f)
		}
	}
	headline := func(rows []output.PolicyRow) []output.PolicyRow {
		var out []output.PolicyRow
		for _, r := range rows {
			if slices.Contains(responseMetrics, r.Group+"."+r.Name) {
				out = append(out, r)
			}
		}
		return out
	}
	// Rows are named by their settings, key=value, which plots shortens.
	var labels []string
	for p, pt := range exp.Design.Points {
		for l := range pt.LeverSets {
			var kv []string
			for _, st := range exp.Settings[p][l] {
				kv = append(kv, st.Key[strings.LastIndex(st.Key, ".")+1:]+"="+st.Text)
			}
			labels = append(labels, strings.Join(kv, ","))
		}
	}
	for _, vs := range []struct {
		name string
		rows [][]output.PolicyRow
	}{{"sweep_policy", a.Policy}, {"sweep_vs_case", a.VsCase}} {
		var rows []plots.PolicyRow
		for i := range a.Manifest.LeverSets {
			if vs.rows[i] != nil {
				rows = append(rows, plots.PolicyRows(labels[i], headline(vs.rows[i]))...)
			}
		}
		o := opt
		o.Title = "Cumulative effects of the breach by lever set"
		if vs.name == "sweep_vs_case" {
			o.Title = "Cumulative effects against the case lever set"
		}
		if len(rows) > 0 {
			f, err := plots.Policy(rows, o)
			add(vs.name, f, err)
		}
	}

	// Response curves over the lever sets of point 0.
	var levers []int // factor indices
	for k, f := range exp.Factors {
		if f.Lever {
			levers = append(levers, k)
		}
	}
	if len(levers) == 0 || len(levers) > 2 || len(exp.Design.Points) == 0 {
		return names, figs
	}
	settings := exp.Settings[0]
	values := func(k int) []string { // distinct values of factor k, by their number if they have one
		var vs []string
		x := map[string]float64{}
		for _, s := range settings {
			if !slices.Contains(vs, s[k].Text) {
				vs, x[s[k].Text] = append(vs, s[k].Text), s[k].X
			}
		}
		slices.SortStableFunc(vs, func(a, b string) int {
			if math.IsNaN(x[a]) || math.IsNaN(x[b]) {
				return 0
			}
			return cmp.Compare(x[a], x[b])
		})
		return vs
	}
	xk := levers[0]
	xs := values(xk)
	lines := []string{""}
	if len(levers) == 2 {
		lines = values(levers[1])
	}
	// A lever whose values are not plain numbers (S0..S4, voucher designs)
	// is drawn as categories, named on the axis.
	var x []float64
	numeric := true
	for _, v := range xs {
		for _, s := range settings {
			if s[xk].Text == v {
				x = append(x, s[xk].X)
				if _, err := strconv.ParseFloat(v, 64); err != nil {
					numeric = false
				}
				break
			}
		}
	}
	if !numeric {
		for i := range x {
			x[i] = float64(i)
		}
	}
	key := exp.Factors[xk].Key
	xLabel := strings.ReplaceAll(key[strings.LastIndex(key, ".")+1:], "_", " ")
	for _, metric := range responseMetrics {
		var rl []plots.ResponseLine
		for _, lv := range lines {
			y := make([]output.Stat, len(xs))
			found := 0
			for i, v := range xs {
				for l, s := range settings {
					if s[xk].Text == v && (lv == "" || s[levers[1]].Text == lv) {
						if st, ok := policyStat(a.Policy[l], metric); ok {
							y[i] = st
							found++
						}
					}
				}
			}
			if found == len(xs) {
				name := lv
				if len(levers) == 2 {
					k2 := exp.Factors[levers[1]].Key
					name = strings.ReplaceAll(k2[strings.LastIndex(k2, ".")+1:], "_", " ") + " " + lv
				}
				rl = append(rl, plots.ResponseLine{Name: name, Y: y})
			}
		}
		if len(rl) == 0 {
			continue
		}
		o := opt
		o.XLabel = xLabel
		o.YLabel = "effect on " + plots.Name(metric[strings.Index(metric, ".")+1:])
		if !numeric {
			o.XNames = xs
		}
		f, err := plots.ResponseLines(metric[strings.Index(metric, ".")+1:], xLabel, x, rl, o)
		add("response_lines_"+strings.ReplaceAll(metric, ".", "_"), f, err)
	}
	return names, figs
}

// policyStat finds a policy row by "group.metric".
func policyStat(rows []output.PolicyRow, key string) (output.Stat, bool) {
	for _, r := range rows {
		if r.Group+"."+r.Name == key {
			return r.Stat, true
		}
	}
	return output.Stat{}, false
}

// designExtra is design.csv as an output file.
func designExtra(exp *configs.Experiment) output.Extra {
	var buf bytes.Buffer
	err := designCSV(&buf, exp)
	return output.Extra{Name: "design.csv", Write: func(w io.Writer) error {
		if err != nil {
			return err
		}
		_, err := w.Write(buf.Bytes())
		return err
	}}
}
