package plots

import (
	"errors"
	"fmt"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/ripple-sim/ripple/sim/output"
)

// Response draws an outcome (a metric described across replicates, ys[i]
// at lever or parameter value x[i]) against the lever: the mean with the
// 95 % confidence interval of the mean and the 5th-95th percentile of
// replicates. With opt.XNames the lever is categorical (x are positions,
// XNames their labels) and the intervals are bars; otherwise they are bands.
// opt.XLabel names the lever.
func Response(metric string, x []float64, ys []output.Stat, opt Options) (*Figure, error) {
	if len(x) == 0 || len(x) != len(ys) {
		return nil, fmt.Errorf("plots: response: %d x values for %d outcomes", len(x), len(ys))
	}
	if opt.XNames != nil && len(opt.XNames) != len(x) {
		return nil, errors.New("plots: response: XNames and x differ in length")
	}
	var mags []float64
	for _, s := range ys {
		mags = append(mags, s.Mean, s.Lo, s.Hi, s.P5, s.P95)
	}
	u := opt.unit(metric, maxAbs(mags...))
	lever := opt.XLabel
	if lever == "" {
		lever = "lever"
	}
	f := opt.figure(fmt.Sprintf("%s against %s", capital(opt.quantity(Name(metric))), lever))
	p := newPanel()
	p.Add(&refGrid{})
	var s series
	for i, st := range ys {
		s.x = append(s.x, x[i])
		s.mean = append(s.mean, st.Mean*u.Scale)
		s.lo, s.hi = append(s.lo, st.Lo*u.Scale), append(s.hi, st.Hi*u.Scale)
		s.p5, s.p95 = append(s.p5, st.P5*u.Scale), append(s.p95, st.P95*u.Scale)
	}
	col := Blue
	glyph := draw.GlyphStyle{Color: col, Radius: vg.Points(2.4), Shape: draw.CircleGlyph{}}
	ci := draw.LineStyle{Color: col, Width: vg.Points(1.2)}
	outer := draw.LineStyle{Color: fade(col, 0.3), Width: vg.Points(6)}
	mean := &curve{X: s.x, Y: s.mean, Line: draw.LineStyle{Color: col, Width: vg.Points(1.4)}, Glyph: glyph}
	var ciThumb, outerThumb plot.Thumbnailer
	if opt.XNames != nil {
		mean.Line.Width = 0
		for i := range s.x {
			p.Add(&interval{At: s.x[i], Mid: math.NaN(), Lo: s.p5[i], Hi: s.p95[i], Vertical: true, Line: outer})
			p.Add(&interval{At: s.x[i], Mid: s.mean[i], Lo: s.lo[i], Hi: s.hi[i], Vertical: true, Line: ci, Caps: capSize})
		}
		ticks := make([]plot.Tick, len(x))
		for i := range x {
			ticks[i] = plot.Tick{Value: x[i], Label: opt.XNames[i]}
		}
		p.X.Tick.Marker = plot.ConstantTicks(ticks)
		pad := 0.5
		if len(x) > 1 {
			pad = 0.5 * (x[len(x)-1] - x[0]) / float64(len(x)-1)
		}
		p.Add(mean)
		xmin, xmax, _, _ := dataRange(s.x, s.mean)
		p.X.Min, p.X.Max = xmin-pad, xmax+pad
		ciThumb = &interval{Line: ci, Caps: capSize}
		outerThumb = &refLine{Line: outer}
	} else {
		p.Add(&band{s.x, s.p5, s.p95, fade(col, outerAlpha)}, &band{s.x, s.lo, s.hi, fade(col, innerAlpha)}, mean)
		ciThumb = swatch{fade(col, innerAlpha)}
		outerThumb = swatch{fade(col, outerAlpha)}
	}
	if d := p.Y.Max - p.Y.Min; d > 0 {
		p.Y.Min, p.Y.Max = p.Y.Min-0.04*d, p.Y.Max+0.04*d
	}
	p.X.Label.Text = capital(lever)
	p.Y.Label.Text = axisLabel(opt.quantity(Name(metric)), u)
	f.Panels = []*plot.Plot{p}
	f.Legend = []LegendEntry{
		{"mean", []plot.Thumbnailer{&curve{Line: mean.Line, Glyph: glyph}}},
		{"95 % CI of the mean", []plot.Thumbnailer{ciThumb}},
		{"P5-P95 of replicates", []plot.Thumbnailer{outerThumb}},
	}
	return f, nil
}

// ResponseLine is one curve of ResponseLines: an outcome at each x value
// under one value of a second lever (Y[i] at x[i]), named for the legend.
type ResponseLine struct {
	Name string
	Y    []output.Stat
}

// lineDashes tell the curves of ResponseLines apart without colour.
var lineDashes = [][]vg.Length{nil, {vg.Points(5), vg.Points(2.5)}, {vg.Points(1.5), vg.Points(1.5)},
	{vg.Points(6), vg.Points(2), vg.Points(1.5), vg.Points(2)}}

// ResponseLines draws an outcome against a lever for each value of a second
// lever, as a sweep gives it (say x = investigation days, one line per
// sanction level): per line the mean, joined, with the 95 % confidence
// interval of the mean as an error bar at each x, the bars of the lines set
// slightly apart so that they do not cover each other. Lines differ in
// colour (Okabe-Ito), dashes and glyph, so that they also read in greyscale.
// xLabel names the lever on the x axis (opt.XLabel is not used); the x ticks
// are the x values when there are at most 12 of them, labelled by
// opt.XNames when it is given. NaN values are gaps.
func ResponseLines(metric, xLabel string, x []float64, lines []ResponseLine, opt Options) (*Figure, error) {
	if len(x) == 0 || len(lines) == 0 {
		return nil, fmt.Errorf("plots: response lines: %d x values, %d lines", len(x), len(lines))
	}
	for _, l := range lines {
		if len(l.Y) != len(x) {
			return nil, fmt.Errorf("plots: response lines: line %q has %d outcomes for %d x values", l.Name, len(l.Y), len(x))
		}
	}
	if opt.XNames != nil && len(opt.XNames) != len(x) {
		return nil, errors.New("plots: response lines: XNames and x differ in length")
	}
	var mags []float64
	for _, l := range lines {
		for _, s := range l.Y {
			mags = append(mags, s.Mean, s.Lo, s.Hi)
		}
	}
	u := opt.unit(metric, maxAbs(mags...))
	if xLabel == "" {
		xLabel = "lever"
	}
	f := opt.figure(fmt.Sprintf("%s against %s", capital(opt.quantity(Name(metric))), xLabel))
	p := newPanel()
	p.Add(&refGrid{})
	xmin, xmax, _, _ := dataRange(x, x)
	span := xmax - xmin
	if !(span > 0) {
		span = 1
	}
	dodge := 0.012 * span
	if len(x) > 1 {
		minGap := math.Inf(1)
		for i := 1; i < len(x); i++ {
			minGap = math.Min(minGap, math.Abs(x[i]-x[i-1]))
		}
		dodge = math.Min(dodge, 0.5*minGap/float64(len(lines)))
	}
	for j, l := range lines {
		col := groupCycle[j%len(groupCycle)]
		glyph := draw.GlyphStyle{Color: col, Radius: vg.Points(2.3), Shape: glyphs[j%len(glyphs)]}
		line := draw.LineStyle{Color: col, Width: vg.Points(1.3), Dashes: lineDashes[j%len(lineDashes)]}
		off := (float64(j) - float64(len(lines)-1)/2) * dodge
		c := &curve{Line: line, Glyph: glyph}
		for i, st := range l.Y {
			xi := x[i] + off
			c.X, c.Y = append(c.X, xi), append(c.Y, st.Mean*u.Scale)
			p.Add(&interval{At: xi, Mid: math.NaN(), Lo: st.Lo * u.Scale, Hi: st.Hi * u.Scale, Vertical: true,
				Line: draw.LineStyle{Color: col, Width: vg.Points(1)}, Caps: vg.Points(2)})
		}
		p.Add(c)
		f.Legend = append(f.Legend, LegendEntry{l.Name, []plot.Thumbnailer{&curve{Line: line, Glyph: glyph}}})
	}
	f.Legend = append(f.Legend, LegendEntry{"(mean with its 95 % CI across replicates)", nil})
	if len(x) <= 12 {
		ticks := make([]plot.Tick, len(x))
		for i := range x {
			ticks[i] = plot.Tick{Value: x[i], Label: strconv.FormatFloat(x[i], 'g', 4, 64)}
			if opt.XNames != nil {
				ticks[i].Label = opt.XNames[i]
			}
		}
		p.X.Tick.Marker = plot.ConstantTicks(ticks)
	}
	pad := 0.05 * span
	if len(x) > 1 {
		pad = math.Max(pad, float64(len(lines))*dodge)
	}
	p.X.Min, p.X.Max = xmin-pad, xmax+pad
	if d := p.Y.Max - p.Y.Min; d > 0 {
		p.Y.Min, p.Y.Max = p.Y.Min-0.04*d, p.Y.Max+0.04*d
	}
	p.X.Label.Text = capital(xLabel)
	p.Y.Label.Text = axisLabel(opt.quantity(Name(metric)), u)
	f.Panels = []*plot.Plot{p}
	return f, nil
}
