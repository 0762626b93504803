package benchmarks

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/ripple-sim/ripple/configs"
	"github.com/ripple-sim/ripple/sim"
	"github.com/ripple-sim/ripple/sim/output"
)

// preset is the default scenario of `ripple run`.
func preset(b *testing.B) sim.Scenario {
	sc, err := configs.Preset("kr_coupang_2025")
	if err != nil {
		b.Fatal(err)
	}
	return sc
}

// BenchmarkBatch measures replicates (shock + twin) per second of the
// default scenario with 1 and 2 workers, each on as many replicates as
// workers, and reports the parallel efficiency: rate(2) / (2 rate(1)).
func BenchmarkBatch(b *testing.B) {
	sc := preset(b)
	rate := func(workers int) float64 {
		d := sim.SingleDesign(sc, "case", 1, workers)
		start := time.Now()
		err := sim.RunUnits(context.Background(), &d, d.Units(), workers, func(*sim.UnitResult) error { return nil })
		if err != nil {
			b.Fatal(err)
		}
		return float64(workers) / time.Since(start).Seconds()
	}
	var r1, r2 float64
	for b.Loop() {
		r1 += rate(1)
		r2 += rate(2)
	}
	r1, r2 = r1/float64(b.N), r2/float64(b.N)
	b.ReportMetric(r1, "replicates/s-1w")
	b.ReportMetric(r2, "replicates/s-2w")
	b.ReportMetric(r2/(2*r1), "efficiency")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkReplicateOverhead splits one replicate of the default scenario
// into the simulation itself (the day loops of shock and twin) and what
// surrounds it: building the world (network and initial populations), the
// roll-ups, writing the unit file and assembling the output files (without
// figures). Shares are of the whole, in per cent.
func BenchmarkReplicateOverhead(b *testing.B) {
	sc := preset(b)
	toml, err := configs.Encode(sc)
	if err != nil {
		b.Fatal(err)
	}
	var setup, days, rollup, write, assemble time.Duration
	for b.Loop() {
		t0 := time.Now()
		w, err := sim.NewWorld(sc, 1, 0)
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		setup += t1.Sub(t0)
		u := &sim.UnitResult{Shocks: make([]sim.Tables, 1)}
		for _, twin := range []bool{true, false} {
			t0 := time.Now()
			e, err := w.NewEngine(twin, 1)
			if err != nil {
				b.Fatal(err)
			}
			setup += time.Since(t0)
			t0 = time.Now()
			for !e.Done() {
				e.Step()
			}
			t1 := time.Now()
			days += t1.Sub(t0)
			if twin {
				u.Twin = e.Tables()
			} else {
				u.Shocks[0] = e.Tables()
			}
			rollup += time.Since(t1)
			e.Close()
		}
		out := filepath.Join(b.TempDir(), "out")
		spec := output.Batch{Scenario: sc.Name, ScenarioTOML: toml, Seed: 1, Replicates: 1, Arms: []output.Arm{{Name: "case"}}, Workers: 1}
		t0 = time.Now()
		st, err := output.Open(out, spec, false)
		if err == nil {
			err = st.Put(u)
		}
		if err != nil {
			b.Fatal(err)
		}
		t1 = time.Now()
		write += t1.Sub(t0)
		if err := st.Finish(output.Hooks{}); err != nil {
			b.Fatal(err)
		}
		assemble += time.Since(t1)
	}
	total := setup + days + rollup + write + assemble
	pct := func(d time.Duration) float64 { return 100 * d.Seconds() / total.Seconds() }
	b.ReportMetric(total.Seconds()/float64(b.N), "s/replicate")
	b.ReportMetric(pct(days), "pct-days")
	b.ReportMetric(pct(setup), "pct-setup")
	b.ReportMetric(pct(rollup), "pct-rollup")
	b.ReportMetric(pct(write), "pct-unit-file")
	b.ReportMetric(pct(assemble), "pct-assemble")
	b.ReportMetric(0, "ns/op")
}
