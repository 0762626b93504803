package meanfield

import (
	"errors"
	"math"
	"sync"
	"time"

	"github.com/ripple-sim/ripple/agents"
	"github.com/ripple-sim/ripple/sim"
)

// Run runs the mean field of a scenario: the shock run and its twin, each a
// deterministic map, returned as replicate 0 with the engine's table layout.
// Metrics without a mean-field counterpart are absent.
func Run(sc sim.Scenario) (sim.Result, error) { return RunOptions(sc, Options{}) }

// RunOptions is Run with a chosen trait quadrature.
func RunOptions(sc sim.Scenario, o Options) (sim.Result, error) {
	o = o.withDefaults()
	var res sim.Result
	var errs [2]error
	var wg sync.WaitGroup
	for i, twin := range []bool{false, true} {
		wg.Go(func() {
			f, err := sc.Forcing(twin)
			if err != nil {
				errs[i] = err
				return
			}
			t, err := simulate(&sc, f, o)
			if twin {
				res.Twin = t
			} else {
				res.Shock = t
			}
			errs[i] = err
		})
	}
	wg.Wait()
	return res, errors.Join(errs[0], errs[1])
}

// series collects named daily series in sim.DailyMetrics order.
type series struct {
	days int
	cols map[string][]float64
}

func (s *series) set(name string, t int, v float64) {
	c, ok := s.cols[name]
	if !ok {
		c = make([]float64, s.days)
		s.cols[name] = c
	}
	c[t] = v
}

// simulate runs one variant day by day and rolls it up.
func simulate(sc *sim.Scenario, fs []sim.DayForcing, o Options) (sim.Tables, error) {
	days := len(fs)
	w := sc.Population.RealConsumers
	cp := &sc.Consumers
	m := newConsumers(sc, o)
	var eco *economy
	var dist [][]float64 // [month][metric]
	if sc.Population.Merchants > 0 {
		var err error
		if eco, err = newEconomy(sc, m, fs); err != nil {
			return sim.Tables{}, err
		}
	}
	s := &series{days: days, cols: map[string][]float64{}}
	wau := make([]float64, days) // WAU, MAU and purchasers so far in the period
	mau := make([]float64, days)
	buyers := make([]float64, days)
	markC0 := int(sc.Disclosure.Sub(sc.Start).Hours()/24) - 1
	for t := range fs {
		f := &fs[t]
		d := &f.Day
		first := [3]bool{t == 0, t == 0, t == 0}
		if t > 0 {
			p := &fs[t-1].Day
			first = [3]bool{d.Month != p.Month, d.Week != p.Week, d.Quarter != p.Quarter}
		}
		m.step(t, f, first)
		a := &m.acc
		s.set("dau", t, w*a.visitors)
		s.set("active", t, w*a.active)
		s.set("churned", t, w*a.churned)
		s.set("no_account", t, w*a.noAccount)
		s.set("churns", t, w*a.churns)
		s.set("deletions", t, w*a.deletions)
		s.set("returns", t, w*a.returns)
		s.set("orders", t, w*a.orders)
		s.set("gmv", t, w*a.orders*cp.AOV)
		s.set("gbar", t, a.demand/m.demandBase)
		s.set("trust_mean", t, a.trustSum/a.holders)
		s.set("trust_p10", t, histQuantile(&m.hist, a.holders, 0.10))
		s.set("trust_p50", t, histQuantile(&m.hist, a.holders, 0.50))
		s.set("trust_p90", t, histQuantile(&m.hist, a.holders, 0.90))
		s.set("share_reduced", t, a.reduced/a.holders)
		s.set("c0_reduced", t, a.c0Reduced/a.c0) // NaN until the cohort is marked
		if t == markC0 {
			m.markC0()
		}
		s.set("aware_share", t, 1-m.xU)
		s.set("spreader_share", t, m.xS)
		s.set("media_attention", t, d.A)
		s.set("ambiguity", t, d.U)
		s.set("wow_members", t, w*a.wow)
		s.set("wow_cancellations", t, w*a.wowCancels)
		for r := range agents.Rivals {
			s.set(rivalName("rival_consumers_", r), t, w*a.rivalN[r])
			s.set(rivalName("rival_gmv_", r), t, w*cp.AOV*d.Season*(a.rivalBasket*d.Softmax[r]+a.rivalLeft[r]))
		}
		s.set("vouchers_redeemed", t, w*(a.coreRedeemed+a.ncRedeemed))
		s.set("vouchers_core_redeemed", t, w*a.coreRedeemed)
		s.set("vouchers_noncore_redeemed", t, w*a.ncRedeemed)
		s.set("vouchers_forfeited", t, w*a.forfeit)
		s.set("regulator_state", t, float64(f.Regulator))
		s.set("suspension_new", t, b2f(d.SuspNew))
		s.set("suspension_all", t, b2f(d.SuspAll))
		wau[t], mau[t], buyers[t] = w*(1-a.wauLeft), w*(1-a.mauLeft), w*(1-a.buyLeft)
		if eco != nil {
			eco.step(t, f, m, s)
			if t == days-1 || fs[t+1].Day.Month != d.Month {
				dist = append(dist, eco.snapshot(int(d.Month)))
			}
		}
	}
	out := rollup(fs, s, wau, mau, buyers)
	if eco != nil {
		tab := &out.Distributions
		tab.Metrics = distNames(len(eco.winF))
		tab.Dates = out.Monthly.Dates
		tab.Values = make([][]float64, len(tab.Metrics))
		for i := range tab.Values {
			tab.Values[i] = make([]float64, len(dist))
			for k := range dist {
				tab.Values[i][k] = dist[k][i]
			}
		}
	}
	return out, nil
}

func rivalName(prefix string, r int) string { return prefix + string(rune('1'+r)) }

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// rollup builds the daily, weekly, monthly and quarterly tables as the
// engine's Tables does; the period counts of distinct visitors and buyers are
// their values on the period's last day.
func rollup(fs []sim.DayForcing, s *series, wau, mau, buyers []float64) sim.Tables {
	days := len(fs)
	var out sim.Tables
	out.Daily.Dates = make([]time.Time, days)
	for t := range fs {
		out.Daily.Dates[t] = fs[t].Date
	}
	for _, name := range sim.DailyMetrics {
		if c, ok := s.cols[name]; ok {
			out.Daily.Metrics = append(out.Daily.Metrics, name)
			out.Daily.Values = append(out.Daily.Values, c)
		}
	}
	orders := s.cols["orders"]

	// Weekly: WAU and orders.
	nw := int(fs[days-1].Day.Week) + 1
	out.Weekly = sim.Table{Metrics: []string{"wau", "orders"}, Dates: make([]time.Time, nw),
		Values: [][]float64{make([]float64, nw), make([]float64, nw)}}
	for t := range fs {
		k := fs[t].Day.Week
		date := fs[t].Date
		out.Weekly.Dates[k] = date.AddDate(0, 0, -((int(date.Weekday()) + 6) % 7))
		out.Weekly.Values[0][k] = wau[t]
		out.Weekly.Values[1][k] += orders[t]
	}

	// Monthly: MAU, its change, Active at the month end and flow sums.
	nm := int(fs[days-1].Day.Month) + 1
	names := []string{"mau", "mau_mom", "active_end"}
	var flows [][]float64
	for _, f := range []string{"orders", "gmv", "churns", "deletions", "returns", "wow_cancellations",
		"merchant_sales", "merchant_exits", "spoiled_value", "fc_vto_hours", "fc_wages", "courier_gross_pay",
		"revenue", "net_profit", "fcf"} {
		if c, ok := s.cols[f]; ok {
			names = append(names, f)
			flows = append(flows, c)
		}
	}
	out.Monthly = sim.Table{Metrics: names, Dates: make([]time.Time, nm), Values: make([][]float64, len(names))}
	mv := out.Monthly.Values
	for i := range mv {
		mv[i] = make([]float64, nm)
	}
	active := s.cols["active"]
	for t := range fs {
		k := fs[t].Day.Month
		date := fs[t].Date
		out.Monthly.Dates[k] = time.Date(date.Year(), date.Month(), 1, 0, 0, 0, 0, time.UTC)
		mv[0][k] = mau[t]
		mv[2][k] = active[t]
		for i, c := range flows {
			mv[3+i][k] += c[t]
		}
	}
	for k := range nm {
		mv[1][k] = math.NaN()
		if k > 0 && mv[0][k-1] > 0 {
			mv[1][k] = mv[0][k]/mv[0][k-1] - 1
		}
	}

	// Quarterly: distinct purchasers and flow sums.
	nq := int(fs[days-1].Day.Quarter) + 1
	qnames := []string{"purchasers"}
	flows = flows[:0]
	for _, f := range []string{"orders", "gmv", "wow_cancellations", "revenue", "revenue_1p", "fees",
		"membership", "net_profit", "fcf"} {
		if c, ok := s.cols[f]; ok {
			qnames = append(qnames, f)
			flows = append(flows, c)
		}
	}
	out.Quarterly = sim.Table{Metrics: qnames, Dates: make([]time.Time, nq), Values: make([][]float64, len(qnames))}
	for i := range qnames {
		out.Quarterly.Values[i] = make([]float64, nq)
	}
	for t := range fs {
		k := fs[t].Day.Quarter
		date := fs[t].Date
		out.Quarterly.Dates[k] = time.Date(date.Year(), (date.Month()-1)/3*3+1, 1, 0, 0, 0, 0, time.UTC)
		out.Quarterly.Values[0][k] = buyers[t]
		for i, c := range flows {
			out.Quarterly.Values[1+i][k] += c[t]
		}
	}
	out.Distributions = sim.Table{}
	return out
}
