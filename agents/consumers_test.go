package agents

import (
	"math"
	"reflect"
	"runtime"
	"testing"

	"github.com/ripple-sim/ripple/sim/rng"
)

// testParams are consumer parameters close to MODEL.md's defaults.
func testParams() ConsumerParams {
	return ConsumerParams{TrustMean: 0.75, TrustSD: 0.1, DeltaMean: 0.15, DeltaSD: 0.05, STh: 0.05,
		NuBar: 0.3, NuShape: 2, LambdaBar: 0.1, LambdaShape: 1.5, PB: 0.98, PUnc: 0.2, CUnc: 0.2,
		SKappa: 0.5, Phi: 0.5, PWOW: 0.3, HW0: 0.002, H0: 0.001, B0: 0.01, BNew: 0.002, PDel: 0.3,
		BetaTau: 4, BetaM2: 0.5, SigmaBar0: 0.4}
}

type ufCase struct {
	n      int
	seed   uint64
	target float64
}

// ufCases are populations (size, seed) and target mean shares for the u_f
// solvers.
var ufCases = []ufCase{{1, 1, 0.4}, {1000, 2, 0.4}, {200_000, 3, 0.2}, {20000, 4, 0.7}, {3000, 5, 0.999}, {3000, 6, 1e-6}}

var ufRivals = [Rivals]float64{math.Log(0.5), math.Log(0.3), math.Log(0.2)}

func (tc ufCase) params() ConsumerParams {
	p := testParams()
	p.SigmaBar0 = tc.target
	return p
}

// TestBisectFixedPoint checks that stopping the u_f bisection at its fixed
// point gives the same u_f, bit for bit, as all 200 steps, on populations of
// several sizes, keys and targets, and that it takes far fewer passes.
func TestBisectFixedPoint(t *testing.T) {
	for _, tc := range ufCases {
		c := NewConsumers[float64](tc.n, tc.params(), ufRivals, rng.NewKey(tc.seed, 0))
		all, n200 := bisect(c.meanShare, tc.target, true)
		fast, nFast := bisect(c.meanShare, tc.target, false)
		if math.Float64bits(all) != math.Float64bits(fast) || math.Float64bits(c.UF) != math.Float64bits(all) {
			t.Errorf("n %d, target %v: u_f %v after 200 steps, %v at the fixed point, %v in NewConsumers", tc.n, tc.target, all, fast, c.UF)
		}
		if n200 != 200 || nFast > 80 {
			t.Errorf("n %d: %d and %d passes", tc.n, n200, nFast)
		}
		t.Logf("n %d, target %v: u_f %v after %d passes", tc.n, tc.target, fast, nFast)
	}
}

// TestFreshIsInitialState checks that Fresh draws the initial state that
// NewConsumers drew, for both float types, and shares the traits.
func TestFreshIsInitialState(t *testing.T) {
	u0 := [Rivals]float64{math.Log(0.5), math.Log(0.3), math.Log(0.2)}
	for _, n := range []int{1, 70_000} { // 70,000: more than one block of forRange
		c64 := NewConsumers[float64](n, testParams(), u0, rng.NewKey(9, 1))
		c32 := NewConsumers[float32](n, testParams(), u0, rng.NewKey(9, 1))
		same := 0
		for i := range n { // float32 is float64 rounded; the draws mostly agree
			if c32.TauS[i] != float32(c64.TauS[i]) {
				t.Fatalf("n %d, consumer %d: float32 trust baseline is not float64's rounded", n, i)
			}
			if c32.Status[i] == c64.Status[i] && c32.Flags[i] == c64.Flags[i] {
				same++
			}
		}
		if same < n*999/1000 {
			t.Errorf("n %d: float32 and float64 initial states agree for %d consumers", n, same)
		}
		checkFresh(t, c64)
		checkFresh(t, c32)
	}
}

func checkFresh[F Real](t *testing.T, c *Consumers[F]) {
	t.Helper()
	f := c.Fresh()
	if &f.TauS[0] != &c.TauS[0] || &f.Tau[0] == &c.Tau[0] {
		t.Error("Fresh must share the traits and own its state")
	}
	if f.StateBytes() != c.FreshStateBytes() || c.StateBytes() != c.FreshStateBytes() {
		t.Errorf("state bytes %d, %d; FreshStateBytes %d", f.StateBytes(), c.StateBytes(), c.FreshStateBytes())
	}
	if !reflect.DeepEqual(f, c) {
		t.Errorf("%T: Fresh() differs from the initial state", c)
	}
	c.DropState()
	if c.StateBytes() != 0 || c.Len() != len(f.TauS) {
		t.Error("DropState keeps state or loses traits")
	}
	g := c.Fresh()
	if !reflect.DeepEqual(f, g) {
		t.Errorf("%T: Fresh() after DropState differs", c)
	}
}

// TestSolveUF checks the full-scale u_f (Newton on block sums in parallel)
// against the bisection on the same float32 population, and that it needs
// only a few passes; with one worker it must give the same bits.
func TestSolveUF(t *testing.T) {
	for _, tc := range ufCases {
		c := NewConsumers[float32](tc.n, tc.params(), ufRivals, rng.NewKey(tc.seed, 0))
		want, _ := bisect(c.meanShare, tc.target, false)
		got, passes := c.solveUF()
		if math.Abs(got-want) > 1e-12 || passes > 25 || got != c.UF {
			t.Errorf("n %d, target %v: u_f %v in %d passes, bisection %v, NewConsumers %v", tc.n, tc.target, got, passes, want, c.UF)
		}
		prev := runtime.GOMAXPROCS(1)
		one, _ := c.solveUF()
		runtime.GOMAXPROCS(prev)
		if math.Float64bits(one) != math.Float64bits(got) {
			t.Errorf("n %d: u_f %v on one worker, %v on %d", tc.n, one, got, prev)
		}
		t.Logf("n %d, target %v: u_f %v in %d passes (bisection %v)", tc.n, tc.target, got, passes, want)
	}
}
