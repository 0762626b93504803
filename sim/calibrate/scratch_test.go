package calibrate

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ripple-sim/ripple/configs"
	"github.com/ripple-sim/ripple/sim"
	"github.com/ripple-sim/ripple/sim/meanfield"
	"github.com/ripple-sim/ripple/targets"
)

func show(t *testing.T, cs []targets.Check) {
	for _, c := range cs {
		fmt.Printf("%-6s %-8s %-12s mean=%.5g [%.4g,%.4g] %s\n", c.ID, c.Weight, c.Status, c.Mean, c.Lo, c.Hi, c.Note)
	}
}

func TestScratch(t *testing.T) {
	sc, _ := configs.Preset("kr_coupang_2025")
	fmt.Println("end", sc.End, "d0", sc.Disclosure)
	st := time.Now()
	r, err := meanfield.Run(sc)
	fmt.Println("mf", time.Since(st), err)
	a := targets.NewAccumulator(&sc)
	a.Add(&r)
	show(t, a.Checks())
	for _, end := range []time.Time{sc.End, sim.Date(2026, 2, 28)} {
		s := sc
		s.End = end
		s.Population.Consumers = 30000
		st = time.Now()
		rs, err := sim.RunBatch(context.Background(), s, sim.BatchOptions{Seed: 1, Replicates: 2, Workers: 2})
		fmt.Println("agents end", end, time.Since(st), err)
		a := targets.NewAccumulator(&s)
		for i := range rs {
			a.Add(&rs[i])
		}
		show(t, a.Checks())
	}
}
