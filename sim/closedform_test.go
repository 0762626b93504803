package sim

import (
	"math"
	"testing"

	"github.com/ripple-sim/ripple/agents"
)

// Closed-form checks of MODEL.md T9 and T16: replicate means within 3 SE of
// the expectation at every checked day.

// quiet returns a scenario with the given events and no social channel.
func quiet(n int, events ...Event) Scenario {
	sc := DefaultScenario()
	sc.Population.Consumers = n
	sc.Network.Mode = NetNone
	sc.Population.Merchants, sc.Population.Staff, sc.Population.Couriers = 0, 0, 0 // consumers only
	sc.End = sc.Start.AddDate(0, 0, 179)
	sc.Events = events
	return sc
}

// within reports days where the replicate mean of got[r][d] is not within 3 SE of want[d].
func within(t *testing.T, name string, got [][]float64, want []float64, days []int) {
	t.Helper()
	for _, d := range days {
		col := make([]float64, len(got))
		for r := range got {
			col[r] = got[r][d]
		}
		mu, se := mean(col), sd(col)/math.Sqrt(float64(len(col)))
		if se == 0 {
			se = 1e-12
		}
		if math.Abs(mu-want[d]) > 3*se {
			t.Errorf("%s day %d: mean %.6g, want %.6g (3 SE = %.3g)", name, d, mu, want[d], 3*se)
		}
	}
}

// TestMediaOnlyAwareness: E[xU(t)] = exp(-beta_M * sum_{s<=t} A(s)) with no word of mouth.
func TestMediaOnlyAwareness(t *testing.T) {
	sc := quiet(10_000,
		Event{Date: Date(2025, 10, 1), Type: Incident, Accounts: 2e6, Sens: 1},
		Event{Date: Date(2025, 10, 20), Type: Hearing, Media: 0.3})
	sc.Consumers.BetaW = 0
	const reps = 20
	var got [][]float64
	var cumA []float64
	for r := range reps {
		e := newTestEngine(t, sc, r, false, 1)
		var xu []float64
		cum := 0.0
		for !e.Done() {
			e.Step()
			xu = append(xu, 1-float64(e.tot.Aware)/float64(e.c.Len()))
			cum += e.day.A
			if r == 0 {
				cumA = append(cumA, cum)
			}
		}
		got = append(got, xu)
	}
	want := make([]float64, len(cumA))
	for d, c := range cumA {
		want[d] = math.Exp(-sc.Consumers.BetaM * c)
	}
	within(t, "unaware share", got, want, []int{30, 31, 33, 40, 49, 50, 55, 80, 179})
}

// activeShares runs reps twin replicates that start with everyone Active and
// returns the daily Active share of each.
func activeShares(t *testing.T, sc Scenario, reps int) [][]float64 {
	var got [][]float64
	for r := range reps {
		e := newTestEngine(t, sc, r, true, 1)
		allActive(e)
		var a []float64
		for !e.Done() {
			e.Step()
			a = append(a, float64(e.tot.Active)/float64(e.c.Len()))
		}
		got = append(got, a)
	}
	return got
}

// allActive puts every consumer of the engine in the Active state.
func allActive(e *Engine) {
	for i := range e.c.Status {
		e.c.Status[i] = agents.Active
	}
}

// TestTwoStateChurn: with constant hazards and no deletions, the Active share
// follows a(t) = a(t-1)(1-ph) + (1-a(t-1))pb towards a_inf = pb/(ph+pb).
func TestTwoStateChurn(t *testing.T) {
	sc := quiet(10_000)
	p := &sc.Consumers
	p.H0, p.B0, p.PDel, p.DeltaSD, p.STh = 0.01, 0.03, 0, 0, 0.001 // Phi(delta/s_th) = 1
	ph, pb := 1-math.Exp(-p.H0), 1-math.Exp(-p.B0)
	got := activeShares(t, sc, 20)
	want := make([]float64, len(got[0]))
	a := 1.0
	for d := range want {
		a = a*(1-ph) + (1-a)*pb
		want[d] = a
	}
	within(t, "active share", got, want, []int{0, 5, 20, 60, 120, 179})
	if ainf := pb / (ph + pb); math.Abs(want[len(want)-1]-ainf) > 1e-3 {
		t.Errorf("map at day 180 = %v, fixed point %v", want[len(want)-1], ainf)
	}
}

// TestSurvival checks T16: constant hazard, no returns: survival exp(-h n).
func TestSurvival(t *testing.T) {
	sc := quiet(10_000)
	p := &sc.Consumers
	p.H0, p.B0, p.BNew = 0.01, 0, 0
	got := activeShares(t, sc, 20)
	want := make([]float64, len(got[0]))
	for d := range want {
		want[d] = math.Exp(-p.H0 * float64(d+1))
	}
	within(t, "survival", got, want, []int{0, 10, 50, 100, 179})
}

// TestPoissonOrders: orders are Poisson with mean w_C * sum of Om given the states.
func TestPoissonOrders(t *testing.T) {
	sc := quiet(10_000)
	var z, n float64
	for r := range 5 {
		e := newTestEngine(t, sc, r, true, 1)
		for !e.Done() {
			e.Step()
			// In the twin g = 1, so Om = lambda*sigma/sigma0 over Active: the Demand sum.
			z += float64(e.tot.Orders) - e.tot.Demand
			n += e.tot.Demand
		}
	}
	if s := z / math.Sqrt(n); math.Abs(s) > 3 {
		t.Errorf("orders minus expected = %.1f SD (expected total %.0f)", s, n)
	}
}

// TestVisitProbability: P(>= 1 visit in n days) = 1 - exp(-nu n) for constant nu.
func TestVisitProbability(t *testing.T) {
	sc := quiet(10_000)
	p := &sc.Consumers
	p.H0, p.B0, p.BNew, p.LambdaBar = 0, 0, 0, 0 // visits only: no order days
	const reps, days = 20, 3
	diff := make([][]float64, reps) // visited share minus the population's expectation
	for r := range reps {
		e := newTestEngine(t, sc, r, true, 1)
		allActive(e)
		seen := make([]bool, e.c.Len())
		for d := range days {
			e.Step()
			k, want := 0, 0.0
			for i := range seen {
				seen[i] = seen[i] || e.c.Flags[i]&agents.FlagVisited != 0
				if seen[i] {
					k++
				}
				want += 1 - math.Exp(-e.c.Nu[i]*float64(d+1))
			}
			diff[r] = append(diff[r], (float64(k)-want)/float64(len(seen)))
		}
	}
	within(t, "visited share minus 1-exp(-nu n)", diff, make([]float64, days), []int{0, 1, 2})
}
