package main

import (
	"bytes"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/ripple-sim/ripple/configs"
	"github.com/ripple-sim/ripple/plots"
	"github.com/ripple-sim/ripple/sim"
	"github.com/ripple-sim/ripple/sim/sensitivity"
	"github.com/ripple-sim/ripple/targets"
)

// sensOutputs are the calibration statistics a screening can take as
// outputs: those targets.Accumulator computes from one batch.
var sensOutputs = []string{"CT-1", "CT-2", "CT-3", "CT-3b", "CT-4", "CT-5", "CT-6", "CT-7", "CT-10"}

// sensDefaultOutputs are the outputs screened unless -outputs says otherwise.
var sensDefaultOutputs = []string{"CT-1", "CT-3", "CT-4", "CT-5", "CT-6"}

// sensDefaultConsumers is -consumers' default: small, for speed.
const sensDefaultConsumers = 20000

func cmdSensitivity(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("sensitivity")
	var mainKeys []string
	for _, p := range configs.FreeParams[:configs.FreeParamsMain] {
		mainKeys = append(mainKeys, p.Key)
	}
	h := help{
		usage: "ripple sensitivity [flags]",
		about: `Screens the free parameters of MODEL.md §8 with Morris elementary effects:
-trajectories r paths of k+1 points each (k parameters) on a grid of -levels
p levels over every parameter's range (log-scaled where the range spans
orders of magnitude), each point run for -replicates replicates of shock
and twin. Every point uses the same seed, so the points of a path differ
in one parameter on common random numbers. For each output (a calibration
statistic CT-n, averaged over replicates) and parameter it reports mu (the
mean elementary effect: the direction), mu* (the mean absolute effect: the
importance, with a 95 % bootstrap interval) and sigma (their spread:
non-linearity or interactions), all per the parameter's whole normalised
range. Every point's scenario is checked before anything runs.

Writes sensitivity.csv (output, parameter, rank by mu*, mu, mu*, its
interval, sigma, n), points.csv (each design point's parameter values and
output means) and figures/tornado_<output>.png and .svg into the output
directory, which is replaced as a whole at the end; prints the top
parameters per output. Outputs: ` + strings.Join(sensOutputs, ", ") + `.
Parameters: any of the free keys (` + strconv.Itoa(len(configs.FreeParams)) + `), "main" for the first ` + strconv.Itoa(configs.FreeParamsMain) + ` (the
default) or "all".

It costs r*(k+1)*replicates units of shock and twin: with the defaults
(17 parameters, r 6, 4 replicates, 20,000 consumers) 432 units, about
18 CPU minutes (measured: 2.5 CPU seconds a unit), 9 minutes on 2 free
cores.`,
		example: "ripple sensitivity -params trust.j_d,churn.h1,media.tau_s -trajectories 8 -out runs/morris",
	}
	scen := addScenarioFlags(fs, "vary")
	paramList := fs.String("params", "main", "free parameters `LIST` to screen, comma-separated scenario keys, or main or all")
	outputList := fs.String("outputs", strings.Join(sensDefaultOutputs, ","), "calibration statistics `LIST` to screen, comma-separated: any of "+strings.Join(sensOutputs, ","))
	trajectories := fs.Int("trajectories", 6, "Morris trajectories `r`, at least 1 (2 or more for sigma and intervals)")
	levels := fs.Int("levels", 4, "grid levels `p` per parameter, even, at least 2; the step is p/(2(p-1)) of the range")
	reps := fs.Int("replicates", 4, "replicates `N` of shock and twin per design point, at least 1")
	consumers := fs.Int("consumers", sensDefaultConsumers, "consumer agents `N` per run (the default is small, for speed; the scenario's real\nnumber of app users is kept)")
	seed := fs.Uint64("seed", 1, "seed `N` of the design and of every point's runs (common random numbers)")
	workers := fs.Int("workers", runtime.NumCPU(), "goroutines `N` in all; results do not depend on it")
	out := fs.String("out", "ripple-sensitivity", "output directory `DIR`; must be absent, empty or an earlier sensitivity output")
	quiet := fs.Bool("quiet", false, "show no progress")
	if ok, code := parse(fs, h, args, stdout, stderr); !ok {
		return code
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	switch {
	case fs.NArg() > 0:
		return usageErr(stderr, "sensitivity", fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
	case scen.problem(set) != "":
		return usageErr(stderr, "sensitivity", scen.problem(set))
	case *trajectories < 1:
		return usageErr(stderr, "sensitivity", fmt.Sprintf("-trajectories must be at least 1 (got %d)", *trajectories))
	case *levels < 2 || *levels%2 != 0:
		return usageErr(stderr, "sensitivity", fmt.Sprintf("-levels must be even and at least 2 (got %d)", *levels))
	case *reps < 1:
		return usageErr(stderr, "sensitivity", fmt.Sprintf("-replicates must be at least 1 (got %d)", *reps))
	case *consumers < 1:
		return usageErr(stderr, "sensitivity", fmt.Sprintf("-consumers must be at least 1 (got %d)", *consumers))
	case *workers < 1:
		return usageErr(stderr, "sensitivity", fmt.Sprintf("-workers must be at least 1 (got %d)", *workers))
	case *out == "":
		return usageErr(stderr, "sensitivity", "-out needs a directory name")
	}
	params, err := sensParams(*paramList)
	if err != nil {
		return usageErr(stderr, "sensitivity", err.Error())
	}
	outs, err := sensOutputList(*outputList)
	if err != nil {
		return usageErr(stderr, "sensitivity", err.Error())
	}
	base, ok, code := scen.load("sensitivity", stderr)
	if !ok {
		return code
	}
	base.Population.Consumers = *consumers
	if err := checkSensOut(*out); err != nil {
		return fail(stderr, "ripple sensitivity", err)
	}

	sp := make([]sensitivity.Param, len(params))
	for i, p := range params {
		sp[i] = sensitivity.Param{Name: p.Key, Lo: p.Lo, Hi: p.Hi, Log: p.Log}
	}
	md, err := sensitivity.NewDesign(len(sp), *trajectories, *levels, *seed)
	if err != nil {
		return fail(stderr, "ripple sensitivity", err)
	}
	values, err := md.Values(sp)
	if err != nil {
		return fail(stderr, "ripple sensitivity", err)
	}
	design, err := sensDesign(&base, params, values, *seed, *reps)
	if err != nil {
		for _, line := range strings.Split(strings.TrimSpace(err.Error()), "\n") {
			fmt.Fprintf(stderr, "ripple sensitivity: %s\n", line)
		}
		return 1
	}

	units := design.Units()
	if !*quiet {
		fmt.Fprintf(stderr, "ripple: sensitivity on %s: %d parameters, Morris r=%d p=%d: %d points x %s = %d units (twin + shock), %d consumer agents, %d workers\n",
			base.Name, len(params), *trajectories, *levels, len(values), plural(*reps, "replicate"), len(units), *consumers, *workers)
	}
	// vals[point][replicate][output]: each replicate's statistics, from an
	// accumulator of its own, so that nothing depends on the finishing order.
	vals := make([][][]float64, len(values))
	for p := range vals {
		vals[p] = make([][]float64, *reps)
	}
	ctx, stop := newContext()
	defer stop()
	prog := newProgress(stderr, *quiet, len(units), 0, "units (twin + shock)")
	var mu sync.Mutex
	finished := 0
	var labels, outUnits []string // from the first unit's checks
	start := time.Now()
	err = sim.RunUnits(ctx, &design, units, *workers, func(u *sim.UnitResult) error {
		sc := &design.Points[u.Point].LeverSets[0].Scenario
		acc := targets.NewAccumulator(sc)
		r := u.Result(0)
		acc.Add(&r)
		row := make([]float64, len(outs))
		checks := acc.Checks()
		for o, id := range outs {
			row[o] = math.NaN()
			for _, c := range checks {
				if c.ID == id && c.Status != targets.NotComputed {
					row[o] = c.Mean
				}
			}
		}
		mu.Lock()
		defer mu.Unlock()
		if u.Point == 0 && u.Replicate == 0 {
			labels, outUnits = sensLabels(checks, outs)
		}
		vals[u.Point][u.Replicate] = row
		finished++
		prog.update(finished, len(units))
		return nil
	})
	prog.finish()
	wall := time.Since(start)
	if ctx.Err() != nil {
		fmt.Fprintf(stderr, "ripple: interrupted with %d of %d units done; nothing written\n", finished, len(units))
		return 130
	}
	if err != nil {
		return fail(stderr, "ripple sensitivity", err)
	}

	res := sensResult{params: params, outputs: outs, labels: labels, units: outUnits, design: md, values: values,
		means: pointMeans(vals, len(outs)), base: &base, reps: *reps, seed: *seed}
	if err := res.analyze(); err != nil {
		return fail(stderr, "ripple sensitivity", err)
	}
	if err := res.write(*out); err != nil {
		return fail(stderr, "ripple sensitivity", err)
	}
	res.print(stdout)
	fmt.Fprintf(stdout, "\nWrote sensitivity.csv, points.csv and %d tornado charts (PNG, SVG) in figures/ to %s/ in %s.\n",
		len(outs), strings.TrimSuffix(*out, "/"), seconds(wall))
	return 0
}

// sensParams parses -params.
func sensParams(s string) ([]configs.FreeParam, error) {
	switch strings.TrimSpace(s) {
	case "main":
		return slices.Clone(configs.FreeParams[:configs.FreeParamsMain]), nil
	case "all":
		return slices.Clone(configs.FreeParams), nil
	}
	var ps []configs.FreeParam
	for _, key := range strings.Split(s, ",") {
		key = strings.TrimSpace(key)
		i := slices.IndexFunc(configs.FreeParams, func(p configs.FreeParam) bool { return p.Key == key })
		if i < 0 {
			var keys []string
			for _, p := range configs.FreeParams {
				keys = append(keys, p.Key)
			}
			return nil, fmt.Errorf("-params: %q is not a free parameter (want main, all or a list of %s)", key, strings.Join(keys, ", "))
		}
		if slices.ContainsFunc(ps, func(p configs.FreeParam) bool { return p.Key == key }) {
			return nil, fmt.Errorf("-params: %s named twice", key)
		}
		ps = append(ps, configs.FreeParams[i])
	}
	return ps, nil
}

// sensOutputList parses -outputs.
func sensOutputList(s string) ([]string, error) {
	var outs []string
	for _, id := range strings.Split(s, ",") {
		id = strings.TrimSpace(id)
		i := slices.IndexFunc(sensOutputs, func(o string) bool { return strings.EqualFold(o, id) })
		if i < 0 {
			return nil, fmt.Errorf("-outputs: %q is not a statistic computed from one batch (want a list of %s)", id, strings.Join(sensOutputs, ", "))
		}
		if slices.Contains(outs, sensOutputs[i]) {
			return nil, fmt.Errorf("-outputs: %s named twice", sensOutputs[i])
		}
		outs = append(outs, sensOutputs[i])
	}
	return outs, nil
}

// sensDesign builds one parameter point per design point and checks every
// point's scenario (configs.Validate and the engine's own checks): all
// problems at once, naming the point and its values.
func sensDesign(base *sim.Scenario, params []configs.FreeParam, values [][]float64, seed uint64, reps int) (sim.Design, error) {
	d := sim.Design{Seed: seed, Replicates: reps}
	var problems []string
	for p, x := range values {
		sc := *base
		var errs []string
		for i, fp := range params {
			if err := configs.Set(&sc, fp.Key, x[i]); err != nil {
				errs = append(errs, err.Error())
			}
		}
		if len(errs) == 0 {
			if err := configs.Validate(sc); err != nil {
				errs = append(errs, strings.Split(strings.TrimSpace(err.Error()), "\n")...)
			} else if err := sc.Check(); err != nil {
				errs = append(errs, err.Error())
			}
		}
		for _, e := range errs {
			problems = append(problems, fmt.Sprintf("design point %d (%s): %s", p, pointText(params, x), e))
		}
		d.Points = append(d.Points, sim.Point{Name: fmt.Sprintf("point %d", p), LeverSets: []sim.LeverSet{{Name: caseLeverSet, Scenario: sc}}})
	}
	if len(problems) > 0 {
		const most = 10
		if n := len(problems); n > most {
			problems = append(problems[:most], fmt.Sprintf("... and %d more problems", n-most))
		}
		return d, fmt.Errorf("invalid design points, nothing was run:\n%s", strings.Join(problems, "\n"))
	}
	if err := d.Check(); err != nil {
		return d, err
	}
	return d, nil
}

// pointText lists a point's values, "trust.j_d=0.1, churn.h1=0.02".
func pointText(params []configs.FreeParam, x []float64) string {
	parts := make([]string, len(params))
	for i, p := range params {
		parts[i] = p.Key + "=" + strconv.FormatFloat(x[i], 'g', 6, 64)
	}
	return strings.Join(parts, ", ")
}

// sensLabels returns each output's label and unit from a replicate's checks.
func sensLabels(checks []targets.Check, outs []string) (labels, units []string) {
	for _, id := range outs {
		label, unit := id, targets.Ratio
		for _, c := range checks {
			if c.ID == id {
				label, unit = c.Label, c.Unit
			}
		}
		labels, units = append(labels, label), append(units, unit)
	}
	return labels, units
}

// pointMeans averages each point's replicates, in replicate order; NaN when
// a replicate lacks the statistic.
func pointMeans(vals [][][]float64, nOut int) [][]float64 {
	means := make([][]float64, nOut)
	for o := range means {
		means[o] = make([]float64, len(vals))
		for p, reps := range vals {
			s := 0.0
			for _, row := range reps {
				s += row[o]
			}
			means[o][p] = s / float64(len(reps))
		}
	}
	return means
}

// sensResult is a finished screening.
type sensResult struct {
	params        []configs.FreeParam
	outputs       []string
	labels, units []string
	design        *sensitivity.Design
	values        [][]float64 // [point][param]
	means         [][]float64 // [output][point]
	effects       [][]sensitivity.Effect
	base          *sim.Scenario
	reps          int
	seed          uint64
}

func (r *sensResult) analyze() error {
	for o := range r.outputs {
		es, err := sensitivity.Analyze(r.design, r.means[o])
		if err != nil {
			return err
		}
		r.effects = append(r.effects, es)
	}
	return nil
}

func fmtNum(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// tables returns sensitivity.csv and points.csv.
func (r *sensResult) tables() (sens, points []byte, err error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"output", "label", "unit", "param", "rank", "mu", "mu_star", "mu_star_lo", "mu_star_hi", "sigma", "n"})
	for o, id := range r.outputs {
		for rank, i := range sensitivity.Ranking(r.effects[o]) {
			e := r.effects[o][i]
			w.Write([]string{id, r.labels[o], r.units[o], r.params[i].Key, strconv.Itoa(rank + 1),
				fmtNum(e.Mu), fmtNum(e.MuStar), fmtNum(e.MuStarLo), fmtNum(e.MuStarHi), fmtNum(e.Sigma), strconv.Itoa(e.N)})
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, nil, err
	}
	sens = slices.Clone(b.Bytes())
	b.Reset()
	w = csv.NewWriter(&b)
	head := []string{"point", "trajectory", "step", "changed"}
	for _, p := range r.params {
		head = append(head, p.Key)
	}
	head = append(head, r.outputs...)
	w.Write(head)
	p := 0
	for t, tr := range r.design.Trajectories {
		for j := range tr.Points {
			changed := ""
			if j > 0 {
				changed = r.params[tr.Factors[j-1]].Key
			}
			row := []string{strconv.Itoa(p), strconv.Itoa(t), strconv.Itoa(j), changed}
			for _, x := range r.values[p] {
				row = append(row, fmtNum(x))
			}
			for o := range r.outputs {
				row = append(row, fmtNum(r.means[o][p]))
			}
			w.Write(row)
			p++
		}
	}
	w.Flush()
	return sens, slices.Clone(b.Bytes()), w.Error()
}

// write writes the files into a fresh directory beside out and then puts it
// in out's place, so that out is either the earlier output or the new one.
func (r *sensResult) write(out string) error {
	sens, points, err := r.tables()
	if err != nil {
		return err
	}
	parent := filepath.Dir(filepath.Clean(out))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("cannot create %s: %w", parent, err)
	}
	tmp, err := os.MkdirTemp(parent, filepath.Base(filepath.Clean(out))+".partial-")
	if err != nil {
		return fmt.Errorf("cannot create a directory beside %s: %w", out, err)
	}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(tmp)
		}
	}()
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	for name, data := range map[string][]byte{"sensitivity.csv": sens, "points.csv": points} {
		if err := writeSynced(filepath.Join(tmp, name), data); err != nil {
			return err
		}
	}
	figs := filepath.Join(tmp, "figures")
	if err := os.Mkdir(figs, 0o755); err != nil {
		return err
	}
	caption := fmt.Sprintf("%s · Morris r = %d, p = %d · %d consumer agents · %s per point · seed %d",
		r.base.Name, len(r.design.Trajectories), r.design.Levels, r.base.Population.Consumers, plural(r.reps, "replicate"), r.seed)
	for o, id := range r.outputs {
		rows := make([]plots.TornadoRow, len(r.params))
		for i, e := range r.effects[o] {
			rows[i] = plots.TornadoRow{Param: r.params[i].Key, MuStar: e.MuStar, Lo: e.MuStarLo, Hi: e.MuStarHi, Mu: e.Mu, Sigma: e.Sigma}
		}
		f, err := plots.Tornado(id+": "+r.labels[o], r.units[o], rows, plots.Options{Caption: caption})
		if err != nil {
			return err
		}
		if err := plots.Save(f, figs, "tornado_"+strings.ToLower(id)); err != nil {
			return fmt.Errorf("%s: %w", out, err)
		}
	}
	// Swap: the earlier output (checked by checkSensOut) goes aside, the new
	// one takes its name, the earlier one is removed.
	var old string
	if _, err := os.Stat(out); err == nil {
		if err := checkSensOut(out); err != nil {
			return err
		}
		old = tmp + ".old"
		if err := os.Rename(out, old); err != nil {
			return fmt.Errorf("cannot replace %s: %w", out, err)
		}
	}
	if err := os.Rename(tmp, out); err != nil {
		if old != "" {
			os.Rename(old, out)
		}
		return fmt.Errorf("cannot write %s: %w", out, err)
	}
	ok = true
	if old != "" {
		os.RemoveAll(old)
	}
	return nil
}

// writeSynced writes a file and syncs it.
func writeSynced(path string, data []byte) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	return nil
}

// checkSensOut reports whether out may be written: absent, an empty
// directory, or an earlier sensitivity output (it has sensitivity.csv).
func checkSensOut(out string) error {
	fi, err := os.Stat(out)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s exists and is not a directory", out)
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		return err
	}
	if len(entries) == 0 {
		return nil
	}
	if _, err := os.Stat(filepath.Join(out, "sensitivity.csv")); err == nil {
		return nil
	}
	return fmt.Errorf("%s is not empty and not a sensitivity output: refusing to replace it (choose another -out)", out)
}

// print prints the top parameters of every output.
func (r *sensResult) print(w io.Writer) {
	const top = 5
	fmt.Fprintf(w, "%s: Morris screening of %d parameters, r = %d, p = %d, %s per point, seed %d\n",
		r.base.Name, len(r.params), len(r.design.Trajectories), r.design.Levels, plural(r.reps, "replicate"), r.seed)
	fmt.Fprintln(w, "Effects per full range of the parameter; mu* = mean |EE| (95 % bootstrap interval), sign of mu: + rises, - falls, ± mixed.")
	for o, id := range r.outputs {
		fmt.Fprintf(w, "\n%s  %s [%s]\n", id, r.labels[o], r.units[o])
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "rank\tparameter\tmu*\t95% interval\tmu\tsigma\t")
		for rank, i := range sensitivity.Ranking(r.effects[o]) {
			if rank == top {
				break
			}
			e := r.effects[o][i]
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s .. %s\t%s\t%s\t\n", rank+1, r.params[i].Key,
				sensFmt(e.MuStar, r.units[o]), sensFmt(e.MuStarLo, r.units[o]), sensFmt(e.MuStarHi, r.units[o]),
				sensFmt(e.Mu, r.units[o]), sensFmt(e.Sigma, r.units[o]))
		}
		tw.Flush()
	}
}

// sensFmt formats an effect in its output's unit: shares in percentage
// points, others as targets.Format does.
func sensFmt(x float64, unit string) string {
	switch {
	case math.IsNaN(x):
		return "n/a"
	case unit == targets.Share:
		return strconv.FormatFloat(100*x, 'f', 3, 64) + " pp"
	}
	return targets.Format(x, unit)
}
