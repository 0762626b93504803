package plots

import (
	"image/color"
	"math"
	"strconv"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// The Okabe-Ito palette (Okabe and Ito 2008), distinguishable with the common
// colour-vision deficiencies.
var (
	Black         = color.NRGBA{0x00, 0x00, 0x00, 0xff}
	Orange        = color.NRGBA{0xe6, 0x9f, 0x00, 0xff}
	SkyBlue       = color.NRGBA{0x56, 0xb4, 0xe9, 0xff}
	BluishGreen   = color.NRGBA{0x00, 0x9e, 0x73, 0xff}
	Yellow        = color.NRGBA{0xf0, 0xe4, 0x42, 0xff}
	Blue          = color.NRGBA{0x00, 0x72, 0xb2, 0xff}
	Vermillion    = color.NRGBA{0xd5, 0x5e, 0x00, 0xff}
	ReddishPurple = color.NRGBA{0xcc, 0x79, 0xa7, 0xff}
)

// Colours of the two runs; the twin is also dashed.
var (
	shockColor = Vermillion
	twinColor  = Blue
	markColor  = color.NRGBA{0x55, 0x55, 0x55, 0xff}
	gridColor  = color.NRGBA{0xe4, 0xe4, 0xe4, 0xff}
)

// groupColors colour the groups of the policy figure; others cycle through
// groupCycle.
var (
	groupColors = map[string]color.NRGBA{
		"consumers": Blue,
		"merchants": Orange,
		"couriers":  BluishGreen,
		"fc_staff":  ReddishPurple,
		"platform":  Vermillion,
	}
	groupCycle = []color.NRGBA{Blue, Orange, BluishGreen, ReddishPurple, Vermillion, SkyBlue, Black}
)

// Band opacities: the inner band (95 % CI of the mean) is darker than the
// outer one (90 % of replicates or of agents).
const (
	outerAlpha = 0.16
	innerAlpha = 0.38
)

// fade returns c with opacity a, as a non-premultiplied colour.
func fade(c color.NRGBA, a float64) color.NRGBA {
	c.A = uint8(math.Round(a * 255))
	return c
}

var (
	twinDashes = []vg.Length{vg.Points(5), vg.Points(2.5)}
	markDashes = []vg.Length{vg.Points(2), vg.Points(2)}
)

// Default sizes and type.
const (
	DefaultWidth  = 16 * vg.Centimeter
	DefaultHeight = 9 * vg.Centimeter
	// DPI is the resolution of PNG output.
	DPI = 150
)

var (
	sans        = font.Font{Typeface: "Liberation", Variant: "Sans"}
	titleSize   = vg.Points(11)
	labelSize   = vg.Points(9)
	tickSize    = vg.Points(8)
	legendSize  = vg.Points(8)
	markSize    = vg.Points(7)
	captionSize = vg.Points(7)
)

// textStyle returns a plain text style of the given size and colour.
func textStyle(size vg.Length, c color.Color) text.Style {
	return text.Style{
		Color:   c,
		Font:    font.From(sans, size),
		XAlign:  draw.XLeft,
		YAlign:  draw.YBottom,
		Handler: plot.DefaultTextHandler,
	}
}

// newPanel returns a plot with the house style: no title (the Figure draws
// it), readable axis and tick labels, a light grid drawn by the caller.
func newPanel() *plot.Plot {
	p := plot.New()
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(sans, labelSize)
		a.Tick.Label.Font = font.From(sans, tickSize)
		a.Label.Padding = vg.Points(3)
		a.Padding = vg.Points(2)
		a.Tick.Marker = cleanTicks{}
	}
	return p
}

// cleanTicks label about five round values (multiples of 1, 2, 2.5 or 5
// times a power of ten, so that 0 is labelled when in range), in as few
// decimals as they need (the same for all), with minor ticks between.
type cleanTicks struct{}

// Ticks implements plot.Ticker.
func (cleanTicks) Ticks(lo, hi float64) []plot.Tick {
	span := hi - lo
	if !(span > 0) || math.IsInf(span, 0) {
		return plot.DefaultTicks{}.Ticks(lo, hi)
	}
	raw := span / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step, minor := 10*mag, 2*mag
	for _, m := range []struct{ step, minor float64 }{{1, 0.2}, {2, 0.5}, {2.5, 0.5}, {5, 1}} {
		if m.step*mag >= raw {
			step, minor = m.step*mag, m.minor*mag
			break
		}
	}
	var ts []plot.Tick
	for k := math.Ceil(lo/minor - 1e-9); k*minor <= hi+1e-9*span; k++ {
		v := k * minor
		t := plot.Tick{Value: v}
		if r := v / step; math.Abs(r-math.Round(r)) < 1e-6 {
			t.Label = "x"
		}
		ts = append(ts, t)
	}
	decimals := 0
	for _, t := range ts {
		if t.Label == "" {
			continue
		}
		for d := decimals; d <= 6; d++ {
			f := math.Pow(10, float64(d))
			if math.Abs(t.Value*f-math.Round(t.Value*f)) < 1e-6*max(1, math.Abs(t.Value*f)) {
				break
			}
			decimals = d + 1
		}
	}
	for i, t := range ts {
		if t.Label == "" {
			continue
		}
		if math.Abs(t.Value) <= 1e-9*(hi-lo) {
			ts[i].Value = 0
		}
		ts[i].Label = strconv.FormatFloat(ts[i].Value, 'f', min(decimals, 6), 64)
		if strings.Trim(ts[i].Label, "-0.") == "" {
			ts[i].Label = strings.TrimPrefix(ts[i].Label, "-")
		}
	}
	return ts
}

// tableNames are display names of the summary tables.
var tableNames = map[string]string{"distributions": "month-end snapshots"}

// tableName returns a table's display name.
func tableName(name string) string {
	if n, ok := tableNames[name]; ok {
		return n
	}
	return name
}

// monthTicks puts minor ticks on the first of every month and labels every
// step-th month so that at most Max labels show; step is 1, 2, 3, 6 or 12
// and labelled months are multiples of it (January, April ... for 3).
type monthTicks struct{ Max int }

// Ticks implements plot.Ticker on Unix seconds.
func (m monthTicks) Ticks(lo, hi float64) []plot.Tick {
	if math.IsInf(lo, 0) || math.IsInf(hi, 0) || hi < lo {
		return nil
	}
	t0 := time.Unix(int64(math.Ceil(lo)), 0).UTC()
	first := time.Date(t0.Year(), t0.Month(), 1, 0, 0, 0, 0, time.UTC)
	if first.Before(t0) {
		first = first.AddDate(0, 1, 0)
	}
	var months []time.Time
	for d := first; float64(d.Unix()) <= hi; d = d.AddDate(0, 1, 0) {
		months = append(months, d)
	}
	limit := max(m.Max, 2)
	step := 12
	for _, s := range []int{1, 2, 3, 6} {
		if (len(months)+s-1)/s <= limit {
			step = s
			break
		}
	}
	ticks := make([]plot.Tick, len(months))
	for i, d := range months {
		ticks[i].Value = float64(d.Unix())
		if (int(d.Month())-1)%step == 0 {
			ticks[i].Label = "x" // replaced by TimeTicks
		}
	}
	return ticks
}

// timeAxis formats p's x axis as dates ("Dec 25") over width w.
func timeAxis(p *plot.Plot, w vg.Length) {
	p.X.Tick.Marker = plot.TimeTicks{Ticker: monthTicks{Max: int(w / (1.7 * vg.Centimeter))}, Format: "Jan 06"}
}

// unixX is the x coordinate of a date.
func unixX(d time.Time) float64 { return float64(d.Unix()) }

// Unit is how values are displayed: value × Scale, labelled Label (for
// example "KRW bn" with Scale 1e-9). The zero Unit means "choose from the
// metric".
type Unit struct {
	Label string
	Scale float64
}

// base units of metrics, by exact name or prefix (the first match wins).
var unitRules = []struct{ pre, unit string }{
	{"trust_", "trust"},
	{"rev_change", "share"}, {"hcm", "share"},
	{"merchant_cash", "KRW"}, {"courier_income", "KRW"},
	{"aware_share", "share"}, {"spreader_share", "share"}, {"share_reduced", "share"},
	{"mau_mom", "share"}, {"vto_offer", "share"},
	{"rival_gmv", "KRW"}, {"rival_consumers", "persons"}, {"dva_", "persons"},
	{"orders", "orders"}, {"forgone_orders", "orders"},
	{"parcels_per_courier", "parcels"}, {"parcels", "parcels"}, {"fc_backlog", "parcels"}, {"courier_backlog", "parcels"},
	{"fc_scheduled_hours", "hours"}, {"fc_worked_hours", "hours"}, {"fc_vto_hours", "hours"}, {"vto_hours", "hours"},
	{"fc_vto_shifts", "shifts"}, {"fc_active", "staff"},
	{"merchants_alive", "merchants"}, {"merchant_exits", "merchants"}, {"exits", "merchants"},
	{"couriers_", "couriers"}, {"courier_quits", "couriers"}, {"courier_hires", "couriers"},
	{"spoiled_units", "units"}, {"perishable_stock", "units"},
	{"gmv", "KRW"}, {"forgone_gmv", "KRW"}, {"revenue", "KRW"}, {"fees", "KRW"}, {"membership", "KRW"}, {"cogs", "KRW"},
	{"merchant_sales", "KRW"}, {"lost_sales", "KRW"}, {"merchant_net_income", "KRW"}, {"net_income", "KRW"},
	{"spoiled_value", "KRW"}, {"spoilage", "KRW"}, {"fc_wages", "KRW"}, {"wages", "KRW"},
	{"courier_gross_pay", "KRW"}, {"gross_pay", "KRW"}, {"vouchers", "KRW"}, {"voucher_liability", "KRW"},
	{"remediation", "KRW"}, {"corrective", "KRW"}, {"fines", "KRW"}, {"net_profit", "KRW"},
	{"platform_cash", "KRW"}, {"fcf", "KRW"},
	{"dau", "persons"}, {"wau", "persons"}, {"mau", "persons"}, {"active", "persons"}, {"churn", "persons"},
	{"no_account", "persons"}, {"deletions", "persons"}, {"returns", "persons"}, {"wow_", "persons"},
	{"purchasers", "persons"},
}

// baseUnit returns the unit of a metric: KRW, share, trust, a counted noun
// (persons, orders, ...), or "" for an index.
func baseUnit(metric string) string {
	for _, r := range unitRules {
		if strings.HasPrefix(metric, r.pre) {
			return r.unit
		}
	}
	return ""
}

// UnitOf chooses a display unit for values of a metric whose largest
// magnitude is maxAbs: shares in %, trust as is, KRW in k, M, bn or tn, counts
// in k, M or bn.
func UnitOf(metric string, maxAbs float64) Unit {
	return unitFor(baseUnit(metric), maxAbs)
}

// unitFor scales a base unit (as in policy.csv: KRW, orders, ...).
func unitFor(base string, maxAbs float64) Unit {
	switch base {
	case "share", "%":
		return Unit{"%", 100}
	case "trust", "":
		return Unit{"", 1}
	}
	if base == "KRW" {
		for _, s := range []struct {
			f float64
			p string
		}{{1e12, "tn"}, {1e9, "bn"}, {1e6, "M"}, {1e3, "k"}} {
			if maxAbs >= s.f {
				return Unit{"KRW " + s.p, 1 / s.f}
			}
		}
		return Unit{"KRW", 1}
	}
	for _, s := range []struct {
		f float64
		p string
	}{{1e9, "bn"}, {1e6, "M"}, {1e3, "k"}} {
		if maxAbs >= s.f {
			return Unit{s.p + " " + base, 1 / s.f}
		}
	}
	return Unit{base, 1}
}

// names of metrics in titles and axis labels; others are spelt from the
// metric name.
var names = map[string]string{
	"dau": "DAU", "wau": "WAU", "mau": "MAU", "mau_mom": "MAU month on month",
	"gmv": "GMV", "forgone_gmv": "forgone GMV", "active_end": "active accounts at month end",
	"churned": "dormant accounts", "no_account": "no account", "gbar": "demand index",
	"fc_wages": "FC wages", "fc_vto_hours": "FC VTO hours", "vto_hours": "VTO hours",
	"fcf": "free cash flow", "hcm": "harmed-merchant mean change",
	"trust_mean": "mean trust", "trust_p50": "trust",
	"rev_change_p50":            "merchant revenue change",
	"courier_income_change_p50": "courier income change",
	"courier_income_p50":        "courier monthly net income",
	"merchant_cash_p50":         "merchant cash",
}

// Name returns a metric's display name.
func Name(metric string) string {
	if n, ok := names[metric]; ok {
		return n
	}
	return strings.ReplaceAll(metric, "_", " ")
}

// capital returns s with its first letter in upper case.
func capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// axisLabel returns "name (unit)", or name alone for a unit-less index.
func axisLabel(name string, u Unit) string {
	if u.Label == "" {
		return capital(name)
	}
	return capital(name) + " (" + u.Label + ")"
}

// maxAbs returns the largest finite |x| of xs, or 0.
func maxAbs(xs ...float64) float64 {
	m := 0.0
	for _, x := range xs {
		if a := math.Abs(x); a > m && !math.IsInf(a, 0) {
			m = a
		}
	}
	return m
}
