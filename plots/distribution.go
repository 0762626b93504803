package plots

import (
	"fmt"
	"image/color"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/ripple-sim/ripple/sim/output"
)

// merchantClasses are the suffixes of the distributions table's revenue
// change columns and their labels.
var merchantClasses = []struct{ suffix, label string }{
	{"", "all merchants"},
	{"_nonperishable_dep_lo", "non-perishable, dependence < 0.4"},
	{"_nonperishable_dep_mid", "non-perishable, dependence 0.4-0.7"},
	{"_nonperishable_dep_hi", "non-perishable, dependence > 0.7"},
	{"_perishable_dep_lo", "perishable, dependence < 0.4"},
	{"_perishable_dep_mid", "perishable, dependence 0.4-0.7"},
	{"_perishable_dep_hi", "perishable, dependence > 0.7"},
}

// distQuantiles are the percentiles of the revenue change columns.
var distQuantiles = [7]int{5, 10, 25, 50, 75, 90, 95}

// Distribution draws the merchant revenue change of one month (the
// distributions table's rev_change_p5 .. _p95 columns) for all merchants and
// by perishable x platform-dependence class, as box-like glyphs for the
// shock and its twin: box P25-P75, thick bar P10-P90, whiskers P5-P95 and a
// black bar at the median. Each quantile is across merchants, averaged over
// replicates.
func Distribution(ds output.TableSummary, month time.Time, opt Options) (*Figure, error) {
	d := -1
	for i, t := range ds.Dates {
		if t.Year() == month.Year() && t.Month() == month.Month() {
			d = i
		}
	}
	if d < 0 {
		return nil, fmt.Errorf("plots: distribution: the %s table has no month %s", ds.Name, month.Format("2006-01"))
	}
	type row struct {
		label string
		q     [2][7]float64
	}
	var rows []row
	var mags []float64
	for _, c := range merchantClasses {
		r := row{label: c.label}
		ok := true
		for v, variant := range []output.Variant{output.Shock, output.Twin} {
			for k, q := range distQuantiles {
				s := ds.Series(variant, fmt.Sprintf("rev_change_p%d%s", q, c.suffix))
				if s == nil {
					ok = false
					break
				}
				r.q[v][k] = s[d].Mean
				mags = append(mags, s[d].Mean)
			}
		}
		if ok {
			rows = append(rows, r)
		}
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("plots: distribution: the %s table has no rev_change columns", ds.Name)
	}
	u := opt.unit("rev_change_p50", maxAbs(mags...))
	f := opt.figure("Merchant revenue change by class, " + month.Format("Jan 2006"))
	p := newPanel()
	p.Add(&vGrid{}, &refLine{At: 0, Vertical: true, Line: draw.LineStyle{Color: color.Black, Width: vg.Points(0.7)}})
	n := len(rows)
	labels := make([]string, n)
	h := vg.Points(6)
	for k, r := range rows {
		y := float64(n - 1 - k)
		labels[n-1-k] = r.label
		var qs [2][7]float64
		for v := range qs {
			for i := range qs[v] {
				qs[v][i] = r.q[v][i] * u.Scale
			}
		}
		p.Add(&qbox{Y: y - 0.18, Q: qs[1], Height: h, Color: twinColor},
			&qbox{Y: y + 0.18, Q: qs[0], Height: h, Color: shockColor, Filled: true})
	}
	padX(p, 0.03)
	p.NominalY(labels...)
	p.Y.Min, p.Y.Max = -0.6, float64(n)-0.4
	p.X.Label.Text = axisLabel(opt.quantity("revenue change against the base window"), u)
	f.Panels = []*plot.Plot{p}
	f.Legend = []LegendEntry{
		{shockStyle.name, []plot.Thumbnailer{&qbox{Height: h, Color: shockColor, Filled: true}}},
		{twinStyle.name, []plot.Thumbnailer{&qbox{Height: h, Color: twinColor}}},
		{"box P25-P75, bar P10-P90, whiskers P5-P95, black: median (across merchants; mean of replicates)", nil},
	}
	return f, nil
}
