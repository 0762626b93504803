package agents

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/ripple-sim/ripple/sim/rng"
)

// courierSim is the day loop sim must run, in the tests' sequential form.
type courierSim struct {
	c *Couriers
	m CourierMarket
	d CourierDay
}

// testP0 gives omega_K = 0.43792 at the defaults with Real_K = 10*n.
const testP0PerAgent = 1e7 / 2000

func newCourierSim(tb testing.TB, n, reserve int, p CourierParams, key rng.Key) *courierSim {
	tb.Helper()
	c := NewCouriers(n, reserve, p, key)
	m, err := c.NewMarket(10*float64(n), testP0PerAgent*float64(n))
	if err != nil {
		tb.Fatal(err)
	}
	return &courierSim{c: c, m: m, d: CourierDay{Key: key}}
}

// p0 is the baseline processed parcels of the sim.
func (s *courierSim) p0() float64 { return testP0PerAgent * float64(s.c.N) }

// step runs one day with processed parcels pProc in calendar month month,
// with Work and Settle over the shards cut at cuts (none: one call), and
// returns the clearing, the reduced counts and the hires.
func (s *courierSim) step(pProc float64, month int16, cuts ...int) (f CourierFlows, pt CourierPartial, hired int) {
	d, n := &s.d, s.c.Len()
	d.Month, d.YbarPrev = month, s.m.Ybar
	var buf [10]int
	bounds := append(append(buf[:1], cuts...), n)
	var parts [9]CourierPartial
	for j := range len(bounds) - 1 {
		s.c.Work(bounds[j], bounds[j+1], d, &parts[j])
	}
	for j := range len(bounds) - 1 {
		pt.Working += parts[j].Working
	}
	next, f := s.m.Clear(&s.c.P, pt.Working, pProc)
	d.Q, d.Ybar = f.Q, f.Ybar
	for j := range len(bounds) - 1 {
		s.c.Settle(bounds[j], bounds[j+1], d, &parts[j])
	}
	pt = CourierPartial{}
	for j := range len(bounds) - 1 {
		pt.Add(&parts[j])
	}
	hired = s.c.Hire(s.c.Hires(d, &f, s.m.WK))
	s.m = next
	d.T++
	return f, pt, hired
}

func relDiff(a, b float64) float64 {
	if a == b {
		return 0
	}
	return math.Abs(a-b) / max(math.Abs(a), math.Abs(b))
}

func TestCourierDefaultsAndInit(t *testing.T) {
	p := DefaultCourierParams()
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	if got, want := p.Y0(), 800*0.85*340-40_000.0; got != want {
		t.Errorf("Y0 = %v, want %v", got, want)
	}
	homog := p
	homog.Pi0SD, homog.YStarSD = 0, 0
	tests := []struct {
		name          string
		give          CourierParams
		wantPi0SD     float64
		wantYStarLogS float64
	}{
		{"default", p, 0.1, 0.15},
		{"homogeneous", homog, 0, 0},
	}
	const n, reserve = 20_000, 3_000
	key := rng.NewKey(11, 0)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewCouriers(n, reserve, tt.give, key)
			if c.Len() != n+reserve || c.N != n {
				t.Fatalf("Len = %d, N = %d", c.Len(), c.N)
			}
			if err := c.Check(); err != nil {
				t.Fatal(err)
			}
			var active int
			for _, s := range c.Status[:n] {
				if s == CourierActive {
					active++
				}
			}
			for _, s := range c.Status[n:] {
				if s != CourierReserve {
					t.Fatal("reserve slot not in Reserve")
				}
			}
			if active != n {
				t.Errorf("%d Active, want %d", active, n)
			}
			mean, sd := meanSD(c.Pi0)
			if se := tt.wantPi0SD / math.Sqrt(float64(c.Len())); math.Abs(mean-0.7) > 4*se+1e-12 {
				t.Errorf("mean pi0 = %v, want 0.7 +- %v", mean, 4*se)
			}
			if math.Abs(sd-tt.wantPi0SD) > 0.05*tt.wantPi0SD+1e-12 {
				t.Errorf("sd pi0 = %v, want %v", sd, tt.wantPi0SD)
			}
			logs := make([]float64, c.Len())
			for i, y := range c.YStar {
				logs[i] = math.Log(y / c.Y0)
			}
			lm, ls := meanSD(logs)
			if math.Abs(lm-math.Log(1/1.2)) > 4*tt.wantYStarLogS/math.Sqrt(float64(c.Len()))+1e-12 {
				t.Errorf("mean log(Ystar/Y0) = %v, want %v", lm, math.Log(1/1.2))
			}
			if math.Abs(ls-tt.wantYStarLogS) > 0.05*tt.wantYStarLogS+1e-12 {
				t.Errorf("log-sd Ystar = %v, want %v", ls, tt.wantYStarLogS)
			}
			h := 0.0
			for i := range n {
				h += 1 - math.Exp(-(p.HK0 + p.HK1*Phi((c.YStar[i]-c.Y0)/(0.1*c.Y0))))
			}
			if relDiff(c.Hbase, h) > 1e-12 {
				t.Errorf("Hbase = %v, want %v", c.Hbase, h)
			}
			again := NewCouriers(n, reserve, tt.give, key)
			if !slices.Equal(c.Pi0, again.Pi0) || !slices.Equal(c.YStar, again.YStar) {
				t.Error("same key gave different traits")
			}
			if tt.wantPi0SD > 0 {
				other := NewCouriers(n, reserve, tt.give, rng.NewKey(11, 1))
				if slices.Equal(c.Pi0, other.Pi0) || slices.Equal(c.YStar, other.YStar) {
					t.Error("another replicate gave the same traits")
				}
			}
		})
	}
}

func meanSD(x []float64) (mean, sd float64) {
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	for _, v := range x {
		sd += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(sd / float64(len(x)-1))
}

func TestCourierOmegaKAndValidate(t *testing.T) {
	p := DefaultCourierParams()
	tests := []struct {
		name       string
		realK, p0  float64
		want       float64
		wantErr    bool
		wantMarket bool
	}{
		{"default share", 20_000, 1e7, p.UK0 * 0.7 * 20_000 * 340 / 1e7, false, true},
		{"half the parcels", 20_000, p.UK0 * 0.7 * 20_000 * 340 * 2, 0.5, false, true},
		{"too few parcels", 20_000, 3e6, 0, true, false},
		{"no couriers", 0, 1e7, 0, true, false},
		{"no parcels", 20_000, 0, 0, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := OmegaK(p, tt.realK, tt.p0)
			if (err != nil) != tt.wantErr {
				t.Fatalf("OmegaK err = %v, want error %v", err, tt.wantErr)
			}
			if !tt.wantErr && relDiff(got, tt.want) > 1e-15 {
				t.Errorf("OmegaK = %v, want %v", got, tt.want)
			}
			c := NewCouriers(2000, 0, p, rng.NewKey(1, 0))
			m, err := c.NewMarket(tt.realK, tt.p0)
			if (err == nil) != tt.wantMarket {
				t.Fatalf("NewMarket err = %v", err)
			}
			if err == nil && (m.WK != tt.realK/2000 || m.Ybar != c.Y0 || m.BL != 0 || m.OmegaK != got) {
				t.Errorf("market %+v", m)
			}
		})
	}

	bad := []struct {
		name string
		edit func(*CourierParams)
	}{
		{"pi_bar0 = 1", func(p *CourierParams) { p.PiBar0 = 1 }},
		{"pi0 sd too wide", func(p *CourierParams) { p.Pi0SD = 0.5 }},
		{"Y0 <= 0", func(p *CourierParams) { p.KC = 1e6 }},
		{"tau_Y < 1", func(p *CourierParams) { p.TauY = 0.5 }},
		{"s_Y = 0", func(p *CourierParams) { p.SY = 0 }},
		{"negative hazard", func(p *CourierParams) { p.HK1 = -1 }},
		{"NaN e", func(p *CourierParams) { p.E = math.NaN() }},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			q := DefaultCourierParams()
			tt.edit(&q)
			if q.Validate() == nil {
				t.Error("Validate accepted a bad parameter")
			}
			c := &Couriers{P: q, N: 10}
			if _, err := c.NewMarket(100, 1e7); err == nil {
				t.Error("NewMarket accepted a bad parameter")
			}
		})
	}
}

// courierNStar solves the mean-field equilibrium (1-exp(-h(Y(N*))))*N* = H of
// M9 for homogeneous couriers and P_proc held at pProc, by bisection.
func courierNStar(c *Couriers, m CourierMarket, pProc float64) float64 {
	P := c.P
	g := func(n float64) float64 {
		q := min(P.K, m.OmegaK*pProc/(m.WK*P.PiBar0*n))
		y := P.RP*q - P.KC
		h := P.HK0 + P.HK1*Phi((c.YStar[0]-y)/(P.SY*c.Y0))
		return -math.Expm1(-h)*n - c.Hbase
	}
	lo, hi := 1.0, 100*float64(c.N)
	for range 200 {
		mid := (lo + hi) / 2
		if g(mid) < 0 {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}

// courierMFMap iterates the mean-field map of M9 from the baseline, N(t) =
// N(t-1)*exp(-h(Ybar(t))) + H with Ybar and BL_K as in Clear, for days days
// at pProc, and returns the mean of N over the last last days.
func courierMFMap(c *Couriers, m CourierMarket, pProc float64, days, last int) float64 {
	P := c.P
	n, mean := float64(c.N), 0.0
	for day := range days {
		nw := m.WK * P.PiBar0 * n
		pav := m.OmegaK*pProc + m.BL
		q := min(P.K, pav/nw)
		m.BL = pav - q*nw
		m.Ybar += (P.RP*q - P.KC - m.Ybar) / P.TauY
		n = n*math.Exp(-(P.HK0+P.HK1*Phi((c.YStar[0]-m.Ybar)/(P.SY*c.Y0)))) + c.Hbase
		if day >= days-last {
			mean += n / float64(last)
		}
	}
	return mean
}

// T14: with e = 0 and eta_h = 0, after a permanent step in P_proc, the mean
// Active count over the last 60 of 400 days is within 3 SE of the mean-field
// N*. Guards: the step moves N* by many SE, and the deterministic mean-field
// map has converged to N* by then (a rise past capacity, e.g. 1.1, takes
// longer than 400 days: quits stay near the baseline hazard).
func TestCourierT14MeanField(t *testing.T) {
	p := DefaultCourierParams()
	p.E, p.EtaH, p.Pi0SD, p.YStarSD = 0, 0, 0, 0
	const n, reserve, reps, days, last = 2000, 1500, 24, 400, 60
	tests := []struct {
		name string
		step float64
	}{
		{"drop 30 %", 0.7},
		{"drop 10 %", 0.9},
		{"rise 3 %", 1.03},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var nstar, mf float64
			means := make([]float64, reps)
			for r := range reps {
				s := newCourierSim(t, n, reserve, p, rng.NewKey(14, uint64(r)))
				pProc := tt.step * s.p0()
				nstar = courierNStar(s.c, s.m, pProc)
				mf = courierMFMap(s.c, s.m, pProc, days, last)
				active := n
				for day := range days {
					f, pt, hired := s.step(pProc, int16(day/30))
					if f.Q > p.K {
						t.Fatalf("day %d: q = %v > K", day, f.Q)
					}
					if int(pt.Active) != active {
						t.Fatalf("day %d: Work saw %d Active, carried %d", day, pt.Active, active)
					}
					active = int(pt.Active-pt.Quits) + hired
					if active > n+reserve-50 {
						t.Fatalf("day %d: reserve nearly exhausted (%d Active)", day, active)
					}
					if day >= days-last {
						means[r] += float64(active) / last
					}
				}
				if got := countActive(s.c); got != active {
					t.Fatalf("Active count %d, carried %d", got, active)
				}
			}
			mean, sd := meanSD(means)
			se := sd / math.Sqrt(reps)
			t.Logf("N* = %.2f, MF map %.2f, simulated %.2f +- %.2f (SE), N0 = %d", nstar, mf, mean, se, n)
			if math.Abs(mf-nstar) > se/4 {
				t.Fatalf("the mean-field map (%.2f) has not converged to N* = %.2f in %d days", mf, nstar, days)
			}
			if math.Abs(mean-nstar) > 3*se {
				t.Errorf("mean N_K = %.2f, mean-field N* = %.2f: off by %.1f SE", mean, nstar, math.Abs(mean-nstar)/se)
			}
			if math.Abs(nstar-n) < 10*se {
				t.Errorf("N* = %.2f barely moved from N0 = %d: the test is not informative", nstar, n)
			}
		})
	}
}

func countActive(c *Couriers) int {
	k := 0
	for _, s := range c.Status {
		if s == CourierActive {
			k++
		}
	}
	return k
}

// T3 (courier part) and CT-5: parcel balance and q <= K every day through a
// drop and a rise past capacity; gross pay = r_p*P_del from the agents' side;
// monthly per-courier sums add up to the delivered parcels, and the monthly
// gross-pay change equals the delivered-parcel change.
func TestCourierT3AndPayIdentity(t *testing.T) {
	s := newCourierSim(t, 2000, 500, DefaultCourierParams(), rng.NewKey(3, 0))
	P := &s.c.P
	level := func(day int) float64 {
		switch {
		case day < 60:
			return 1
		case day < 120:
			return 0.7
		case day < 180:
			return 1.15
		}
		return 1
	}
	const days = 240
	months := days / 30
	pdel := make([]float64, months)
	gross := make([]float64, months)
	var capped, backlog bool
	for day := range days {
		pProc := level(day) * s.p0()
		blPrev := s.m.BL
		month := int16(day / 30)
		f, pt, _ := s.step(pProc, month)
		in, out := s.m.OmegaK*pProc+blPrev, f.Pdel+f.BL
		if relDiff(in, out) > 1e-12 {
			t.Fatalf("day %d: omega_K*P_proc + BL(t-1) = %v != P_del + BL(t) = %v", day, in, out)
		}
		if f.Q > P.K || f.BL < 0 {
			t.Fatalf("day %d: q = %v > K = %v or BL = %v < 0", day, f.Q, P.K, f.BL)
		}
		if relDiff(f.Pdel, f.Q*f.Nw) > 1e-12 {
			t.Fatalf("day %d: P_del = %v != q*Nw = %v", day, f.Pdel, f.Q*f.Nw)
		}
		if pt.Paid != pt.Working {
			t.Fatalf("day %d: paid %d couriers, %d worked", day, pt.Paid, pt.Working)
		}
		g, _ := pt.Pay(P, f.Q, s.m.WK)
		if relDiff(g, P.RP*f.Pdel) > 1e-12 {
			t.Fatalf("day %d: gross pay %v != r_p*P_del = %v", day, g, P.RP*f.Pdel)
		}
		capped = capped || f.Q == P.K
		backlog = backlog || f.BL > 0
		pdel[month] += f.Pdel
		gross[month] += g
		if err := s.c.Check(); err != nil {
			t.Fatalf("day %d: %v", day, err)
		}
	}
	if !capped || !backlog {
		t.Errorf("the rise never hit capacity (capped %v, backlog %v)", capped, backlog)
	}
	for m := range months {
		parcels, _, err := s.c.MonthTotals(int16(m))
		if err != nil {
			t.Fatal(err)
		}
		if got := s.m.WK * parcels; relDiff(got, pdel[m]) > 1e-12 {
			t.Errorf("month %d: per-courier parcels %v != delivered %v", m, got, pdel[m])
		}
	}
	for _, mm := range [][2]int{{1, 2}, {1, 4}, {3, 5}} {
		a, b := mm[0], mm[1]
		dg, dp := gross[b]/gross[a]-1, pdel[b]/pdel[a]-1
		if math.Abs(dg-dp) > 1e-12 {
			t.Errorf("months %d->%d: gross-pay change %v != parcel change %v", a, b, dg, dp)
		}
		if math.Abs(dp) < 0.01 {
			t.Errorf("months %d->%d: parcel change %v too small to test", a, b, dp)
		}
	}
}

// CT-5: a cohort Active on the first day of month 1 and still Active at the
// end of month 2 earns less in month 2 after a volume drop.
func TestCourierIncomeStats(t *testing.T) {
	const cohort = 1
	run := func(drop float64) (*Couriers, CourierIncome) {
		s := newCourierSim(t, 2000, 500, DefaultCourierParams(), rng.NewKey(5, 0))
		for day := range 90 {
			lv := 1.0
			if day >= 60 {
				lv = drop
			}
			s.step(lv*s.p0(), int16(day/30))
			if day == 30 {
				s.c.MarkCohort(cohort)
			}
		}
		st, err := s.c.IncomeStats(2, 1, cohort)
		if err != nil {
			t.Fatal(err)
		}
		return s.c, st
	}
	twinC, twin := run(1)
	c, shock := run(0.8)
	t.Logf("twin %+v", twin)
	t.Logf("shock %+v", shock)
	if !(shock.DP50 < 0 && shock.P50 < shock.RefP50 && shock.DP50 < twin.DP50) {
		t.Errorf("median income change %v (twin %v): want < 0 and below the twin", shock.DP50, twin.DP50)
	}
	if math.Abs(twin.P50/twin.RefP50-1) > 0.05 {
		t.Errorf("twin median moved %v without a shock", twin.P50/twin.RefP50-1)
	}

	// Brute force over the same couriers.
	for _, tc := range []struct {
		c  *Couriers
		st CourierIncome
	}{{twinC, twin}, {c, shock}} {
		var x, y, z []float64
		for i := range tc.c.Len() {
			if tc.c.Status[i] == CourierActive && tc.c.Cohort[i]&cohort != 0 {
				a, b := tc.c.Income(2, i), tc.c.Income(1, i)
				x, y, z = append(x, a), append(y, b), append(z, a-b)
			}
		}
		slices.Sort(x)
		slices.Sort(y)
		slices.Sort(z)
		if tc.st.N != len(x) || tc.st.N < 1000 {
			t.Fatalf("N = %d, want %d (and a large cohort)", tc.st.N, len(x))
		}
		mid := func(v []float64) float64 { k := len(v); return (v[(k-1)/2] + v[k/2]) / 2 }
		if tc.st.P50 != mid(x) || tc.st.RefP50 != mid(y) || tc.st.DP50 != mid(z) {
			t.Errorf("medians %v %v %v, want %v %v %v", tc.st.P50, tc.st.RefP50, tc.st.DP50, mid(x), mid(y), mid(z))
		}
		if !(tc.st.P10 <= tc.st.P50 && tc.st.P50 <= tc.st.P90 && tc.st.P10 < tc.st.P90) {
			t.Errorf("percentiles out of order: %+v", tc.st)
		}
	}

	all, err := c.IncomeStats(2, 2, 0)
	if err != nil || all.N != countActive(c) || all.DP10 != 0 || all.DP90 != 0 {
		t.Errorf("mask 0 over all Active: %+v, %v", all, err)
	}
	for _, m := range [][2]int16{{3, 1}, {2, -1}, {2, 2 - CourierMonths}} {
		if _, err := c.IncomeStats(m[0], m[1], 0); err == nil {
			t.Errorf("IncomeStats(%d, %d) accepted a month not held", m[0], m[1])
		}
	}
	if allocs := testing.AllocsPerRun(5, func() { c.IncomeStats(2, 1, cohort) }); allocs != 0 {
		t.Errorf("IncomeStats allocates %v times per call", allocs)
	}
}

func TestCourierQuantile(t *testing.T) {
	tests := []struct {
		give          []float64
		p10, p50, p90 float64
	}{
		{[]float64{5, 1, 4, 2, 3}, 1.4, 3, 4.6},
		{[]float64{7}, 7, 7, 7},
		{[]float64{2, 0}, 0.2, 1, 1.8},
	}
	for _, tt := range tests {
		a, b, c := courierPercentiles(slices.Clone(tt.give))
		if math.Abs(a-tt.p10) > 1e-12 || math.Abs(b-tt.p50) > 1e-12 || math.Abs(c-tt.p90) > 1e-12 {
			t.Errorf("percentiles(%v) = %v %v %v, want %v %v %v", tt.give, a, b, c, tt.p10, tt.p50, tt.p90)
		}
	}
	if a, _, _ := courierPercentiles(nil); !math.IsNaN(a) {
		t.Errorf("empty P10 = %v, want NaN", a)
	}
}

// Lower Ybar(t-1) gives lower participation when e > 0, with nested working
// sets under common random numbers; incomes below 0.01*Y0 are floored; e = 0
// makes participation independent of income.
func TestCourierParticipationMonotone(t *testing.T) {
	y0 := DefaultCourierParams().Y0()
	grid := []float64{-1e5, 0, 0.005 * y0, 0.01 * y0, 0.3 * y0, 0.7 * y0, 0.95 * y0, y0, 1.1 * y0, 2 * y0}
	const floorIdx = 3 // grid[:4] all sit at or below the floor
	tests := []struct {
		name string
		e    float64
	}{
		{"e = 1.2", 1.2}, {"e = 0.3", 0.3}, {"e = 0", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := DefaultCourierParams()
			p.E = tt.e
			c0 := NewCouriers(2000, 100, p, rng.NewKey(7, 0))
			var prev []bool
			var prevN int64
			var prevP float64
			for k, yb := range grid {
				c := c0.Clone()
				var pt CourierPartial
				c.Work(0, c.Len(), &CourierDay{T: 3, Key: rng.NewKey(7, 0), YbarPrev: yb}, &pt)
				meanP := 0.0
				for i := range c.N {
					meanP += c.PWork(i, yb) / float64(c.N)
					lg := math.Log(c.Pi0[i]/(1-c.Pi0[i])) + tt.e/(1-p.PiBar0)*math.Log(max(yb, 0.01*y0)/y0)
					if want := 1 / (1 + math.Exp(-lg)); math.Abs(c.PWork(i, yb)-want) > 1e-12 {
						t.Fatalf("PWork(%d, %v) = %v, formula %v", i, yb, c.PWork(i, yb), want)
					}
				}
				for i := c.N; i < c.Len(); i++ {
					if c.Working[i] {
						t.Fatalf("reserve slot %d works", i)
					}
				}
				if k > 0 {
					switch {
					case tt.e == 0 || k <= floorIdx:
						if meanP != prevP || pt.Working != prevN || !slices.Equal(c.Working, prev) {
							t.Errorf("Ybar %v: participation %v (%d) changed from %v (%d)", yb, meanP, pt.Working, prevP, prevN)
						}
					default:
						if !(meanP > prevP) || pt.Working < prevN {
							t.Errorf("Ybar %v: participation %v (%d working) not above %v (%d)", yb, meanP, pt.Working, prevP, prevN)
						}
						for i := range c.Working {
							if prev[i] && !c.Working[i] {
								t.Fatalf("Ybar %v: courier %d stopped working as income rose", yb, i)
							}
						}
					}
				}
				if yb == y0 && relDiff(meanP, meanOf(c.Pi0[:c.N])) > 1e-14 {
					t.Errorf("participation at Y0 = %v, want mean pi0 %v", meanP, meanOf(c.Pi0[:c.N]))
				}
				prev, prevN, prevP = slices.Clone(c.Working), pt.Working, meanP
			}
			if lo, hi := meanAt(c0, 0.3*y0), meanAt(c0, 2*y0); tt.e > 0 && hi-lo < 0.05 {
				t.Errorf("participation barely responds to income: %v at 0.3*Y0, %v at 2*Y0", lo, hi)
			}
		})
	}
}

func meanOf(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

func meanAt(c *Couriers, yb float64) float64 {
	s := 0.0
	for i := range c.N {
		s += c.PWork(i, yb)
	}
	return s / float64(c.N)
}

// Work and Settle over [0,k) and [k,n) give bit for bit the state and counts
// of one call over [0,n).
func TestCourierSharding(t *testing.T) {
	tests := []struct {
		name string
		cuts []int
	}{
		{"one slot", []int{1}},
		{"odd cut", []int{777}},
		{"at the reserve", []int{2000}},
		{"many", []int{100, 1000, 1999, 2001, 2498}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := rng.NewKey(9, 2)
			a := newCourierSim(t, 2000, 500, DefaultCourierParams(), key)
			b := &courierSim{c: a.c.Clone(), m: a.m, d: a.d}
			for day := range 70 {
				lv := 1.0
				if day >= 10 {
					lv = 0.75
				}
				fa, pa, ha := a.step(lv*a.p0(), int16(day/30), tt.cuts...)
				fb, pb, hb := b.step(lv*b.p0(), int16(day/30))
				if fa != fb || pa != pb || ha != hb || a.m != b.m {
					t.Fatalf("day %d: sharded %+v %+v %d, whole %+v %+v %d", day, fa, pa, ha, fb, pb, hb)
				}
				if !slices.Equal(a.c.Status, b.c.Status) || !slices.Equal(a.c.Working, b.c.Working) ||
					!slices.Equal(a.c.Mon, b.c.Mon) || !slices.Equal(a.c.MDays, b.c.MDays) ||
					!bitsEqual(a.c.MParcels, b.c.MParcels) {
					t.Fatalf("day %d: state differs", day)
				}
			}
		})
	}
}

func bitsEqual(x, y []float64) bool {
	if len(x) != len(y) {
		return false
	}
	for i := range x {
		if math.Float64bits(x[i]) != math.Float64bits(y[i]) {
			return false
		}
	}
	return true
}

func TestCourierHireAndStochRound(t *testing.T) {
	rounds := []struct {
		x, u float64
		want int
	}{
		{2.3, 0.2, 3}, {2.3, 0.4, 2}, {5, 0.999, 5}, {0.5, 0.49, 1}, {0, 0.1, 0}, {-1, 0.1, 0}, {math.NaN(), 0.1, 0},
	}
	for _, tt := range rounds {
		if got := StochRound(tt.x, tt.u); got != tt.want {
			t.Errorf("StochRound(%v, %v) = %d, want %d", tt.x, tt.u, got, tt.want)
		}
	}

	hires := []struct {
		k, want  int
		activate []int
	}{
		{0, 0, nil}, {2, 2, []int{3, 5}}, {5, 3, []int{3, 5, 9}},
	}
	for _, tt := range hires {
		c := NewCouriers(10, 0, DefaultCourierParams(), rng.NewKey(1, 0))
		for _, i := range []int{3, 5, 9} {
			c.Status[i] = CourierReserve
		}
		if got := c.Hire(tt.k); got != tt.want {
			t.Errorf("Hire(%d) = %d, want %d", tt.k, got, tt.want)
		}
		for _, i := range tt.activate {
			if c.Status[i] != CourierActive {
				t.Errorf("Hire(%d): slot %d not activated", tt.k, i)
			}
		}
		if got := countActive(c); got != 7+tt.want {
			t.Errorf("Hire(%d): %d Active, want %d", tt.k, got, 7+tt.want)
		}
	}

	// Hire rate: baseline, plus eta_h per courier-equivalent of unmet capacity.
	p := DefaultCourierParams()
	c := NewCouriers(2000, 0, p, rng.NewKey(1, 0))
	f := CourierFlows{Nw: 14_000, Pav: 14_000 * 340 * 0.9}
	if got := c.ExpectedHires(&f, 10); got != c.Hbase {
		t.Errorf("spare capacity: hires %v, want Hbase %v", got, c.Hbase)
	}
	f.Pav = 14_000*340 + 340*0.7*10*20
	if got, want := c.ExpectedHires(&f, 10), c.Hbase+0.05*20; math.Abs(got-want) > 1e-12 {
		t.Errorf("unmet capacity: hires %v, want %v", got, want)
	}
}

func TestCourierMonthRingAndCheck(t *testing.T) {
	p := DefaultCourierParams()
	c := NewCouriers(4, 0, p, rng.NewKey(1, 0))
	d := &CourierDay{Q: 100, Ybar: c.Y0}
	settle := func(m int16) {
		d.Month = m
		for i := range c.Working {
			c.Working[i] = c.Status[i] == CourierActive
		}
		var pt CourierPartial
		c.Settle(0, c.Len(), d, &pt)
		d.T++
	}
	settle(0)
	settle(0)
	if got, want := c.Income(0, 0), 2*(p.RP*100-p.KC); got != want && c.Status[0] == CourierActive {
		t.Errorf("income month 0 = %v, want %v", got, want)
	}
	settle(CourierMonths) // same ring slot: must start from zero
	if _, _, err := c.MonthTotals(0); err == nil {
		t.Error("month 0 still held after a full ring")
	}
	parcels, days, err := c.MonthTotals(CourierMonths)
	if err != nil || days > 4 || parcels != 100*float64(days) {
		t.Errorf("month %d totals %v parcels over %d days (%v)", CourierMonths, parcels, days, err)
	}
	if err := c.Check(); err != nil {
		t.Fatal(err)
	}

	corrupt := []struct {
		name string
		edit func(*Couriers)
	}{
		{"status", func(c *Couriers) { c.Status[1] = 7 }},
		{"negative parcels", func(c *Couriers) { c.MParcels[2] = -1 }},
		{"parcels over K*days", func(c *Couriers) { c.MParcels[2], c.MDays[2] = 400, 1 }},
		{"too many days", func(c *Couriers) { c.MDays[3] = 32 }},
		{"pi0", func(c *Couriers) { c.Pi0[0] = 1 }},
	}
	for _, tt := range corrupt {
		x := c.Clone()
		x.Pi0 = slices.Clone(c.Pi0)
		tt.edit(x)
		if x.Check() == nil {
			t.Errorf("%s: Check passed", tt.name)
		}
	}
	if c.Check() != nil {
		t.Error("corrupting a clone changed the original")
	}
}

func TestCourierNoAllocs(t *testing.T) {
	s := newCourierSim(t, 2000, 500, DefaultCourierParams(), rng.NewKey(4, 0))
	for range 3 {
		s.step(0.9*s.p0(), 0)
	}
	day := 3
	if allocs := testing.AllocsPerRun(20, func() {
		s.step(0.9*s.p0(), int16(day/30))
		day++
	}); allocs != 0 {
		t.Errorf("a courier day allocates %v times", allocs)
	}
}

// BenchmarkCourierDay times a full courier day (Work, Clear, Settle, hires)
// after a volume drop, in ns per courier slot-day (Active and Reserve).
func BenchmarkCourierDay(b *testing.B) {
	for _, n := range []int{2_000, 25_000} {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			s := newCourierSim(b, n, n/4, DefaultCourierParams(), rng.NewKey(1, 0))
			pProc := 0.9 * s.p0()
			day := 0
			for b.Loop() {
				s.step(pProc, int16(day/30%1000))
				day++
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(day)/float64(s.c.Len()), "ns/courier-day")
			b.ReportMetric(float64(s.c.Bytes())/float64(s.c.Len()), "B/courier")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// The quit frequency matches 1 - exp(-(hK0 + hK1*Phi((Ystar - Ybar)/s_Y)))
// within 4 SE, from income far above the target to far below it.
func TestCourierQuitRate(t *testing.T) {
	p := DefaultCourierParams()
	p.YStarSD = 0
	y0 := p.Y0()
	tests := []struct {
		name string
		ybar float64
	}{
		{"far above target", 3 * y0}, {"baseline", y0}, {"at target", y0 / 1.2}, {"far below target", -y0},
	}
	const n, days = 50_000, 4
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := -math.Expm1(-(p.HK0 + p.HK1*Phi((y0/1.2-tt.ybar)/(p.SY*y0))))
			var quits int64
			for day := range days {
				c := NewCouriers(n, 0, p, rng.NewKey(21, 0))
				var pt CourierPartial
				c.Settle(0, n, &CourierDay{T: day, Key: rng.NewKey(21, 0), Ybar: tt.ybar}, &pt)
				if got := int64(n - countActive(c)); got != pt.Quits {
					t.Fatalf("%d left Active, %d quits counted", got, pt.Quits)
				}
				quits += pt.Quits
			}
			trials := float64(n * days)
			se := math.Sqrt(want * (1 - want) / trials)
			if got := float64(quits) / trials; math.Abs(got-want) > 4*se {
				t.Errorf("quit share %v, want %v +- %v", got, want, 4*se)
			}
		})
	}
}
