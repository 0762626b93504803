package main

import (
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/ripple-sim/ripple/configs"
	"github.com/ripple-sim/ripple/sim"
	"github.com/ripple-sim/ripple/sim/output"
)

// sweepTables are the long tables a sweep writes unless -tables says
// otherwise: the daily and weekly tables of every lever set are large.
var sweepTables = []string{"monthly", "quarterly", "distributions"}

func cmdSweep(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("sweep")
	h := help{
		usage: "ripple sweep [flags] EXPERIMENT",
		about: `Runs a policy experiment: the lever sets and parameter points of an
experiment file (or of an embedded experiment: ` + strings.Join(configs.Experiments(), ", ") + `),
each for every replicate. Per parameter point and replicate one world and
one no-breach twin serve every lever set, all on the same random numbers, so
effects are paired: against the twin, and against the point's case lever set
(the base scenario's own levers).

Writes policy.csv (cumulative effects by group and lever set, versus the
twin and versus the case, with 95% intervals), effects.csv (the
per-replicate effects behind it), design.csv (each lever set's values),
summary.csv, the long tables named by -tables for every lever set, figures/
and report.html. Units stream to DIR.partial as they finish; -resume
finishes an interrupted sweep, -shard runs a slice on a cluster, 'ripple
merge' combines the slices.

An experiment file:

  [experiment]
  name = "sanction_ladder"
  base = "kr_coupang_2025"     # a preset, or a scenario file (relative to this file)
  replicates = 20
  seed = 1

  [grid]                       # every combination; levers.* keys make lever sets,
  "levers.sanction_level" = ["S0", "S1", "S2", "S3", "S4"]   # other keys parameter points
  "levers.investigation_days" = [30, 73, 180, 365]

  [sample]                     # optional: a Latin hypercube of parameter points
  method = "lhs"
  points = 8
  seed = 7
  [sample.ranges]
  "trust.j_d" = [0.05, 0.30]

Print an embedded one with 'ripple preset show NAME'.`,
		example: "ripple sweep -replicates 8 -out runs/ladder sanction_ladder",
	}
	reps := fs.Int("replicates", 0, "replicates `N` per lever set, overriding the experiment file")
	seed := fs.Uint64("seed", 0, "master random seed `N`, overriding the experiment file")
	consumers := fs.Int("consumers", 0, "consumer agents `N`, overriding the experiment file and scenario")
	scale := fs.String("scale", "", scaleUsage)
	workers := fs.Int("workers", runtime.NumCPU(), "goroutines `N` in all; results do not depend on it")
	out := fs.String("out", "ripple-sweep", "output directory `DIR`; must be absent, empty or an earlier output")
	format := fs.String("format", output.FormatCSV, "format `F` of the long tables: csv or parquet (zstd, typed columns)")
	tables := fs.String("tables", strings.Join(sweepTables, ","), "long tables `LIST` to write for every lever set: any of "+strings.Join(sim.TableNames, ",")+", or none")
	resume := fs.Bool("resume", false, "finish an interrupted sweep in DIR.partial: finished units are kept")
	shardFlag := fs.String("shard", "", "run only shard `I/N` of the units (see 'ripple run -h')")
	quiet := fs.Bool("quiet", false, "show no progress")
	noFigures := fs.Bool("no-figures", false, "do not draw figures")
	if ok, code := parse(fs, h, args, stdout, stderr); !ok {
		return code
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	tabs, terr := tableList(*tables)
	switch {
	case fs.NArg() == 0:
		return usageErr(stderr, "sweep", "missing experiment file or name")
	case fs.NArg() > 1:
		return usageErr(stderr, "sweep", fmt.Sprintf("unexpected argument %q", fs.Arg(1)))
	case output.CheckFormat(*format) != nil:
		return usageErr(stderr, "sweep", fmt.Sprintf("-format %q: want csv or parquet", *format))
	case terr != nil:
		return usageErr(stderr, "sweep", terr.Error())
	case set["replicates"] && *reps < 1:
		return usageErr(stderr, "sweep", fmt.Sprintf("-replicates must be at least 1 (got %d)", *reps))
	case set["consumers"] && *consumers < 1:
		return usageErr(stderr, "sweep", fmt.Sprintf("-consumers must be at least 1 (got %d)", *consumers))
	case scaleProblem(set, *scale) != "":
		return usageErr(stderr, "sweep", scaleProblem(set, *scale))
	case *workers < 1:
		return usageErr(stderr, "sweep", fmt.Sprintf("-workers must be at least 1 (got %d)", *workers))
	case *out == "":
		return usageErr(stderr, "sweep", "-out needs a directory name")
	}
	shard, fromEnv, err := shardOf(*shardFlag, os.Getenv)
	if err != nil {
		return usageErr(stderr, "sweep", err.Error())
	}
	exp, ok, code := loadExperiment(fs.Arg(0), stderr)
	if !ok {
		return code
	}
	if set["replicates"] {
		exp.Replicates, exp.Design.Replicates = *reps, *reps
	}
	if set["seed"] {
		exp.Seed, exp.Design.Seed = *seed, *seed
	}
	if set["scale"] {
		setScale(&exp.Scenario, *scale)
		for p := range exp.Design.Points {
			for l := range exp.Design.Points[p].LeverSets {
				setScale(&exp.Design.Points[p].LeverSets[l].Scenario, *scale)
			}
		}
	}
	if set["consumers"] {
		exp.Scenario.Population.Consumers = *consumers
		for p := range exp.Design.Points {
			for l := range exp.Design.Points[p].LeverSets {
				exp.Design.Points[p].LeverSets[l].Scenario.Population.Consumers = *consumers
			}
		}
	}
	toml, err := configs.Encode(exp.Scenario)
	if err != nil {
		return fail(stderr, "ripple sweep: cannot encode the base scenario", err)
	}
	sc := &exp.Scenario
	spec := output.Batch{
		Scenario: sc.Name, Format: *format, ScenarioTOML: toml, Experiment: exp.Text,
		Seed: exp.Seed, Replicates: exp.Replicates, Arms: arms(&exp), Tables: tabs, Shard: shard, Workers: *workers,
		Agents: output.Agents{Consumers: sc.Population.Consumers, RealConsumers: sc.Population.RealConsumers},
	}
	nls := len(spec.Arms)
	d := newDigest(sc, &exp, !*noFigures)
	job := batch{cmd: "sweep", design: exp.Design, spec: spec, out: *out, resume: *resume, quiet: *quiet,
		noun: "units (twin + lever sets)",
		banner: fmt.Sprintf("ripple: sweep %s on %s: %s x %s, %d consumer agents, %d workers\n",
			exp.Name, sc.Name, plural(nls, "lever set"), plural(exp.Replicates, "replicate"), sc.Population.Consumers, *workers) +
			shardLine(shard, fromEnv)}
	res, code := job.execute(stderr, d.hooks())
	if code != 0 || res.shard || d.asm == nil {
		res.report(stdout, &job)
		return code
	}
	printSweep(stdout, &exp, d.asm)
	d.wrote(stdout, *out, res.wall)
	return 0
}

// loadExperiment reads an experiment file, or else an embedded experiment
// of that name. It prints what went wrong and returns ok false with the exit
// code.
func loadExperiment(arg string, stderr io.Writer) (configs.Experiment, bool, int) {
	var exp configs.Experiment
	var err error
	if text, ok := configs.ExperimentText(arg); ok && !strings.HasSuffix(arg, ".toml") {
		exp, err = configs.ParseExperiment(arg, text, "")
	} else {
		if _, serr := os.Stat(arg); serr != nil && !strings.ContainsAny(arg, "./") {
			return exp, false, usageErr(stderr, "sweep", fmt.Sprintf("no experiment file or embedded experiment %q (embedded: %s)", arg, strings.Join(configs.Experiments(), ", ")))
		}
		exp, err = configs.LoadExperiment(arg)
	}
	if err != nil {
		for _, line := range strings.Split(strings.TrimSpace(err.Error()), "\n") {
			fmt.Fprintf(stderr, "ripple sweep: %s\n", line)
		}
		return exp, false, 1
	}
	return exp, true, 0
}

// arms lists an experiment's lever sets, point by point.
func arms(exp *configs.Experiment) []output.Arm {
	var as []output.Arm
	for p, pt := range exp.Design.Points {
		for l, ls := range pt.LeverSets {
			as = append(as, output.Arm{Point: p, LeverSet: l, Name: ls.Name})
		}
	}
	return as
}

// tableList parses -tables.
func tableList(s string) ([]string, error) {
	if s == "none" {
		return []string{}, nil
	}
	var out []string
	for _, name := range strings.Split(s, ",") {
		name = strings.TrimSpace(name)
		if !slices.Contains(sim.TableNames, name) {
			return nil, fmt.Errorf("-tables: unknown table %q (want a list of %s, or none)", name, strings.Join(sim.TableNames, ", "))
		}
		if slices.Contains(out, name) {
			return nil, fmt.Errorf("-tables: %s named twice", name)
		}
		out = append(out, name)
	}
	// in output order
	slices.SortFunc(out, func(a, b string) int { return slices.Index(sim.TableNames, a) - slices.Index(sim.TableNames, b) })
	return out, nil
}

// sweepRows are the policy rows the console shows for each lever set.
var sweepRows = []struct{ key, head string }{
	{"consumers.forgone_orders", "forgone orders (M)"},
	{"merchants.net_income", "merchant income (KRW bn)"},
	{"couriers.gross_pay", "courier pay (KRW bn)"},
	{"fc_staff.wages", "FC wages (KRW bn)"},
	{"platform.net_profit", "platform profit (KRW bn)"},
}

// printSweep prints, per lever set, the cumulative effects against the case
// with 95 % intervals (against the twin for the case itself).
func printSweep(w io.Writer, exp *configs.Experiment, a *output.Assembled) {
	fmt.Fprintf(w, "%s on %s: %s per lever set (seed %d)\n\n", exp.Name, exp.Scenario.Name, plural(exp.Replicates, "replicate"), exp.Seed)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	head := []string{"lever set", "versus"}
	for _, r := range sweepRows {
		head = append(head, r.head)
	}
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	for i, name := range a.Manifest.LeverSets {
		rows, versus := a.VsCase[i], "case"
		if rows == nil {
			rows, versus = a.Policy[i], "twin"
		}
		byKey := map[string]output.Stat{}
		for _, r := range rows {
			byKey[r.Group+"."+r.Name] = r.Stat
		}
		line := []string{name, versus}
		for _, r := range sweepRows {
			st, ok := byKey[r.key]
			scale := 1e-9
			if strings.HasSuffix(r.key, "orders") {
				scale = 1e-6
			}
			if !ok {
				line = append(line, "n/a")
				continue
			}
			line = append(line, ci(st, scale, "%+.1f"))
		}
		fmt.Fprintln(tw, strings.Join(line, "\t"))
	}
	tw.Flush()
	fmt.Fprintln(w, "\nCumulative effects over the run, mean [95% CI] across replicates on common random numbers:")
	fmt.Fprintln(w, "versus case = this lever set minus the case lever set; versus twin = the breach's effect. More in policy.csv.")
}

// designCSV writes design.csv: each lever set's point, whether it is its
// point's reference (the case), and the value of every factor.
func designCSV(w io.Writer, exp *configs.Experiment) error {
	cw := csv.NewWriter(w)
	head := []string{"lever_set", "point", "reference"}
	for _, f := range exp.Factors {
		head = append(head, f.Key)
	}
	cw.Write(head)
	for p, pt := range exp.Design.Points {
		for l, ls := range pt.LeverSets {
			row := []string{ls.Name, pt.Name, strconv.FormatBool(l == 0)}
			for _, s := range exp.Settings[p][l] {
				row = append(row, s.Text)
			}
			cw.Write(row)
		}
	}
	cw.Flush()
	return cw.Error()
}
