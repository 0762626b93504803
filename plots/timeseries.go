package plots

import (
	"fmt"
	"image/color"
	"regexp"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/ripple-sim/ripple/sim/output"
)

// variant styles: colour and dashes of the shock and the twin.
type style struct {
	name   string
	color  color.NRGBA
	dashes []vg.Length
	glyph  draw.GlyphDrawer
}

var (
	shockStyle = style{"breach (shock)", shockColor, nil, draw.CircleGlyph{}}
	twinStyle  = style{"no-breach twin", twinColor, twinDashes, draw.SquareGlyph{}}
)

func (s style) line(points bool) *curve {
	l := &curve{Line: draw.LineStyle{Color: s.color, Width: vg.Points(1.4), Dashes: s.dashes}}
	if points {
		l.Glyph = draw.GlyphStyle{Color: s.color, Radius: vg.Points(1.8), Shape: s.glyph}
	}
	return l
}

// series holds one variant's values over the dates in range.
type series struct {
	x                                    []float64
	mean, p5, p25, p50, p75, p95, lo, hi []float64
}

// collect picks the dates idx of stats, scaled by u. Month-end snapshots
// (the distributions table, dated by the first of the month) are placed on
// the month's last day, when they were taken.
func collect(ts output.TableSummary, stats []output.Stat, idx []int, scale float64) series {
	var s series
	for _, i := range idx {
		st := stats[i]
		d := ts.Dates[i]
		if ts.Name == "distributions" {
			d = d.AddDate(0, 1, -d.Day())
		}
		s.x = append(s.x, unixX(d))
		s.mean = append(s.mean, st.Mean*scale)
		s.p5 = append(s.p5, st.P5*scale)
		s.p25 = append(s.p25, st.P25*scale)
		s.p50 = append(s.p50, st.P50*scale)
		s.p75 = append(s.p75, st.P75*scale)
		s.p95 = append(s.p95, st.P95*scale)
		s.lo = append(s.lo, st.Lo*scale)
		s.hi = append(s.hi, st.Hi*scale)
	}
	return s
}

// statRange returns the largest magnitude of the quantiles and interval
// bounds of stats at idx.
func statRange(idx []int, stats ...[]output.Stat) float64 {
	var xs []float64
	for _, ss := range stats {
		for _, i := range idx {
			st := ss[i]
			xs = append(xs, st.P5, st.P95, st.Lo, st.Hi, st.Mean)
		}
	}
	return maxAbs(xs...)
}

// timePanel returns a panel with a date x axis and a horizontal grid.
func timePanel(f *Figure) *plot.Plot {
	p := newPanel()
	w, _ := f.Size()
	timeAxis(p, w)
	g := &refGrid{}
	p.Add(g)
	return p
}

// refGrid draws light horizontal lines at the labelled y ticks.
type refGrid struct{}

// Plot implements plot.Plotter.
func (refGrid) Plot(c draw.Canvas, p *plot.Plot) {
	_, trY := p.Transforms(&c)
	sty := draw.LineStyle{Color: gridColor, Width: vg.Points(0.5)}
	for _, t := range p.Y.Tick.Marker.Ticks(p.Y.Min, p.Y.Max) {
		if t.IsMinor() || t.Value < p.Y.Min || t.Value > p.Y.Max {
			continue
		}
		y := trY(t.Value)
		c.StrokeLine2(sty, c.Min.X, y, c.Max.X, y)
	}
}

// Fan draws a metric of a table for the shock and its no-breach twin across
// replicates, as fan charts: for each, the median as a line (solid for the
// shock, dashed for the twin), the 50 % band (P25-P75 of replicates) darker
// and the 90 % band (P5-P95) lighter. Dates run along the x axis, with
// opt.Marks as labelled vertical lines.
func Fan(ts output.TableSummary, metric string, opt Options) (*Figure, error) {
	shock, twin := ts.Series(output.Shock, metric), ts.Series(output.Twin, metric)
	if shock == nil {
		return nil, fmt.Errorf("plots: fan: the %s table has no metric %q", ts.Name, metric)
	}
	idx := opt.inRange(ts.Dates)
	if len(idx) == 0 {
		return nil, fmt.Errorf("plots: fan: no %s dates between %s and %s", ts.Name, day(opt.From), day(opt.To))
	}
	u := opt.unit(metric, statRange(idx, shock, twin))
	f := opt.figure(fmt.Sprintf("%s: breach and no-breach twin (%s)", capital(Name(metric)), tableName(ts.Name)))
	f.Marks = opt.Marks
	p := timePanel(f)
	points := len(idx) <= 40
	for _, v := range []struct {
		st    style
		stats []output.Stat
	}{{twinStyle, twin}, {shockStyle, shock}} {
		s := collect(ts, v.stats, idx, u.Scale)
		l := v.st.line(points)
		l.X, l.Y = s.x, s.p50
		p.Add(&band{s.x, s.p5, s.p95, fade(v.st.color, outerAlpha)},
			&band{s.x, s.p25, s.p75, fade(v.st.color, innerAlpha)}, l)
	}
	p.Y.Label.Text = axisLabel(opt.quantity(Name(metric)), u)
	f.Panels = []*plot.Plot{p}
	// The 50 % band is drawn over the 90 % band: its swatch too.
	outer := swatch{fade(shockColor, outerAlpha), fade(twinColor, outerAlpha)}
	inner := swatch{fade(shockColor, innerAlpha), fade(twinColor, innerAlpha)}
	f.Legend = []LegendEntry{
		{"breach: median", []plot.Thumbnailer{shockStyle.line(points)}},
		{"no-breach twin: median", []plot.Thumbnailer{twinStyle.line(points)}},
		{"50 % band (P25-P75)", []plot.Thumbnailer{outer, inner}},
		{"90 % band (P5-P95)", []plot.Thumbnailer{outer}},
	}
	return f, nil
}

// Effect draws the effect of the breach on a metric, shock minus twin paired
// by replicate: its mean as a line, the 95 % confidence interval of the mean
// as the darker band, the 5th-95th percentile of replicates as the lighter
// one, and a zero line.
func Effect(ts output.TableSummary, metric string, opt Options) (*Figure, error) {
	eff := ts.Series(output.Effect, metric)
	if eff == nil {
		return nil, fmt.Errorf("plots: effect: the %s table has no metric %q", ts.Name, metric)
	}
	idx := opt.inRange(ts.Dates)
	if len(idx) == 0 {
		return nil, fmt.Errorf("plots: effect: no %s dates between %s and %s", ts.Name, day(opt.From), day(opt.To))
	}
	u := opt.unit(metric, statRange(idx, eff))
	f := opt.figure(fmt.Sprintf("Effect of the breach on %s (%s)", Name(metric), tableName(ts.Name)))
	f.Marks = opt.Marks
	p := timePanel(f)
	zero := &refLine{At: 0, Line: draw.LineStyle{Color: color.Black, Width: vg.Points(0.7)}}
	s := collect(ts, eff, idx, u.Scale)
	st := style{"effect", Black, nil, draw.CircleGlyph{}}
	l := st.line(len(idx) <= 40)
	l.X, l.Y = s.x, s.mean
	p.Add(zero, &band{s.x, s.p5, s.p95, fade(Blue, outerAlpha)}, &band{s.x, s.lo, s.hi, fade(Blue, innerAlpha)}, l)
	p.Y.Label.Text = axisLabel(opt.quantity("effect on "+Name(metric)), u)
	f.Panels = []*plot.Plot{p}
	f.Legend = []LegendEntry{
		{"mean effect (shock - twin)", []plot.Thumbnailer{l}},
		{"95 % CI of the mean", []plot.Thumbnailer{swatch{fade(Blue, innerAlpha)}}},
		{"P5-P95 of replicates", []plot.Thumbnailer{swatch{fade(Blue, outerAlpha)}}},
		{"no effect", []plot.Thumbnailer{zero}},
	}
	return f, nil
}

var quantileSuffix = regexp.MustCompile(`_p(\d+)$`)

// Spread draws a distribution across agents over time, for the shock and
// its twin: the band between two agent quantiles lo and hi and a line at the
// middle one, each the mean over replicates. For example trust_p10,
// trust_p50, trust_p90 of the daily table, or courier_income_change_p10,
// _p50, _p90 of the distributions table.
func Spread(ts output.TableSummary, lo, mid, hi string, opt Options) (*Figure, error) {
	var stats [2][3][]output.Stat
	for v, variant := range []output.Variant{output.Shock, output.Twin} {
		for k, m := range []string{lo, mid, hi} {
			if stats[v][k] = ts.Series(variant, m); stats[v][k] == nil {
				return nil, fmt.Errorf("plots: spread: the %s table has no metric %q", ts.Name, m)
			}
		}
	}
	idx := opt.inRange(ts.Dates)
	if len(idx) == 0 {
		return nil, fmt.Errorf("plots: spread: no %s dates between %s and %s", ts.Name, day(opt.From), day(opt.To))
	}
	var all []float64
	for v := range stats {
		for k := range stats[v] {
			for _, i := range idx {
				all = append(all, stats[v][k][i].Mean)
			}
		}
	}
	u := opt.unit(mid, maxAbs(all...))
	name := Name(mid)
	if name == strings.ReplaceAll(mid, "_", " ") {
		name = strings.ReplaceAll(quantileSuffix.ReplaceAllString(mid, ""), "_", " ")
	}
	f := opt.figure(fmt.Sprintf("%s across agents: breach and no-breach twin (%s)", capital(name), tableName(ts.Name)))
	f.Marks = opt.Marks
	p := timePanel(f)
	points := len(idx) <= 40
	for _, v := range []struct {
		st    style
		stats [3][]output.Stat
	}{{twinStyle, stats[1]}, {shockStyle, stats[0]}} {
		lo, md, hi := collect(ts, v.stats[0], idx, u.Scale), collect(ts, v.stats[1], idx, u.Scale),
			collect(ts, v.stats[2], idx, u.Scale)
		l := v.st.line(points)
		l.X, l.Y = md.x, md.mean
		edge := func(y []float64) *curve {
			return &curve{X: md.x, Y: y, Line: draw.LineStyle{Color: v.st.color, Width: vg.Points(0.7), Dashes: v.st.dashes}}
		}
		if v.st.dashes == nil {
			p.Add(&band{md.x, lo.mean, hi.mean, fade(v.st.color, outerAlpha)})
		}
		p.Add(edge(lo.mean), edge(hi.mean), l)
	}
	p.Y.Label.Text = axisLabel(opt.quantity(name), u)
	f.Panels = []*plot.Plot{p}
	ql := func(m string) string {
		if s := quantileSuffix.FindStringSubmatch(m); s != nil {
			return "P" + s[1]
		}
		return m
	}
	thin := func(st style) *curve {
		return &curve{Line: draw.LineStyle{Color: st.color, Width: vg.Points(0.7), Dashes: st.dashes}}
	}
	f.Legend = []LegendEntry{
		{"breach: " + ql(mid), []plot.Thumbnailer{shockStyle.line(points)}},
		{ql(lo) + "-" + ql(hi), []plot.Thumbnailer{swatch{fade(shockColor, outerAlpha)}, thin(shockStyle)}},
		{"no-breach twin: " + ql(mid), []plot.Thumbnailer{twinStyle.line(points)}},
		{ql(lo) + "-" + ql(hi), []plot.Thumbnailer{thin(twinStyle)}},
		{"(quantiles across agents, mean of replicates)", nil},
	}
	return f, nil
}

// day formats a date for messages; "any" for the zero date.
func day(d time.Time) string {
	if d.IsZero() {
		return "any"
	}
	return d.Format(time.DateOnly)
}
