package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ripple-sim/ripple/sim"
	"github.com/ripple-sim/ripple/sim/output"
)

// batch is what `ripple run` and `ripple sweep` share: a design, the output
// it goes to, and how to resume and report it.
type batch struct {
	cmd    string
	design sim.Design
	spec   output.Batch
	out    string
	resume bool
	quiet  bool
	noun   string // what a unit is, for progress lines
	banner string // printed on stderr once the output directory is open, unless quiet
}

// outcome is what execute did.
type outcome struct {
	shard       bool          // a shard was finished (no tables assembled)
	done, total int           // units present and units of the batch (or shard)
	ran         int           // units simulated by this call
	wall        time.Duration // of the simulation in this call
	already     bool          // the output was complete before this call
}

// execute runs the units that the output lacks, then assembles the output
// (or, for a shard, closes it). It returns the exit code: 0, 1 on failure,
// 130 when interrupted, with finished units kept for -resume.
func (b *batch) execute(stderr io.Writer, hooks output.Hooks) (outcome, int) {
	var res outcome
	res.shard = b.spec.Shard.Count > 0
	store, err := output.Open(b.out, b.spec, b.resume)
	if err != nil {
		return res, fail(stderr, "ripple "+b.cmd, err)
	}
	if !b.quiet && b.banner != "" {
		fmt.Fprint(stderr, b.banner)
	}
	units := b.design.Units()
	if res.shard {
		units = sim.Shard(units, b.spec.Shard.Index, b.spec.Shard.Count)
	}
	if store.Complete() && b.resume {
		res.already = true
	}
	var todo []sim.UnitID
	for _, u := range units {
		if !store.Has(u) {
			todo = append(todo, u)
		}
	}
	res.total, res.ran = len(units), len(todo)
	if b.resume && !b.quiet && len(todo) < len(units) && len(todo) > 0 {
		fmt.Fprintf(stderr, "ripple: resuming %s: %d of %d %s already done\n", store.Staging(), len(units)-len(todo), len(units), b.noun)
	}

	ctx, stop := newContext()
	defer stop()
	prog := newProgress(stderr, b.quiet || len(todo) == 0, len(units), len(units)-len(todo), b.noun)
	var mu sync.Mutex
	finished := len(units) - len(todo)
	start := time.Now()
	err = sim.RunUnits(ctx, &b.design, todo, b.spec.Workers, func(u *sim.UnitResult) error {
		if err := store.Put(u); err != nil {
			return err
		}
		mu.Lock()
		finished++
		prog.update(finished, len(units))
		mu.Unlock()
		return nil
	})
	res.wall = time.Since(start)
	prog.finish()
	interrupted := ctx.Err() != nil
	stop() // a second Ctrl-C from here on kills the process as usual
	if interrupted || err != nil {
		cerr := store.Close()
		res.done, _ = store.Count()
		if interrupted {
			fmt.Fprintf(stderr, "ripple: interrupted with %d of %d %s done, kept in %s; run the same command with -resume to finish\n",
				res.done, res.total, b.noun, store.Staging())
			return res, 130
		}
		msg := "simulation failed"
		if cerr == nil && res.done > 0 {
			msg += fmt.Sprintf(" (the %d finished %s are kept in %s for -resume)", res.done, b.noun, store.Staging())
		}
		return res, fail(stderr, "ripple "+b.cmd+": "+msg, err)
	}
	if res.shard {
		err = store.FinishShard()
	} else {
		err = store.Finish(hooks)
	}
	if err != nil {
		return res, fail(stderr, "ripple "+b.cmd, err)
	}
	res.done = res.total
	return res, 0
}

// report prints what a shard run or an already complete output did.
func (res outcome) report(w io.Writer, b *batch) {
	switch {
	case res.already && res.ran == 0:
		fmt.Fprintf(w, "%s is already complete (%d %s); nothing to do.\n", strings.TrimSuffix(b.out, "/"), res.total, b.noun)
	case res.shard && res.done == res.total:
		fmt.Fprintf(w, "Shard %d/%d: %d %s in %s (%s). Combine the shards with 'ripple merge -out DIR SHARD_DIR...'.\n",
			b.spec.Shard.Index, b.spec.Shard.Count, res.total, b.noun, strings.TrimSuffix(b.out, "/"), seconds(res.wall))
	}
}

// shardLine says which shard a run is when it came from the environment.
func shardLine(s output.Shard, from string) string {
	if from == "" {
		return ""
	}
	return fmt.Sprintf("ripple: shard %d/%d (from %s)\n", s.Index, s.Count, from)
}

// shardOf returns the shard a run is: from the -shard flag ("I/N", or "/N"
// with I from JOB_COMPLETION_INDEX), else from a Slurm array job's
// environment. from names the environment variable used, if any.
func shardOf(flag string, getenv func(string) string) (s output.Shard, from string, err error) {
	if flag == "" {
		id, count := getenv("SLURM_ARRAY_TASK_ID"), getenv("SLURM_ARRAY_TASK_COUNT")
		if id == "" || count == "" {
			return s, "", nil
		}
		i, err1 := strconv.Atoi(id)
		n, err2 := strconv.Atoi(count)
		lo := 0
		if m := getenv("SLURM_ARRAY_TASK_MIN"); m != "" {
			lo, _ = strconv.Atoi(m)
		}
		if err1 != nil || err2 != nil || i-lo < 0 || i-lo >= n {
			return s, "", fmt.Errorf("cannot take the shard from SLURM_ARRAY_TASK_ID=%s, SLURM_ARRAY_TASK_COUNT=%s: use a contiguous array such as --array=0-%d, or give -shard I/N", id, count, max(n, 1)-1)
		}
		return output.Shard{Index: i - lo, Count: n}, "SLURM_ARRAY_TASK_ID", nil
	}
	is, ns, ok := strings.Cut(flag, "/")
	n, err := strconv.Atoi(ns)
	if !ok || err != nil || n < 1 {
		return s, "", fmt.Errorf("-shard %q: want I/N with 0 <= I < N, e.g. 0/4, or /N to take I from JOB_COMPLETION_INDEX", flag)
	}
	if is == "" {
		from, is = "JOB_COMPLETION_INDEX", getenv("JOB_COMPLETION_INDEX")
		if is == "" {
			return s, "", fmt.Errorf("-shard /%d: JOB_COMPLETION_INDEX is not set (it is set in a Kubernetes Indexed Job); give -shard I/N", n)
		}
	}
	i, err := strconv.Atoi(is)
	if err != nil || i < 0 || i >= n {
		return s, "", fmt.Errorf("-shard %s/%d: the index must be a whole number from 0 to %d", is, n, n-1)
	}
	return output.Shard{Index: i, Count: n}, from, nil
}
