package plots_test

import (
	"bytes"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"gonum.org/v1/plot/cmpimg"

	"github.com/ripple-sim/ripple/plots"
	"github.com/ripple-sim/ripple/sim"
	"github.com/ripple-sim/ripple/sim/output"
)

var update = flag.Bool("update", false, "write the golden images testdata/*.png")

// The synthetic batch: 8 replicates of a breach on 2025-11-29 that cuts
// activity by about 12 %, recovering over four months, from 2025-09-01 to
// 2026-12-31. Its numbers are made up; only their shapes matter.
var (
	start      = sim.Date(2025, 9, 1)
	end        = sim.Date(2026, 12, 31)
	disclosure = sim.Date(2025, 11, 29)
	replicates = 8
)

// dip returns the breach's relative effect on day d of replicate r.
func dip(d time.Time, r int) float64 {
	t := d.Sub(disclosure).Hours() / 24
	if t < 0 {
		return 0
	}
	depth := 0.12 * (1 + 0.15*math.Sin(float64(r)))
	return -depth * (1 - math.Exp(-t/4)) * math.Exp(-t/120)
}

func table(dates []time.Time, metrics []string, value func(m string, d time.Time) float64) sim.Table {
	t := sim.Table{Dates: dates, Metrics: metrics, Values: make([][]float64, len(metrics))}
	for i, m := range metrics {
		t.Values[i] = make([]float64, len(dates))
		for j, d := range dates {
			t.Values[i][j] = value(m, d)
		}
	}
	return t
}

func synthetic() []sim.Result {
	var days, months []time.Time
	for d := start; !d.After(end); d = d.AddDate(0, 0, 1) {
		days = append(days, d)
		if d.Day() == 1 {
			months = append(months, d)
		}
	}
	classes := []string{"", "_nonperishable_dep_lo", "_nonperishable_dep_mid", "_nonperishable_dep_hi",
		"_perishable_dep_lo", "_perishable_dep_mid", "_perishable_dep_hi"}
	var distMetrics []string
	qs := []int{5, 10, 25, 50, 75, 90, 95}
	for _, c := range classes {
		for _, q := range qs {
			distMetrics = append(distMetrics, fmt.Sprintf("rev_change_p%d%s", q, c))
		}
	}
	distMetrics = append(distMetrics, "courier_income_change_p10", "courier_income_change_p50", "courier_income_change_p90")
	daily := []string{"dau", "trust_p10", "trust_p50", "trust_p90", "orders", "gmv", "merchant_net_income",
		"merchant_exits", "courier_gross_pay", "fc_wages", "fc_vto_hours", "net_profit", "revenue", "fines"}

	results := make([]sim.Result, replicates)
	for r := range results {
		rng := rand.New(rand.NewPCG(1, uint64(r)))
		noise := map[string][]float64{}
		noisy := func(key string, i int, sd float64) float64 {
			if noise[key] == nil {
				noise[key] = make([]float64, 600)
				for k := range noise[key] {
					noise[key][k] = rng.NormFloat64()
				}
			}
			return 1 + sd*noise[key][i%600]
		}
		base := map[string]float64{"dau": 15e6, "orders": 3e6, "gmv": 1.2e11, "merchant_net_income": 9e9,
			"merchant_exits": 40, "courier_gross_pay": 5e9, "fc_wages": 7e9, "fc_vto_hours": 2e4,
			"net_profit": 4e9, "revenue": 1.1e11, "fines": 0}
		for v, shock := range []bool{true, false} {
			value := func(m string, d time.Time) float64 {
				i := int(d.Sub(start).Hours() / 24)
				e := 0.0
				if shock {
					e = dip(d, r)
				}
				week := 1 + 0.01*math.Sin(2*math.Pi*float64(i)/7)
				switch m {
				case "trust_p10", "trust_p50", "trust_p90":
					lvl := map[string]float64{"trust_p10": 0.45, "trust_p50": 0.7, "trust_p90": 0.88}[m]
					return lvl * (1 + 2.2*e) * noisy(m, i, 0.004)
				case "merchant_exits":
					return base[m] * (1 - 3*e) * noisy(m, i, 0.2)
				case "fc_vto_hours":
					return base[m] * (1 - 8*e) * noisy(m, i, 0.1)
				case "fines":
					if shock && d.Equal(sim.Date(2026, 5, 11)) {
						return 3e11
					}
					return 0
				}
				return base[m] * week * (1 + e) * noisy(m, i, 0.01)
			}
			dist := func(m string, d time.Time) float64 {
				e := 0.0
				if shock {
					e = dip(d.AddDate(0, 0, 14), r)
				}
				var q, c int
				var suffix string
				if n, _ := fmt.Sscanf(m, "courier_income_change_p%d", &q); n == 1 {
					z := map[int]float64{10: -1.28, 50: 0, 90: 1.28}[q]
					return 3e6 * (1.5*e + 0.06*z + 0.01*rng.NormFloat64())
				}
				for ci, s := range classes {
					if s != "" && len(m) > len(s) && m[len(m)-len(s):] == s {
						c, suffix = ci, s
					}
				}
				fmt.Sscanf(m[:len(m)-len(suffix)], "rev_change_p%d", &q)
				z := map[int]float64{5: -1.64, 10: -1.28, 25: -0.67, 50: 0, 75: 0.67, 90: 1.28, 95: 1.64}[q]
				dep := []float64{1, 0.5, 1, 1.6, 0.8, 1.6, 2.6}[c]
				return dep*2*e + 0.12*z + 0.005*rng.NormFloat64()
			}
			tabs := sim.Tables{
				Daily: table(days, daily, value),
				Monthly: table(months, []string{"mau"}, func(_ string, d time.Time) float64 {
					return 2.4e7 * (1 + dip(d.AddDate(0, 0, 15), r)*map[bool]float64{true: 1, false: 0}[shock]) * noisy("mau", d.Year()*12+int(d.Month()), 0.005)
				}),
				Distributions: table(months, distMetrics, dist),
			}
			if v == 0 {
				results[r].Shock = tabs
			} else {
				results[r].Twin = tabs
			}
		}
		results[r].Replicate = r
	}
	return results
}

// marks are the synthetic scenario's event marks.
func marks() []plots.Mark {
	sc := sim.DefaultScenario()
	sc.Disclosure = disclosure
	sc.Levers.InvestigationDays, sc.Levers.DecisionDelayDays = 73, 90
	sc.Levers.VoucherDesign, sc.Levers.FollowUpAccounts = sim.VoucherCase, 165000
	sc.Events = []sim.Event{
		{Date: disclosure, Type: sim.Incident, Accounts: 33.7e6},
		{Date: sim.Date(2025, 11, 30), Type: sim.ProbeOpen},
		{Date: sim.Date(2025, 12, 29), Type: sim.VoucherAnnounce},
		{Date: sim.Date(2026, 2, 5), Type: sim.Incident, FollowUp: true},
	}
	return plots.ScenarioMarks(&sc)
}

// figures builds one figure of each kind from the synthetic batch.
func figures(t testing.TB) map[string]*plots.Figure {
	results := synthetic()
	sum := output.Summarize(results)
	opt := plots.Options{Caption: plots.Caption("synthetic", replicates, 1), Marks: marks()}
	figs := map[string]*plots.Figure{}
	add := func(name string, f *plots.Figure, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		figs[name] = f
	}
	f, err := plots.Fan(sum.Daily, "dau", opt)
	add("fan", f, err)
	f, err = plots.Fan(sum.Monthly, "mau", opt)
	add("fan_monthly", f, err)
	f, err = plots.Effect(sum.Daily, "dau", opt)
	add("effect", f, err)
	rows := plots.PolicyRows("case", output.Policy(results))
	for _, r := range plots.PolicyRows("cash", output.Policy(results)) {
		r.Mean, r.Lo, r.Hi = r.Mean*0.8, r.Lo*0.8, r.Hi*0.8
		rows = append(rows, r)
	}
	f, err = plots.Policy(rows, plots.Options{Caption: opt.Caption})
	add("policy", f, err)
	f, err = plots.Distribution(sum.Distributions, sim.Date(2026, 1, 1), plots.Options{Caption: opt.Caption})
	add("distribution", f, err)
	f, err = plots.Spread(sum.Daily, "trust_p10", "trust_p50", "trust_p90", opt)
	add("trust", f, err)
	f, err = plots.Spread(sum.Distributions, "courier_income_change_p10", "courier_income_change_p50",
		"courier_income_change_p90", opt)
	add("courier_income", f, err)
	// A response: the effect on orders scaled by a made-up lever.
	w, _ := output.SumDaily(results, start, end, "orders")
	base := w.Stat(output.Effect)
	var xs []float64
	var ys []output.Stat
	for _, k := range []float64{0, 0.5, 1, 2, 3} {
		s := base
		g := 1 / (1 + 0.4*k)
		s.Mean, s.Lo, s.Hi, s.P5, s.P95 = s.Mean*g, s.Lo*g, s.Hi*g, s.P5*g, s.P95*g
		xs, ys = append(xs, k), append(ys, s)
	}
	f, err = plots.Response("orders", xs, ys, plots.Options{Caption: opt.Caption,
		XLabel: "fine (% of annual revenue)", YLabel: "effect on orders", Title: "Effect on orders against the fine"})
	add("response", f, err)
	f, err = plots.Response("orders", []float64{0, 1, 2, 3}, ys[:4], plots.Options{Caption: opt.Caption,
		XLabel: "voucher design", XNames: []string{"none", "case", "full_core", "cash"}, YLabel: "effect on orders"})
	add("response_categorical", f, err)
	// A sweep: sanction level S0..S4 x investigation length, 20 lever sets.
	policy := output.Policy(results)
	var sweep []plots.PolicyRow
	days := []float64{30, 73, 180, 365}
	for l := range 5 {
		for k, d := range days {
			g := (1 + 0.15*float64(l)) * (1 + 0.25*float64(k)) / 2
			for _, r := range plots.PolicyRows(fmt.Sprintf("sanction_level=S%d,investigation_days=%g", l, d), policy) {
				r.Mean, r.Lo, r.Hi = r.Mean*g, r.Lo*g, r.Hi*g
				sweep = append(sweep, r)
			}
		}
	}
	f, err = plots.Policy(sweep, plots.Options{Caption: opt.Caption})
	add("policy_sweep", f, err)
	var lines []plots.ResponseLine
	for l := range 5 {
		line := plots.ResponseLine{Name: fmt.Sprintf("S%d", l)}
		for k := range days {
			st := base
			g := 1 - 0.12*float64(l) + 0.05*float64(k)*(1+0.5*float64(l))
			st.Mean, st.Lo, st.Hi = st.Mean*g, st.Mean*g-(st.Mean-st.Lo)*(1+0.3*float64(k)), st.Mean*g+(st.Hi-st.Mean)*(1+0.3*float64(k))
			line.Y = append(line.Y, st)
		}
		lines = append(lines, line)
	}
	f, err = plots.ResponseLines("orders", "investigation (days)", days, lines, plots.Options{Caption: opt.Caption,
		YLabel: "effect on orders", Title: "Effect on orders against the investigation's length, by sanction level"})
	add("response_lines", f, err)
	return figs
}

// TestGolden compares each figure kind with its golden PNG; -update writes
// them.
func TestGolden(t *testing.T) {
	for name, f := range figures(t) {
		t.Run(name, func(t *testing.T) { golden(t, name, f) })
	}
}

// golden compares a figure's PNG with testdata/NAME.png; -update writes it.
func golden(t *testing.T, name string, f *plots.Figure) {
	t.Helper()
	wt, err := f.WriterTo("png")
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if _, err := wt.WriteTo(&got); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", name+".png")
	if *update {
		if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./plots -update to create it)", err)
	}
	ok, err := cmpimg.EqualApprox("png", got.Bytes(), want, 0.01)
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		out := filepath.Join(os.TempDir(), "ripple-plots-"+name+".png")
		os.WriteFile(out, got.Bytes(), 0o644)
		t.Errorf("%s differs from its golden image; got is in %s (go test ./plots -update accepts it)", path, out)
	}
}

func TestSave(t *testing.T) {
	f := figures(t)["effect"]
	dir := t.TempDir()
	if err := plots.Save(f, dir, "effect_dau"); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"effect_dau.png", "effect_dau.svg"} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v, %d bytes", name, err, fi.Size())
		}
	}
	svg, _ := os.ReadFile(filepath.Join(dir, "effect_dau.svg"))
	if !bytes.Contains(svg, []byte("Effect of the breach on DAU")) {
		t.Error("the SVG lacks the title")
	}
}

func TestErrors(t *testing.T) {
	sum := output.Summarize(synthetic()[:2])
	tests := []struct {
		name string
		err  func() error
	}{
		{"fan unknown metric", func() error { _, err := plots.Fan(sum.Daily, "nope", plots.Options{}); return err }},
		{"fan empty range", func() error {
			_, err := plots.Fan(sum.Daily, "dau", plots.Options{From: sim.Date(2030, 1, 1)})
			return err
		}},
		{"effect unknown metric", func() error { _, err := plots.Effect(sum.Daily, "nope", plots.Options{}); return err }},
		{"spread unknown metric", func() error {
			_, err := plots.Spread(sum.Daily, "trust_p10", "nope", "trust_p90", plots.Options{})
			return err
		}},
		{"distribution month", func() error {
			_, err := plots.Distribution(sum.Distributions, sim.Date(2030, 1, 1), plots.Options{})
			return err
		}},
		{"policy empty", func() error { _, err := plots.Policy(nil, plots.Options{}); return err }},
		{"response lines lengths", func() error {
			_, err := plots.ResponseLines("orders", "days", []float64{1, 2}, []plots.ResponseLine{{Name: "a", Y: []output.Stat{{}}}}, plots.Options{})
			return err
		}},
		{"response lines none", func() error {
			_, err := plots.ResponseLines("orders", "days", []float64{1, 2}, nil, plots.Options{})
			return err
		}},
		{"response lengths", func() error {
			_, err := plots.Response("orders", []float64{1, 2}, []output.Stat{{}}, plots.Options{})
			return err
		}},
	}
	for _, tt := range tests {
		if tt.err() == nil {
			t.Errorf("%s: no error", tt.name)
		}
	}
}

func TestScenarioMarks(t *testing.T) {
	got := marks()
	want := []plots.Mark{
		{Date: disclosure, Label: "disclosure"},
		{Date: sim.Date(2025, 11, 30), Label: "probe"},
		{Date: sim.Date(2025, 12, 29), Label: "vouchers"},
		{Date: sim.Date(2026, 2, 5), Label: "follow-up breach"},
		{Date: sim.Date(2026, 2, 10), Label: "findings"},
		{Date: sim.Date(2026, 5, 11), Label: "decision"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if !got[i].Date.Equal(want[i].Date) || got[i].Label != want[i].Label {
			t.Errorf("mark %d: got %v %q, want %v %q", i, got[i].Date, got[i].Label, want[i].Date, want[i].Label)
		}
	}
}

func TestUnitOf(t *testing.T) {
	tests := []struct {
		metric string
		max    float64
		want   plots.Unit
	}{
		{"mau", 2.4e7, plots.Unit{Label: "M persons", Scale: 1e-6}},
		{"gmv", 1.2e11, plots.Unit{Label: "KRW bn", Scale: 1e-9}},
		{"revenue", 3e12, plots.Unit{Label: "KRW tn", Scale: 1e-12}},
		{"aware_share", 0.9, plots.Unit{Label: "%", Scale: 100}},
		{"rev_change_p5_perishable_dep_hi", 0.3, plots.Unit{Label: "%", Scale: 100}},
		{"trust_p50", 0.7, plots.Unit{Label: "", Scale: 1}},
		{"orders", 3e6, plots.Unit{Label: "M orders", Scale: 1e-6}},
		{"merchant_exits", 40, plots.Unit{Label: "merchants", Scale: 1}},
		{"courier_income_p50", 3e6, plots.Unit{Label: "KRW M", Scale: 1e-6}},
		{"courier_income_change_p10", 4e5, plots.Unit{Label: "KRW k", Scale: 1e-3}},
	}
	for _, tt := range tests {
		if got := plots.UnitOf(tt.metric, tt.max); got != tt.want {
			t.Errorf("UnitOf(%q, %g) = %+v, want %+v", tt.metric, tt.max, got, tt.want)
		}
	}
}

func TestShortLeverSets(t *testing.T) {
	tests := []struct {
		names  []string
		labels []string
		levers string
	}{
		{[]string{"sanction_level=S0,investigation_days=30", "sanction_level=S2,investigation_days=180"},
			[]string{"S0 · 30", "S2 · 180"}, "sanction level · investigation days"},
		{[]string{"sanction_level=S0,fine_pct=1", "sanction_level=S3,fine_pct=1"}, []string{"S0", "S3"}, "sanction level"},
		{[]string{"a=1", "a=1"}, []string{"1", "1"}, "a"},
		{[]string{"case", "sanction_level=S3"}, []string{"case", "sanction_level=S3"}, ""},
		{[]string{"a=1,b=2", "a=1"}, []string{"a=1,b=2", "a=1"}, ""},
		{[]string{"a very long lever set name that goes on and on"}, []string{"a very long lever set name …"}, ""},
	}
	for _, tt := range tests {
		labels, levers := plots.ShortLeverSets(tt.names)
		if fmt.Sprint(labels) != fmt.Sprint(tt.labels) || levers != tt.levers {
			t.Errorf("ShortLeverSets(%q) = %q, %q; want %q, %q", tt.names, labels, levers, tt.labels, tt.levers)
		}
	}
}
