package output

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ripple-sim/ripple/sim"
)

// policySynthetic returns n replicates over three days with some of the
// policy sources. Metric m of the shock run differs from the twin by
// (m−1)(d+1)(r+1), so its horizon effect is 6(m−1)(r+1).
func policySynthetic(n int) []sim.Result {
	days := []time.Time{sim.Date(2025, 11, 29), sim.Date(2025, 11, 30), sim.Date(2025, 12, 1)}
	metrics := []string{"orders", "gmv", "merchant_exits", "net_profit", "remediation", "corrective", "dau"}
	res := make([]sim.Result, n)
	for r := range res {
		twin := func(m, d int) float64 { return 1000*float64(m+1) + 10*float64(d) }
		shock := func(m, d int) float64 { return twin(m, d) + float64((m-1)*(d+1)*(r+1)) }
		res[r] = sim.Result{
			Replicate: r,
			Shock:     sim.Tables{Daily: table(days, metrics, shock)},
			Twin:      sim.Tables{Daily: table(days, metrics, twin)},
		}
	}
	return res
}

func TestPolicyGolden(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	if err := writeResults(dir, testRun(), policySynthetic(3)); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, "policy.csv"))
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "policy.golden")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./sim/output -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("policy.csv differs from %s (run go test ./sim/output -update if the change is intended)\ngot:\n%s", golden, got)
	}
}

func TestPolicy(t *testing.T) {
	rows := Policy(policySynthetic(3))
	// Effects 6(m−1)(r+1) for r = 0, 1, 2 have mean 12(m−1); forgone rows flip the sign.
	want := map[string]float64{
		"forgone_orders": 12, "forgone_gmv": 0, "exits": 12, "net_profit": 24, "remediation": 36 + 48,
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d (rows with absent sources skipped): %+v", len(rows), len(want), rows)
	}
	for _, r := range rows {
		if w, ok := want[r.Name]; !ok || math.Abs(r.Mean-w) > 1e-9 || r.N != 3 {
			t.Errorf("%s: n %d, mean %v; want n 3, mean %v", r.Name, r.N, r.Mean, w)
		}
	}
	if rows := Policy(nil); rows != nil {
		t.Errorf("Policy(nil) = %v", rows)
	}
}

func TestSumDaily(t *testing.T) {
	res := synthetic(2) // dau and trust_mean on 2025-11-29..12-01
	third := 1.0 / 3
	for _, tc := range []struct {
		name     string
		from, to time.Time
		metrics  []string
		ok       bool
		days     int
		shock    []float64 // by replicate
		twin     []float64
	}{
		{"two days", sim.Date(2025, 11, 29), sim.Date(2025, 11, 30), []string{"dau"}, true, 2,
			[]float64{2010 - third, 2010.5 - 2*third}, []float64{2010, 2010.5}},
		{"two metrics, all days", sim.Date(2025, 1, 1), sim.Date(2026, 12, 31), []string{"dau", "trust_mean"}, true, 3,
			[]float64{9058, 9057.5}, []float64{9060, 9061.5}},
		{"window beyond the run", sim.Date(2025, 12, 1), sim.Date(2026, 1, 31), []string{"dau"}, true, 1,
			[]float64{1020 - 2*third, 1020.25 - 4*third}, []float64{1020, 1020.25}},
		{"one day", sim.Date(2025, 11, 30), sim.Date(2025, 11, 30), []string{"trust_mean"}, true, 1,
			[]float64{2010 - third, 2010.25 - 2*third}, []float64{2010, 2010.25}},
		{"no day in window", sim.Date(2026, 1, 1), sim.Date(2026, 1, 31), []string{"dau"}, false, 0, nil, nil},
		{"reversed window", sim.Date(2025, 12, 1), sim.Date(2025, 11, 29), []string{"dau"}, false, 0, nil, nil},
		{"absent metric", sim.Date(2025, 11, 29), sim.Date(2025, 12, 1), []string{"dau", "nope"}, false, 0, nil, nil},
		{"no metric", sim.Date(2025, 11, 29), sim.Date(2025, 12, 1), nil, false, 0, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, ok := SumDaily(res, tc.from, tc.to, tc.metrics...)
			if ok != tc.ok || w.Days != tc.days {
				t.Fatalf("ok %v, days %d; want %v, %d", ok, w.Days, tc.ok, tc.days)
			}
			if !ok {
				return
			}
			for i := range res {
				for _, c := range []struct {
					v    Variant
					want float64
				}{{Shock, tc.shock[i]}, {Twin, tc.twin[i]}, {Effect, tc.shock[i] - tc.twin[i]}} {
					if got := w.Sums[c.v][i]; math.Abs(got-c.want) > 1e-9 {
						t.Errorf("replicate %d %s: sum %v, want %v", i, c.v, got, c.want)
					}
				}
			}
			if st := w.Stat(Twin); st.N != 2 || math.Abs(st.Mean-(tc.twin[0]+tc.twin[1])/2) > 1e-9 {
				t.Errorf("twin stat %+v", st)
			}
		})
	}
	if _, ok := SumDaily(nil, sim.Date(2025, 1, 1), sim.Date(2026, 1, 1), "dau"); ok {
		t.Error("ok with no results")
	}
}

func TestDescribe(t *testing.T) {
	xs := []float64{3, math.NaN(), 1}
	st := Describe(xs)
	if st.N != 2 || st.Mean != 2 || st.P50 != 1 || math.IsNaN(st.Lo) {
		t.Errorf("Describe: %+v", st)
	}
	if xs[0] != 3 || xs[2] != 1 {
		t.Errorf("Describe modified its input: %v", xs)
	}
	if st := Describe(nil); st.N != 0 || !math.IsNaN(st.Mean) {
		t.Errorf("Describe(nil): %+v", st)
	}
}
