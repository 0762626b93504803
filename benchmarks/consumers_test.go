package benchmarks

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ripple-sim/ripple/sim"
)

// caseScenario is the default scenario with the case's main shocks, so the
// kernel runs with everyone aware, trust moving and word of mouth on.
func caseScenario(n int) sim.Scenario {
	sc := sim.DefaultScenario()
	sc.Population.Consumers = n
	sc.Events = []sim.Event{
		{Date: sim.Date(2025, 11, 29), Type: sim.Incident, Accounts: 33.7e6, Sens: 1},
		{Date: sim.Date(2025, 11, 30), Type: sim.ProbeOpen, Media: 0.3},
		{Date: sim.Date(2025, 12, 17), Type: sim.Hearing, Media: 0.3},
	}
	return sc
}

// BenchmarkConsumerDay measures the full consumer kernel (stages S3-S6 plus
// the reduction, and the economy's S7-S10, about 2 % of a day) after the
// disclosure, in ns per consumer-day, next to a streaming read-modify-write
// loop over the same number of bytes per consumer in the same run;
// "x-stream" is their ratio. Sub-benchmarks: N = 1e4..1e7 (flat ns/consumer-day
// means linear cost), scale=weighted (float64 state) or full (the full-scale
// float32 state at the same N), and workers=1 or 2 (with workers=2 the stream
// loop runs on two goroutines too, so the ratio stays like for like). The
// engine is stepped to three days after the disclosure before timing; at
// N = 1e7 that takes a minute or two: use -benchtime 20x.
func BenchmarkConsumerDay(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000, 10_000_000} {
		for _, scale := range []string{sim.ScaleWeighted, sim.ScaleFull} {
			for _, workers := range []int{1, 2} {
				b.Run(fmt.Sprintf("N=%d/scale=%s/workers=%d", n, scale, workers), func(b *testing.B) {
					consumerDay(b, n, scale, workers)
				})
			}
		}
	}
}

func consumerDay(b *testing.B, n int, scale string, workers int) {
	sc := caseScenario(n)
	sc.Population.Scale = scale
	w, err := sim.NewWorld(sc, 1, 0)
	if err != nil {
		b.Fatal(err)
	}
	bytes := w.BytesPerConsumer()
	stream := streamNs(n, bytes, workers)
	fresh := func() *sim.Engine {
		e, err := w.NewEngine(false, workers)
		if err != nil {
			b.Fatal(err)
		}
		for e.Day() < e.DayOf(sc.Disclosure)+3 {
			e.Step()
		}
		return e
	}
	e := fresh()
	days := 0
	b.ResetTimer()
	for b.Loop() {
		if e.Done() {
			b.StopTimer()
			e.Close()
			e = fresh()
			b.StartTimer()
		}
		e.Step()
		days++
	}
	e.Close()
	ns := float64(b.Elapsed().Nanoseconds()) / float64(days) / float64(n)
	b.ReportMetric(ns, "ns/consumer-day")
	b.ReportMetric(stream, "stream-ns/consumer")
	b.ReportMetric(ns/stream, "x-stream")
	b.ReportMetric(float64(bytes), "B/consumer")
	b.ReportMetric(0, "ns/op")
}

var sink uint64

// streamNs times a read-modify-write pass over n*bytes bytes, split into
// workers contiguous parts run at once, and returns the fastest of five
// passes in ns per consumer.
func streamNs(n, bytes, workers int) float64 {
	buf := make([]uint64, n*bytes/8)
	best := time.Duration(1 << 62)
	sums := make([]uint64, workers)
	for range 5 {
		start := time.Now()
		var wg sync.WaitGroup
		for k := range workers {
			part := buf[k*len(buf)/workers : (k+1)*len(buf)/workers]
			wg.Go(func() {
				var s uint64
				for i := range part {
					s += part[i]
					part[i] = s
				}
				sums[k] = s
			})
		}
		wg.Wait()
		for _, s := range sums {
			sink += s
		}
		best = min(best, time.Since(start))
	}
	return float64(best.Nanoseconds()) / float64(n)
}
