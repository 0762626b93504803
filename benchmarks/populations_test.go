package benchmarks

import (
	"testing"
	"time"

	"github.com/ripple-sim/ripple/sim"
)

// BenchmarkPopulationDay measures each population's daily kernel at the
// default scale after the disclosure, in ns per agent-day (slots, Reserve
// included, for staff and couriers). One op is one simulated day. Consumers
// are a consumer-only engine day (S0-S6 and the reduction); the others are
// the engine's S7, S8 and S9 calls rebuilt from the agents API, fed with the
// engine's own daily inputs (see econ and newCaseRun).
func BenchmarkPopulationDay(b *testing.B) {
	r := theCase(b)
	b.Run("consumers", func(b *testing.B) {
		e := r.engine(b, r.cons)
		days := 0
		for b.Loop() {
			if e.Done() {
				b.StopTimer()
				e.Close()
				e = r.engine(b, r.cons)
				b.StartTimer()
			}
			e.Step()
			days++
		}
		e.Close()
		reportAgentDay(b, days, r.sc.Population.Consumers)
	})
	for _, pop := range []struct {
		name string
		n    func(*econ) int
		step func(x *econ, t int)
	}{
		{"merchants", func(x *econ) int { return x.m.Len() },
			func(x *econ, t int) { x.merchants(t, r.orders[t], r.gbar[t]) }},
		{"staff", func(x *econ) int { return x.s.Len() },
			func(x *econ, t int) { x.fc(t, r.q1P[t], r.sold3P[t]) }},
		{"couriers", func(x *econ) int { return x.k.Len() },
			func(x *econ, t int) { x.couriers(t, r.pProc[t]) }},
	} {
		b.Run(pop.name, func(b *testing.B) {
			x, t := r.econ(), r.start
			days := 0
			for b.Loop() {
				if t == r.days {
					b.StopTimer()
					x, t = r.econ(), r.start
					b.StartTimer()
				}
				pop.step(x, t)
				t++
				days++
			}
			reportAgentDay(b, days, pop.n(x))
		})
	}
}

func reportAgentDay(b *testing.B, days, n int) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(days)/float64(n), "ns/agent-day")
}

// BenchmarkStageShares times each stage of a simulated day at the default
// scale after the disclosure and reports its share of the day: consumers
// (S0-S6 and the reduction, a consumer-only engine day), merchants (S7), FC
// (S8), couriers (S9) and the rest (the VTO acceptor counts of the metrics;
// the books are O(1) and inside sim). Each day also steps the full engine,
// timed alone, so that ns/day-stages can be checked against ns/day-engine.
func BenchmarkStageShares(b *testing.B) {
	r := theCase(b)
	fresh := func() (full, cons *sim.Engine, x *econ) {
		return r.engine(b, r.full), r.engine(b, r.cons), r.econ()
	}
	full, cons, x := fresh()
	t := r.start
	var dEngine, dCons, dMerch, dFC, dCour, dRest time.Duration
	days := 0
	for b.Loop() {
		if t == r.days {
			b.StopTimer()
			full.Close()
			cons.Close()
			full, cons, x = fresh()
			t = r.start
			b.StartTimer()
		}
		t0 := time.Now()
		full.Step()
		t1 := time.Now()
		cons.Step()
		t2 := time.Now()
		q1P, sold3P := x.merchants(t, r.orders[t], r.gbar[t])
		t3 := time.Now()
		pProc := x.fc(t, q1P, sold3P)
		t4 := time.Now()
		x.couriers(t, pProc)
		t5 := time.Now()
		x.rest()
		t6 := time.Now()
		dEngine += t1.Sub(t0)
		dCons += t2.Sub(t1)
		dMerch += t3.Sub(t2)
		dFC += t4.Sub(t3)
		dCour += t5.Sub(t4)
		dRest += t6.Sub(t5)
		t++
		days++
	}
	full.Close()
	cons.Close()
	stages := dCons + dMerch + dFC + dCour + dRest
	pct := func(d time.Duration) float64 { return 100 * float64(d) / float64(stages) }
	b.ReportMetric(pct(dCons), "pct-consumers")
	b.ReportMetric(pct(dMerch), "pct-merchants")
	b.ReportMetric(pct(dFC), "pct-fc")
	b.ReportMetric(pct(dCour), "pct-couriers")
	b.ReportMetric(pct(dRest), "pct-rest")
	b.ReportMetric(float64(dEngine.Nanoseconds())/float64(days), "ns/day-engine")
	b.ReportMetric(float64(stages.Nanoseconds())/float64(days), "ns/day-stages")
	b.ReportMetric(0, "ns/op")
}
