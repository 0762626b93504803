package output

import (
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ripple-sim/ripple/sim"
)

// finishPeak puts R large units into a store and returns the peak heap
// (sampled) during Finish and Finish's wall time.
func finishPeak(t testing.TB, R, days, nm int, format string) (uint64, time.Duration) {
	res := large(R, days, nm)
	b := testRun()
	b.Replicates = R
	b.Format = format
	dir := filepath.Join(t.TempDir(), "out")
	s, err := Open(dir, b, false)
	if err != nil {
		t.Fatal(err)
	}
	for i := range res {
		u := &sim.UnitResult{UnitID: sim.UnitID{Replicate: i}, Twin: res[i].Twin, Shocks: []sim.Tables{res[i].Shock}}
		if err := s.Put(u); err != nil {
			t.Fatal(err)
		}
		res[i] = sim.Result{} // drop it: only the unit files hold the batch
	}
	res = nil
	// A low GC target makes the sampled heap close to the live heap.
	defer debug.SetGCPercent(debug.SetGCPercent(5))
	runtime.GC()
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-stop:
				return
			case <-time.After(200 * time.Microsecond):
			}
		}
	}()
	start := time.Now()
	err = s.Finish(Hooks{})
	wall := time.Since(start)
	close(stop)
	<-done
	if err != nil {
		t.Fatal(err)
	}
	return peak.Load(), wall
}

// TestFinishMemory: what Finish holds does not grow with the replicates.
func TestFinishMemory(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("writes 60 MB of unit files")
	}
	old := summaryBudget
	summaryBudget = 2 << 20
	t.Cleanup(func() { summaryBudget = old })
	for _, format := range Formats {
		// 24 replicates are 864,000 rows a table: several Parquet row groups.
		// The sampler can miss a short peak (one run in eight at 24
		// replicates saw 29 MB instead of 45), so each size takes the
		// highest of three runs.
		peak := func(R int) (p uint64, wall time.Duration) {
			for range 3 {
				v, w := finishPeak(t, R, 120, 100, format)
				p, wall = max(p, v), w
			}
			return p, wall
		}
		small, _ := peak(24)
		big, wall := peak(96)
		t.Logf("%s: peak heap in Finish %.1f MB with 24 replicates, %.1f MB with 96 (%v)", format, float64(small)/1e6, float64(big)/1e6, wall)
		if big > small+small/4+(4<<20) {
			t.Errorf("%s: peak heap in Finish %d bytes with 24 replicates, %d with 96", format, small, big)
		}
	}
}

// BenchmarkFinish assembles 16 replicates of a daily table of 487 days x
// 150 metrics (3.5 million long rows) in each format.
func BenchmarkFinish(b *testing.B) {
	for _, format := range Formats {
		b.Run(format, func(b *testing.B) {
			for b.Loop() {
				peak, wall := finishPeak(b, 16, 487, 150, format)
				b.ReportMetric(float64(peak)/1e6, "peak-MB")
				b.ReportMetric(wall.Seconds(), "finish-s")
			}
		})
	}
}
