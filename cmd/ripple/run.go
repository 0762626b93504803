package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/ripple-sim/ripple/configs"
	"github.com/ripple-sim/ripple/sim"
	"github.com/ripple-sim/ripple/sim/meanfield"
	"github.com/ripple-sim/ripple/sim/output"
	"github.com/ripple-sim/ripple/targets"
)

// newContext returns the context a run stops on; tests replace it.
var newContext = func() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

func cmdRun(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("run")
	h := help{
		usage: "ripple run [flags]",
		about: `Runs replicates of a scenario, each a shock run and its no-breach twin on the
same random numbers, and writes daily.csv, weekly.csv, monthly.csv, quarterly.csv,
distributions.csv (tidy long format with shock, twin and effect = shock - twin),
policy.csv (cumulative effects by group), effects.csv (the same per
replicate), summary.csv (mean, se and quantiles across replicates),
report.html, figures/ (PNG and SVG), replicates/ (one file per replicate)
and manifest.json into the output directory, which is replaced atomically.
With -format parquet the five long tables are Parquet files instead of CSV.
Prints a monthly summary and a line per group of agents.

Each replicate is written to DIR.partial/replicates/ as soon as it finishes;
the tables are assembled from those files at the end, in memory that does
not grow with the number of replicates. After Ctrl-C (or a crash, or kill -9)
the finished replicates stay in DIR.partial: the same command with -resume
runs only the missing ones and gives the same files as an uninterrupted run.

With -meanfield it runs the deterministic mean-field companion of the
model (MODEL.md M14; package sim/meanfield) instead of the agents: the
same forcing, consumers as classes of identical agents on a complete
graph, expected values instead of draws. It takes well under a second,
writes the same files as one "replicate" (metrics without a mean-field
counterpart are absent) and prints the same table, with intervals n/a.`,
		example: "ripple run -preset " + defaultPreset + " -replicates 16 -seed 7 -out runs/case",
	}
	scen := addScenarioFlags(fs, "read")
	seed := fs.Uint64("seed", 1, "master random seed `N`: the same seed and scenario give the same output")
	reps := fs.Int("replicates", 8, "number of replicates `N`, at least 1")
	workers := fs.Int("workers", runtime.NumCPU(), "goroutines `N` in all; results do not depend on it")
	consumers := fs.Int("consumers", 0, "consumer agents `N`, overriding the scenario (at least 1); the real number of\napp users is kept, so each agent stands for more or fewer people")
	scale := fs.String("scale", "", scaleUsage)
	out := fs.String("out", "ripple-out", "output directory `DIR`; must be absent, empty or an earlier output")
	quiet := fs.Bool("quiet", false, "show no progress")
	format := fs.String("format", output.FormatCSV, "format `F` of the long tables: csv or parquet (zstd, typed columns)")
	noFigures := fs.Bool("no-figures", false, "do not draw figures")
	resume := fs.Bool("resume", false, "finish an interrupted run kept in DIR.partial: finished replicates are kept and\nonly the missing ones run (nothing to do when DIR is already complete)")
	shardFlag := fs.String("shard", "", "run only shard `I/N` of the replicates (0 <= I < N), for a cluster array job;\n\"/N\" takes I from JOB_COMPLETION_INDEX (Kubernetes), and without the flag\nI and N come from SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT when set;\ncombine the shards with 'ripple merge'")
	meanField := fs.Bool("meanfield", false, "run the deterministic mean field instead of the agents (one \"replicate\",\nwell under a second); -seed, -replicates and -consumers do not apply")
	if ok, code := parse(fs, h, args, stdout, stderr); !ok {
		return code
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	switch {
	case fs.NArg() > 0:
		return usageErr(stderr, "run", fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
	case scen.problem(set) != "":
		return usageErr(stderr, "run", scen.problem(set))
	case output.CheckFormat(*format) != nil:
		return usageErr(stderr, "run", fmt.Sprintf("-format %q: want csv or parquet", *format))
	case *reps < 1:
		return usageErr(stderr, "run", fmt.Sprintf("-replicates must be at least 1 (got %d)", *reps))
	case *workers < 1:
		return usageErr(stderr, "run", fmt.Sprintf("-workers must be at least 1 (got %d)", *workers))
	case set["consumers"] && *consumers < 1:
		return usageErr(stderr, "run", fmt.Sprintf("-consumers must be at least 1 (got %d)", *consumers))
	case scaleProblem(set, *scale) != "":
		return usageErr(stderr, "run", scaleProblem(set, *scale))
	case *out == "":
		return usageErr(stderr, "run", "-out needs a directory name")
	case *meanField && (set["seed"] || set["replicates"] || set["consumers"]):
		return usageErr(stderr, "run", "-seed, -replicates and -consumers do not apply with -meanfield")
	}
	shard, fromEnv, err := shardOf(*shardFlag, os.Getenv)
	if err != nil {
		return usageErr(stderr, "run", err.Error())
	}
	if *meanField && shard.Count > 0 {
		return usageErr(stderr, "run", "-shard does not apply with -meanfield")
	}

	sc, ok, code := scen.load("run", stderr)
	if !ok {
		return code
	}
	if set["scale"] {
		setScale(&sc, *scale)
	}
	if set["consumers"] {
		sc.Population.Consumers = *consumers // Real_C stays, so the weight changes
	}
	toml, err := configs.Encode(sc)
	if err != nil {
		return fail(stderr, "ripple run: cannot encode the resolved scenario", err)
	}
	spec := output.Batch{
		Scenario: sc.Name, Format: *format, ScenarioTOML: toml, Seed: *seed, Replicates: *reps,
		Arms: []output.Arm{{Name: caseLeverSet}}, Shard: shard, Workers: *workers,
		Agents: output.Agents{Consumers: sc.Population.Consumers, RealConsumers: sc.Population.RealConsumers},
	}
	d := newDigest(&sc, nil, !*noFigures)

	if *meanField {
		spec.Seed, spec.Replicates, spec.Workers, spec.Agents.Consumers = 0, 1, 1, 0 // no agents
		if !*quiet {
			fmt.Fprintf(stderr, "ripple: %s, mean field of shock and twin for %s app users\n", sc.Name, millions(sc.Population.RealConsumers))
		}
		start := time.Now()
		r, err := meanfield.Run(sc)
		wall := time.Since(start)
		if err != nil {
			return fail(stderr, "ripple run: mean field failed", err)
		}
		u := &sim.UnitResult{Twin: r.Twin, Shocks: []sim.Tables{r.Shock}}
		if err := output.Write(*out, spec, []*sim.UnitResult{u}, d.hooks()); err != nil {
			return fail(stderr, "ripple run", err)
		}
		fmt.Fprintf(stdout, "%s: mean field (deterministic), %s app users\n\n", sc.Name, millions(sc.Population.RealConsumers))
		printMonths(stdout, d.asm.Case)
		printGroups(stdout, d.groups, d.asm.Policy[0], d.asm.Case)
		d.wrote(stdout, *out, wall)
		return 0
	}

	job := batch{cmd: "run", design: sim.SingleDesign(sc, caseLeverSet, *seed, *reps), spec: spec,
		out: *out, resume: *resume, quiet: *quiet, noun: "replicates (shock+twin)",
		banner: fmt.Sprintf("ripple: %s, %s of shock and twin, %d consumer agents for %s app users, %d workers\n",
			sc.Name, plural(*reps, "replicate"), sc.Population.Consumers, millions(sc.Population.RealConsumers), *workers) +
			shardLine(shard, fromEnv)}
	res, code := job.execute(stderr, d.hooks())
	if code != 0 || res.shard || d.asm == nil {
		res.report(stdout, &job)
		return code
	}
	printSummary(stdout, &sc, *seed, d.groups, d.asm.Policy[0], d.asm.Case)
	d.wrote(stdout, *out, res.wall)
	return 0
}

// caseLeverSet names the lever set of a plain run: the scenario's own levers.
const caseLeverSet = "case"

// digest collects, one replicate at a time, what the console summary and the
// report need from the first lever set of a batch, and keeps what the output
// assembled.
type digest struct {
	sc         *sim.Scenario
	groups     groupSums
	targets    *targets.Accumulator
	noFollowUp int // the arm without the follow-up breach, for CT-9, or -1
	figures    bool
	exp        *configs.Experiment // a sweep's experiment, or nil
	asm        *output.Assembled
	files      int // figures drawn (PNG and SVG each)
}

// newDigest returns the digest of a run (exp nil) or a sweep of scenario sc.
func newDigest(sc *sim.Scenario, exp *configs.Experiment, figures bool) *digest {
	d := &digest{sc: sc, groups: groupSums{}, targets: targets.NewAccumulator(sc), noFollowUp: -1, figures: figures, exp: exp}
	if exp != nil {
		d.noFollowUp = targets.NoFollowUp(exp.Design.Points[0].LeverSets)
	}
	return d
}

func (d *digest) hooks() output.Hooks {
	return output.Hooks{
		Each: func(arm int, r *sim.Result) {
			switch arm {
			case 0:
				d.groups.add(r)
				d.targets.Add(r)
			case d.noFollowUp:
				d.targets.AddNoFollowUp(r.Replicate, &r.Shock)
			}
		},
		Extras: func(a *output.Assembled) ([]output.Extra, error) {
			d.asm = a
			var xs []output.Extra
			if d.exp != nil {
				xs = append(xs, designExtra(d.exp))
			}
			if !d.figures {
				return xs, nil
			}
			figs, err := extras(*d.sc, a.Manifest, a.Case, a.Policy[0], d.targets.Checks(), d.exp, a)
			if err != nil {
				return nil, err
			}
			d.files = len(figs) - 1 // all but report.html
			return append(xs, figs...), nil
		},
	}
}

// wrote prints the closing line of a finished output.
func (d *digest) wrote(w io.Writer, out string, wall time.Duration) {
	m := &d.asm.Manifest
	var files []string
	for _, f := range output.FilesFor(m.Format) {
		table := strings.TrimSuffix(strings.TrimSuffix(f, ".csv"), ".parquet")
		if !slices.Contains(sim.TableNames, table) || slices.Contains(m.Tables, table) {
			files = append(files, f)
		}
	}
	if d.exp != nil {
		files = append(files, "design.csv")
	}
	figs := ""
	if d.files > 0 {
		figs = fmt.Sprintf(", report.html and %d figures (PNG, SVG) in figures/", d.files/2)
	}
	fmt.Fprintf(w, "\nWrote %s%s to %s/ in %s.\n", strings.Join(files, ", "), figs, strings.TrimSuffix(out, "/"), seconds(wall))
}

// millions formats a count like "34.4 M".
func millions(x float64) string { return fmt.Sprintf("%.3g M", x/1e6) }

// seconds formats a duration like "12.3 s" or, from a minute on, "3m05s".
func seconds(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
	d = d.Round(time.Second)
	return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
}
