package sim

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"strings"
	"testing"

	"github.com/ripple-sim/ripple/agents"
)

// shockScenario is a small scenario with a disclosure, a probe and a few events.
func shockScenario(n int) Scenario {
	sc := DefaultScenario()
	sc.Population.Consumers = n
	sc.End = Date(2026, 6, 30)
	sc.Events = []Event{
		{Date: Date(2025, 6, 24), Type: Info},
		{Date: Date(2025, 11, 20), Type: Incident, Accounts: 4_500, Sens: 1},
		{Date: Date(2025, 11, 29), Type: Incident, Accounts: 33.7e6, Sens: 1},
		{Date: Date(2025, 11, 29), Type: RivalShock, Rival: 3, Shift: -0.3},
		{Date: Date(2025, 11, 30), Type: ProbeOpen, Media: 0.3},
		{Date: Date(2025, 12, 2), Type: Political, Media: 0.3},
		{Date: Date(2025, 12, 17), Type: Hearing, Media: 0.3},
		{Date: Date(2025, 12, 25), Type: ContestedClaim, Media: 0.4},
		{Type: Apology, Media: 0.3},
		{Date: Date(2025, 12, 29), Type: VoucherAnnounce, Media: 0.5},
		{Date: Date(2026, 1, 15), Type: VoucherIssue, Media: 0.2},
		{Date: Date(2026, 2, 5), Type: Incident, Accounts: 165_000, Sens: 1, FollowUp: true},
	}
	return sc
}

func newTestEngine(t *testing.T, sc Scenario, rep int, twin bool, workers int) *Engine {
	t.Helper()
	w, err := NewWorld(sc, 1, rep)
	if err != nil {
		t.Fatal(err)
	}
	e, err := w.NewEngine(twin, workers)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	return e
}

// cohortReduced counts the share of cohort C0 not Active or with g < 0.95.
func cohortReduced(e *Engine) float64 {
	var n, red int
	eta := e.sc.Consumers.Eta
	for i, f := range e.c.Flags {
		if f&agents.FlagC0 == 0 {
			continue
		}
		n++
		if e.c.Status[i] != agents.Active || math.Exp(eta*math.Log(e.c.Tau[i]/e.c.TauS[i])) < 0.95 { // g as the kernel computes it
			red++
		}
	}
	return float64(red) / float64(n)
}

// TestInvariants checks T1 and T6 every day of a shock run, for each network mode.
func TestInvariants(t *testing.T) {
	for _, mode := range []string{NetConfig, NetComplete, NetNone} {
		t.Run(mode, func(t *testing.T) {
			sc := shockScenario(5000)
			sc.Network.Mode = mode
			e := newTestEngine(t, sc, 0, false, 2)
			d0 := e.cal.day(sc.Disclosure)
			for !e.Done() {
				day := e.t
				e.Step()
				if err := e.c.Check(); err != nil {
					t.Fatalf("day %d: %v", day, err)
				}
				// No-account agents visit only on the day they delete.
				var noAcctVisits int64
				for i, st := range e.c.Status {
					if st == agents.NoAccount && e.c.Flags[i]&agents.FlagVisited != 0 {
						noAcctVisits++
					}
				}
				if noAcctVisits != e.tot.Deletions {
					t.Fatalf("day %d: %d no-account visitors, %d deletions", day, noAcctVisits, e.tot.Deletions)
				}
				// CT-8's cohort: marked at the end of D0-1, counted from D0.
				c0 := e.daily[mC0Reduced][day]
				if day < d0 {
					if !math.IsNaN(c0) {
						t.Fatalf("day %d before D0: c0_reduced %v, want NaN", day, c0)
					}
				} else if want := cohortReduced(e); c0 != want {
					t.Fatalf("day %d: c0_reduced %v, counted %v", day, c0, want)
				}
				sum := e.tot.Active + e.tot.Churned + e.tot.NoAccount
				if sum != int64(e.c.Len()) {
					t.Fatalf("day %d: %d agents in states, want %d", day, sum, e.c.Len())
				}
				if e.u < 0 || e.u > 1 || e.af < 0 || e.as < 0 {
					t.Fatalf("day %d: A_f %v A_s %v U %v out of range", day, e.af, e.as, e.u)
				}
				if day < d0 && e.u != 0 {
					t.Fatalf("day %d before D0: U = %v", day, e.u)
				}
				if err := economyInvariants(e, day); err != nil {
					t.Fatalf("day %d: %v", day, err)
				}
			}
			if e.tot.Aware == 0 || e.daily[mChurns][d0+1] == 0 {
				t.Fatal("the shock reached nobody")
			}
			if e.daily[mSpreader][d0+5] == 0 {
				t.Fatal("no spreaders five days after disclosure")
			}
		})
	}
}

// TestWorkersIdentical checks T19: worker count and GOMAXPROCS change nothing.
func TestWorkersIdentical(t *testing.T) {
	sc := shockScenario(3*ShardSize + 123)
	sc.End = Date(2026, 2, 28)
	var ref []Result
	for _, procs := range []int{1, 2, 8} {
		for _, workers := range []int{1, 2, 8} {
			old := runtime.GOMAXPROCS(procs)
			res, err := RunBatch(context.Background(), sc, BatchOptions{Seed: 7, Replicates: 3, Workers: workers})
			runtime.GOMAXPROCS(old)
			if err != nil {
				t.Fatal(err)
			}
			if ref == nil {
				ref = res
				continue
			}
			if !sameResults(ref, res) {
				t.Fatalf("GOMAXPROCS %d, %d workers: results differ from 1 worker", procs, workers)
			}
		}
	}
}

func sameResults(a, b []Result) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		for _, p := range [][2]*Tables{{&a[i].Shock, &b[i].Shock}, {&a[i].Twin, &b[i].Twin}} {
			for _, q := range [][2]*Table{{&p[0].Daily, &p[1].Daily}, {&p[0].Weekly, &p[1].Weekly}, {&p[0].Monthly, &p[1].Monthly}} {
				if !sameTable(q[0], q[1]) {
					return false
				}
			}
		}
	}
	return true
}

func sameTable(a, b *Table) bool {
	if len(a.Values) != len(b.Values) {
		return false
	}
	for m := range a.Values {
		if len(a.Values[m]) != len(b.Values[m]) {
			return false
		}
		for d := range a.Values[m] {
			if math.Float64bits(a.Values[m][d]) != math.Float64bits(b.Values[m][d]) {
				return false
			}
		}
	}
	return true
}

// TestTwinIsShockWithoutEvents checks T7's last part: a shock run of the
// scenario with every breach-dependent event removed is the twin, bit for bit.
func TestTwinIsShockWithoutEvents(t *testing.T) {
	sc := shockScenario(6000)
	res, err := RunBatch(context.Background(), sc, BatchOptions{Seed: 3, Replicates: 2})
	if err != nil {
		t.Fatal(err)
	}
	bare := sc
	bare.Events = nil
	for _, ev := range sc.Events {
		if !ev.BreachDependent() {
			bare.Events = append(bare.Events, ev)
		}
	}
	plain, err := RunBatch(context.Background(), bare, BatchOptions{Seed: 3, Replicates: 2})
	if err != nil {
		t.Fatal(err)
	}
	for i := range res {
		if !sameTable(&res[i].Twin.Daily, &plain[i].Shock.Daily) || !sameTable(&res[i].Twin.Monthly, &plain[i].Shock.Monthly) {
			t.Fatalf("replicate %d: twin differs from the shock run without breach events", i)
		}
		if sameTable(&res[i].Twin.Daily, &res[i].Shock.Daily) {
			t.Fatalf("replicate %d: shock equals twin", i)
		}
	}
}

// TestTwinStationary checks T7: in the twin, trust and opinions never move,
// and consumer outputs show no drift over a year.
func TestTwinStationary(t *testing.T) {
	n := 20_000
	if testing.Short() {
		n = 5_000 // same test, less power
	}
	twinDrift(t, n, []string{"orders", "active", "wow_members", "dau", "merchants_alive", "couriers_active"})
}

// TestTwinStationaryFC checks T7 for fulfillment staff, and with more power
// for orders, at N = 1e5 consumers (a long test). At 2e4 consumers the daily order count has a 1.9 % sampling
// sd, so dips below the 2 % VTO tolerance (s_tol) send staff home on about
// one day in six; the extra attrition that VTO causes (hF1) is not replaced
// and the twin's headcount falls by about 1.2 % a year. At 1e5 such days are
// rare (3 in a year in one replicate).
func TestTwinStationaryFC(t *testing.T) {
	if testing.Short() {
		t.Skip("long: 20 twin years at 1e5 consumers")
	}
	twinDrift(t, 100_000, []string{"fc_active", "fc_worked_hours", "wow_members", "orders", "parcels_processed"})
}

// twinDrift runs 20 twin replicates of a year and checks, per metric, that
// the last-30-day mean is within 3 SE of the first-30-day mean.
func twinDrift(t *testing.T, n int, metrics []string) {
	t.Helper()
	sc := shockScenario(n)
	sc.End = sc.Start.AddDate(0, 0, 364)
	const reps = 20
	diffs := map[string][]float64{}
	for r := range reps {
		e := newTestEngine(t, sc, r, true, 1)
		for !e.Done() {
			e.Step()
		}
		for i := range e.c.Tau {
			if e.c.Tau[i] != e.c.TauS[i] || e.c.Op[i] != agents.Unaware {
				t.Fatalf("replicate %d: agent %d moved in the twin", r, i)
			}
		}
		tab := e.Tables()
		for _, m := range metrics {
			s := tab.Daily.Col(m)
			diffs[m] = append(diffs[m], mean(s[len(s)-30:])-mean(s[:30]))
		}
		mau := tab.Monthly.Col("mau")
		diffs["mau"] = append(diffs["mau"], mau[len(mau)-2]-mau[1]) // whole months of equal length (31 d)
	}
	for m, d := range diffs {
		mu, se := mean(d), sd(d)/math.Sqrt(float64(len(d)))
		if math.Abs(mu) > 3*se {
			t.Errorf("%s drifts in the twin: last-30 minus first-30 = %.4g, 3 SE = %.4g", m, mu, 3*se)
		}
	}
}

// TestNoAllocInDayLoop checks that a simulated day allocates nothing.
func TestNoAllocInDayLoop(t *testing.T) {
	for _, workers := range []int{1, 2} {
		e := newTestEngine(t, shockScenario(2*ShardSize), 0, false, workers)
		for range 100 {
			e.Step()
		}
		if a := testing.AllocsPerRun(50, e.Step); a != 0 {
			t.Errorf("%d workers: %v allocations per day", workers, a)
		}
	}
}

func TestMonotoneAssertion(t *testing.T) {
	tests := []struct {
		name string
		set  func(*agents.ConsumerParams)
		ok   bool
	}{
		{"defaults", func(*agents.ConsumerParams) {}, true},
		{"negative beta_tau", func(p *agents.ConsumerParams) { p.BetaTau = -1 }, false},
		{"negative eta", func(p *agents.ConsumerParams) { p.Eta = -0.5 }, false},
		{"negative h1", func(p *agents.ConsumerParams) { p.H1 = -0.01 }, false},
		{"negative b0", func(p *agents.ConsumerParams) { p.B0 = -0.01 }, false},
	}
	for _, tt := range tests {
		p := DefaultScenario().Consumers
		tt.set(&p)
		if err := checkMonotone(&p); (err == nil) != tt.ok {
			t.Errorf("%s: err = %v, want ok %v", tt.name, err, tt.ok)
		}
	}
}

func mean(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

func sd(x []float64) float64 {
	m, s := mean(x), 0.0
	for _, v := range x {
		s += (v - m) * (v - m)
	}
	return math.Sqrt(s / float64(len(x)-1))
}

func TestMetricNames(t *testing.T) {
	if len(DailyMetrics) != numDaily {
		t.Fatalf("%d daily metric names for %d columns", len(DailyMetrics), numDaily)
	}
}

// economyInvariants checks T2-T5 on day t: order split, parcel and courier
// balances, the ledger, pay and voucher identities, merchant stock.
func economyInvariants(e *Engine, t int) error {
	col := func(m int) float64 { return e.daily[m][t] }
	prev := func(m int) float64 {
		if t == 0 {
			return 0
		}
		return e.daily[m][t-1]
	}
	rel := func(a, b float64) float64 { return math.Abs(a-b) / math.Max(1, math.Max(math.Abs(a), math.Abs(b))) }
	b := &e.base
	// T2: Q1P + sum_j w_M*dem_j = Q, and the 3P share is allocated in full.
	if d := rel(col(mOrders1P)+b.wM*e.mTot.Demand, col(mOrders)); d > 1e-12 {
		return fmt.Errorf("T2: Q1P + 3P demand differs from Q by %g", d)
	}
	if e.mDay.SumWt > 0 {
		if d := rel(b.wM*e.mTot.Demand, e.mDay.Q3); d > 1e-12 {
			return fmt.Errorf("T2: allocated 3P demand differs from Q3 by %g", d)
		}
	}
	if e.mTot.Sold > e.mTot.Demand*(1+1e-12) || rel(e.mTot.Sold+e.mTot.Lost, e.mTot.Demand) > 1e-12 {
		return fmt.Errorf("T2: sold %v lost %v demand %v", e.mTot.Sold, e.mTot.Lost, e.mTot.Demand)
	}
	// T3: parcel balances at the FC and the couriers; q <= K.
	if d := rel(col(mParcelsCreated)+prev(mFCBacklog), col(mParcelsProc)+col(mFCBacklog)); d > 1e-12 {
		return fmt.Errorf("T3: FC parcels do not balance (%g)", d)
	}
	if d := rel(e.market.OmegaK*col(mParcelsProc)+prev(mCourierBacklog), col(mParcelsDelivered)+col(mCourierBacklog)); d > 1e-12 {
		return fmt.Errorf("T3: courier parcels do not balance (%g)", d)
	}
	if col(mParcelsPerCourier) > e.sc.Couriers.K {
		return fmt.Errorf("T3: q = %v > K", col(mParcelsPerCourier))
	}
	// T4: the ledger balances; pay, vouchers and fines follow their rules.
	if x := e.ledger.imbalance(); x > 1e-9 {
		return fmt.Errorf("T4: ledger imbalance %g of the flows", x)
	}
	if d := rel(col(mCourierGross), e.sc.Couriers.RP*col(mParcelsDelivered)); d > 1e-12 {
		return fmt.Errorf("T4: courier gross pay differs from r_p*P_del by %g", d)
	}
	if e.sc.Levers.VoucherPnL == OnRedemption {
		if d := rel(col(mVoucherExpense), col(mCoreRedeemed)+col(mNCRedeemed)); d > 1e-12 {
			return fmt.Errorf("T4: voucher expense differs from the redeemed face value by %g", d)
		}
	}
	if f := col(mFines); f > 0 && f > 0.03*e.rev365(t)*(1+1e-12) {
		return fmt.Errorf("T4: fine %v above 3 %% of trailing revenue", f)
	}
	// T5 and the other merchant invariants.
	return e.merchants.Check()
}

// TestCourierShareRejected checks T24's omega_K <= 1: too many couriers for the
// baseline parcels is an error at start-up.
func TestCourierShareRejected(t *testing.T) {
	sc := shockScenario(2000)
	sc.Population.RealCouriers *= 2
	if _, err := NewWorld(sc, 1, 0); err == nil || !strings.Contains(err.Error(), "omega_K") {
		t.Fatalf("err = %v, want an omega_K error", err)
	}
}
