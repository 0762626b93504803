package meanfield_test

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/ripple-sim/ripple/configs"
	"github.com/ripple-sim/ripple/sim"
	"github.com/ripple-sim/ripple/sim/meanfield"
)

// consumerOnly returns the scenario as a consumer-only run of n agents.
func consumerOnly(sc sim.Scenario, n int) sim.Scenario {
	sc.Population.Consumers = n
	sc.Population.Merchants, sc.Population.Staff, sc.Population.Couriers = 0, 0, 0
	return sc
}

// homogeneous removes every spread of consumer traits (MODEL.md T10).
func homogeneous(sc sim.Scenario) sim.Scenario {
	p := &sc.Consumers
	p.TrustSD, p.DeltaSD, p.SKappa, p.Phi, p.PUnc, p.LambdaShape, p.NuShape = 0, 0, 0, 0, 0, 0, 0
	return sc
}

func preset(t testing.TB) sim.Scenario {
	t.Helper()
	sc, err := configs.Preset("kr_coupang_2025")
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func runBatch(t testing.TB, sc sim.Scenario, reps int) []sim.Result {
	t.Helper()
	res, err := sim.RunBatch(context.Background(), sc, sim.BatchOptions{Seed: 1, Replicates: reps})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func runMF(t testing.TB, sc sim.Scenario) sim.Result {
	t.Helper()
	r, err := meanfield.Run(sc)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func col(t testing.TB, tab *sim.Table, metric string) []float64 {
	t.Helper()
	c := tab.Col(metric)
	if c == nil {
		t.Fatalf("no metric %s", metric)
	}
	return c
}

// TestForcing: the forcing is the engine's, bit for bit: an engine run's
// media_attention and ambiguity series equal Forcing's A and U, and the
// mean field reports them unchanged, for the shock and the twin.
func TestForcing(t *testing.T) {
	sc := consumerOnly(preset(t), 500)
	sc.Levers.SanctionLevel = 4 // a suspension too
	res := runBatch(t, sc, 1)
	mf := runMF(t, sc)
	for i, twin := range []bool{false, true} {
		f, err := sc.Forcing(twin)
		if err != nil {
			t.Fatal(err)
		}
		eng, m := &res[0].Shock.Daily, &mf.Shock.Daily
		if twin {
			eng, m = &res[0].Twin.Daily, &mf.Twin.Daily
		}
		for _, name := range []string{"media_attention", "ambiguity", "regulator_state", "suspension_all", "suspension_new"} {
			e, c := col(t, eng, name), col(t, m, name)
			for d := range f {
				want := map[string]float64{"media_attention": f[d].Day.A, "ambiguity": f[d].Day.U,
					"regulator_state": float64(f[d].Regulator), "suspension_all": b2f(f[d].Day.SuspAll),
					"suspension_new": b2f(f[d].Day.SuspNew)}[name]
				if e[d] != want || c[d] != want {
					t.Fatalf("variant %d, %s day %d: engine %v, forcing %v, mean field %v", i, name, d, e[d], want, c[d])
				}
			}
		}
		if !twin && (f[len(f)-1].Day.IncSoFar == 0 || !anyDay(f, func(d *sim.DayForcing) bool { return d.Day.SuspAll })) {
			t.Fatal("the shock forcing has no incident or no suspension")
		}
	}
}

func anyDay(f []sim.DayForcing, ok func(*sim.DayForcing) bool) bool {
	for i := range f {
		if ok(&f[i]) {
			return true
		}
	}
	return false
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// TestMediaImpulse checks MODEL.md T8 for M1 against the engine: after one
// impulse m on day t0, A(t0+n) = m*((1-w)exp(-n/tau_f) + w*exp(-n/tau_s)).
func TestMediaImpulse(t *testing.T) {
	sc := consumerOnly(sim.DefaultScenario(), 200)
	sc.End = sim.Date(2026, 3, 31)
	const m = 0.7
	t0 := sim.Date(2025, 10, 3)
	sc.Events = []sim.Event{{Date: t0, Type: sim.Hearing, Media: m}}
	a := col(t, &runBatch(t, sc, 1)[0].Shock.Daily, "media_attention")
	d0 := int(t0.Sub(sc.Start).Hours() / 24)
	mp := sc.Media
	for d := range a {
		want := 0.0
		if n := float64(d - d0); n >= 0 {
			want = m * ((1-mp.SlowShare)*math.Exp(-n/mp.TauF) + mp.SlowShare*math.Exp(-n/mp.TauS))
		}
		if math.Abs(a[d]-want) > 1e-9 {
			t.Fatalf("day %d: A = %.12g, want %.12g", d, a[d], want)
		}
	}
}

// TestAmbiguityRelaxation checks MODEL.md T8 for M2 against the engine:
// between regulator transitions U(t0+n) = u_tgt + (U(t0) - u_tgt)exp(-n/tau_rel),
// rising to u_open with tau_open while the probe is open, relaxing with tau_U
// to u_res after the (disputed) findings and to 0 after the decision.
func TestAmbiguityRelaxation(t *testing.T) {
	sc := consumerOnly(sim.DefaultScenario(), 200)
	sc.End = sim.Date(2026, 6, 30)
	sc.Events = []sim.Event{{Date: sc.Disclosure, Type: sim.ProbeOpen}}
	sc.Levers.InvestigationDays, sc.Levers.DecisionDelayDays = 40, 30
	u := col(t, &runBatch(t, sc, 1)[0].Shock.Daily, "ambiguity")
	ap := sc.Ambiguity
	open := int(sc.Disclosure.Sub(sc.Start).Hours() / 24)
	findings, decision := open+40, open+70
	for _, seg := range []struct {
		from, to   int
		tgt, tau   float64
		rises      bool
		what       string
		checkStart bool
	}{
		{open, findings, ap.UOpen, ap.TauOpen, true, "open", true},
		{findings, decision, ap.URes, ap.TauU, false, "findings", true},
		{decision, len(u), 0, ap.TauU, false, "decided", true},
	} {
		for d := seg.from; d < seg.to; d++ {
			n := float64(d - seg.from)
			want := seg.tgt + (u[seg.from]-seg.tgt)*math.Exp(-n/seg.tau)
			if math.Abs(u[d]-want) > 1e-9 {
				t.Fatalf("%s, day %d: U = %.12g, want %.12g", seg.what, d, u[d], want)
			}
		}
		if (u[seg.to-1] > u[seg.from]) != seg.rises {
			t.Fatalf("%s: U does not move towards its target", seg.what)
		}
	}
	for d := range open {
		if u[d] != 0 {
			t.Fatalf("day %d before the probe: U = %v", d, u[d])
		}
	}
}

// TestTrust checks MODEL.md T8 for M4: with homogeneous agents who all become
// aware on day t0, no word of mouth and given A and U, mean trust follows
// tau(t) = (1-rr)*e*tau(t-1) + rr*taus, e = exp(-kappa*(a_M*A + a_U*U + J)),
// rr = min(1, r + Jpos), in the engine and in the mean field, and reaches
// tau_inf = rr*taus/(1 - (1-rr)*e) once A_s is the only input left.
func TestTrust(t *testing.T) {
	sc := consumerOnly(homogeneous(sim.DefaultScenario()), 300)
	sc.Network.Mode = sim.NetNone
	sc.Media.TauS = math.Inf(1) // the slow store stays: a constant A_s
	p := &sc.Consumers
	p.BetaM = 1e6 // everybody aware on day t0
	p.R0 = 0.05   // fast recovery, so the fixed point is reached
	t0 := sim.Date(2025, 10, 1)
	sc.Disclosure = t0
	sc.Events = []sim.Event{
		{Date: t0, Type: sim.Incident, Accounts: 33.7e6, Sens: 1},
		{Date: sim.Date(2025, 10, 5), Type: sim.ProbeOpen, Media: 0.2},
		{Date: sim.Date(2025, 10, 20), Type: sim.Hearing, Media: 0.3},
		{Type: sim.Apology},
	}
	sc.Levers.InvestigationDays, sc.Levers.DecisionDelayDays = 40, 10
	eng := &runBatch(t, sc, 1)[0].Shock.Daily
	mfr := runMF(t, sc)
	mf := &mfr.Shock.Daily
	f, err := sc.Forcing(false)
	if err != nil {
		t.Fatal(err)
	}
	te, tm := col(t, eng, "trust_mean"), col(t, mf, "trust_mean")
	chi := sc.Levers.Transparency
	tau := p.TrustMean
	d0 := int(t0.Sub(sc.Start).Hours() / 24)
	var e, rr float64
	for d := range f {
		fd := &f[d].Day
		if d >= d0 {
			j := fd.JNeg
			for k := range fd.IncJump {
				if f[d].Incidents&(1<<k) != 0 {
					j += fd.IncJump[k]
				}
			}
			e = math.Exp(-(p.AM*fd.A + p.AU*fd.U + j))
			rr = math.Min(1, p.R0*math.Pow(1-fd.U, p.Zeta)*(1+p.CChi*chi)+fd.JPos)
			tau = (1-rr)*e*tau + rr*p.TrustMean
		}
		if math.Abs(te[d]-tau) > 1e-9 || math.Abs(tm[d]-te[d]) > 1e-9 {
			t.Fatalf("day %d: trust engine %.12g, mean field %.12g, recursion %.12g", d, te[d], tm[d], tau)
		}
	}
	last := len(f) - 1
	if f[last].Day.U > 1e-8 || f[last].Day.Af > 1e-30 || f[last].Day.JNeg != 0 || f[last].Day.JPos != 0 {
		t.Fatalf("inputs not settled on the last day: %+v", f[last].Day)
	}
	inf := rr * p.TrustMean / (1 - (1-rr)*e)
	if math.Abs(te[last]-inf) > 1e-9 || math.Abs(tm[last]-inf) > 1e-9 || inf >= p.TrustMean*0.999 {
		t.Fatalf("fixed point %.12g; engine %.12g, mean field %.12g", inf, te[last], tm[last])
	}
	if a := col(t, eng, "aware_share"); a[d0-1] != 0 || a[d0] != 1 {
		t.Fatalf("aware share %v on the day before t0, %v on t0; want 0 and 1", a[d0-1], a[d0])
	}
}

// t10Scenario is the M1-M6 chain of MODEL.md T10: homogeneous consumers on
// the complete graph, the preset's events to the end of March 2026.
func t10Scenario(t testing.TB, n int) sim.Scenario {
	sc := consumerOnly(homogeneous(preset(t)), n)
	sc.Network.Mode = sim.NetComplete
	sc.End = sim.Date(2026, 3, 31)
	return sc
}

// meanSE returns the mean and standard error of xs.
func meanSE(xs []float64) (float64, float64) {
	m, s := 0.0, 0.0
	for _, x := range xs {
		m += x
	}
	m /= float64(len(xs))
	for _, x := range xs {
		s += (x - m) * (x - m)
	}
	return m, math.Sqrt(s / float64(len(xs)-1) / float64(len(xs)))
}

// t10Days are the checked days: before and after the disclosure (day 89),
// through the vouchers (issue day 136), to the end.
var t10Days = []int{60, 85, 89, 90, 92, 95, 100, 110, 130, 137, 150, 180, 211}

// t10Check returns the checks of metric m outside 3 SE of the replicate mean
// (at least half an agent, for days when every replicate agrees).
func t10Check(t testing.TB, sc *sim.Scenario, res []sim.Result, mf *sim.Result, m string) []string {
	var bad []string
	zmax := 0.0
	defer func() { t.Logf("%s: max |mean field - engine|/SE = %.2f", m, zmax) }()
	agent := 1 / float64(sc.Population.Consumers)
	if m != "aware_share" && m != "c0_reduced" {
		agent *= sc.Population.RealConsumers
	}
	want := col(t, &mf.Shock.Daily, m)
	for _, d := range t10Days {
		xs := make([]float64, len(res))
		for i := range res {
			xs[i] = col(t, &res[i].Shock.Daily, m)[d]
		}
		mu, se := meanSE(xs)
		if se > 0 {
			zmax = max(zmax, math.Abs(mu-want[d])/se)
		}
		if math.Abs(mu-want[d]) > max(3*se, agent/2) {
			bad = append(bad, fmt.Sprintf("%s day %d: engine %.6g +- %.2g (SE), mean field %.6g", m, d, mu, se, want[d]))
		}
	}
	return bad
}

// TestT10 checks MODEL.md T10: the replicate mean of 20 engine runs of 2e4
// homogeneous consumers on the complete graph tracks the mean field within 3
// SE at the checked days, for the aware share, the Active count, orders and
// CT-8's cohort share.
// A mean field with a 5 % higher churn hazard h1 or awareness rate beta_M
// must fail it.
func TestT10(t *testing.T) {
	if testing.Short() {
		t.Skip("20 replicates of 2e4 consumers")
	}
	sc := t10Scenario(t, 20_000)
	res := runBatch(t, sc, 20)
	mf := runMF(t, sc)
	for _, m := range []string{"aware_share", "active", "orders", "c0_reduced"} {
		for _, b := range t10Check(t, &sc, res, &mf, m) {
			t.Error(b)
		}
	}
	for _, tc := range []struct {
		name   string
		metric string
		change func(*sim.Scenario)
	}{
		{"h1", "active", func(s *sim.Scenario) { s.Consumers.H1 *= 1.05 }},
		{"beta_M", "aware_share", func(s *sim.Scenario) { s.Consumers.BetaM *= 1.05 }},
	} {
		wrong := sc
		tc.change(&wrong)
		mfw := runMF(t, wrong)
		if len(t10Check(t, &sc, res, &mfw, tc.metric)) == 0 {
			t.Errorf("a mean field with %s 5 %% higher passes T10 for %s", tc.name, tc.metric)
		}
	}
}

// TestRMSEScaling checks the second part of MODEL.md T10: the RMSE of one
// run's daily orders against the mean field halves when the population
// quadruples (ratio in [1.6, 2.5] for N = 1e3, 4e3, 1.6e4).
func TestRMSEScaling(t *testing.T) {
	if testing.Short() {
		t.Skip("a run of 6.4e4 consumers")
	}
	sc := t10Scenario(t, 1000)
	mf := runMF(t, sc)
	want := col(t, &mf.Shock.Daily, "orders")
	rmse := map[int]float64{}
	for _, n := range []int{1000, 4000, 16_000, 64_000} {
		s := sc
		s.Population.Consumers = n
		got := col(t, &runBatch(t, s, 1)[0].Shock.Daily, "orders")
		ss := 0.0
		for d := range got {
			ss += (got[d] - want[d]) * (got[d] - want[d])
		}
		rmse[n] = math.Sqrt(ss / float64(len(got)))
	}
	for _, n := range []int{1000, 4000, 16_000} {
		r := rmse[n] / rmse[4*n]
		t.Logf("RMSE(%d)/RMSE(%d) = %.3f", n, 4*n, r)
		if r < 1.6 || r > 2.5 {
			t.Errorf("RMSE(%d)/RMSE(%d) = %.3f, want [1.6, 2.5] (RMSEs %.4g, %.4g)", n, 4*n, r, rmse[n], rmse[4*n])
		}
	}
}

// TestT22 checks MODEL.md T22 on the engine: doubling every agent count N_X
// at fixed real counts (so every weight w_X halves) leaves the expected real
// outputs within 3 SE: orders, MAU, distinct VTO acceptors and merchant exits.
func TestT22(t *testing.T) {
	if testing.Short() {
		t.Skip("2 x 20 replicates of the whole economy")
	}
	base := preset(t)
	base.End = sim.Date(2026, 8, 31)
	pop := func(k int) sim.Scenario {
		sc := base
		p := &sc.Population
		p.Consumers, p.Merchants = 2500*k, 250*k
		p.Couriers, p.CourierSlots, p.Staff, p.StaffSlots = 100*k, 25*k, 250*k, 50*k
		return sc
	}
	type stat struct{ mean, se float64 }
	outputs := func(sc sim.Scenario) map[string]stat {
		res := runBatch(t, sc, 20)
		xs := map[string][]float64{}
		for i := range res {
			s := &res[i].Shock
			q, exits := 0.0, 0.0
			for d, v := range col(t, &s.Daily, "orders") {
				q += v
				exits += col(t, &s.Daily, "merchant_exits")[d]
			}
			mau := col(t, &s.Monthly, "mau")
			dva := col(t, &s.Distributions, "dva_1")
			xs["orders"] = append(xs["orders"], q)
			xs["mau_dec"] = append(xs["mau_dec"], mau[3]) // the run starts in September 2025
			xs["mau_jan"] = append(xs["mau_jan"], mau[4])
			xs["dva"] = append(xs["dva"], dva[len(dva)-1])
			xs["exits"] = append(xs["exits"], exits)
		}
		out := map[string]stat{}
		for k, v := range xs {
			m, se := meanSE(v)
			out[k] = stat{m, se}
		}
		return out
	}
	a, b := outputs(pop(1)), outputs(pop(2))
	for _, k := range []string{"orders", "mau_dec", "mau_jan", "dva", "exits"} {
		x, y := a[k], b[k]
		se := math.Hypot(x.se, y.se)
		t.Logf("%s: N %.6g +- %.2g, 2N %.6g +- %.2g (z %.2f)", k, x.mean, x.se, y.mean, y.se, (y.mean-x.mean)/se)
		if math.Abs(x.mean-y.mean) > 3*se || (se == 0 && x.mean != y.mean) {
			t.Errorf("%s: N gives %.6g +- %.2g, 2N gives %.6g +- %.2g: more than 3 SE apart", k, x.mean, x.se, y.mean, y.se)
		}
	}
	if a["exits"].mean == 0 || a["dva"].mean == 0 {
		t.Errorf("no merchant exits or no VTO acceptors: the check is empty")
	}
}

// TestEconomyIdentities checks the books of the mean field's economy (MODEL.md
// T2-T4 where the outputs show them) and the stationarity of its twin (T7).
func TestEconomyIdentities(t *testing.T) {
	sc := preset(t)
	mf := runMF(t, sc)
	rel := func(a, b float64) float64 { return math.Abs(a-b) / max(math.Abs(a), math.Abs(b), 1) }
	for v, tabs := range []*sim.Tables{&mf.Shock, &mf.Twin} {
		d := &tabs.Daily
		orders, o1, o3 := col(t, d, "orders"), col(t, d, "orders_1p"), col(t, d, "orders_3p")
		pc, pp, bl := col(t, d, "parcels_created"), col(t, d, "parcels_processed"), col(t, d, "fc_backlog")
		gross, del := col(t, d, "courier_gross_pay"), col(t, d, "parcels_delivered")
		cash, fcf := col(t, d, "platform_cash"), col(t, d, "fcf")
		sum := 0.0
		for i := range orders {
			prev := 0.0
			if i > 0 {
				prev = bl[i-1]
			}
			sum += fcf[i]
			switch {
			case rel(o1[i]+o3[i], orders[i]) > 1e-12:
				t.Fatalf("variant %d day %d: 1P + 3P orders %v, orders %v", v, i, o1[i]+o3[i], orders[i])
			case rel(pc[i]+prev, pp[i]+bl[i]) > 1e-12:
				t.Fatalf("variant %d day %d: FC parcels do not balance", v, i)
			case rel(gross[i], sc.Couriers.RP*del[i]) > 1e-12:
				t.Fatalf("variant %d day %d: courier pay %v, r_p x delivered %v", v, i, gross[i], sc.Couriers.RP*del[i])
			case rel(sum, cash[i]) > 1e-9:
				t.Fatalf("variant %d day %d: platform cash %v, sum of fcf %v", v, i, cash[i], sum)
			}
		}
	}
	d := &mf.Twin.Daily
	last := len(d.Dates) - 1
	for _, m := range []string{"orders", "merchants_alive", "parcels_processed", "fc_active", "couriers_active", "courier_income_mean", "revenue"} {
		c := col(t, d, m)
		if r := rel(c[last], c[0]); r > 1e-3 {
			t.Errorf("twin %s: %v on the first day, %v on the last", m, c[0], c[last])
		}
	}
	for _, m := range []string{"fc_vto_hours", "merchant_exits", "vouchers_expense", "fines"} {
		for i, x := range col(t, d, m) {
			if x != 0 {
				t.Fatalf("twin %s = %v on day %d", m, x, i)
			}
		}
	}
}

// TestEconomyTracksEngine compares the mean field's economy with the
// engine's replicate mean on the preset (agents on the configuration-model
// network): the mean field is approximate there, so the tolerances are
// relative (monthly sums within 2 %, VTO hours in December and January within
// 15 %).
func TestEconomyTracksEngine(t *testing.T) {
	if testing.Short() {
		t.Skip("8 replicates of 2e4 consumers and the economy")
	}
	sc := preset(t)
	sc.Population.Consumers = 20_000
	sc.End = sim.Date(2026, 3, 31)
	res := runBatch(t, sc, 8)
	mf := runMF(t, sc)
	for _, m := range []string{"orders", "mau", "merchant_sales", "courier_gross_pay", "fc_wages", "revenue"} {
		for v := range 2 {
			want := col(t, &mf.Shock.Monthly, m)
			if v == 1 {
				want = col(t, &mf.Twin.Monthly, m)
			}
			for k := range want {
				xs := make([]float64, len(res))
				for i := range res {
					tab := &res[i].Shock.Monthly
					if v == 1 {
						tab = &res[i].Twin.Monthly
					}
					xs[i] = col(t, tab, m)[k]
				}
				mu, _ := meanSE(xs)
				if r := math.Abs(want[k]/mu - 1); r > 0.02 {
					t.Errorf("variant %d, %s month %d: mean field %.6g, engine %.6g (%.2f %%)", v, m, k, want[k], mu, 100*r)
				}
			}
		}
	}
	vto := func(tabs *sim.Tables) float64 {
		c := col(t, &tabs.Monthly, "fc_vto_hours")
		return c[3] + c[4] // December and January
	}
	xs := make([]float64, len(res))
	for i := range res {
		xs[i] = vto(&res[i].Shock)
	}
	mu, _ := meanSE(xs)
	t.Logf("VTO hours Dec-Jan: mean field %.4g, engine %.4g", vto(&mf.Shock), mu)
	if r := math.Abs(vto(&mf.Shock)/mu - 1); r > 0.15 {
		t.Errorf("VTO hours Dec-Jan: mean field %.4g, engine %.4g", vto(&mf.Shock), mu)
	}
}

// BenchmarkRun runs the mean field of the preset, shock and twin (about 0.3 s
// on 2 cores).
func BenchmarkRun(b *testing.B) {
	sc := preset(b)
	for b.Loop() {
		if _, err := meanfield.Run(sc); err != nil {
			b.Fatal(err)
		}
	}
}
