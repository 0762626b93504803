package calibrate

import (
	"context"
	"math"
	"testing"

	"github.com/ripple-sim/ripple/configs"
	"github.com/ripple-sim/ripple/targets"
)

func check(id, weight, status string, mean float64) targets.Check {
	return targets.Check{ID: id, Weight: weight, Status: status, Mean: mean}
}

func TestDistance(t *testing.T) {
	set := targets.Default()
	byID := map[string]targets.Target{}
	for _, tg := range set.Targets {
		byID[tg.ID] = tg
	}
	cases := []struct {
		c    targets.Check
		want float64
		ok   bool
	}{
		{check("CT-1", targets.High, targets.Pass, -0.032), 0, true},
		{check("CT-1", targets.High, targets.Pass, -0.036), 1, true},     // one tol off
		{check("CT-1", targets.High, targets.Fail, -0.024), 2, true},     // two tols off
		{check("CT-2", targets.High, targets.Pass, 0.1), 0, true},        // inside the band
		{check("CT-2", targets.High, targets.Fail, 0.17+0.103), 1, true}, // one width above
		{check("CT-2", targets.High, targets.Fail, 0.067-0.0515), 0.5, true},
		{check("CT-2", targets.High, targets.Fail, 0.1), 1, true},      // side condition fails
		{check("CT-4", targets.Medium, targets.Fail, 2500), 0.5, true}, // lower: half of lo short
		{check("CT-4", targets.Medium, targets.Pass, 20000), 0, true},  // flagged, not rejected
		{check("CT-3b", targets.Low, targets.Fail, -0.25), 0.5, true},  // upper
		{check("CT-7", targets.Low, targets.Fail, 1e9), 1, true},       // sign: a step
		{check("CT-7", targets.Low, targets.Pass, -1e9), 0, true},
		{check("CT-8", targets.Low, targets.NotComputed, math.NaN()), 0, false},
		{check("CT-3", targets.Medium, targets.Fail, math.NaN()), NaNDistance, true},
	}
	for _, tc := range cases {
		d, ok := Distance(tc.c, byID[tc.c.ID])
		if ok != tc.ok || math.Abs(d-tc.want) > 1e-9 {
			t.Errorf("%s mean %g %s: distance %g, %v; want %g, %v", tc.c.ID, tc.c.Mean, tc.c.Status, d, ok, tc.want, tc.ok)
		}
	}
}

func TestObjectiveWeights(t *testing.T) {
	set := targets.Default()
	checks := []targets.Check{
		check("CT-1", targets.High, targets.Pass, -0.036),  // d 1, w 4
		check("CT-3", targets.Medium, targets.Fail, -0.45), // d 0.5, w 2
		check("CT-6", targets.Low, targets.Fail, 0.005),    // d 0.5, w 1
		check("CT-9", targets.Low, targets.NotComputed, 0), // left out
		check("CT-10", targets.Low, targets.Pass, -1),      // 0
	}
	got, terms := Objective(checks, &set)
	want := 4*1.0 + 2*0.25 + 1*0.25
	if math.Abs(got-want) > 1e-9 {
		t.Errorf("objective %g, want %g", got, want)
	}
	if len(terms) != 5 || terms[3].Counted || !terms[0].Counted || terms[0].Weight != 4 {
		t.Errorf("terms %+v", terms)
	}
	if Weight(targets.High) != 4 || Weight(targets.Medium) != 2 || Weight(targets.Low) != 1 {
		t.Error("weights")
	}
}

func TestSpaceRoundTrip(t *testing.T) {
	s, err := NewSpace(FreeKeys())
	if err != nil {
		t.Fatal(err)
	}
	sc, _ := configs.Preset("kr_coupang_2025")
	v := make([]float64, s.Dim())
	for i, k := range s.Keys() {
		v[i], _ = configs.Get(&sc, k)
	}
	back := s.Values(s.Coords(v))
	for i, p := range s.Params {
		if math.Abs(back[i]-v[i]) > 1e-12*math.Max(1, math.Abs(v[i])) {
			t.Errorf("%s: %g -> %g", p.Key, v[i], back[i])
		}
	}
	// every coordinate maps inside the range, reflected at the edges
	for _, z := range []float64{-7.3, -1, -0.25, 0, 0.5, 1, 1.25, 2, 3.9, 1e9, math.Inf(1), math.NaN()} {
		zs := make([]float64, s.Dim())
		for i := range zs {
			zs[i] = z
		}
		for i, x := range s.Values(zs) {
			p := s.Params[i]
			if !(x >= p.Lo && x <= p.Hi) {
				t.Errorf("%s: z %g gives %g outside [%g, %g]", p.Key, z, x, p.Lo, p.Hi)
			}
		}
	}
	if fold(1.25) != 0.75 || fold(-0.25) != 0.25 || fold(2.5) != 0.5 {
		t.Errorf("fold: %g %g %g", fold(1.25), fold(-0.25), fold(2.5))
	}
	if _, err := NewSpace([]string{"trust.j_d", "trust.nope"}); err == nil {
		t.Error("unknown key accepted")
	}
	if _, err := NewSpace([]string{"trust.j_d", "trust.j_d"}); err == nil {
		t.Error("repeated key accepted")
	}
}

func meanFieldProblem(t *testing.T, keys ...string) *Problem {
	t.Helper()
	sc, err := configs.Preset("kr_coupang_2025")
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSpace(keys)
	if err != nil {
		t.Fatal(err)
	}
	return &Problem{Base: sc, Space: s, Targets: targets.Default(), MeanField: true}
}

// A short mean-field search is deterministic, never worse than its start,
// and a resumed search restarts from the same best point without
// re-simulating it.
func TestSearchAndResume(t *testing.T) {
	if testing.Short() {
		t.Skip("mean-field runs")
	}
	p := meanFieldProblem(t, "trust.j_d", "orders.nu_chk")
	var evals []Eval
	best, err := Search(context.Background(), p, Options{MaxEvals: 4, OnEval: func(e, _ Eval) error {
		evals = append(evals, e)
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(evals) != 4 || evals[0].N != 1 || evals[3].N != 4 {
		t.Fatalf("%d evaluations", len(evals))
	}
	if best.Objective > evals[0].Objective {
		t.Errorf("best %g worse than the start %g", best.Objective, evals[0].Objective)
	}
	var more []Eval
	best2, err := Search(context.Background(), p, Options{MaxEvals: 1, Previous: evals, OnEval: func(e, _ Eval) error {
		more = append(more, e)
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(more) != 1 || more[0].N != 5 {
		t.Fatalf("resumed: %d new evaluations (first N %d)", len(more), more[0].N)
	}
	if best2.Objective > best.Objective || (best2.N == best.N && key(best2.Values) != key(best.Values)) {
		t.Errorf("resumed best %g (#%d), was %g (#%d)", best2.Objective, best2.N, best.Objective, best.N)
	}
	// the same point twice gives the same objective (deterministic)
	e, err := p.Evaluate(context.Background(), best.Values)
	if err != nil || e.Objective != best.Objective {
		t.Errorf("re-evaluated best: %g, %v; was %g", e.Objective, err, best.Objective)
	}
}

func TestInvalidPoint(t *testing.T) {
	p := meanFieldProblem(t, "trust.j_d")
	e, err := p.Evaluate(context.Background(), []float64{-1})
	if err != nil || e.Objective != Invalid || e.Err == "" {
		t.Errorf("invalid point: %+v, %v", e, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	p.MeanField = false
	p.Replicates, p.Consumers = 1, 2000
	if _, err := p.Evaluate(ctx, []float64{0.2}); err == nil {
		t.Error("cancelled evaluation gave no error")
	}
}

func TestMargin(t *testing.T) {
	set := targets.Default()
	var ct2, ct4 targets.Target
	for _, tg := range set.Targets {
		switch tg.ID {
		case "CT-2":
			ct2 = tg
		case "CT-4":
			ct4 = tg
		}
	}
	// CT-2 [0.067, 0.17], width 0.103: with margin 0.1 the band is [0.0773, 0.1597]
	if d, _ := DistanceMargin(check("CT-2", targets.High, targets.Pass, 0.12), ct2, 0.1); d != 0 {
		t.Errorf("centre: %g", d)
	}
	if d, _ := DistanceMargin(check("CT-2", targets.High, targets.Pass, 0.07), ct2, 0.1); math.Abs(d-(0.0773-0.07)/0.0824) > 1e-9 {
		t.Errorf("near the edge: %g", d)
	}
	if d, _ := DistanceMargin(check("CT-4", targets.Medium, targets.Pass, 5000), ct4, 0.1); math.Abs(d-500.0/5500) > 1e-9 {
		t.Errorf("lower bound: %g", d)
	}
}
