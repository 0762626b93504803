package plots

import (
	"errors"
	"image/color"
	"math"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
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
//
// With more than maxGlyphSets lever sets (a sweep) the figure has one panel
// per group and metric instead, each on its own scale, stacked: one row per
// lever set in input order, labelled with the set's short name
// (ShortLeverSets; the legend names the levers), so that 20 lever sets read.
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
	if len(sets) > maxGlyphSets {
		return policySweep(rows, sets, opt), nil
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

// maxGlyphSets is the most lever sets Policy tells apart by glyphs within a
// row; more get the sweep layout.
const maxGlyphSets = 4

// policySweep is Policy's layout for many lever sets: a panel per group and
// metric, a row per lever set.
func policySweep(rows []PolicyRow, sets []string, opt Options) *Figure {
	type item struct{ group, metric, unit string }
	var items []item
	for _, r := range rows {
		if it := (item{r.Group, r.Metric, r.Unit}); !slices.Contains(items, it) {
			items = append(items, it)
		}
	}
	labels, levers := ShortLeverSets(sets)
	f := opt.figure("Cumulative effects of the breach by group and lever set")
	f.Vertical = true
	const rowCM, extraCM = 0.32, 1.9 // a lever set's row; a panel's title and x axis, cm
	n := len(sets)
	groups := map[string]color.NRGBA{}
	for _, it := range items {
		var mags []float64
		for _, r := range rows {
			if r.Group == it.group && r.Metric == it.metric && r.Unit == it.unit {
				mags = append(mags, r.Mean, r.Lo, r.Hi)
			}
		}
		u := opt.Unit
		if u.Scale == 0 {
			u = unitFor(it.unit, maxAbs(mags...))
		}
		col, ok := groups[it.group]
		if !ok {
			col = groupColors[it.group]
			if col.A == 0 {
				col = groupCycle[len(groups)%len(groupCycle)]
			}
			groups[it.group] = col
		}
		p := newPanel()
		p.Add(&vGrid{})
		for _, r := range rows {
			if r.Group != it.group || r.Metric != it.metric || r.Unit != it.unit {
				continue
			}
			j := slices.Index(sets, r.LeverSet)
			p.Add(&interval{At: float64(n - 1 - j), Mid: r.Mean * u.Scale, Lo: r.Lo * u.Scale, Hi: r.Hi * u.Scale,
				Line: draw.LineStyle{Color: col, Width: vg.Points(1.1)}, Caps: vg.Points(2),
				Glyph: draw.GlyphStyle{Color: col, Radius: vg.Points(2.2), Shape: draw.CircleGlyph{}}})
		}
		p.Add(&refLine{At: 0, Vertical: true, Line: draw.LineStyle{Color: color.Black, Width: vg.Points(0.7)}})
		ys := make([]string, n)
		for j, l := range labels {
			ys[n-1-j] = l
		}
		padX(p, 0.04)
		p.NominalY(ys...)
		p.Y.Tick.Label.Font = font.From(sans, vg.Points(7))
		p.Y.Min, p.Y.Max = -0.6, float64(n)-0.4
		g := groupNames[it.group]
		if g == "" {
			g = it.group
		}
		p.Title.Text = g + ": " + Name(it.metric)
		p.Title.TextStyle.Font = font.From(sans, labelSize)
		p.Title.Padding = vg.Points(2)
		p.X.Label.Text = ""
		if u.Label != "" {
			p.X.Label.Text = u.Label
		}
		p.X.Label.TextStyle.Font = font.From(sans, tickSize)
		f.Panels = append(f.Panels, p)
		f.Weights = append(f.Weights, rowCM*float64(n)+extraCM)
	}
	nr := len(items)
	if nr > 3 { // two columns, so that ten panels are not one long strip
		f.Columns, nr = 2, (nr+1)/2
		if f.Width == 0 {
			f.Width = DefaultWidth * 3 / 2
		}
	}
	if f.Height == 0 {
		f.Height = vg.Length(2.6+(rowCM*float64(n)+extraCM)*float64(nr)) * vg.Centimeter
	}
	black := draw.LineStyle{Color: color.Black, Width: vg.Points(1.1)}
	f.Legend = []LegendEntry{{"mean with its 95 % CI across replicates, one row per lever set", []plot.Thumbnailer{&interval{
		Line: black, Caps: vg.Points(2), Glyph: draw.GlyphStyle{Color: color.Black, Radius: vg.Points(2.2), Shape: draw.CircleGlyph{}}}}}}
	if levers != "" {
		f.Legend = append(f.Legend, LegendEntry{"rows: " + levers, nil})
	}
	return f
}

// maxLabel is the longest lever-set label, in characters.
const maxLabel = 28

// ShortLeverSets returns short labels of lever-set names for axes, and what
// they name. Names of the form "key=value,key=value" (a sweep's) with the
// same keys are labelled by their values, "S2 · 180", leaving out the keys
// whose value is the same in every set; levers is then the keys in words,
// "sanction level · investigation days". Other names are kept, cut to 28
// characters with an ellipsis; levers is "".
func ShortLeverSets(names []string) (labels []string, levers string) {
	var keys []string
	vals := make([][]string, len(names))
	for i, name := range names {
		var ks []string
		for _, kv := range strings.Split(name, ",") {
			k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
			if !ok || k == "" {
				ks = nil
				break
			}
			ks, vals[i] = append(ks, strings.TrimSpace(k)), append(vals[i], strings.TrimSpace(v))
		}
		if ks == nil || (i > 0 && !slices.Equal(ks, keys)) {
			keys = nil
			break
		}
		keys = ks
	}
	labels = make([]string, len(names))
	if keys == nil {
		for i, name := range names {
			if r := []rune(name); len(r) > maxLabel {
				name = string(r[:maxLabel-1]) + "…"
			}
			labels[i] = name
		}
		return labels, ""
	}
	var keep []int
	for k := range keys {
		for i := range names {
			if vals[i][k] != vals[0][k] {
				keep = append(keep, k)
				break
			}
		}
	}
	if len(keep) == 0 {
		for k := range keys {
			keep = append(keep, k)
		}
	}
	var words []string
	for _, k := range keep {
		words = append(words, strings.ReplaceAll(keys[k], "_", " "))
	}
	for i := range names {
		var vs []string
		for _, k := range keep {
			vs = append(vs, vals[i][k])
		}
		labels[i] = strings.Join(vs, " · ")
	}
	return labels, strings.Join(words, " · ")
}
