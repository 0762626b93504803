package agents

import (
	"fmt"
	"math"
	"math/bits"
	"testing"

	"github.com/ripple-sim/ripple/sim/rng"
)

// staffShards splits [0, n) into shards of size sh (the last may be shorter).
func staffShards(n, sh int) [][2]int {
	var r [][2]int
	for lo := 0; lo < n; lo += sh {
		r = append(r, [2]int{lo, min(lo+sh, n)})
	}
	return r
}

// staffRoster runs Roster over the shards and reduces in shard order.
func staffRoster(s *Staff, t int, shards [][2]int) StaffPartial {
	var tot StaffPartial
	for _, r := range shards {
		var p StaffPartial
		s.Roster(r[0], r[1], t, &p)
		tot.Add(&p)
	}
	return tot
}

// staffStep runs Step over the shards with a given offer and reduces.
func staffStep(s *Staff, t int, shards [][2]int, offer float64, win uint8) StaffPartial {
	d := StaffDay{T: t, Offer: offer, Windows: win}
	var tot StaffPartial
	for _, r := range shards {
		var p StaffPartial
		s.Step(r[0], r[1], &d, &p)
		tot.Add(&p)
	}
	return tot
}

// staffMoments accumulates a replicate mean and its standard error.
type staffMoments struct{ n, sum, sum2 float64 }

func (m *staffMoments) add(x float64) { m.n++; m.sum += x; m.sum2 += x * x }
func (m *staffMoments) mean() float64 { return m.sum / m.n }
func (m *staffMoments) se() float64 {
	v := (m.sum2 - m.sum*m.sum/m.n) / (m.n - 1)
	return math.Sqrt(max(v, 0) / m.n)
}

func staffCountPool(s *Staff) int {
	k := 0
	for _, f := range s.Flags {
		if f&StaffActive != 0 && f&StaffPool != 0 {
			k++
		}
	}
	return k
}

// TestStaffT15 checks MODEL.md T15: with constant o, homogeneous q and no
// attrition, distinct acceptors over n scheduled days are K(1-(1-oq)^n).
func TestStaffT15(t *testing.T) {
	const reps, n = 24, 3000
	tests := []struct {
		name     string
		o, q     float64
		weeks    int       // simulated weeks
		win      VTOWindow // window; 5 scheduled days per worker per whole week inside it
		winWeeks int
	}{
		{"all days", 0.1, 0.35, 4, VTOWindow{0, 27}, 4},
		{"late window", 0.3, 0.2, 6, VTOWindow{14, 34}, 3},
		{"high offer", 1, 0.5, 2, VTOWindow{0, 13}, 2},
		{"low offer", 0.02, 0.35, 8, VTOWindow{0, 55}, 8},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := DefaultStaffParams()
			p.OmegaPool, p.QBar, p.QSD, p.HF0, p.HF1 = 0.2, tc.q, 0, 0, 0
			var diff, wrong staffMoments
			for r := range reps {
				s := NewStaff(n, 0, p, rng.NewKey(15, uint64(r)))
				ws := []VTOWindow{tc.win}
				newAcc := int64(0)
				for d := range 7 * tc.weeks {
					newAcc += staffStep(s, d, staffShards(n, 700), tc.o, VTOWindowMask(ws, d)).NewAcc[0]
				}
				got := float64(s.Acceptors(0))
				if newAcc != s.Acceptors(0) {
					t.Fatalf("rep %d: sum of first acceptances %d != flagged workers %d", r, newAcc, s.Acceptors(0))
				}
				k := float64(staffCountPool(s))
				ns := float64(5 * tc.winWeeks)
				diff.add(got - k*(1-math.Pow(1-tc.o*tc.q, ns)))
				wrong.add(got - k*(1-math.Pow(1-tc.o*tc.q, 7*float64(tc.winWeeks)))) // calendar days
			}
			if se := diff.se(); !(se > 0) || math.Abs(diff.mean()) > 3*se {
				t.Errorf("DVA - K(1-(1-oq)^n): mean %.3f, SE %.3f", diff.mean(), se)
			}
			if tc.o*tc.q < 1 && math.Abs(wrong.mean()) <= 3*wrong.se() {
				t.Errorf("test has no power: counting calendar days also passes (%.3f, SE %.3f)", wrong.mean(), wrong.se())
			}
		})
	}
}

// TestStaffT3 runs the FC day loop through a 30% parcel drop for 40 days, a
// recovery and a 6% surge, checking P_created + BL(t-1) = P_proc + BL(t).
func TestStaffT3(t *testing.T) {
	const n, reserve, days = 2000, 400, 160
	p := DefaultStaffParams()
	s := NewStaff(n, reserve, p, rng.NewKey(3, 0))
	wF := 70000.0 / n
	const p0 = 2.5e6
	hs0 := FCBaselineHours(p, wF, n)
	pi := FCProductivity(p, p0, hs0)
	shards := staffShards(n+reserve, 512)
	var bl float64
	var vtoDays, backlogDays int
	for d := range days {
		f := 1.0
		switch {
		case d >= 30 && d < 70:
			f = 0.7
		case d >= 110 && d < 120:
			f = 1.06
		}
		pc := FCParcels(p, 0.6*f*p0, 0.8*f*p0) // 0.6 + 0.5*0.8 = 1 times f*p0
		pfc := pc + bl
		ros := staffRoster(s, d, shards)
		hs, _, _, o := VTOOffer(p, wF, float64(ros.Sched), ros.SumQPool, pfc, 1, hs0, pi)
		st := staffStep(s, d, shards, o, 0)
		hwork, pProc, bl1, wages := FCProcess(p, wF, hs, float64(st.Accepted), pfc, pi)
		s.Hire(d, s.Hires(d))

		lhs, rhs := pc+bl, pProc+bl1
		if math.Abs(lhs-rhs) > 1e-12*lhs {
			t.Fatalf("day %d: P_created + BL(t-1) = %v != P_proc + BL(t) = %v", d, lhs, rhs)
		}
		if bl1 < 0 || pProc > pi*hwork*(1+1e-12) || wages != p.WH*hwork {
			t.Fatalf("day %d: backlog %v, P_proc %v, capacity %v, wages %v", d, bl1, pProc, pi*hwork, wages)
		}
		if d >= 30 && d < 70 {
			if o <= 0 || st.Accepted == 0 {
				t.Fatalf("day %d: parcels at 70%% but offer %v, %d accepted", d, o, st.Accepted)
			}
			vtoDays++
		} else if d < 30 && (o != 0 || bl1 != 0) {
			t.Fatalf("day %d: baseline with VTO offer %v, backlog %v", d, o, bl1)
		}
		if bl1 > 0 {
			backlogDays++
		}
		bl = bl1
		if err := s.Check(); err != nil {
			t.Fatalf("day %d: %v", d, err)
		}
	}
	if vtoDays == 0 || backlogDays == 0 {
		t.Errorf("loop never exercised VTO (%d days) or backlog (%d days)", vtoDays, backlogDays)
	}
}

func TestStaffRoster(t *testing.T) {
	p := DefaultStaffParams()
	t.Run("5 of 7 per worker", func(t *testing.T) {
		s := NewStaff(500, 100, p, rng.NewKey(1, 0))
		for _, t0 := range []int{0, 123} {
			for i := range s.Len() {
				var r StaffPartial
				for d := t0; d < t0+7; d++ {
					s.Roster(i, i+1, d, &r)
				}
				want := int64(0)
				if s.Flags[i]&StaffActive != 0 {
					want = 5
				}
				if r.Sched != want {
					t.Fatalf("worker %d from day %d: scheduled %d of 7 days, want %d", i, t0, r.Sched, want)
				}
			}
		}
	})
	t.Run("5/7 each day", func(t *testing.T) {
		p := p
		p.HF0 = 0.02
		const n = 7003
		s := NewStaff(n, 2000, p, rng.NewKey(1, 1))
		sh := staffShards(s.Len(), 1000)
		for d := range 120 {
			r := staffRoster(s, d, sh)
			act := s.Headcount()
			if math.Abs(float64(r.Sched)-5.0/7*float64(act)) > 2 {
				t.Fatalf("day %d: %d scheduled of %d active, want 5/7 = %.1f", d, r.Sched, act, 5.0/7*float64(act))
			}
			sq, np := 0.0, int64(0)
			for i, f := range s.Flags {
				if f&(StaffActive|StaffPool) == StaffActive|StaffPool && (d+int(s.Offset[i]))%7 >= 2 {
					sq += s.Q[i]
					np++
				}
			}
			if np != r.PoolSched || math.Abs(sq-r.SumQPool) > 1e-9*sq {
				t.Fatalf("day %d: pool scheduled %d, sum q %v; direct %d, %v", d, r.PoolSched, r.SumQPool, np, sq)
			}
			staffStep(s, d, sh, 0, 0)
			s.Hire(d, s.Hires(d))
		}
	})
}

func TestStaffVTOOffer(t *testing.T) {
	p := DefaultStaffParams()
	p.UStar, p.STol = 0.5, 0.25 // piFC*u_star = 1 below; 1 - s_tol exact
	tests := []struct {
		name                     string
		nSched, sumQ, pfc, s, h0 float64
		hs, hneed, nV, o         float64
	}{
		{"at threshold: no offer", 100, 20, 600, 1, 800, 800, 600, 0, 0},
		{"just below threshold", 100, 50, 599, 1, 800, 800, 599, 25.125, 25.125 / 50},
		{"capped at 1", 100, 10, 500, 1, 800, 800, 500, 37.5, 1},
		{"uncapped", 100, 80, 500, 1, 800, 800, 500, 37.5, 37.5 / 80},
		{"shortage: no offer", 100, 20, 900, 1, 800, 800, 900, 0, 0},
		{"seasonal temps", 100, 80, 600, 1.5, 400, 1000, 600, 50, 50.0 / 80},
		{"low season adds no temps", 100, 80, 500, 0.5, 800, 800, 500, 37.5, 37.5 / 80},
		{"nobody in the pool", 100, 0, 500, 1, 800, 800, 500, 37.5, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hs, hneed, nV, o := VTOOffer(p, 1, tc.nSched, tc.sumQ, tc.pfc, tc.s, tc.h0, 2)
			if hs != tc.hs || hneed != tc.hneed || math.Abs(nV-tc.nV) > 1e-12 || math.Abs(o-tc.o) > 1e-12 {
				t.Errorf("got Hs %v Hneed %v nV %v o %v, want %v %v %v %v", hs, hneed, nV, o, tc.hs, tc.hneed, tc.nV, tc.o)
			}
		})
	}
	t.Run("defaults: no VTO at baseline, VTO after a drop", func(t *testing.T) {
		p := DefaultStaffParams()
		s := NewStaff(7000, 0, p, rng.NewKey(2, 0))
		wF := 10.0
		hs0 := FCBaselineHours(p, wF, 7000)
		pi := FCProductivity(p, 1e6, hs0)
		for d := range 7 {
			r := staffRoster(s, d, staffShards(7000, 4096))
			if _, hneed, _, o := VTOOffer(p, wF, float64(r.Sched), r.SumQPool, 1e6, 1, hs0, pi); o != 0 || math.Abs(hneed-hs0) > 1e-9*hs0 {
				t.Errorf("day %d baseline: offer %v, Hneed %v vs Hs0 %v", d, o, hneed, hs0)
			}
			if _, _, nV, o := VTOOffer(p, wF, float64(r.Sched), r.SumQPool, 0.7e6, 1, hs0, pi); !(o > 0 && o <= 1) || math.Abs(nV-0.3*hs0/p.HS) > 1e-6*nV {
				t.Errorf("day %d after a 30%% drop: offer %v, nV %v, want %v", d, o, nV, 0.3*hs0/p.HS)
			}
		}
	})
}

// TestStaffAttrition checks survival exp(-h*n) (MODEL.md T16) for the
// attrition hazard hF0 + hF1*l, with l = 0 and with l = 1.
func TestStaffAttrition(t *testing.T) {
	const reps, n, warm, days = 20, 2000, 7, 60
	tests := []struct {
		name        string
		pool, q     float64
		offer       float64
		hF0, hF1    float64
		wantHazard  float64
		otherHazard float64 // a wrong hazard the test must reject (0: none)
	}{
		{"hF0 only", 0.15, 0.35, 0, 0.01, 0, 0.01, 0.015},
		{"hF1 unused without VTO", 1, 1, 0, 0.002, 0.02, 0.002, 0.022},
		{"l = 1", 1, 1, 1, 0.002, 0.01, 0.012, 0.002},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := DefaultStaffParams()
			p.OmegaPool, p.QBar, p.QSD, p.HF0, p.HF1 = tc.pool, tc.q, 0, tc.hF0, tc.hF1
			var surv staffMoments
			for r := range reps {
				s := NewStaff(n, 0, p, rng.NewKey(16, uint64(r)))
				sh := staffShards(n, 600)
				for d := range warm {
					staffStep(s, d, sh, tc.offer, 0)
				}
				a0 := s.Headcount()
				for d := warm; d < warm+days; d++ {
					staffStep(s, d, sh, tc.offer, 0)
				}
				surv.add(float64(s.Headcount()) / float64(a0))
			}
			want := math.Exp(-tc.wantHazard * days)
			if se := surv.se(); !(se > 0) || math.Abs(surv.mean()-want) > 3*se {
				t.Errorf("survival %.4f (SE %.4f), want exp(-%v*%d) = %.4f", surv.mean(), se, tc.wantHazard, days, want)
			}
			if bad := math.Exp(-tc.otherHazard * days); math.Abs(surv.mean()-bad) <= 3*surv.se() {
				t.Errorf("test has no power: hazard %v also fits", tc.otherHazard)
			}
		})
	}
}

// TestStaffHeadcountStationary hires the stochastically rounded expected
// baseline attrition each day: the headcount of the last 30 days stays within
// 3 SE of the first 30; without hires it does not.
func TestStaffHeadcountStationary(t *testing.T) {
	const reps, n, days = 20, 2000, 200
	p := DefaultStaffParams()
	p.HF0 = 0.01
	for _, hire := range []bool{true, false} {
		var diff staffMoments
		for r := range reps {
			s := NewStaff(n, 600, p, rng.NewKey(7, uint64(r)))
			sh := staffShards(s.Len(), 700)
			first, last, hired := 0.0, 0.0, 0
			for d := range days {
				st := staffStep(s, d, sh, 0, 0)
				if hire {
					k := s.Hires(d)
					if got := s.Hire(d, k); got != k {
						t.Fatalf("hired %d of %d: reserve ran out", got, k)
					}
					hired += k
					st.Active += int64(k)
				}
				if a := s.Headcount(); a != int(st.Active) {
					t.Fatalf("day %d: headcount %d, partial says %d", d, a, st.Active)
				}
				if d < 30 {
					first += float64(st.Active) / 30
				} else if d >= days-30 {
					last += float64(st.Active) / 30
				}
			}
			if hire {
				x := s.ExpectedHires() * days
				if f := s.ExpectedHires() - math.Floor(s.ExpectedHires()); math.Abs(float64(hired)-x) > 4*math.Sqrt(days*f*(1-f))+1e-9 {
					t.Errorf("rep %d: hired %d over %d days, expected %.1f", r, hired, days, x)
				}
			}
			diff.add(last - first)
		}
		ok := math.Abs(diff.mean()) <= 3*diff.se()
		if hire && !ok {
			t.Errorf("with hires: last-30 minus first-30 headcount %.2f, SE %.2f", diff.mean(), diff.se())
		}
		if !hire && ok {
			t.Errorf("without hires the headcount test still passes: %.2f, SE %.2f", diff.mean(), diff.se())
		}
	}
}

// TestStaffRing checks the trailing VTO history against a direct count.
func TestStaffRing(t *testing.T) {
	for _, L := range []int{1, 7, 30, 32} {
		p := DefaultStaffParams()
		p.OmegaPool, p.QBar, p.QSD, p.HF0, p.HF1, p.LWindow = 1, 1, 0, 0, 0, L
		s := NewStaff(14, 0, p, rng.NewKey(5, 0))
		const days = 80
		var offered [days]bool
		for d := range days {
			offered[d] = d%3 == 0 || d%5 == 0
			o := 0.0
			if offered[d] {
				o = 1
			}
			staffStep(s, d, [][2]int{{0, 14}}, o, 0)
		}
		for i := range 14 {
			var acc, sch int
			for d := days - L; d < days; d++ {
				if (d+int(s.Offset[i]))%7 >= 2 {
					sch++
					if offered[d] {
						acc++
					}
				}
			}
			h := s.Hist[i]
			if got := bits.OnesCount32(uint32(h)); got != acc {
				t.Errorf("L=%d worker %d: %d VTO days in ring, want %d", L, i, got, acc)
			}
			if got := bits.OnesCount32(uint32(h >> 32)); got != sch {
				t.Errorf("L=%d worker %d: %d scheduled days in ring, want %d", L, i, got, sch)
			}
		}
		if err := s.Check(); err != nil {
			t.Error(err)
		}
	}
}

// TestStaffDVAAfterAttrition checks that window flags survive attrition and
// re-hiring of the slot.
func TestStaffDVAAfterAttrition(t *testing.T) {
	p := DefaultStaffParams()
	p.OmegaPool, p.HF0, p.HF1 = 0.5, 0.03, 0.05
	s := NewStaff(1000, 300, p, rng.NewKey(9, 0))
	ws := []VTOWindow{{0, 99}, {20, 39}, {60, 60}}
	var newAcc [MaxVTOWindows]int64
	sh := staffShards(s.Len(), 256)
	for d := range 100 {
		st := staffStep(s, d, sh, 0.5, VTOWindowMask(ws, d))
		for w := range newAcc {
			newAcc[w] += st.NewAcc[w]
		}
		s.Hire(d, s.Hires(d)*3) // over-hire so departed slots are refilled
	}
	if s.Departed[0] == 0 {
		t.Fatal("no departed acceptor was re-hired: test exercises nothing")
	}
	for w := range MaxVTOWindows {
		if got := s.Acceptors(w); got != newAcc[w] {
			t.Errorf("window %d: %d acceptors, %d first acceptances", w, got, newAcc[w])
		}
		if got, want := s.DVA(w, 70), 70*float64(newAcc[w]); got != want {
			t.Errorf("window %d: DVA %v, want %v", w, got, want)
		}
	}
	if newAcc[1] == 0 || newAcc[2] == 0 || newAcc[3] != 0 || newAcc[0] < newAcc[1] {
		t.Errorf("first acceptances per window %v", newAcc)
	}
	if err := s.Check(); err != nil {
		t.Error(err)
	}
}

func staffEqual(a, b *Staff) error {
	for i := range a.Flags {
		if a.Flags[i] != b.Flags[i] || math.Float64bits(a.Q[i]) != math.Float64bits(b.Q[i]) ||
			a.Offset[i] != b.Offset[i] || a.Hist[i] != b.Hist[i] || a.Win[i] != b.Win[i] {
			return fmt.Errorf("worker %d differs", i)
		}
	}
	if a.Departed != b.Departed {
		return fmt.Errorf("departed %v vs %v", a.Departed, b.Departed)
	}
	return nil
}

func TestStaffShardingAndDeterminism(t *testing.T) {
	p := DefaultStaffParams()
	p.HF0 = 0.01
	key := rng.NewKey(11, 2)
	a := NewStaff(3000, 500, p, key)
	if err := staffEqual(a, NewStaff(3000, 500, p, key)); err != nil {
		t.Fatalf("same key: %v", err)
	}
	if staffEqual(a, NewStaff(3000, 500, p, rng.NewKey(11, 3))) == nil {
		t.Fatal("different keys give the same population")
	}
	b, c := a.Clone(), a.Clone()
	ws := []VTOWindow{{5, 20}, {10, 39}}
	one := [][2]int{{0, 3500}}
	two := [][2]int{{0, 1237}, {1237, 3500}}
	many := staffShards(3500, 333)
	for d := range 40 {
		ra, rb, rc := staffRoster(a, d, one), staffRoster(b, d, two), staffRoster(c, d, many)
		for _, r := range []StaffPartial{rb, rc} {
			if r.Sched != ra.Sched || r.PoolSched != ra.PoolSched || math.Abs(r.SumQPool-ra.SumQPool) > 1e-12*ra.SumQPool {
				t.Fatalf("day %d: roster %+v vs %+v", d, r, ra)
			}
		}
		w := VTOWindowMask(ws, d)
		sa, sb, sc := staffStep(a, d, one, 0.4, w), staffStep(b, d, two, 0.4, w), staffStep(c, d, many, 0.4, w)
		if sa != sb || sa != sc {
			t.Fatalf("day %d: step %+v / %+v / %+v", d, sa, sb, sc)
		}
		if sa.Accepted == 0 || sa.Left == 0 {
			t.Fatalf("day %d: nothing happened (%+v)", d, sa)
		}
		for _, s := range []*Staff{a, b, c} {
			s.Hire(d, s.Hires(d))
		}
		if err := staffEqual(a, b); err != nil {
			t.Fatalf("day %d, 2 shards: %v", d, err)
		}
		if err := staffEqual(a, c); err != nil {
			t.Fatalf("day %d, many shards: %v", d, err)
		}
	}
	if staffEqual(a, NewStaff(3000, 500, p, key)) == nil {
		t.Fatal("40 days changed nothing")
	}
}

func TestStaffClone(t *testing.T) {
	a := NewStaff(100, 10, DefaultStaffParams(), rng.NewKey(1, 1))
	b := a.Clone()
	b.Flags[0], b.Q[0], b.Offset[0], b.Hist[0], b.Win[0] = 0, 0.99, 6, 1<<32|1, 1
	if a.Flags[0] == 0 || a.Q[0] == 0.99 || a.Hist[0] != 0 || a.Win[0] != 0 {
		t.Error("clone shares arrays with the original")
	}
	if got, want := a.Bytes(), 110*19; got != want {
		t.Errorf("Bytes %d, want %d", got, want)
	}
}

func TestStaffCheck(t *testing.T) {
	tests := []struct {
		name    string
		corrupt func(s *Staff)
	}{
		{"unknown flag", func(s *Staff) { s.Flags[3] |= 0x80 }},
		{"active never marked", func(s *Staff) { s.Flags[3] = StaffActive }},
		{"q above 1", func(s *Staff) { s.Q[3] = 1.5 }},
		{"q NaN", func(s *Staff) { s.Q[3] = math.NaN() }},
		{"offset 7", func(s *Staff) { s.Offset[3] = 7 }},
		{"history beyond window", func(s *Staff) { s.Hist[3] = 1<<40 | 1<<31 }},
		{"VTO on a day off", func(s *Staff) { s.Hist[3] = 1 }},
		{"window flag on a never-active slot", func(s *Staff) { s.Win[15] = 1 }},
		{"history on a never-active slot", func(s *Staff) { s.Hist[15] = 1<<32 | 1 }},
		{"negative departed", func(s *Staff) { s.Departed[2] = -1 }},
		{"short array", func(s *Staff) { s.Win = s.Win[:5] }},
	}
	s0 := NewStaff(10, 10, DefaultStaffParams(), rng.NewKey(1, 1))
	if err := s0.Check(); err != nil {
		t.Fatalf("fresh population: %v", err)
	}
	for _, tc := range tests {
		s := s0.Clone()
		tc.corrupt(s)
		if s.Check() == nil {
			t.Errorf("%s: not detected", tc.name)
		}
	}
	if err := DefaultStaffParams().Check(); err != nil {
		t.Errorf("defaults: %v", err)
	}
	bad := DefaultStaffParams()
	bad.QSD = 0.5
	if bad.Check() == nil {
		t.Error("infeasible q sd accepted")
	}
}

func TestStochRound(t *testing.T) {
	tests := []struct {
		x, u float64
		want int
	}{
		{0, 0.5, 0}, {-1, 0.1, 0}, {2, 0.999, 2}, {2.25, 0.2, 3}, {2.25, 0.3, 2}, {0.7, 0.69, 1}, {0.7, 0.71, 0},
	}
	for _, tc := range tests {
		if got := StochRound(tc.x, tc.u); got != tc.want {
			t.Errorf("StochRound(%v, %v) = %d, want %d", tc.x, tc.u, got, tc.want)
		}
	}
}

func TestStaffNoAlloc(t *testing.T) {
	s := NewStaff(5000, 1000, DefaultStaffParams(), rng.NewKey(1, 1))
	d := StaffDay{T: 3, Offer: 0.5, Windows: 3}
	var p StaffPartial
	allocs := testing.AllocsPerRun(20, func() {
		p = StaffPartial{}
		s.Roster(0, 4096, d.T, &p)
		s.Roster(4096, s.Len(), d.T, &p)
		s.Step(0, 4096, &d, &p)
		s.Step(4096, s.Len(), &d, &p)
		d.T++
	})
	if allocs != 0 {
		t.Errorf("Roster+Step allocate %v times per day", allocs)
	}
}

// BenchmarkStaffDay times a full FC day (Roster, offer, Step, hires) on one
// goroutine with VTO offered at a 20% parcel drop; every leaver is replaced so
// the headcount stays at n however long the benchmark runs.
func BenchmarkStaffDay(b *testing.B) {
	for _, n := range []int{5000, 70000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			p := DefaultStaffParams()
			s := NewStaff(n, n/5, p, rng.NewKey(1, 0))
			wF := 70000.0 / float64(n)
			hs0 := FCBaselineHours(p, wF, n)
			pi := FCProductivity(p, 1e6, hs0)
			sh := staffShards(s.Len(), 4096)
			parts := make([]StaffPartial, len(sh))
			t := 0
			for b.Loop() {
				var tot StaffPartial
				for i, r := range sh {
					parts[i] = StaffPartial{}
					s.Roster(r[0], r[1], t, &parts[i])
					tot.Add(&parts[i])
				}
				_, _, _, o := VTOOffer(p, wF, float64(tot.Sched), tot.SumQPool, 0.8e6, 1, hs0, pi)
				d := StaffDay{T: t, Offer: o, Windows: 1}
				left := int64(0)
				for i, r := range sh {
					s.Step(r[0], r[1], &d, &parts[i])
					left += parts[i].Left
				}
				s.Hire(t, int(left)) // replace every leaver: the headcount stays at n
				t++
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/worker-day")
		})
	}
}

func TestStaffFCProcess(t *testing.T) {
	p := DefaultStaffParams() // h_s 8, w_h 12,000
	tests := []struct {
		name                        string
		wF, hs, acc, pfc, pi        float64
		hwork, proc, backlog, wages float64
	}{
		{"slack", 2, 1000, 10, 500, 1, 840, 500, 0, 840 * 12000},
		{"backlog", 2, 1000, 10, 900, 1, 840, 840, 60, 840 * 12000},
		{"no VTO", 1, 800, 0, 1000, 1.5, 800, 1000, 0, 800 * 12000},
	}
	for _, tc := range tests {
		hw, pp, bl, w := FCProcess(p, tc.wF, tc.hs, tc.acc, tc.pfc, tc.pi)
		if hw != tc.hwork || pp != tc.proc || bl != tc.backlog || w != tc.wages {
			t.Errorf("%s: got %v %v %v %v, want %v %v %v %v", tc.name, hw, pp, bl, w, tc.hwork, tc.proc, tc.backlog, tc.wages)
		}
	}
	if got := FCParcels(p, 100, 60); got != 130 { // n_ppo 1, share_net 0.5
		t.Errorf("FCParcels = %v, want 130", got)
	}
	if got := FCBaselineHours(p, 10, 7000); math.Abs(got-400000) > 1e-6 {
		t.Errorf("FCBaselineHours = %v, want 400000", got)
	}
	if got, want := FCProductivity(p, 970, 1000), 1.0; math.Abs(got-want) > 1e-15 {
		t.Errorf("FCProductivity = %v, want %v", got, want)
	}
}

// TestStaffDrawsIndependent checks that acceptance and attrition use
// independent uniforms: leavers accept VTO as often as stayers.
func TestStaffDrawsIndependent(t *testing.T) {
	p := DefaultStaffParams()
	p.OmegaPool, p.QBar, p.QSD, p.HF0, p.HF1 = 1, 1, 0, 0.05, 0
	const n = 40000
	s := NewStaff(n, 0, p, rng.NewKey(4, 0))
	st := staffStep(s, 2, staffShards(n, 4096), 0.5, 0)
	var left, leftAcc int
	for i, f := range s.Flags {
		if f&StaffActive == 0 && s.Hist[i]&(1<<32) != 0 { // scheduled today, left
			left++
			leftAcc += int(s.Hist[i] & 1)
		}
	}
	share, want := float64(leftAcc)/float64(left), float64(st.Accepted)/float64(5*n/7)
	if se := math.Sqrt(want * (1 - want) / float64(left)); left < 100 || math.Abs(share-want) > 3*se {
		t.Errorf("%d of %d scheduled leavers accepted VTO (%.3f), all scheduled %.3f (SE %.3f)", leftAcc, left, share, want, se)
	}
}
