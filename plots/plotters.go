package plots

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Small plotters that, unlike gonum's, accept NaN values as gaps.

// dataRange returns the finite range of xs and of every y series.
func dataRange(xs []float64, ys ...[]float64) (xmin, xmax, ymin, ymax float64) {
	xmin, ymin = math.Inf(1), math.Inf(1)
	xmax, ymax = math.Inf(-1), math.Inf(-1)
	for i, x := range xs {
		for _, y := range ys {
			if i < len(y) && finite(x) && finite(y[i]) {
				xmin, xmax = math.Min(xmin, x), math.Max(xmax, x)
				ymin, ymax = math.Min(ymin, y[i]), math.Max(ymax, y[i])
			}
		}
	}
	return xmin, xmax, ymin, ymax
}

// band fills the area between Lo and Hi over X, with gaps where a value is
// not finite.
type band struct {
	X, Lo, Hi []float64
	Color     color.Color
}

// Plot implements plot.Plotter.
func (b *band) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	c.SetColor(b.Color)
	n := len(b.X)
	for i := 0; i < n; {
		if !b.ok(i) {
			i++
			continue
		}
		j := i
		for j < n && b.ok(j) {
			j++
		}
		pts := make([]vg.Point, 0, 2*(j-i))
		for k := i; k < j; k++ {
			pts = append(pts, vg.Point{X: trX(b.X[k]), Y: trY(b.Hi[k])})
		}
		for k := j - 1; k >= i; k-- {
			pts = append(pts, vg.Point{X: trX(b.X[k]), Y: trY(b.Lo[k])})
		}
		if j-i == 1 { // a single point: a thin sliver so that it shows
			w := vg.Points(1)
			pts = []vg.Point{{X: pts[0].X - w, Y: pts[0].Y}, {X: pts[0].X + w, Y: pts[0].Y},
				{X: pts[1].X + w, Y: pts[1].Y}, {X: pts[1].X - w, Y: pts[1].Y}}
		}
		pts = c.ClipPolygonXY(pts)
		if len(pts) > 2 {
			var pa vg.Path
			pa.Move(pts[0])
			for _, q := range pts[1:] {
				pa.Line(q)
			}
			pa.Close()
			c.Fill(pa)
		}
		i = j
	}
}

func (b *band) ok(i int) bool { return finite(b.X[i]) && finite(b.Lo[i]) && finite(b.Hi[i]) }

// DataRange implements plot.DataRanger.
func (b *band) DataRange() (xmin, xmax, ymin, ymax float64) { return dataRange(b.X, b.Lo, b.Hi) }

// curve is a line through (X, Y), broken where a value is not finite, with
// an optional glyph at every point.
type curve struct {
	X, Y  []float64
	Line  draw.LineStyle
	Glyph draw.GlyphStyle // drawn when Shape is not nil
}

// Plot implements plot.Plotter.
func (l *curve) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	var seg []vg.Point
	flush := func() {
		if len(seg) > 1 && l.Line.Width > 0 {
			c.StrokeLines(l.Line, c.ClipLinesXY(seg)...)
		}
		seg = seg[:0]
	}
	for i, x := range l.X {
		if !finite(x) || !finite(l.Y[i]) {
			flush()
			continue
		}
		seg = append(seg, vg.Point{X: trX(x), Y: trY(l.Y[i])})
	}
	flush()
	if l.Glyph.Shape != nil {
		for i, x := range l.X {
			if finite(x) && finite(l.Y[i]) {
				pt := vg.Point{X: trX(x), Y: trY(l.Y[i])}
				if c.Contains(pt) {
					c.DrawGlyph(l.Glyph, pt)
				}
			}
		}
	}
}

// DataRange implements plot.DataRanger.
func (l *curve) DataRange() (xmin, xmax, ymin, ymax float64) { return dataRange(l.X, l.Y) }

// Thumbnail implements plot.Thumbnailer.
func (l *curve) Thumbnail(c *draw.Canvas) {
	y := c.Center().Y
	if l.Line.Width > 0 {
		c.StrokeLine2(l.Line, c.Min.X, y, c.Max.X, y)
	}
	if l.Glyph.Shape != nil {
		c.DrawGlyph(l.Glyph, c.Center())
	}
}

// refLine is a horizontal line at Y (or a vertical one at X when Vertical)
// across the data area.
type refLine struct {
	At       float64
	Vertical bool
	Line     draw.LineStyle
}

// Plot implements plot.Plotter.
func (r *refLine) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	if r.Vertical {
		if r.At >= p.X.Min && r.At <= p.X.Max {
			x := trX(r.At)
			c.StrokeLine2(r.Line, x, c.Min.Y, x, c.Max.Y)
		}
		return
	}
	if r.At >= p.Y.Min && r.At <= p.Y.Max {
		y := trY(r.At)
		c.StrokeLine2(r.Line, c.Min.X, y, c.Max.X, y)
	}
}

// DataRange implements plot.DataRanger: the line's value is kept in range.
func (r *refLine) DataRange() (xmin, xmax, ymin, ymax float64) {
	if r.Vertical {
		return r.At, r.At, math.Inf(1), math.Inf(-1)
	}
	return math.Inf(1), math.Inf(-1), r.At, r.At
}

// Thumbnail implements plot.Thumbnailer.
func (r *refLine) Thumbnail(c *draw.Canvas) {
	y := c.Center().Y
	c.StrokeLine2(r.Line, c.Min.X, y, c.Max.X, y)
}

// swatch is a legend thumbnail: a patch split into horizontal stripes of the
// given colours, top first.
type swatch []color.Color

// Thumbnail implements plot.Thumbnailer.
func (s swatch) Thumbnail(c *draw.Canvas) {
	h := (c.Max.Y - c.Min.Y) / vg.Length(len(s))
	for i, col := range s {
		top := c.Max.Y - vg.Length(i)*h
		c.FillPolygon(col, []vg.Point{{X: c.Min.X, Y: top - h}, {X: c.Min.X, Y: top},
			{X: c.Max.X, Y: top}, {X: c.Max.X, Y: top - h}})
	}
}

// interval is an interval Lo..Hi with caps and a glyph at Mid, horizontal
// at height At (data units), or vertical at x = At when Vertical.
type interval struct {
	At, Mid, Lo, Hi float64
	Vertical        bool
	Line            draw.LineStyle
	Caps            vg.Length // half-length of the caps; 0: none
	Glyph           draw.GlyphStyle
	Label           string // horizontal only: text beside the interval, right of it if it fits
}

// capSize is the usual half-length of interval caps.
var capSize = vg.Points(2.5)

// Plot implements plot.Plotter.
func (iv *interval) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	tick := iv.Caps
	seg := func(at vg.Length, v0, v1 vg.Length) {
		if iv.Vertical {
			c.StrokeLine2(iv.Line, at, v0, at, v1)
		} else {
			c.StrokeLine2(iv.Line, v0, at, v1, at)
		}
	}
	at, tr := trY(iv.At), trX
	if iv.Vertical {
		at, tr = trX(iv.At), trY
	}
	if finite(iv.Lo) && finite(iv.Hi) {
		v0, v1 := tr(iv.Lo), tr(iv.Hi)
		seg(at, v0, v1)
		switch {
		case tick == 0:
		case iv.Vertical:
			c.StrokeLine2(iv.Line, at-tick, v0, at+tick, v0)
			c.StrokeLine2(iv.Line, at-tick, v1, at+tick, v1)
		default:
			c.StrokeLine2(iv.Line, v0, at-tick, v0, at+tick)
			c.StrokeLine2(iv.Line, v1, at-tick, v1, at+tick)
		}
	}
	if iv.Label != "" && !iv.Vertical {
		sty := textStyle(markSize, color.NRGBA{0x33, 0x33, 0x33, 0xff})
		sty.YAlign = draw.YCenter
		w := sty.Width(iv.Label)
		var x0, x1 vg.Length = math.MaxFloat32, -math.MaxFloat32
		for _, v := range []float64{iv.Lo, iv.Mid, iv.Hi} {
			if finite(v) {
				x0, x1 = min(x0, tr(v)), max(x1, tr(v))
			}
		}
		x := x1 + iv.Glyph.Radius + vg.Points(3)
		if x+w > c.Max.X {
			x = x0 - iv.Glyph.Radius - vg.Points(3) - w
		}
		if x1 >= x0 {
			c.FillText(sty, vg.Point{X: x, Y: at}, iv.Label)
		}
	}
	if finite(iv.Mid) && iv.Glyph.Shape != nil {
		pt := vg.Point{X: tr(iv.Mid), Y: at}
		if iv.Vertical {
			pt = vg.Point{X: at, Y: tr(iv.Mid)}
		}
		c.DrawGlyph(iv.Glyph, pt)
	}
}

// DataRange implements plot.DataRanger.
func (iv *interval) DataRange() (xmin, xmax, ymin, ymax float64) {
	vs, at := []float64{iv.Lo, iv.Mid, iv.Hi}, []float64{iv.At, iv.At, iv.At}
	if iv.Vertical {
		return dataRange(at, vs)
	}
	return dataRange(vs, at)
}

// Thumbnail implements plot.Thumbnailer: always horizontal.
func (iv *interval) Thumbnail(c *draw.Canvas) {
	y := c.Center().Y
	tick := iv.Caps
	c.StrokeLine2(iv.Line, c.Min.X+1, y, c.Max.X-1, y)
	if tick > 0 {
		c.StrokeLine2(iv.Line, c.Min.X+1, y-tick, c.Min.X+1, y+tick)
		c.StrokeLine2(iv.Line, c.Max.X-1, y-tick, c.Max.X-1, y+tick)
	}
	if iv.Glyph.Shape != nil {
		c.DrawGlyph(iv.Glyph, c.Center())
	}
}

// qbox is a horizontal box-like glyph of seven quantiles P5, P10, P25, P50,
// P75, P90, P95 at height Y: a whisker P5-P95, a thicker bar P10-P90, a box
// P25-P75 and a median bar.
type qbox struct {
	Y      float64
	Q      [7]float64
	Height vg.Length
	Color  color.NRGBA
	Filled bool // a filled box, else an outlined one
}

// Plot implements plot.Plotter.
func (b *qbox) Plot(c draw.Canvas, p *plot.Plot) {
	for _, q := range b.Q {
		if !finite(q) {
			return
		}
	}
	trX, trY := p.Transforms(&c)
	y := trY(b.Y)
	x := func(i int) vg.Length { return trX(b.Q[i]) }
	thin := draw.LineStyle{Color: b.Color, Width: vg.Points(0.8)}
	thick := draw.LineStyle{Color: b.Color, Width: vg.Points(2.2)}
	c.StrokeLine2(thin, x(0), y, x(6), y)
	c.StrokeLine2(thin, x(0), y-b.Height/4, x(0), y+b.Height/4)
	c.StrokeLine2(thin, x(6), y-b.Height/4, x(6), y+b.Height/4)
	c.StrokeLine2(thick, x(1), y, x(5), y)
	h := b.Height / 2
	box := []vg.Point{{X: x(2), Y: y - h}, {X: x(2), Y: y + h}, {X: x(4), Y: y + h}, {X: x(4), Y: y - h}}
	fill := color.Color(color.White)
	if b.Filled {
		fill = fade(b.Color, 0.55)
	}
	c.FillPolygon(fill, box)
	c.StrokeLines(thin, append(box, box[0]))
	c.StrokeLine2(draw.LineStyle{Color: color.Black, Width: vg.Points(1.6)}, x(3), y-h, x(3), y+h)
}

// DataRange implements plot.DataRanger.
func (b *qbox) DataRange() (xmin, xmax, ymin, ymax float64) {
	return dataRange(b.Q[:], []float64{b.Y, b.Y, b.Y, b.Y, b.Y, b.Y, b.Y})
}

// Thumbnail implements plot.Thumbnailer.
func (b *qbox) Thumbnail(c *draw.Canvas) {
	y := c.Center().Y
	w := c.Max.X - c.Min.X
	thin := draw.LineStyle{Color: b.Color, Width: vg.Points(0.8)}
	c.StrokeLine2(thin, c.Min.X, y, c.Max.X, y)
	c.StrokeLine2(draw.LineStyle{Color: b.Color, Width: vg.Points(2.2)}, c.Min.X+w/8, y, c.Max.X-w/8, y)
	h := (c.Max.Y - c.Min.Y) / 2
	box := []vg.Point{{X: c.Min.X + w/4, Y: y - h}, {X: c.Min.X + w/4, Y: y + h},
		{X: c.Max.X - w/4, Y: y + h}, {X: c.Max.X - w/4, Y: y - h}}
	fill := color.Color(color.White)
	if b.Filled {
		fill = fade(b.Color, 0.55)
	}
	c.FillPolygon(fill, box)
	c.StrokeLines(thin, append(box, box[0]))
	c.StrokeLine2(draw.LineStyle{Color: color.Black, Width: vg.Points(1.6)}, c.Center().X, y-h, c.Center().X, y+h)
}
