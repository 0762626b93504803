package agents

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/ripple-sim/ripple/sim/rng"
)

// mday runs Weights, then Step, over shards of the given size and returns the
// partials reduced in shard order.
func mday(m *Merchants, shard, t int, gbar, q3, season float64) MerchantPartial {
	n := m.Len()
	sum := 0.0
	for lo := 0; lo < n; lo += shard {
		sum += m.Weights(lo, min(lo+shard, n), gbar)
	}
	d := MerchantDay{T: t, Q3: q3, SumWt: sum, Season: season}
	var tot MerchantPartial
	for lo := 0; lo < n; lo += shard {
		var p MerchantPartial
		m.Step(lo, min(lo+shard, n), &d, &p)
		tot.Add(&p)
	}
	return tot
}

func relErr(got, want float64) float64 {
	return math.Abs(got-want) / max(math.Abs(want), 1e-300)
}

// oneMerchant is a single perishable merchant with q0 = 1 (pi = 1, w_M = 1),
// harvest (1+0)*q0*Season = Season, price 1, and no exit.
func oneMerchant(L int, acap float64) *Merchants {
	p := DefaultMerchantParams()
	p.PiSD, p.PerishShare, p.HBuf, p.ACapFactor, p.L, p.Price = 0, 1, 0, acap, L, 1
	m := NewMerchants(1, p, 1, 1, rng.NewKey(1, 0))
	m.Credit[0] = math.Inf(1)
	return m
}

func TestMerchantTraits(t *testing.T) {
	const n = 20000
	tests := []struct {
		name string
		mod  func(*MerchantParams)
	}{
		{"default", func(*MerchantParams) {}},
		{"mu_per", func(p *MerchantParams) { p.MuPer, p.PerishShare = 0.5, 0.5 }},
		{"wide", func(p *MerchantParams) { p.PiSD, p.SEps, p.DepMean, p.DepSD = 1.5, 1.2, 0.5, 0.1 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := DefaultMerchantParams()
			tt.mod(&p)
			if err := p.Validate(); err != nil {
				t.Fatal(err)
			}
			const q3, wM = 1e6, 46.0
			m := NewMerchants(n, p, q3, wM, rng.NewKey(3, 0))
			var nPer, nNon int
			var lpi, lpi2, le0, le02, le1, d, d2, sumQ float64
			ratioB := make([]float64, 0, n)
			ratioC := make([]float64, 0, n)
			for j := range n {
				x := math.Log(m.Pi[j])
				lpi, lpi2 = lpi+x, lpi2+x*x
				e := math.Log(m.Eps[j])
				if m.Perish[j] {
					nPer++
					le1 += e
				} else {
					nNon++
					le0, le02 = le0+e, le02+e*e
				}
				d, d2 = d+m.Dep[j], d2+m.Dep[j]*m.Dep[j]
				sumQ += wM * m.Q0[j]
				if want := (1 - p.Cost) * p.Price * m.Q0[j] * (1 - m.Dep[j]) / m.Dep[j]; relErr(m.MOwn[j], want) > 1e-12 {
					t.Fatalf("merchant %d: M_own %v, want %v", j, m.MOwn[j], want)
				}
				buy := p.Cost * p.Price * m.Q0[j]
				if m.Perish[j] {
					buy = p.CostH * p.Price * (1 + p.HBuf) * m.Q0[j]
				}
				out := m.Fixed[j] + buy
				ratioC = append(ratioC, m.Cash[j]/out)
				ratioB = append(ratioB, m.Credit[j]/out)
			}
			fn := float64(n)
			mean := func(s, k float64) float64 { return s / k }
			sd := func(s, s2, k float64) float64 { return math.Sqrt(s2/k - (s/k)*(s/k)) }
			checks := []struct {
				name      string
				got, want float64
				tol       float64
			}{
				{"perishable share", float64(nPer) / fn, p.PerishShare, 4 * math.Sqrt(p.PerishShare*(1-p.PerishShare)/fn)},
				{"mean log pi", mean(lpi, fn), 0, 4 * p.PiSD / math.Sqrt(fn)},
				{"sd log pi", sd(lpi, lpi2, fn), p.PiSD, 0.03 * p.PiSD},
				{"mean log eps (non-perishable)", mean(le0, float64(nNon)), 0, 4 * p.SEps / math.Sqrt(float64(nNon))},
				{"sd log eps (non-perishable)", sd(le0, le02, float64(nNon)), p.SEps, 0.03 * p.SEps},
				{"mean log eps (perishable) - mu_per", mean(le1, float64(nPer)) - p.MuPer, 0, 4 * p.SEps / math.Sqrt(float64(nPer))},
				{"mean d", mean(d, fn), p.DepMean, 4 * p.DepSD / math.Sqrt(fn)},
				{"sd d", sd(d, d2, fn), p.DepSD, 0.03 * p.DepSD},
				{"sum w_M q0 / Q3base", sumQ / q3, 1, 1e-12},
				{"median C0/out (bufdays)", quantile(ratioC, 0.5) / p.BufDaysMedian, 1, 0.04},
				{"mean B/out (creddays)", mean(sumF(ratioB), fn), p.CredDaysMax / 2, 4 * p.CredDaysMax / math.Sqrt(12*fn)},
			}
			for _, c := range checks {
				if math.Abs(c.got-c.want) > c.tol {
					t.Errorf("%s = %.6g, want %.6g +- %.3g", c.name, c.got, c.want, c.tol)
				}
			}
			if err := m.Check(); err != nil {
				t.Error(err)
			}
		})
	}
}

func sumF(s []float64) float64 {
	t := 0.0
	for _, x := range s {
		t += x
	}
	return t
}

func quantile(s []float64, q float64) float64 {
	c := slices.Clone(s)
	slices.Sort(c)
	return c[int(q*float64(len(c)-1))]
}

// TestMerchantBaseline: the initial state is the baseline steady state, and F
// = rho_F*G0 with G0 the day's net inflow before F.
func TestMerchantBaseline(t *testing.T) {
	tests := []struct {
		name string
		mod  func(*MerchantParams)
	}{
		{"default", func(*MerchantParams) {}},
		{"all perishable", func(p *MerchantParams) { p.PerishShare = 1 }},
		{"perishable A_cap=0", func(p *MerchantParams) { p.PerishShare, p.ACapFactor = 1, 0 }},
		{"L=1", func(p *MerchantParams) { p.PerishShare, p.L = 0.5, 1 }},
		{"L=2 big buffer", func(p *MerchantParams) { p.PerishShare, p.L, p.HBuf = 0.5, 2, 0.3 }},
		{"cover<1", func(p *MerchantParams) { p.Cover = 0.5 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := DefaultMerchantParams()
			p.Price = 1
			tt.mod(&p)
			const n, wM = 500, 46.0
			q3 := 3 * wM * n
			m := NewMerchants(n, p, q3, wM, rng.NewKey(9, 1))
			c0, s0, coh0 := slices.Clone(m.Cash), slices.Clone(m.Stock), slices.Clone(m.Coh)
			for day := range 60 {
				part := mday(m, 128, day, 1, q3, 1)
				if part.Exits != 0 {
					t.Fatalf("day %d: %d exits at baseline", day, part.Exits)
				}
				for j := range n {
					g0 := m.Fixed[j] / p.RhoF
					want := c0[j] + float64(day+1)*(1-p.RhoF)*g0
					if math.Abs(m.Cash[j]-want) > 1e-9*max(1, math.Abs(want)) {
						t.Fatalf("day %d merchant %d: cash %v, want %v", day, j, m.Cash[j], want)
					}
					if math.Abs(m.Stock[j]-s0[j]) > 1e-9*max(1, s0[j]) {
						t.Fatalf("day %d merchant %d: stock %v, want %v", day, j, m.Stock[j], s0[j])
					}
					q0 := m.Q0[j]
					sold := min(1, p.Cover) * q0 // restocking below one day's demand caps sales
					if m.Perish[j] {
						sold = q0
					}
					if math.Abs(m.Flow.Sold[j]-sold) > 1e-9*q0 {
						t.Fatalf("day %d merchant %d: sold %v, want %v", day, j, m.Flow.Sold[j], sold)
					}
					if m.Perish[j] {
						// P - D = h_buf*q0 is diverted up to A_cap; the rest spoils.
						div, spo := min(p.ACapFactor, p.HBuf)*q0, max(0, p.HBuf-p.ACapFactor)*q0
						if math.Abs(m.Flow.Div[j]-div) > 1e-9*q0 || math.Abs(m.Flow.Spoiled[j]-spo) > 1e-9*q0 {
							t.Fatalf("day %d merchant %d: diverted %v, spoiled %v; want %v, %v",
								day, j, m.Flow.Div[j], m.Flow.Spoiled[j], div, spo)
						}
					}
				}
				for i := range coh0 {
					if math.Abs(m.Coh[i]-coh0[i]) > 1e-9*max(1, coh0[i]) {
						t.Fatalf("day %d: cohort %d moved from %v to %v", day, i, coh0[i], m.Coh[i])
					}
				}
			}
			if err := m.Check(); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestMerchantFIFO checks MODEL.md T8/T13: constant harvest P and demand D,
// A_cap = 0.
func TestMerchantFIFO(t *testing.T) {
	tests := []struct {
		L    int
		P, D float64
	}{
		{7, 1.5, 1}, {3, 2, 0.5}, {1, 1, 0.25}, {2, 1, 0.75}, {42, 3, 2.9}, {7, 1, 0},
		{7, 1, 1}, {7, 1, 2}, {5, 0.5, 10}, {1, 2, 2},
	}
	for _, tt := range tests {
		for _, start := range []string{"steady", "empty"} {
			t.Run(fmt.Sprintf("L=%d,P=%g,D=%g,%s", tt.L, tt.P, tt.D, start), func(t *testing.T) {
				m := oneMerchant(tt.L, 0)
				coh := m.Cohorts(0)
				clear(coh)
				if start == "steady" {
					for a := 1; a < tt.L; a++ {
						coh[a] = tt.P
					}
				}
				m.Stock[0] = sumF(coh)
				days := 3*tt.L + 50
				if tt.P > tt.D { // the stock grows by P-D a day until it reaches L*P
					days += int(float64(tt.L) * tt.P / (tt.P - tt.D))
				}
				for day := range days {
					prev := m.Stock[0]
					mday(m, 1, day, 1, tt.D, tt.P)
					f := &m.Flow
					if f.Inflow[0] != tt.P || f.Dem[0] != tt.D || f.Div[0] != 0 {
						t.Fatalf("day %d: inflow %v, demand %v, diverted %v", day, f.Inflow[0], f.Dem[0], f.Div[0])
					}
					before := prev + f.Inflow[0]
					settled := start == "steady" || day >= days-tt.L
					switch {
					case tt.D >= tt.P && f.Spoiled[0] != 0:
						t.Fatalf("day %d: spoiled %v with D >= P", day, f.Spoiled[0])
					case tt.D < tt.P && settled && math.Abs(f.Spoiled[0]-(tt.P-tt.D)) > 1e-9:
						t.Fatalf("day %d: spoiled %v, want P-D = %v", day, f.Spoiled[0], tt.P-tt.D)
					case tt.D < tt.P && settled && math.Abs(before-float64(tt.L)*tt.P) > 1e-9:
						t.Fatalf("day %d: on-hand before sales %v, want L*P = %v", day, before, float64(tt.L)*tt.P)
					case tt.D < tt.P && settled && math.Abs(f.Sold[0]-tt.D) > 1e-9:
						t.Fatalf("day %d: sold %v, want %v", day, f.Sold[0], tt.D)
					}
				}
				if err := m.Check(); err != nil {
					t.Error(err)
				}
			})
		}
	}
}

// TestMerchantDivert: with A_cap > 0 the oldest units aged >= L-2 go to the
// alternative channel, up to A_cap, and only then spoil.
func TestMerchantDivert(t *testing.T) {
	tests := []struct {
		L                             int
		acap, P, D                    float64
		wantSold, wantDiv, spo, stock float64 // per day at the steady state; end-of-day stock
	}{
		{7, 0.25, 1, 0.5, 0.5, 0.25, 0.25, 6}, // capacity binds: leftover 0.5, 0.25 diverted, 0.25 spoils
		{7, 2, 1, 0.5, 0.5, 0.5, 0, 5},        // ample capacity: the age L-2 cohort is used up, younger ones kept
		{1, 0.3, 1, 0.5, 0.5, 0.3, 0.2, 0},    // L = 1: age 0 is the oldest
		{4, 0.2, 1, 1.5, 1, 0, 0, 0},          // demand exceeds harvest: nothing left to divert
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("L=%d,A=%g,P=%g,D=%g", tt.L, tt.acap, tt.P, tt.D), func(t *testing.T) {
			m := oneMerchant(tt.L, tt.acap)
			clear(m.Cohorts(0))
			m.Stock[0] = 0
			for day := range 10 * tt.L {
				mday(m, 1, day, 1, tt.D, tt.P)
			}
			f := &m.Flow
			if math.Abs(f.Sold[0]-tt.wantSold) > 1e-12 || math.Abs(f.Div[0]-tt.wantDiv) > 1e-12 ||
				math.Abs(f.Spoiled[0]-tt.spo) > 1e-12 || math.Abs(m.Stock[0]-tt.stock) > 1e-12 {
				t.Errorf("sold %v, diverted %v, spoiled %v, stock %v; want %v, %v, %v, %v",
					f.Sold[0], f.Div[0], f.Spoiled[0], m.Stock[0], tt.wantSold, tt.wantDiv, tt.spo, tt.stock)
			}
		})
	}
}

// TestMerchantCashLine checks MODEL.md T8 for cash: with given constant
// demand, C(t) follows its closed form.
func TestMerchantCashLine(t *testing.T) {
	t.Run("non-perishable", func(t *testing.T) {
		worst := 0.0
		defer func() { t.Logf("largest deviation %.3g", worst) }()
		for _, factor := range []float64{1, 0.6, 0.35, 1.3} {
			p := DefaultMerchantParams()
			p.Price, p.PerishShare = 1, 0
			const n, wM = 200, 10.0
			q3 := 0.1 * wM * n
			m := NewMerchants(n, p, q3, wM, rng.NewKey(4, 0))
			for j := range n {
				m.Credit[j] = math.Inf(1)
			}
			c0 := slices.Clone(m.Cash)
			var dem []float64
			r := 1 - 1/p.TauFC
			for day := 1; day <= 365; day++ {
				mday(m, 64, day, 1, factor*q3, 1)
				if dem == nil {
					dem = slices.Clone(m.Flow.Dem)
				}
				for j := range n {
					D, q0 := dem[j], m.Q0[j]
					if m.Flow.Dem[j] != D {
						t.Fatalf("demand not constant")
					}
					// Dhat(t-1) = D + (q0-D) r^(t-1); purchases telescope to
					// t*D + cover*Dhat(t-1) - D - (cover-1)*q0.
					tf := float64(day)
					dh := D + (q0-D)*math.Pow(r, tf-1)
					buys := tf*D + p.Cover*dh - D - (p.Cover-1)*q0
					want := c0[j] + tf*((1-p.Fee)*D+m.MOwn[j]-m.Fixed[j]) - p.Cost*buys
					worst = max(worst, math.Abs(m.Cash[j]-want))
					if math.Abs(m.Cash[j]-want) > 1e-9 {
						t.Fatalf("factor %g day %d merchant %d: cash %.15g, want %.15g", factor, day, j, m.Cash[j], want)
					}
				}
			}
		}
	})
	t.Run("perishable baseline", func(t *testing.T) {
		p := DefaultMerchantParams()
		p.Price, p.PerishShare = 1, 1
		const n, wM = 200, 10.0
		q3 := 0.1 * wM * n
		m := NewMerchants(n, p, q3, wM, rng.NewKey(4, 1))
		c0 := slices.Clone(m.Cash)
		for day := 1; day <= 365; day++ {
			mday(m, 64, day, 1, q3, 1)
			for j := range n {
				// sold q0, diverted h_buf*q0, harvest (1+h_buf)*q0.
				q0 := m.Q0[j]
				g := (1-p.Fee)*q0 + m.MOwn[j] + p.PSFactor*p.HBuf*q0 - p.CostH*(1+p.HBuf)*q0
				want := c0[j] + float64(day)*(g-m.Fixed[j])
				if math.Abs(m.Cash[j]-want) > 1e-9 {
					t.Fatalf("day %d merchant %d: cash %.15g, want %.15g", day, j, m.Cash[j], want)
				}
			}
		}
	})
	t.Run("perishable FIFO steady state", func(t *testing.T) {
		const L, P, D = 7, 1.5, 0.75
		m := oneMerchant(L, 0)
		coh := m.Cohorts(0)
		for a := 1; a < L; a++ {
			coh[a] = P
		}
		m.Stock[0] = sumF(coh)
		p := &m.P
		c0 := m.Cash[0]
		for day := 1; day <= 365; day++ {
			mday(m, 1, day, 1, D, P)
			want := c0 + float64(day)*((1-p.Fee)*D+m.MOwn[0]-p.CostH*P-m.Fixed[0])
			if math.Abs(m.Cash[0]-want) > 1e-9 {
				t.Fatalf("day %d: cash %.15g, want %.15g", day, m.Cash[0], want)
			}
		}
	})
}

// shortfall sets merchant j to a constant daily cash shortfall s: no stock,
// no forecast (so no purchases), no own-channel income, fixed cost s, and no
// demand when Q3 = 0.
func shortfall(m *Merchants, j int, s float64) {
	m.Stock[j], m.Dhat[j], m.MOwn[j], m.Fixed[j] = 0, 0, 0, s
}

// TestMerchantFirstPassage checks MODEL.md T12.
func TestMerchantFirstPassage(t *testing.T) {
	p := DefaultMerchantParams()
	p.PerishShare = 0
	tests := []struct{ c0, b, s float64 }{
		{10, 5, 1},       // (C0+B)/s = 15 exactly: C(15) = -B is not below -B
		{10, 5, 0.75},    // 20 exactly
		{0.5, 0, 0.25},   // 2 exactly
		{0, 0, 1},        // exits on day 1
		{7.3, 2.1, 0.7},  // 13.43
		{1000, 250, 3},   // 416.67
		{-4, 5, 0.125},   // starts in overdraft: 8 exactly
		{1e-3, 0, 1e-3},  // ~1
		{12.5, 0.5, 6.5}, // 2 exactly
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("C0=%g,B=%g,s=%g", tt.c0, tt.b, tt.s), func(t *testing.T) {
			m := NewMerchants(1, p, 1, 1, rng.NewKey(1, 1))
			shortfall(m, 0, tt.s)
			m.Cash[0], m.Credit[0] = tt.c0, tt.b
			want := int(math.Floor((tt.c0+tt.b)/tt.s)) + 1
			for day := 1; m.Alive[0] && day <= want+10; day++ {
				mday(m, 1, day, 1, 0, 1)
				if m.Flow.Inflow[0] != 0 || m.Flow.Sold[0] != 0 {
					t.Fatalf("day %d: unexpected flows", day)
				}
			}
			if int(m.ExitDay[0]) != want {
				t.Errorf("exit day %d, want floor((C0+B)/s)+1 = %d", m.ExitDay[0], want)
			}
		})
	}

	t.Run("population", func(t *testing.T) {
		const n = 5000
		m := NewMerchants(n, p, 1e5, 46, rng.NewKey(8, 0))
		x := make([]float64, n)
		s := 0.0
		for j := range n {
			s += (m.Cash[j] + m.Credit[j]) / (60 * n)
		}
		for j := range n {
			shortfall(m, j, s)
			x[j] = (m.Cash[j] + m.Credit[j]) / s
		}
		slices.Sort(x)
		if x[n/10] == x[9*n/10] {
			t.Fatalf("(C0+B)/s not heterogeneous")
		}
		dead := 0
		for day := 1; dead < n; day++ {
			part := mday(m, 512, day, 1, 0, 1)
			dead += int(part.Exits)
			// Empirical CDF: #{x_j < day} = #{floor(x_j)+1 <= day}.
			want, _ := slices.BinarySearch(x, float64(day))
			if dead != want {
				t.Fatalf("day %d: %d exited, empirical CDF of (C0+B)/s gives %d", day, dead, want)
			}
			if int(part.Alive) != n-dead {
				t.Fatalf("day %d: %d alive, want %d", day, part.Alive, n-dead)
			}
		}
	})
}

// TestMerchantStockIdentity checks MODEL.md T5 every day, plus the ledger
// identities of the partials, through a 40 % demand drop with exits.
func TestMerchantStockIdentity(t *testing.T) {
	p := DefaultMerchantParams()
	p.PerishShare, p.BufDaysMedian, p.CredDaysMax, p.DPhi = 0.3, 4, 5, 0.2
	const n, wM = 3000, 46.0
	qBase := 4 * wM * n / p.Share3P(1)
	m := NewMerchants(n, p, p.Share3P(1)*qBase, wM, rng.NewKey(11, 0))
	var exitsPer, exitsNon int
	var wo float64
	prev, cash := make([]float64, n), make([]float64, n)
	for day := range 180 {
		gbar, season := 1.0, 1.0
		if day >= 30 && day < 90 {
			gbar = 0.6
		}
		if day%7 == 3 {
			season = 1.1
		}
		copy(prev, m.Stock)
		copy(cash, m.Cash)
		wasAlive := slices.Clone(m.Alive)
		part := mday(m, 700, day, gbar, p.Share3P(gbar)*qBase*gbar, season)
		if err := m.Check(); err != nil {
			t.Fatalf("day %d: %v", day, err)
		}
		f := &m.Flow
		var dc, stock float64
		alive := int64(0)
		for j := range n {
			want := prev[j] + f.Inflow[j] - f.Sold[j] - f.Div[j] - f.Spoiled[j] - f.WrittenOff[j]
			if math.Abs(m.Stock[j]-want) > 1e-9 {
				t.Fatalf("day %d merchant %d: stock %v, T5 gives %v", day, j, m.Stock[j], want)
			}
			if wasAlive[j] && !m.Alive[j] {
				if m.Perish[j] {
					exitsPer++
				} else {
					exitsNon++
				}
				if m.Stock[j] != 0 || m.ExitDay[j] != int32(day) {
					t.Fatalf("day %d merchant %d: exit (day %d) left stock %v", day, j, m.ExitDay[j], m.Stock[j])
				}
			}
			if !wasAlive[j] && (f.Dem[j] != 0 || m.Cash[j] != cash[j]) {
				t.Fatalf("day %d merchant %d: exited merchant has demand %v, cash change %v", day, j, f.Dem[j], m.Cash[j]-cash[j])
			}
			if m.Alive[j] {
				alive++
			}
			dc += m.Cash[j] - cash[j]
			stock += m.Stock[j]
		}
		wo += part.WrittenOff
		ledger := part.Sales - part.Fees + part.OwnIncome + part.DivertValue - part.PurchaseCost - part.HarvestCost - part.FixedCost
		scale := part.Sales + part.OwnIncome + part.FixedCost
		switch {
		case math.Abs(part.NetIncome-ledger) > 1e-9*scale:
			t.Fatalf("day %d: net income %v, postings give %v", day, part.NetIncome, ledger)
		case math.Abs(dc-part.NetIncome) > 1e-9*scale:
			t.Fatalf("day %d: cash change %v, net income %v", day, dc, part.NetIncome)
		case part.Alive != alive:
			t.Fatalf("day %d: partial alive %d, counted %d", day, part.Alive, alive)
		case math.Abs(part.StockPerish+part.StockOther-stock) > 1e-9*max(1, stock):
			t.Fatalf("day %d: partial stock %v, counted %v", day, part.StockPerish+part.StockOther, stock)
		case part.Sold > part.Demand:
			t.Fatalf("day %d: sold %v > demand %v", day, part.Sold, part.Demand)
		}
	}
	if exitsPer == 0 || exitsNon == 0 || wo == 0 {
		t.Errorf("want exits of both kinds with write-offs: %d perishable, %d other, %v written off", exitsPer, exitsNon, wo)
	}
}

// TestMerchantDemandAllocation checks MODEL.md T2 (merchant part).
func TestMerchantDemandAllocation(t *testing.T) {
	tests := []struct {
		name string
		n    int
		gbar func(day int) float64
	}{
		{"baseline", 2000, func(int) float64 { return 1 }},
		{"drop", 2000, func(day int) float64 { return 0.5 }},
		{"noisy", 2000, func(day int) float64 { return 0.3 + 0.9*rng.U(1, 2, rng.Order, 0, day, 0) }},
		{"one", 1, func(day int) float64 { return 0.7 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := DefaultMerchantParams()
			p.BufDaysMedian, p.CredDaysMax = 1, 1
			const wM = 46.0
			q3Base := 3 * wM * float64(tt.n)
			m := NewMerchants(tt.n, p, q3Base, wM, rng.NewKey(5, 0))
			for day := range 150 {
				g := tt.gbar(day)
				q3 := q3Base * g * (1 + 0.1*math.Sin(float64(day)))
				part := mday(m, 300, day, g, q3, 1)
				alive := 0
				for j := range tt.n {
					if m.Wt[j] > 0 {
						alive++
					}
				}
				sum := 0.0
				for j := range tt.n {
					sum += wM * m.Flow.Dem[j]
					if m.Flow.Sold[j] > m.Flow.Dem[j] {
						t.Fatalf("day %d merchant %d: sold %v > demand %v", day, j, m.Flow.Sold[j], m.Flow.Dem[j])
					}
					if (m.Wt[j] == 0) != (m.Flow.Dem[j] == 0) {
						t.Fatalf("day %d merchant %d: weight %v, demand %v", day, j, m.Wt[j], m.Flow.Dem[j])
					}
				}
				if alive == 0 {
					if sum != 0 || part.Demand != 0 {
						t.Fatalf("day %d: no merchant left, demand %v", day, sum)
					}
					continue
				}
				if relErr(sum, q3) > 1e-12 {
					t.Fatalf("day %d: sum w_M*dem = %.17g, Q3 = %.17g", day, sum, q3)
				}
				if relErr(part.Sold+part.Lost, part.Demand) > 1e-12 || relErr(wM*part.Demand, q3) > 1e-12 {
					t.Fatalf("day %d: sold %v + lost %v vs demand %v (Q3/w_M %v)", day, part.Sold, part.Lost, part.Demand, q3/wM)
				}
			}
		})
	}
}

func eqBits[T comparable](a, b []T) bool { return slices.Equal(a, b) }

func eqFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

// merchantState lists the arrays that must agree bit for bit.
func merchantState(m *Merchants) [][]float64 {
	f := &m.Flow
	return [][]float64{m.Pi, m.Eps, m.Dep, m.Q0, m.MOwn, m.Fixed, m.Credit, m.Cash, m.Dhat, m.Stock, m.Coh, m.Wt,
		f.Dem, f.Inflow, f.Sold, f.Div, f.Spoiled, f.WrittenOff, m.RevBase, m.RevMonth}
}

func sameMerchants(a, b *Merchants) bool {
	sa, sb := merchantState(a), merchantState(b)
	for i := range sa {
		if !eqFloats(sa[i], sb[i]) {
			return false
		}
	}
	return eqBits(a.Perish, b.Perish) && eqBits(a.Alive, b.Alive) && eqBits(a.ExitDay, b.ExitDay)
}

func TestMerchantDeterminism(t *testing.T) {
	p := DefaultMerchantParams()
	p.BufDaysMedian = 3
	const n, wM = 3001, 46.0
	q3 := 3 * wM * n
	a := NewMerchants(n, p, q3, wM, rng.NewKey(21, 3))
	if b := NewMerchants(n, p, q3, wM, rng.NewKey(21, 3)); !sameMerchants(a, b) {
		t.Fatal("same key, different populations")
	}
	if b := NewMerchants(n, p, q3, wM, rng.NewKey(21, 4)); sameMerchants(a, b) {
		t.Fatal("different keys, same population")
	}
	months := make([]int16, 120)
	for d := range months {
		months[d] = int16(d / 30)
	}
	a.Track(months, 10, 39)
	one, split, ref := a.Clone(), a.Clone(), a.Clone()
	exits := int64(0)
	for day := range 120 {
		g := 1 - 0.5*float64(day%40)/40
		q := q3 * g
		// One range, and the same day split at k (the total weight from the split).
		k := 1 + day*7%(n-1)
		sum := split.Weights(0, k, g) + split.Weights(k, n, g)
		if s1 := one.Weights(0, n, g); relErr(s1, sum) > 1e-12 {
			t.Fatalf("day %d: weight sums %v vs %v", day, s1, sum)
		}
		d := MerchantDay{T: day, Q3: q, SumWt: sum, Season: 1}
		var p1, p2, p3 MerchantPartial
		one.Step(0, n, &d, &p1)
		split.Step(k, n, &d, &p2)
		split.Step(0, k, &d, &p3)
		p3.Add(&p2)
		if !sameMerchants(one, split) {
			t.Fatalf("day %d: sharded step at %d differs from one step", day, k)
		}
		if p1.Alive != p3.Alive || p1.Exits != p3.Exits || relErr(p1.Sales, p3.Sales) > 1e-12 {
			t.Fatalf("day %d: partials differ: %+v vs %+v", day, p1, p3)
		}
		exits += p1.Exits
	}
	if exits == 0 {
		t.Error("no exits: the test does not exercise them")
	}
	if !sameMerchants(ref, a) || sameMerchants(ref, one) {
		t.Error("stepping a clone changed the original, or stepping changed nothing")
	}
	if &ref.Pi[0] != &a.Pi[0] || &ref.Cash[0] == &a.Cash[0] || &ref.RevMonth[0] == &a.RevMonth[0] {
		t.Error("clone must share traits and copy state")
	}
	if a.Bytes() < 20*8*n {
		t.Errorf("Bytes = %d, implausibly small", a.Bytes())
	}
}

// TestMerchantRevenueDelta checks the §5 revenue bookkeeping: base window,
// monthly means, cohort M0 and exits counted as -1.
func TestMerchantRevenueDelta(t *testing.T) {
	p := DefaultMerchantParams()
	p.PiSD, p.PerishShare, p.DepSD, p.Price = 0, 0, 0, 1
	const n, wM = 4, 2.0
	q3 := 12.0
	m := NewMerchants(n, p, q3, wM, rng.NewKey(2, 2))
	for j := range n {
		m.Credit[j] = math.Inf(1)
	}
	months := make([]int16, 35) // months of 10, 10, 10 and 5 days
	for d := range months {
		months[d] = int16(d / 10)
	}
	m.Track(months, 10, 19)
	level := []float64{1, 1, 0.5, 0.25}
	for day := range months {
		switch day {
		case 5:
			m.Cash[0], m.Credit[0] = math.Inf(-1), 0 // exits in month 0, before the base window ends
		case 25:
			m.Cash[1], m.Credit[1] = math.Inf(-1), 0 // exits in month 2
		}
		mday(m, 2, day, 1, q3*level[months[day]], 1)
		for j := range n {
			if m.Flow.Sold[j] != m.Flow.Dem[j] {
				t.Fatalf("day %d merchant %d: stock-out", day, j)
			}
		}
	}
	if m.ExitDay[0] != 5 || m.ExitDay[1] != 25 || m.Months() != 4 {
		t.Fatalf("exit days %v, months %d", m.ExitDay, m.Months())
	}
	// Per-merchant demand is Q3/(w_M*#alive at t-1): 4 merchants on days 0-5,
	// 3 on days 6-25, then 2. Base (days 10-19): level 1 over 3 merchants.
	want := [][]float64{ // [merchant][month], NaN: not in M0
		{math.NaN(), math.NaN(), math.NaN(), math.NaN()},
		{0.6*0.75 + 0.4 - 1, 0, -1, -1},
		{0.6*0.75 + 0.4 - 1, 0, (0.6*0.5/3+0.4*0.5/2)*3 - 1, 0.25/2*3 - 1},
		{0.6*0.75 + 0.4 - 1, 0, (0.6*0.5/3+0.4*0.5/2)*3 - 1, 0.25/2*3 - 1},
	}
	for j := range n {
		for mo := range 4 {
			got, ok := m.Delta(j, mo)
			if w := want[j][mo]; ok == math.IsNaN(w) || ok && math.Abs(got-w) > 1e-12 {
				t.Errorf("merchant %d month %d: Delta %v (ok %v), want %v", j, mo, got, ok, w)
			}
		}
	}
	if got := m.AppendDelta(nil, 2, -1); len(got) != 3 || got[0] != -1 {
		t.Errorf("AppendDelta(all) = %v", got)
	}
	if got := m.AppendDelta(nil, 2, m.Class(2)); len(got) != 3 {
		t.Errorf("AppendDelta(class %d) = %v", m.Class(2), got)
	}
	if got := m.AppendDelta(nil, 2, 5); len(got) != 0 {
		t.Errorf("AppendDelta(perishable, d > 0.7) = %v, want none", got)
	}
	for _, c := range []struct {
		d    float64
		want int
	}{{0, 0}, {0.399, 0}, {0.4, 1}, {0.7, 1}, {0.7001, 2}, {1, 2}} {
		if got := DepClass(c.d); got != c.want {
			t.Errorf("DepClass(%v) = %d, want %d", c.d, got, c.want)
		}
	}
}

func TestMerchantShare3P(t *testing.T) {
	p := DefaultMerchantParams()
	for _, c := range []struct{ phi0, dphi, gbar, want float64 }{
		{0.7, 0, 1, 0.3}, {0.7, 0, 0.5, 0.3}, {0.7, 0.5, 0.6, 0.1}, {0.7, 0.5, 0, 0}, {0.7, 0.5, 1.2, 0.4},
	} {
		p.Phi1P0, p.DPhi = c.phi0, c.dphi
		if got := p.Share3P(c.gbar); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("Share3P(phi1P0 %v, dphi %v, gbar %v) = %v, want %v", c.phi0, c.dphi, c.gbar, got, c.want)
		}
	}
	bad := DefaultMerchantParams()
	bad.L, bad.TauFC, bad.Fee = 0, 0.5, 1.5
	if err := bad.Validate(); err == nil {
		t.Error("Validate accepted L = 0, tau_fc = 0.5, f = 1.5")
	}
	if err := DefaultMerchantParams().Validate(); err != nil {
		t.Error(err)
	}
}

func TestMerchantNoAlloc(t *testing.T) {
	m := NewMerchants(5000, DefaultMerchantParams(), 1e6, 46, rng.NewKey(1, 0))
	months := make([]int16, 400)
	m.Track(months, 0, 10)
	day := 0
	allocs := testing.AllocsPerRun(20, func() {
		s := m.Weights(0, 2500, 0.9) + m.Weights(2500, 5000, 0.9)
		d := MerchantDay{T: day, Q3: 9e5, SumWt: s, Season: 1}
		var p MerchantPartial
		m.Step(0, 2500, &d, &p)
		m.Step(2500, 5000, &d, &p)
		day++
	})
	if allocs != 0 {
		t.Errorf("%v allocations per merchant day", allocs)
	}
}

func BenchmarkMerchantDay(b *testing.B) {
	for _, n := range []int{5000, 230_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			wM := 230_000 / float64(n)
			m := NewMerchants(n, DefaultMerchantParams(), 1e6, wM, rng.NewKey(1, 0))
			months := make([]int16, 1<<20)
			for d := range months {
				months[d] = int16(d / 30 % 16)
			}
			m.Track(months, 30, 88)
			const shard = 4096
			day, iters := 0, 0
			var parts []MerchantPartial
			for lo := 0; lo < n; lo += shard {
				parts = append(parts, MerchantPartial{})
			}
			for b.Loop() {
				g := 1 - 0.05*float64(day%60)/60
				sum := 0.0
				for lo := 0; lo < n; lo += shard {
					sum += m.Weights(lo, min(lo+shard, n), g)
				}
				d := MerchantDay{T: day % len(months), Q3: 1e6 * g, SumWt: sum, Season: 1}
				var tot MerchantPartial
				for s, lo := 0, 0; lo < n; s, lo = s+1, lo+shard {
					parts[s] = MerchantPartial{}
					m.Step(lo, min(lo+shard, n), &d, &parts[s])
					tot.Add(&parts[s])
				}
				day++
				iters++
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(iters*n), "ns/merchant-day")
		})
	}
}
