package benchmarks

import (
	"os"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/ripple-sim/ripple/sim"
)

// BenchmarkFullScale runs one replicate of the preset at full scale
// (sim.FullPopulation: 33.7 M consumers, one agent per person) with its twin,
// end to end as `ripple run -scale full` simulates it (world, twin, shock,
// roll-ups; no files), on every core, and reports its wall time, the process's peak RSS
// and the bytes per consumer the arrays hold while an engine runs. It takes
// about half an hour on 2 cores and 4 GB, so it runs only when
// RIPPLE_FULL_SCALE=1, alone (peak RSS is the process's):
//
//	RIPPLE_FULL_SCALE=1 go test -bench FullScale -run XXX -benchtime 1x -timeout 3h ./benchmarks
func BenchmarkFullScale(b *testing.B) {
	if os.Getenv("RIPPLE_FULL_SCALE") != "1" {
		b.Skip("set RIPPLE_FULL_SCALE=1 to run one full-scale replicate (about 30 min)")
	}
	sc := preset(b)
	sc.Population = sim.FullPopulation()
	workers := runtime.GOMAXPROCS(0)
	var wall time.Duration
	bytes := 0
	for b.Loop() {
		start := time.Now()
		w, err := sim.NewWorld(sc, 1, 0)
		if err != nil {
			b.Fatal(err)
		}
		bytes = w.BytesPerConsumer()
		for _, twin := range []bool{true, false} { // as sim.RunUnits runs a unit
			e, err := w.NewEngine(twin, workers)
			if err != nil {
				b.Fatal(err)
			}
			for !e.Done() {
				e.Step()
			}
			e.Tables()
			e.Close()
		}
		wall += time.Since(start)
	}
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(wall.Seconds()/float64(b.N), "s/replicate")
	b.ReportMetric(float64(ru.Maxrss)/1024, "peak-RSS-MiB") // Maxrss is in KiB on Linux
	b.ReportMetric(float64(bytes), "B/consumer")
	b.ReportMetric(0, "ns/op")
}
