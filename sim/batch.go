package sim

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"golang.org/x/sync/errgroup"
)

// RunBatch runs replicates 0..R-1 of a scenario, each a shock run and its
// twin, and returns them in replicate order. Replicates run in parallel; the
// workers left over go to the shards within a replicate. Results do not depend
// on the number of workers.
func RunBatch(ctx context.Context, sc Scenario, opt BatchOptions) ([]Result, error) {
	if err := sc.Check(); err != nil {
		return nil, err
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	conc := max(1, min(workers, opt.Replicates))
	inner := max(1, workers/conc)

	results := make([]Result, opt.Replicates)
	var mu sync.Mutex
	done := 0
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(conc)
	for r := range opt.Replicates {
		g.Go(func() (err error) {
			defer func() {
				if p := recover(); p != nil {
					err = fmt.Errorf("replicate %d: internal error: %v", r, p)
				}
			}()
			w, err := NewWorld(sc, opt.Seed, r)
			if err != nil {
				return err
			}
			res, err := w.Run(ctx, r, inner)
			if err != nil {
				return err
			}
			results[r] = res
			if opt.Progress != nil {
				mu.Lock()
				done++
				opt.Progress(done, opt.Replicates)
				mu.Unlock()
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return results, nil
}
