package plots

import (
	"errors"
	"fmt"
	"math"

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
