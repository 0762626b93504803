package plots

import (
	"errors"
	"fmt"
	"image/color"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Mark is a dated event, drawn as a vertical line across time panels with a
// short label above them.
type Mark struct {
	Date  time.Time
	Label string
}

// LegendEntry is one item of a figure's legend: a label after the
// thumbnails drawn over each other.
type LegendEntry struct {
	Label  string
	Thumbs []plot.Thumbnailer
}

// Figure is a titled row (or column) of panels with a legend row below them,
// event marks and a caption line at the bottom. Functions of this package
// build Figures; their panels may be changed before drawing.
type Figure struct {
	Title    string
	Panels   []*plot.Plot
	Vertical bool      // stack the panels top to bottom rather than left to right
	Columns  int       // with Vertical: panels fill this many columns row by row (0, 1: one)
	Weights  []float64 // relative panel sizes along the stacking direction; nil: equal
	Legend   []LegendEntry
	Marks    []Mark // lines across every panel, labelled above the top panels; time x axes only
	Caption  string
	Width    vg.Length // zero: DefaultWidth
	Height   vg.Length // zero: DefaultHeight
}

// Size returns the figure's width and height.
func (f *Figure) Size() (w, h vg.Length) {
	w, h = f.Width, f.Height
	if w <= 0 {
		w = DefaultWidth
	}
	if h <= 0 {
		h = DefaultHeight
	}
	return w, h
}

// Layout constants.
var (
	margin     = vg.Points(6)
	gap        = vg.Points(4)
	panelGap   = vg.Points(8)
	thumbWidth = vg.Points(18)
	entryGap   = vg.Points(12)
	markGap    = vg.Points(3) // between the data area and the first row of mark labels
	maxMarkRow = 6
)

// Draw draws the figure on c.
func (f *Figure) Draw(c draw.Canvas) {
	c.SetColor(color.White)
	c.Fill(c.Rectangle.Path())
	c = draw.Crop(c, margin, -margin, margin/2, -margin)

	if f.Caption != "" {
		sty := textStyle(captionSize, color.NRGBA{0x44, 0x44, 0x44, 0xff})
		desc := sty.FontExtents().Descent
		c.FillText(sty, vg.Point{X: c.Min.X, Y: c.Min.Y + desc}, f.Caption)
		c.Min.Y += sty.Height(f.Caption) + gap
	}
	if len(f.Legend) > 0 {
		c.Min.Y += f.drawLegend(c) + gap
	}
	if f.Title != "" {
		sty := textStyle(titleSize, color.Black)
		for size := titleSize; size > vg.Points(7) && sty.Width(f.Title) > c.Max.X-c.Min.X; size -= vg.Points(0.5) {
			sty = textStyle(size, color.Black) // shrink a long title to fit
		}
		sty.XAlign = draw.XCenter
		sty.YAlign = draw.YTop
		c.FillText(sty, vg.Point{X: c.Center().X, Y: c.Max.Y}, f.Title)
		c.Max.Y -= sty.Height(f.Title) + 1.5*gap
	}
	if len(f.Panels) == 0 {
		return
	}

	var labels []markLabel
	if len(f.Marks) > 0 {
		// Mark labels sit in a strip above the top panels. Their x positions
		// do not depend on the strip's height, so lay them out once with a
		// provisional strip and then reserve the rows they need.
		sty := textStyle(markSize, markColor)
		row := sty.Height("Ag") + vg.Points(1)
		pcs := f.panelCanvases(draw.Crop(c, 0, 0, 0, -(vg.Length(2)*row + markGap)))
		var rows int
		labels, rows = f.layoutMarks(pcs, sty)
		if rows > 0 {
			c.Max.Y -= vg.Length(rows)*row + markGap
		}
	}
	pcs := f.panelCanvases(c)
	for i, p := range f.Panels {
		p.Draw(pcs[i])
	}
	if len(f.Marks) > 0 {
		f.drawMarks(pcs, labels)
	}
}

// panelCanvases splits c among the panels and aligns their data areas: the
// left and right edges of a column, the top and bottom edges of a row.
func (f *Figure) panelCanvases(c draw.Canvas) []draw.Canvas {
	if f.Vertical && f.Columns > 1 {
		return f.gridCanvases(c)
	}
	n := len(f.Panels)
	ws := f.Weights
	if len(ws) != n {
		ws = make([]float64, n)
		for i := range ws {
			ws[i] = 1
		}
	}
	total := 0.0
	for _, w := range ws {
		total += w
	}
	size := c.Max.X - c.Min.X
	if f.Vertical {
		size = c.Max.Y - c.Min.Y
	}
	size -= vg.Length(n-1) * panelGap
	pcs := make([]draw.Canvas, n)
	at := vg.Length(0)
	for i := range pcs {
		l := size * vg.Length(ws[i]/total)
		if f.Vertical {
			pcs[i] = draw.Crop(c, 0, 0, 0, 0)
			pcs[i].Max.Y = c.Max.Y - at
			pcs[i].Min.Y = pcs[i].Max.Y - l
		} else {
			pcs[i] = draw.Crop(c, 0, 0, 0, 0)
			pcs[i].Min.X = c.Min.X + at
			pcs[i].Max.X = pcs[i].Min.X + l
		}
		at += l + panelGap
	}
	// Align: grow each panel's margins to the largest of its peers'.
	var lo, hi []vg.Length
	for i, p := range f.Panels {
		dc := p.DataCanvas(pcs[i])
		if f.Vertical {
			lo = append(lo, dc.Min.X-pcs[i].Min.X)
			hi = append(hi, pcs[i].Max.X-dc.Max.X)
		} else {
			lo = append(lo, dc.Min.Y-pcs[i].Min.Y)
			hi = append(hi, pcs[i].Max.Y-dc.Max.Y)
		}
	}
	mlo, mhi := slices.Max(lo), slices.Max(hi)
	for i := range pcs {
		if f.Vertical {
			pcs[i] = draw.Crop(pcs[i], mlo-lo[i], -(mhi - hi[i]), 0, 0)
		} else {
			pcs[i] = draw.Crop(pcs[i], 0, 0, mlo-lo[i], -(mhi - hi[i]))
		}
	}
	return pcs
}

// gridCanvases is panelCanvases for Columns > 1: panel i is in row
// i/Columns and column i%Columns, a row is as tall as its heaviest panel, and
// each column aligns its panels as a vertical figure does.
func (f *Figure) gridCanvases(c draw.Canvas) []draw.Canvas {
	k := f.Columns
	rows := (len(f.Panels) + k - 1) / k
	rw := make([]float64, rows)
	for i := range f.Panels {
		w := 1.0
		if len(f.Weights) == len(f.Panels) {
			w = f.Weights[i]
		}
		rw[i/k] = max(rw[i/k], w)
	}
	width := (c.Max.X - c.Min.X - vg.Length(k-1)*panelGap) / vg.Length(k)
	pcs := make([]draw.Canvas, len(f.Panels))
	for col := range k {
		sub := Figure{Vertical: true}
		var idx []int
		for i := col; i < len(f.Panels); i += k {
			idx = append(idx, i)
			sub.Panels = append(sub.Panels, f.Panels[i])
			sub.Weights = append(sub.Weights, rw[i/k])
		}
		if len(idx) < rows { // a short last column keeps the rows' heights
			sub.Panels = append(sub.Panels, plot.New())
			sub.Weights = append(sub.Weights, rw[rows-1])
		}
		cc := draw.Crop(c, 0, 0, 0, 0)
		cc.Min.X = c.Min.X + vg.Length(col)*(width+panelGap)
		cc.Max.X = cc.Min.X + width
		for j, pc := range sub.panelCanvases(cc)[:len(idx)] {
			pcs[idx[j]] = pc
		}
	}
	return pcs
}

// topPanels returns the indices of the panels whose top edge is the
// figure's: all of a row, the first of a column (of each column).
func (f *Figure) topPanels() []int {
	if f.Vertical {
		idx := []int{0}
		for i := 1; i < min(f.Columns, len(f.Panels)); i++ {
			idx = append(idx, i)
		}
		return idx
	}
	idx := make([]int, len(f.Panels))
	for i := range idx {
		idx[i] = i
	}
	return idx
}

// markLabel is one placed label: its panel, leader x, text span and row.
type markLabel struct {
	panel  int
	x      vg.Length
	x0, x1 vg.Length
	row    int
	text   string
}

// layoutMarks places the mark labels of the top panels in rows above their
// data areas. Labels start at their line; marks closer than 2 pt share a
// label. Working from the right, each label takes the lowest row where it
// overlaps no label and crosses no leader line, and no leader crosses it.
func (f *Figure) layoutMarks(pcs []draw.Canvas, sty draw.TextStyle) ([]markLabel, int) {
	var all []markLabel
	rows := 0
	for _, pi := range f.topPanels() {
		p := f.Panels[pi]
		dc := p.DataCanvas(pcs[pi])
		trX, _ := p.Transforms(&dc)
		var ls []markLabel
		marks := slices.Clone(f.Marks)
		slices.SortStableFunc(marks, func(a, b Mark) int { return a.Date.Compare(b.Date) })
		for _, m := range marks {
			v := unixX(m.Date)
			if v < p.X.Min || v > p.X.Max || m.Label == "" {
				continue
			}
			x := trX(v)
			if n := len(ls); n > 0 && x-ls[n-1].x < vg.Points(2) {
				ls[n-1].text += " · " + m.Label
				continue
			}
			ls = append(ls, markLabel{panel: pi, x: x, text: m.Label})
		}
		sep := vg.Points(3)
		var placed []markLabel
		for i := len(ls) - 1; i >= 0; i-- {
			l := ls[i]
			w := sty.Width(l.text)
			l.x0 = l.x + vg.Points(1.5)
			if l.x0+w > dc.Max.X {
				l.x0 = max(dc.Max.X-w, dc.Min.X)
			}
			l.x1 = l.x0 + w
			l.row = -1
			for r := 0; r < maxMarkRow && l.row < 0; r++ {
				if fits(l, r, placed, sep) {
					l.row = r
				}
			}
			if l.row < 0 { // crowded: the lowest row without overlap
				for r := 0; l.row < 0; r++ {
					ok := true
					for _, q := range placed {
						if q.row == r && l.x0 < q.x1+sep && q.x0 < l.x1+sep {
							ok = false
						}
					}
					if ok {
						l.row = r
					}
				}
			}
			placed = append(placed, l)
			rows = max(rows, l.row+1)
		}
		all = append(all, placed...)
	}
	return all, rows
}

// fits reports whether label l can take row r among the placed labels.
func fits(l markLabel, r int, placed []markLabel, sep vg.Length) bool {
	for _, q := range placed {
		switch {
		case q.row == r:
			if l.x0 < q.x1+sep && q.x0 < l.x1+sep {
				return false
			}
		case q.row > r: // q's leader passes through row r
			if q.x > l.x0-sep && q.x < l.x1+sep {
				return false
			}
		default: // l's leader passes through q's row
			if l.x > q.x0-sep && l.x < q.x1+sep {
				return false
			}
		}
	}
	return true
}

// drawMarks draws the mark lines across every panel's data area and the
// labels with their leaders above the top panels.
func (f *Figure) drawMarks(pcs []draw.Canvas, labels []markLabel) {
	line := draw.LineStyle{Color: markColor, Width: vg.Points(0.6), Dashes: markDashes}
	leader := draw.LineStyle{Color: fade(markColor, 0.6), Width: vg.Points(0.4)}
	sty := textStyle(markSize, markColor)
	row := sty.Height("Ag") + vg.Points(1)
	desc := sty.FontExtents().Descent
	for i, p := range f.Panels {
		dc := p.DataCanvas(pcs[i])
		trX, _ := p.Transforms(&dc)
		for _, m := range f.Marks {
			v := unixX(m.Date)
			if v < p.X.Min || v > p.X.Max {
				continue
			}
			x := trX(v)
			dc.StrokeLine2(line, x, dc.Min.Y, x, dc.Max.Y)
		}
	}
	for _, l := range labels {
		dc := f.Panels[l.panel].DataCanvas(pcs[l.panel])
		base := dc.Max.Y + markGap + vg.Length(l.row)*row
		dc.StrokeLine2(leader, l.x, dc.Max.Y, l.x, base+desc)
		dc.FillText(sty, vg.Point{X: l.x0, Y: base + desc}, l.text)
	}
}

// drawLegend draws the legend in rows at the bottom of c, each row centred,
// and returns its height.
func (f *Figure) drawLegend(c draw.Canvas) vg.Length {
	sty := textStyle(legendSize, color.Black)
	lineH := sty.Height("Ag")
	widths := make([]vg.Length, len(f.Legend))
	for i, e := range f.Legend {
		widths[i] = sty.Width(e.Label)
		if len(e.Thumbs) > 0 {
			widths[i] += thumbWidth + gap
		}
	}
	avail := c.Max.X - c.Min.X
	var rows [][]int
	var cur []int
	var w vg.Length
	for i := range f.Legend {
		if len(cur) > 0 && w+entryGap+widths[i] > avail {
			rows = append(rows, cur)
			cur, w = nil, 0
		}
		if len(cur) > 0 {
			w += entryGap
		}
		cur = append(cur, i)
		w += widths[i]
	}
	rows = append(rows, cur)
	rowGap := vg.Points(2)
	h := vg.Length(len(rows))*lineH + vg.Length(len(rows)-1)*rowGap
	desc := sty.FontExtents().Descent
	for r, idx := range rows {
		var rw vg.Length
		for k, i := range idx {
			if k > 0 {
				rw += entryGap
			}
			rw += widths[i]
		}
		x := c.Center().X - rw/2
		y := c.Min.Y + h - vg.Length(r+1)*lineH - vg.Length(r)*rowGap
		for _, i := range idx {
			e := f.Legend[i]
			tc := draw.Crop(c, 0, 0, 0, 0)
			tc.Rectangle = vg.Rectangle{
				Min: vg.Point{X: x, Y: y + vg.Points(1)},
				Max: vg.Point{X: x + thumbWidth, Y: y + lineH - vg.Points(1)},
			}
			tx := x
			for _, t := range e.Thumbs {
				t.Thumbnail(&tc)
				tx = x + thumbWidth + gap
			}
			c.FillText(sty, vg.Point{X: tx, Y: y + desc}, e.Label)
			x += widths[i] + entryGap
		}
	}
	return h
}

// WriterTo returns the figure rendered in a format: png (at DPI), svg, pdf,
// eps, jpg or tiff.
func (f *Figure) WriterTo(format string) (io.WriterTo, error) {
	w, h := f.Size()
	var cw vg.CanvasWriterTo
	switch format {
	case "png":
		cw = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(DPI))}
	default:
		var err error
		if cw, err = draw.NewFormattedCanvas(w, h, format); err != nil {
			return nil, err
		}
	}
	f.Draw(draw.New(cw))
	return cw, nil
}

// Save writes the figure as dir/name.png and dir/name.svg, creating dir if
// needed.
func Save(f *Figure, dir, name string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("plots: save %s: %w", name, err)
	}
	for _, format := range []string{"png", "svg"} {
		if err := saveAs(f, filepath.Join(dir, name+"."+format), format); err != nil {
			return fmt.Errorf("plots: save %s: %w", name, err)
		}
	}
	return nil
}

// saveAs renders f into path.
func saveAs(f *Figure, path, format string) (err error) {
	wt, err := f.WriterTo(format)
	if err != nil {
		return err
	}
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	_, err = wt.WriteTo(out)
	return errors.Join(err, out.Close())
}

// finite reports whether x is neither NaN nor infinite.
func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
