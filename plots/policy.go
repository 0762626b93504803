package plots

import (
	"errors"
	"image/color"
	"math"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/ripple-sim/ripple/sim/output"
)

// PolicyRow is one cumulative effect of the policy figure: a metric of a
// group under a lever set, in its base unit (KRW, orders, merchants,
// hours ...), with the 95 % confidence interval of its mean (NaN when
// unknown).
type PolicyRow struct {
	LeverSet, Group, Metric, Unit string
	Mean, Lo, Hi                  float64
}

// PolicyRows converts a batch's policy summary, run under one lever set;
// append the rows of several batches to compare lever sets.
func PolicyRows(leverSet string, rows []output.PolicyRow) []PolicyRow {
	out := make([]PolicyRow, len(rows))
	for i, r := range rows {
		out[i] = PolicyRow{leverSet, r.Group, r.Name, r.Unit, r.Mean, r.Lo, r.Hi}
	}
	return out
}

// groupNames are display names of groups.
var groupNames = map[string]string{"fc_staff": "FC staff"}

// glyphs tell lever sets apart.
var glyphs = []draw.GlyphDrawer{draw.CircleGlyph{}, draw.TriangleGlyph{}, draw.SquareGlyph{},
	draw.RingGlyph{}, draw.PyramidGlyph{}, draw.CrossGlyph{}, draw.PlusGlyph{}}

// Policy draws cumulative effects by group: one row per group and metric,
// the mean as a point and its 95 % confidence interval as a bar, one panel
// per unit (stacked, rows in input order), one colour per group and, side
// by side within a row, one glyph per lever set. With a single lever set
// each mean is also written beside its point.
func Policy(rows []PolicyRow, opt Options) (*Figure, error) {
	if len(rows) == 0 {
		return nil, errors.New("plots: policy: no rows")
	}
	var units, sets []string
	for _, r := range rows {
		if !slices.Contains(units, r.Unit) {
			units = append(units, r.Unit)
		}
		if !slices.Contains(sets, r.LeverSet) {
			sets = append(sets, r.LeverSet)
		}
	}
	title := "Cumulative effects of the breach by group"
	if len(sets) == 1 && sets[0] != "" {
		title += " (lever set " + sets[0] + ")"
	}
	f := opt.figure(title)
	f.Vertical = true
	const axisCM = 1.4                     // an x axis with its label and the gap, cm
	per := 0.55 + 0.3*float64(len(sets)-1) // height of a row, cm
	nItems := 0
	groups := map[string]color.NRGBA{}
	for _, unit := range units {
		type item struct{ group, metric string }
		var items []item
		var mags []float64
		for _, r := range rows {
			if r.Unit != unit {
				continue
			}
			if it := (item{r.Group, r.Metric}); !slices.Contains(items, it) {
				items = append(items, it)
			}
			mags = append(mags, r.Mean, r.Lo, r.Hi)
		}
		u := opt.Unit
		if u.Scale == 0 {
			u = unitFor(unit, maxAbs(mags...))
		}
		p := newPanel()
		p.Add(&vGrid{})
		n := len(items)
		step := min(0.3, 0.75/float64(len(sets)))
		for _, r := range rows {
			if r.Unit != unit {
				continue
			}
			k := slices.Index(items, item{r.Group, r.Metric})
			j := slices.Index(sets, r.LeverSet)
			col, ok := groups[r.Group]
			if !ok {
				col = groupColors[r.Group]
				if col.A == 0 {
					col = groupCycle[len(groups)%len(groupCycle)]
				}
				groups[r.Group] = col
			}
			y := float64(n-1-k) - (float64(j)-float64(len(sets)-1)/2)*step
			label := "" // values beside the points, when no other lever set competes for the room
			if len(sets) == 1 {
				label = formatValue(r.Mean*u.Scale, maxAbs(mags...)*u.Scale)
			}
			p.Add(&interval{At: y, Mid: r.Mean * u.Scale, Lo: r.Lo * u.Scale, Hi: r.Hi * u.Scale, Label: label,
				Line: draw.LineStyle{Color: col, Width: vg.Points(1.2)}, Caps: capSize,
				Glyph: draw.GlyphStyle{Color: col, Radius: vg.Points(2.6), Shape: glyphs[j%len(glyphs)]}})
		}
		p.Add(&refLine{At: 0, Vertical: true, Line: draw.LineStyle{Color: color.Black, Width: vg.Points(0.7)}})
		labels := make([]string, n)
		for k, it := range items {
			g := groupNames[it.group]
			if g == "" {
				g = it.group
			}
			labels[n-1-k] = g + ": " + Name(it.metric)
		}
		padX(p, 0.04)
		p.NominalY(labels...)
		p.Y.Min, p.Y.Max = -0.6, float64(n)-0.4
		p.X.Label.Text = "cumulative effect"
		if u.Label != "" {
			p.X.Label.Text += " (" + u.Label + ")"
		}
		f.Panels = append(f.Panels, p)
		f.Weights = append(f.Weights, per*float64(n)+axisCM)
		nItems += n
	}
	if f.Height == 0 {
		f.Height = vg.Length(2.4+axisCM*float64(len(units))+per*float64(nItems)) * vg.Centimeter
	}
	black := draw.LineStyle{Color: color.Black, Width: vg.Points(1.2)}
	if len(sets) == 1 {
		f.Legend = []LegendEntry{{"mean with its 95 % CI across replicates", []plot.Thumbnailer{&interval{Line: black, Caps: capSize,
			Glyph: draw.GlyphStyle{Color: color.Black, Radius: vg.Points(2.6), Shape: glyphs[0]}}}}}
	} else {
		for j, s := range sets {
			f.Legend = append(f.Legend, LegendEntry{s, []plot.Thumbnailer{&interval{Line: black, Caps: capSize,
				Glyph: draw.GlyphStyle{Color: color.Black, Radius: vg.Points(2.6), Shape: glyphs[j%len(glyphs)]}}}})
		}
		f.Legend = append(f.Legend, LegendEntry{"(mean with its 95 % CI across replicates)", nil})
	}
	return f, nil
}

// formatValue formats v with the decimals that give values up to maxAbs
// three significant digits.
func formatValue(v, maxAbs float64) string {
	if !finite(v) {
		return ""
	}
	d := 0
	if maxAbs > 0 {
		d = min(max(0, 2-int(math.Floor(math.Log10(maxAbs)))), 6)
	}
	s := strconv.FormatFloat(v, 'f', d, 64)
	if strings.Trim(s, "-0.") == "" {
		s = strings.TrimPrefix(s, "-")
	}
	return s
}

// padX widens p's x range by a share of its span on each side.
func padX(p *plot.Plot, share float64) {
	if d := p.X.Max - p.X.Min; d > 0 {
		p.X.Min -= share * d
		p.X.Max += share * d
	}
}

// vGrid draws light vertical lines at the labelled x ticks.
type vGrid struct{}

// Plot implements plot.Plotter.
func (vGrid) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	sty := draw.LineStyle{Color: gridColor, Width: vg.Points(0.5)}
	for _, t := range p.X.Tick.Marker.Ticks(p.X.Min, p.X.Max) {
		if t.IsMinor() || t.Value < p.X.Min || t.Value > p.X.Max {
			continue
		}
		x := trX(t.Value)
		c.StrokeLine2(sty, x, c.Min.Y, x, c.Max.Y)
	}
}
