package main

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"time"

	"github.com/ripple-sim/ripple/sim/output"
)

// cmdMerge combines the shard outputs of a cluster run into one output.
func cmdMerge(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("merge")
	h := help{
		usage: "ripple merge -out DIR SHARD_DIR...",
		about: `Combines the outputs of 'ripple run -shard I/N' or 'ripple sweep -shard I/N'
(for example the tasks of a Slurm job array or a Kubernetes Indexed Job) into
one output directory. It checks that the shards belong to one batch and that
none is missing (naming any missing shard or replicate), verifies every
replicate file's checksum, then writes the tables, summaries, figures and
report: byte-identical to a run of the whole batch on one machine.`,
		example: "ripple merge -out runs/ladder runs/ladder-shard-*",
	}
	out := fs.String("out", "", "output directory `DIR` (required); must be absent, empty or an earlier output")
	workers := fs.Int("workers", runtime.NumCPU(), "goroutines `N` for checking and copying")
	noFigures := fs.Bool("no-figures", false, "do not draw figures")
	if ok, code := parse(fs, h, args, stdout, stderr); !ok {
		return code
	}
	switch {
	case *out == "":
		return usageErr(stderr, "merge", "-out DIR is required")
	case fs.NArg() == 0:
		return usageErr(stderr, "merge", "name the shard directories to merge")
	case *workers < 1:
		return usageErr(stderr, "merge", fmt.Sprintf("-workers must be at least 1 (got %d)", *workers))
	}
	shards := fs.Args()
	m, err := output.ReadManifest(shards[0])
	if err != nil {
		return fail(stderr, "ripple merge", err)
	}
	d, err := digestOf(shards[0], &m, !*noFigures)
	if err != nil {
		return fail(stderr, "ripple merge", err)
	}
	start := time.Now()
	if err := output.Merge(*out, shards, d.hooks(), *workers); err != nil {
		return fail(stderr, "ripple merge", err)
	}
	switch {
	case d.asm == nil:
		fmt.Fprintf(stdout, "%s already holds this merge; nothing to do.\n", *out)
		return 0
	case d.exp != nil:
		printSweep(stdout, d.exp, d.asm)
	default:
		printSummary(stdout, d.sc, m.Seed, d.groups, d.asm.Policy[0], d.asm.Case)
	}
	fmt.Fprintf(stdout, "\nMerged %s into %s/ in %s.\n", plural(len(shards), "shard"), strings.TrimSuffix(*out, "/"), seconds(time.Since(start)))
	return 0
}
