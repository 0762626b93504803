package sim

import (
	"context"
	"fmt"
	"reflect"
	"runtime"
	"sync"

	"golang.org/x/sync/errgroup"
)

// A Design is a batch: parameter points, each with one or more lever sets,
// times replicates. Every (point, replicate) is a Unit: one world (network
// and initial population), one no-breach twin and a shock run per lever set,
// all on the same random numbers. The twin serves every lever set of its
// point (MODEL.md M14), because levers act only through breach-dependent
// events, which the twin drops.
type Design struct {
	Seed       uint64
	Replicates int
	Points     []Point
}

// Point is a parameter point: lever sets whose scenarios differ from each
// other in their Levers only. The first lever set is the point's reference
// (the case) and runs the twin.
type Point struct {
	Name      string
	LeverSets []LeverSet
}

// LeverSet is one named scenario of a point.
type LeverSet struct {
	Name     string
	Scenario Scenario
}

// UnitID names a unit: a parameter point and a replicate.
type UnitID struct{ Point, Replicate int }

// UnitResult is a finished unit: the twin and one shock run per lever set of
// its point, in lever-set order.
type UnitResult struct {
	UnitID
	Twin   Tables
	Shocks []Tables
}

// Result returns lever set l's shock run and the twin as a Result.
func (u *UnitResult) Result(l int) Result {
	return Result{Replicate: u.Replicate, Shock: u.Shocks[l], Twin: u.Twin}
}

// SingleDesign is the design of a plain run: one point with one lever set,
// named leverSet.
func SingleDesign(sc Scenario, leverSet string, seed uint64, replicates int) Design {
	return Design{Seed: seed, Replicates: replicates, Points: []Point{{LeverSets: []LeverSet{{Name: leverSet, Scenario: sc}}}}}
}

// Units lists every unit of the design, point by point, replicates in order.
func (d *Design) Units() []UnitID {
	var us []UnitID
	for p := range d.Points {
		for r := range d.Replicates {
			us = append(us, UnitID{p, r})
		}
	}
	return us
}

// Shard returns shard i of n of units: every n-th unit from the i-th, so that
// shards of a design are disjoint, cover it, and differ in size by at most
// one unit.
func Shard(units []UnitID, i, n int) []UnitID {
	var out []UnitID
	for k := i; k < len(units); k += n {
		out = append(out, units[k])
	}
	return out
}

// Check reports the first reason the design cannot run.
func (d *Design) Check() error {
	if d.Replicates < 1 {
		return fmt.Errorf("replicates: %d: need at least 1", d.Replicates)
	}
	if len(d.Points) == 0 {
		return fmt.Errorf("design: no parameter points")
	}
	for p, pt := range d.Points {
		if len(pt.LeverSets) == 0 {
			return fmt.Errorf("point %d: no lever sets", p)
		}
		ref := pt.LeverSets[0].Scenario
		for _, ls := range pt.LeverSets {
			if err := ls.Scenario.Check(); err != nil {
				return fmt.Errorf("lever set %s: %w", ls.Name, err)
			}
			if !sameButLevers(&ref, &ls.Scenario) {
				return fmt.Errorf("lever set %s differs from %s in more than its levers", ls.Name, pt.LeverSets[0].Name)
			}
		}
	}
	return nil
}

// sameButLevers reports whether two scenarios agree in everything but their
// Levers (and names).
func sameButLevers(a, b *Scenario) bool {
	x, y := *a, *b
	x.Levers, y.Levers = Levers{}, Levers{}
	x.Name, y.Name, x.Description, y.Description = "", "", "", ""
	return reflect.DeepEqual(x, y)
}

// RunUnits runs the given units of a design and hands each finished unit to
// done, which may be called from several goroutines at once (one per unit in
// flight); an error from done stops the batch. Units run in parallel; the
// workers left over go to the shards within a run. Results do not depend on
// the number of workers or the order units finish in.
func RunUnits(ctx context.Context, d *Design, units []UnitID, workers int, done func(*UnitResult) error) error {
	if err := d.Check(); err != nil {
		return err
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	conc := max(1, min(workers, len(units)))
	inner := max(1, workers/conc)
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(conc)
	for _, id := range units {
		if id.Point < 0 || id.Point >= len(d.Points) || id.Replicate < 0 || id.Replicate >= d.Replicates {
			return fmt.Errorf("unit (point %d, replicate %d) is not in the design", id.Point, id.Replicate)
		}
		g.Go(func() (err error) {
			defer func() {
				if p := recover(); p != nil {
					err = fmt.Errorf("point %d, replicate %d: internal error: %v", id.Point, id.Replicate, p)
				}
			}()
			u, err := runUnit(ctx, d, id, inner)
			if err != nil {
				return err
			}
			return done(u)
		})
	}
	return g.Wait()
}

// runUnit builds a unit's world once and runs its twin and every lever set.
func runUnit(ctx context.Context, d *Design, id UnitID, workers int) (*UnitResult, error) {
	pt := &d.Points[id.Point]
	w, err := NewWorld(pt.LeverSets[0].Scenario, d.Seed, id.Replicate)
	if err != nil {
		if len(d.Points) > 1 {
			return nil, fmt.Errorf("point %d, replicate %d: %w", id.Point, id.Replicate, err)
		}
		return nil, fmt.Errorf("replicate %d: %w", id.Replicate, err)
	}
	u := &UnitResult{UnitID: id, Shocks: make([]Tables, len(pt.LeverSets))}
	if u.Twin, err = w.run(ctx, true, workers); err != nil {
		return nil, err
	}
	for l, ls := range pt.LeverSets {
		wl := *w
		wl.sc = ls.Scenario
		if u.Shocks[l], err = wl.run(ctx, false, workers); err != nil {
			return nil, err
		}
	}
	return u, nil
}

// RunBatch runs replicates 0..R-1 of a scenario, each a shock run and its
// twin, and returns them in replicate order. Replicates run in parallel; the
// workers left over go to the shards within a replicate. Results do not depend
// on the number of workers.
func RunBatch(ctx context.Context, sc Scenario, opt BatchOptions) ([]Result, error) {
	if err := sc.Check(); err != nil {
		return nil, err
	}
	d := SingleDesign(sc, "", opt.Seed, opt.Replicates)
	if opt.Replicates < 1 {
		return nil, d.Check()
	}
	results := make([]Result, opt.Replicates)
	var mu sync.Mutex
	finished := 0
	err := RunUnits(ctx, &d, d.Units(), opt.Workers, func(u *UnitResult) error {
		results[u.Replicate] = u.Result(0)
		if opt.Progress != nil {
			mu.Lock()
			finished++
			opt.Progress(finished, opt.Replicates)
			mu.Unlock()
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return results, nil
}
