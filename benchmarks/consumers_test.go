package benchmarks

import (
	"fmt"
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
// the reduction) after the disclosure, in ns per consumer-day, next to a
// streaming read-modify-write loop over the same number of bytes per consumer
// in the same run; "x-stream" is their ratio. Runs named scale=full use the
// full-scale consumers (float32 state) at the same N.
func BenchmarkConsumerDay(b *testing.B) {
	for _, run := range []struct {
		n    int
		full bool
	}{{100_000, false}, {1_000_000, false}, {100_000, true}, {1_000_000, true}} {
		name := fmt.Sprintf("N=%d", run.n)
		if run.full {
			name += ",scale=full"
		}
		n := run.n
		b.Run(name, func(b *testing.B) {
			sc := caseScenario(n)
			if run.full {
				sc.Population.Scale = sim.ScaleFull
			}
			w, err := sim.NewWorld(sc, 1, 0)
			if err != nil {
				b.Fatal(err)
			}
			bytes := w.BytesPerConsumer()
			stream := streamNs(n, bytes)
			fresh := func() *sim.Engine {
				e, err := w.NewEngine(false, 1)
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
		})
	}
}

var sink uint64

// streamNs times a read-modify-write pass over n*bytes bytes and returns the
// fastest of five passes in ns per consumer.
func streamNs(n, bytes int) float64 {
	buf := make([]uint64, n*bytes/8)
	best := time.Duration(1 << 62)
	for range 5 {
		start := time.Now()
		var s uint64
		for i := range buf {
			s += buf[i]
			buf[i] = s
		}
		sink += s
		best = min(best, time.Since(start))
	}
	return float64(best.Nanoseconds()) / float64(n)
}
