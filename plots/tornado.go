package plots

import (
	"errors"
	"image/color"
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// TornadoRow is one parameter's elementary effects on an output (Morris
// screening, package sim/sensitivity), in the output's unit per the
// parameter's whole normalised range: MuStar (mean |EE|) with its 95 %
// interval Lo..Hi (NaN when unknown), Mu (mean EE, its sign is the
// direction) and Sigma (standard deviation of the EE).
type TornadoRow struct {
	Param                     string
	MuStar, Lo, Hi, Mu, Sigma float64
}

// Tornado colours: μ* dark, σ light, so that they differ in grey too.
var (
	tornadoMuStar = Blue
	tornadoSigma  = color.NRGBA{0xa6, 0xce, 0xe3, 0xff}
)

// Tornado draws a tornado chart of a Morris screening of one output: a row
// per parameter, sorted by μ* (largest at the top), a thick dark bar of μ*
// with its 95 % interval as a whisker, a thin light bar of σ below it, and
// μ*'s value with the sign of μ beside the bars (+ when the output rises
// with the parameter on every path, − when it falls, ± when the sign
// varies). output names the output in the title; unit is its base unit
// (share, KRW, people, ratio ...), from which the display unit is chosen
// unless opt.Unit is set (effects on a share in percentage points). A
// parameter whose μ* is NaN (no finite effect) is labelled n/a.
func Tornado(output, unit string, rows []TornadoRow, opt Options) (*Figure, error) {
	if len(rows) == 0 {
		return nil, errors.New("plots: tornado: no rows")
	}
	rows = slices.Clone(rows)
	key := func(r TornadoRow) float64 {
		if finite(r.MuStar) {
			return r.MuStar
		}
		return math.Inf(-1)
	}
	slices.SortStableFunc(rows, func(a, b TornadoRow) int {
		ka, kb := key(a), key(b)
		switch {
		case ka > kb:
			return -1
		case ka < kb:
			return 1
		}
		return 0
	})
	var mags []float64
	for _, r := range rows {
		mags = append(mags, r.MuStar, r.Hi, r.Sigma)
	}
	m := maxAbs(mags...)
	u := opt.Unit
	if u.Scale == 0 {
		switch unit {
		case "ratio":
			u = unitFor("", m)
		case "share", "%":
			u = Unit{"pp", 100} // an effect on a share is a difference of shares
		default:
			u = unitFor(unit, m)
		}
	}
	f := opt.figure("Elementary effects on " + output)
	n := len(rows)
	p := newPanel()
	p.Add(&vGrid{})
	const barH, sigH = 0.34, 0.16 // bar heights in rows
	labels := make([]string, n)
	for k, r := range rows {
		y := float64(n - 1 - k)
		labels[n-1-k] = r.Param
		p.Add(&hbar{At: y + 0.07, To: r.MuStar * u.Scale, Height: barH, Color: tornadoMuStar})
		p.Add(&hbar{At: y - 0.22, To: r.Sigma * u.Scale, Height: sigH, Color: tornadoSigma, Edge: fade(tornadoMuStar, 0.8)})
		label := formatValue(r.MuStar*u.Scale, m*u.Scale)
		if label != "" {
			label = signOf(r) + " " + label
		}
		if !finite(r.MuStar) {
			label = "n/a"
			p.Add(&interval{At: y, Lo: 0, Hi: 0, Mid: math.NaN(), Label: label, Line: draw.LineStyle{Color: color.Transparent}})
			continue
		}
		p.Add(&interval{At: y + 0.07, Lo: r.Lo * u.Scale, Hi: r.Hi * u.Scale, Mid: math.NaN(), Label: label,
			Line: draw.LineStyle{Color: color.Black, Width: vg.Points(0.8)}, Caps: vg.Points(2)})
	}
	p.Add(&refLine{At: 0, Vertical: true, Line: draw.LineStyle{Color: color.Black, Width: vg.Points(0.7)}})
	p.X.Min = 0
	if p.X.Max <= 0 {
		p.X.Max = 1
	}
	p.X.Max *= 1.18 // room for the labels
	p.NominalY(labels...)
	p.Y.Min, p.Y.Max = -0.6, float64(n)-0.4
	p.X.Label.Text = "effect per full range of the parameter"
	if u.Label != "" {
		p.X.Label.Text += " (" + u.Label + ")"
	}
	f.Panels = []*plot.Plot{p}
	if f.Height == 0 {
		f.Height = vg.Length(3.6+0.62*float64(n)) * vg.Centimeter
	}
	f.Legend = []LegendEntry{
		{"μ* (mean |EE|) with its 95 % interval", []plot.Thumbnailer{swatch{tornadoMuStar}}},
		{"σ (sd of EE)", []plot.Thumbnailer{swatch{tornadoSigma}}},
		{"sign of μ: + rises, − falls, ± mixed", nil},
	}
	return f, nil
}

// signOf is "+" or "−" when every path moves the output the same way (|μ|
// = μ*, to rounding), else "±".
func signOf(r TornadoRow) string {
	switch {
	case !finite(r.Mu) || !finite(r.MuStar) || r.MuStar == 0:
		return ""
	case r.Mu >= r.MuStar*(1-1e-9):
		return "+"
	case -r.Mu >= r.MuStar*(1-1e-9):
		return "−"
	}
	return "±"
}

// hbar is a horizontal bar from 0 to To at height At, Height rows thick.
type hbar struct {
	At, To, Height float64
	Color          color.Color
	Edge           color.Color // outline; nil: none
}

// Plot implements plot.Plotter.
func (b *hbar) Plot(c draw.Canvas, p *plot.Plot) {
	if !finite(b.To) {
		return
	}
	trX, trY := p.Transforms(&c)
	x0, x1 := trX(0), trX(b.To)
	y0, y1 := trY(b.At-b.Height/2), trY(b.At+b.Height/2)
	pts := []vg.Point{{X: x0, Y: y0}, {X: x0, Y: y1}, {X: x1, Y: y1}, {X: x1, Y: y0}}
	c.FillPolygon(b.Color, pts)
	if b.Edge != nil {
		c.StrokeLines(draw.LineStyle{Color: b.Edge, Width: vg.Points(0.4)}, append(pts, pts[0]))
	}
}

// DataRange implements plot.DataRanger.
func (b *hbar) DataRange() (xmin, xmax, ymin, ymax float64) {
	return dataRange([]float64{0, b.To}, []float64{b.At, b.At})
}
