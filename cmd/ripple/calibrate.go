package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ripple-sim/ripple/configs"
	"github.com/ripple-sim/ripple/sim/calibrate"
	"github.com/ripple-sim/ripple/targets"
)

// Files of a calibration directory.
const (
	calCSV      = "calibration.csv"
	calSettings = "calibration.json"
	calFitted   = "fitted.toml"
	calReport   = "fit-report.txt"
)

// calSetup is what a calibration's evaluations depend on; -resume requires
// the same (calibration.json).
type calSetup struct {
	Scenario       string   `json:"scenario"`
	ScenarioSHA256 string   `json:"scenario_sha256"`
	Params         []string `json:"params"`
	MeanField      bool     `json:"meanfield"`
	Seed           uint64   `json:"seed"`
	Replicates     int      `json:"replicates"`
	Consumers      int      `json:"consumers"`
	FullHorizon    bool     `json:"full_horizon"`
	Margin         float64  `json:"margin"`
}

func cmdCalibrate(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("calibrate")
	h := help{
		usage: "ripple calibrate [flags]",
		about: `Fits free parameters of MODEL.md §8 to the calibration targets CT-1..CT-10
(the embedded kr_coupang_2025 targets) by the simulated method of moments,
starting from the scenario's own values. Every point runs the same seed and
replicates (common random numbers; effects are shock - twin per replicate),
so the objective is a deterministic function of the parameters:

  objective = sum over computed targets of w * d^2,  w: high 4, medium 2, low 1
  d: point target (mean - value)/tol; band: 0 inside, else distance to the
  nearest edge / band width; upper/lower: distance past the bound / |bound|;
  sign target: 0 if it holds, else 1; +1 if a side condition fails.
  With -margin M (default 0.1) bands are narrowed by M of their width at
  each edge and one-sided bounds moved inward by M of their value, so the
  fit aims inside the targets with room for noise; pass/fail does not.

Targets a point's run cannot compute are left out and listed: CT-8 unless
-full-horizon (its window ends 180 days after the disclosure), CT-9 (it needs
each replicate without the follow-up breach too: check it with 'ripple sweep
follow_up'), and CT-5 with -meanfield. The search is Nelder-Mead (gonum/optimize) on coordinates
in which each parameter spans [0, 1] of its range (of its log for log-scale
parameters), reflected at the edges so every point is inside its range; it
restarts from the best point with a halved simplex when it converges.
Points that fail validation get a large objective. Each point is simulated
up to the targets' fit window end (2026-02-28) unless -full-horizon.

Writes into DIR (-out): calibration.csv (one line per evaluation, written
and synced as it finishes: parameter values, the objective, each target's
simulated mean), calibration.json (the settings), fitted.toml (the best
point as a complete scenario: 'ripple run -scenario DIR/fitted.toml') and
fit-report.txt (each target: band, simulated mean and 95% interval, pass or
fail). Ctrl-C drops the evaluation in flight, keeps every finished one in
calibration.csv, writes fitted.toml and the report of the best point so far
and exits 130.

-resume continues a calibration in DIR: it reads calibration.csv, checks
that the settings are the same, and restarts the search from the best point
so far; -evals is the total budget, earlier evaluations included. To start
a new calibration from an earlier result (say, agents after a mean-field
stage), use -scenario DIR/fitted.toml with another -out.`,
		example: "ripple calibrate -meanfield -evals 300 -out cal-mf && ripple calibrate -scenario cal-mf/fitted.toml -out cal",
	}
	scen := addScenarioFlags(fs, "start from")
	params := fs.String("params", strings.Join(calibrate.DefaultKeys, ","), "comma-separated free parameters `KEYS` to fit (\"main\": the 17 of MODEL.md §8's\nmain list, \"all\": every free parameter)")
	seed := fs.Uint64("seed", 1, "master random seed `N`, the same for every point (common random numbers)")
	reps := fs.Int("replicates", 4, "replicates `N` per point, each a shock run and its twin")
	consumers := fs.Int("consumers", 30000, "consumer agents `N` while fitting (the real number of users is kept; fitted.toml keeps\nthe scenario's own); December MoM noise needs >= 100000 for a final check")
	evals := fs.Int("evals", 200, "evaluation budget `N` (with -resume: in all, earlier evaluations included)")
	step := fs.Float64("step", 0.15, "initial Nelder-Mead simplex size `S`, as a fraction of each parameter's range")
	workers := fs.Int("workers", runtime.NumCPU(), "goroutines `N` in all; results do not depend on it")
	out := fs.String("out", "ripple-calibration", "output directory `DIR`")
	meanField := fs.Bool("meanfield", false, "compute the objective on the deterministic mean field (about 0.5 s a point; CT-5\nnot computed); -seed, -replicates and -consumers do not apply")
	margin := fs.Float64("margin", 0.1, "aim inside the targets: bands lose `M` of their width at each edge and one-sided\nbounds move inward by M of their value in the objective (pass/fail uses the real targets)")
	fullHorizon := fs.Bool("full-horizon", false, "simulate every point to the scenario's end, not just to the fit window end")
	resume := fs.Bool("resume", false, "continue the calibration in DIR from its best point (same settings)")
	quiet := fs.Bool("quiet", false, "show no progress")
	if ok, code := parse(fs, h, args, stdout, stderr); !ok {
		return code
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	switch {
	case fs.NArg() > 0:
		return usageErr(stderr, "calibrate", fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
	case scen.problem(set) != "":
		return usageErr(stderr, "calibrate", scen.problem(set))
	case *reps < 1:
		return usageErr(stderr, "calibrate", fmt.Sprintf("-replicates must be at least 1 (got %d)", *reps))
	case *consumers < 1:
		return usageErr(stderr, "calibrate", fmt.Sprintf("-consumers must be at least 1 (got %d)", *consumers))
	case *evals < 1:
		return usageErr(stderr, "calibrate", fmt.Sprintf("-evals must be at least 1 (got %d)", *evals))
	case !(*step > 0 && *step <= 1):
		return usageErr(stderr, "calibrate", fmt.Sprintf("-step must be in (0, 1] (got %g)", *step))
	case !(*margin >= 0 && *margin < 0.5):
		return usageErr(stderr, "calibrate", fmt.Sprintf("-margin must be in [0, 0.5) (got %g)", *margin))
	case *workers < 1:
		return usageErr(stderr, "calibrate", fmt.Sprintf("-workers must be at least 1 (got %d)", *workers))
	case *out == "":
		return usageErr(stderr, "calibrate", "-out needs a directory name")
	case *meanField && (set["seed"] || set["replicates"] || set["consumers"]):
		return usageErr(stderr, "calibrate", "-seed, -replicates and -consumers do not apply with -meanfield")
	}
	var keys []string
	switch strings.TrimSpace(*params) {
	case "main":
		keys = calibrate.FreeKeys()[:configs.FreeParamsMain]
	case "all":
		keys = calibrate.FreeKeys()
	default:
		for _, k := range strings.Split(*params, ",") {
			if k = strings.TrimSpace(k); k != "" {
				keys = append(keys, k)
			}
		}
	}
	space, err := calibrate.NewSpace(keys)
	if err != nil {
		return usageErr(stderr, "calibrate", "-params: "+err.Error())
	}
	sc, ok, code := scen.load("calibrate", stderr)
	if !ok {
		return code
	}
	baseTOML, err := configs.Encode(sc)
	if err != nil {
		return fail(stderr, "ripple calibrate: cannot encode the scenario", err)
	}
	sum := sha256.Sum256(baseTOML)
	setup := calSetup{Scenario: sc.Name, ScenarioSHA256: hex.EncodeToString(sum[:]), Params: space.Keys(),
		MeanField: *meanField, Seed: *seed, Replicates: *reps, Consumers: *consumers, FullHorizon: *fullHorizon, Margin: *margin}
	if *meanField {
		setup.Seed, setup.Replicates, setup.Consumers = 0, 1, 0
	}
	prob := &calibrate.Problem{Base: sc, Space: space, Targets: targets.Default(), Seed: setup.Seed,
		Replicates: setup.Replicates, Consumers: setup.Consumers, Workers: *workers, MeanField: *meanField,
		FullHorizon: *fullHorizon, Margin: *margin}

	// The directory and the record.
	csvPath := filepath.Join(*out, calCSV)
	var previous []calibrate.Eval
	if *resume {
		prev, err := readSetup(filepath.Join(*out, calSettings))
		if err != nil {
			return fail(stderr, "ripple calibrate", fmt.Errorf("cannot resume: %w", err))
		}
		if diff := setupDiff(prev, setup); diff != "" {
			return fail(stderr, "ripple calibrate", fmt.Errorf("cannot resume %s: it was run with %s; run with the same flags, or start anew with another -out", *out, diff))
		}
		if previous, err = readEvals(csvPath, space.Keys()); err != nil {
			return fail(stderr, "ripple calibrate", fmt.Errorf("cannot resume: %w", err))
		}
	} else {
		if _, err := os.Stat(csvPath); err == nil {
			return usageErr(stderr, "calibrate", fmt.Sprintf("%s already holds a calibration: add -resume to continue it, or choose another -out", *out))
		}
		if err := os.MkdirAll(*out, 0o755); err != nil {
			return fail(stderr, "ripple calibrate", err)
		}
		b, _ := json.MarshalIndent(setup, "", "  ")
		if err := writeFileAtomic(filepath.Join(*out, calSettings), append(b, '\n')); err != nil {
			return fail(stderr, "ripple calibrate", err)
		}
	}
	ids := targetIDs(prob)
	rec, err := openRecord(csvPath, space.Keys(), ids, len(previous) == 0 && !*resume)
	if err != nil {
		return fail(stderr, "ripple calibrate", err)
	}
	defer rec.close()

	if !*quiet {
		what := fmt.Sprintf("%s of %d consumer agents, seed %d", plural(setup.Replicates, "replicate"), setup.Consumers, setup.Seed)
		if *meanField {
			what = "the mean field"
		}
		fmt.Fprintf(stderr, "ripple calibrate: %s, %d parameters (%s), %s per point, budget %d evaluations",
			sc.Name, space.Dim(), strings.Join(space.Keys(), ", "), what, *evals)
		if len(previous) > 0 {
			fmt.Fprintf(stderr, ", %d already in %s", len(previous), csvPath)
		}
		fmt.Fprintln(stderr)
	}
	ctx, stop := newContext()
	defer stop()
	started := time.Now()
	newEvals := 0
	budget := *evals - len(previous)
	best, err := calibrate.Search(ctx, prob, calibrate.Options{MaxEvals: max(0, budget), Step: *step, Previous: previous,
		OnEval: func(e, best calibrate.Eval) error {
			newEvals++
			if err := rec.write(e, ids); err != nil {
				return err
			}
			if !*quiet {
				el := time.Since(started)
				line := fmt.Sprintf("ripple calibrate: %d/%d objective %s (best %s, #%d) in %s", e.N, *evals, objText(e.Objective), objText(best.Objective), best.N, seconds(e.Wall))
				if rest := budget - newEvals; rest > 0 {
					line += ", at most ~" + seconds(el/time.Duration(newEvals)*time.Duration(rest)) + " left"
				}
				if e.Err != "" {
					line += ": invalid: " + e.Err
				}
				fmt.Fprintln(stderr, line)
			}
			return nil
		}})
	interrupted := errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
	if err != nil && !interrupted {
		if best.Values == nil {
			return fail(stderr, "ripple calibrate", err)
		}
		fmt.Fprintf(stderr, "ripple calibrate: search stopped: %s\n", oneLine(err.Error()))
	}
	if best.Values == nil {
		if interrupted {
			fmt.Fprintf(stderr, "ripple calibrate: interrupted before the first evaluation finished; nothing was kept\n")
			return 130
		}
		return fail(stderr, "ripple calibrate", errors.New("nothing was evaluated"))
	}
	if best.Checks == nil && best.Err == "" && !interrupted {
		// the best point came from calibration.csv: simulate it again for its intervals
		if e, err := prob.Evaluate(ctx, best.Values); err == nil {
			e.N = best.N
			best = e
		}
	}
	if code := writeFit(stdout, stderr, *out, prob, &setup, best, *evals, len(previous)+newEvals, time.Since(started)); code != 0 {
		return code
	}
	if interrupted {
		fmt.Fprintf(stderr, "ripple calibrate: interrupted; %d evaluations kept in %s; run the same command with -resume to continue from the best point\n", len(previous)+newEvals, csvPath)
		return 130
	}
	if err != nil {
		return 1
	}
	return 0
}

// targetIDs are the targets in the record's columns.
func targetIDs(p *calibrate.Problem) []string {
	ids := make([]string, len(p.Targets.Targets))
	for i, t := range p.Targets.Targets {
		ids[i] = t.ID
	}
	return ids
}

func objText(x float64) string {
	if x >= calibrate.Invalid {
		return "invalid"
	}
	return strconv.FormatFloat(x, 'f', 4, 64)
}

// writeFit writes fitted.toml and fit-report.txt and prints the report.
func writeFit(stdout, stderr io.Writer, out string, p *calibrate.Problem, setup *calSetup, best calibrate.Eval, budget, total int, wall time.Duration) int {
	sc, err := p.Scenario(best.Values)
	if err != nil {
		return fail(stderr, "ripple calibrate: the best point", err)
	}
	var kept []string // an earlier stage's "Fitted by" line is replaced
	for _, l := range strings.Split(strings.TrimSpace(sc.Description), "\n") {
		if l != "" && !strings.HasPrefix(l, "Fitted by ripple calibrate") {
			kept = append(kept, l)
		}
	}
	desc := strings.Join(kept, "\n")
	if desc != "" {
		desc += "\n"
	}
	sc.Description = desc + fmt.Sprintf("Fitted by ripple calibrate (evaluation %d of %d, objective %s): %s.",
		best.N, total, objText(best.Objective), strings.Join(p.Space.Keys(), ", "))
	b, err := configs.Encode(sc)
	if err != nil {
		return fail(stderr, "ripple calibrate: cannot encode the fitted scenario", err)
	}
	if err := writeFileAtomic(filepath.Join(out, calFitted), b); err != nil {
		return fail(stderr, "ripple calibrate", err)
	}
	var rep bytes.Buffer
	fitReport(&rep, p, setup, best, budget, total, wall)
	if err := writeFileAtomic(filepath.Join(out, calReport), rep.Bytes()); err != nil {
		return fail(stderr, "ripple calibrate", err)
	}
	stdout.Write(rep.Bytes())
	fmt.Fprintf(stdout, "\nWrote %s, %s, %s and %s to %s/.\n", calCSV, calSettings, calFitted, calReport, strings.TrimSuffix(out, "/"))
	return 0
}

// fitReport describes the best point: its parameters and each target.
func fitReport(w io.Writer, p *calibrate.Problem, setup *calSetup, best calibrate.Eval, budget, total int, wall time.Duration) {
	what := fmt.Sprintf("%s of %d consumer agents, seed %d (common random numbers)", plural(setup.Replicates, "replicate"), setup.Consumers, setup.Seed)
	if setup.MeanField {
		what = "the deterministic mean field"
	}
	fmt.Fprintf(w, "Calibration of %s against the targets CT-1..CT-10 (MODEL.md §8)\n", setup.Scenario)
	fmt.Fprintf(w, "Best of %d evaluations (budget %d; %s this session): evaluation %d, objective %s\n", total, budget, seconds(wall), best.N, objText(best.Objective))
	fmt.Fprintf(w, "Each point: %s", what)
	if !p.FullHorizon && !p.Targets.FitWindowEnd.IsZero() {
		fmt.Fprintf(w, ", simulated to %s", p.Targets.FitWindowEnd.Format("2006-01-02"))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "\nParameters (start: the scenario's value):")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for i, fp := range p.Space.Params {
		start, _ := configs.Get(&p.Base, fp.Key)
		scale := ""
		if fp.Log {
			scale = ", log"
		}
		fmt.Fprintf(tw, "  %s = %s\t(start %s; range [%s, %s]%s)\n", fp.Key, fmtParam(best.Values[i]), fmtParam(start), fmtParam(fp.Lo), fmtParam(fp.Hi), scale)
	}
	tw.Flush()
	if best.Err != "" {
		fmt.Fprintf(w, "\nThe best point is invalid: %s\n", best.Err)
		return
	}
	if best.Checks == nil {
		fmt.Fprintln(w, "\n(the targets of the best point were not recomputed)")
		return
	}
	fmt.Fprintln(w, "\nTargets (pass: the mean meets the target; the 95% interval is shown, not tested):")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "id\tweight\tstatistic\ttarget\tsimulated mean [95% CI]\tstatus\td\tw*d^2")
	defer func() {
		if p.Margin > 0 {
			fmt.Fprintf(w, "  d and w*d^2: the objective's, with bands narrowed by %g of their width at each edge (-margin).\n", p.Margin)
		}
	}()
	counts := map[string]int{}
	for i, c := range best.Checks {
		status := c.Status
		if c.Flagged {
			status += " (flagged)"
		}
		counts[c.Status]++
		d, v := "-", "-"
		if i < len(best.Terms) && best.Terms[i].Counted {
			d, v = strconv.FormatFloat(best.Terms[i].Distance, 'f', 3, 64), strconv.FormatFloat(best.Terms[i].Value(), 'f', 3, 64)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.ID, c.Weight, c.Label, c.Target, meanCI(c), status, d, v)
	}
	tw.Flush()
	fmt.Fprintf(w, "\n%d pass, %d fail, %d not computed (left out of the objective).\n", counts[targets.Pass], counts[targets.Fail], counts[targets.NotComputed])
	fmt.Fprintln(w, "\nNotes:")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, c := range best.Checks {
		if c.Note != "" {
			fmt.Fprintf(tw, "  %s\t%s\n", c.ID, c.Note)
		}
	}
	tw.Flush()
}

func fmtParam(x float64) string { return strconv.FormatFloat(x, 'g', 6, 64) }

// ---- calibration.csv ----

// record appends evaluations to calibration.csv, one synced line each.
type record struct{ f *os.File }

func csvHeader(keys, ids []string) []string {
	h := []string{"eval", "objective", "wall_s"}
	h = append(h, keys...)
	for _, id := range ids {
		h = append(h, id+"_mean")
	}
	return append(h, "error")
}

// openRecord opens calibration.csv for appending; fresh writes the header.
func openRecord(path string, keys, ids []string, fresh bool) (*record, error) {
	flags := os.O_WRONLY | os.O_CREATE | os.O_APPEND
	if fresh {
		flags |= os.O_EXCL
	}
	f, err := os.OpenFile(path, flags, 0o644)
	if err != nil {
		return nil, err
	}
	r := &record{f: f}
	if fresh {
		if err := r.line(csvHeader(keys, ids)); err != nil {
			f.Close()
			return nil, err
		}
	}
	return r, nil
}

func (r *record) line(fields []string) error {
	var b bytes.Buffer
	cw := csv.NewWriter(&b)
	cw.Write(fields)
	cw.Flush()
	if _, err := r.f.Write(b.Bytes()); err != nil {
		return fmt.Errorf("%s: %w", r.f.Name(), err)
	}
	if err := r.f.Sync(); err != nil {
		return fmt.Errorf("%s: %w", r.f.Name(), err)
	}
	return nil
}

func (r *record) write(e calibrate.Eval, ids []string) error {
	g := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	fields := []string{strconv.Itoa(e.N), g(e.Objective), strconv.FormatFloat(e.Wall.Seconds(), 'f', 3, 64)}
	for _, v := range e.Values {
		fields = append(fields, g(v))
	}
	means := map[string]float64{}
	for _, c := range e.Checks {
		means[c.ID] = c.Mean
	}
	for _, id := range ids {
		m, ok := means[id]
		if !ok || math.IsNaN(m) {
			fields = append(fields, "")
		} else {
			fields = append(fields, g(m))
		}
	}
	return r.line(append(fields, e.Err))
}

func (r *record) close() { r.f.Close() }

// readEvals reads calibration.csv: a last line cut short by a crash is
// dropped (and cut from the file, so that appending continues cleanly).
func readEvals(path string, keys []string) ([]calibrate.Eval, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if i := bytes.LastIndexByte(data, '\n'); i+1 != len(data) {
		data = data[:i+1]
		if err := os.Truncate(path, int64(len(data))); err != nil {
			return nil, err
		}
	}
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s is empty", path)
	}
	head := rows[0]
	if len(head) < 3+len(keys) || strings.Join(head[3:3+len(keys)], ",") != strings.Join(keys, ",") {
		return nil, fmt.Errorf("%s: its parameter columns are not %s", path, strings.Join(keys, ","))
	}
	var evals []calibrate.Eval
	for i, row := range rows[1:] {
		e := calibrate.Eval{Values: make([]float64, len(keys))}
		bad := func(err error) error { return fmt.Errorf("%s:%d: %v", path, i+2, err) }
		if e.N, err = strconv.Atoi(row[0]); err != nil {
			return nil, bad(err)
		}
		if e.Objective, err = strconv.ParseFloat(row[1], 64); err != nil {
			return nil, bad(err)
		}
		for k := range keys {
			if e.Values[k], err = strconv.ParseFloat(row[3+k], 64); err != nil {
				return nil, bad(err)
			}
		}
		e.Err = row[len(row)-1]
		e.Cached = true
		evals = append(evals, e)
	}
	return evals, nil
}

func readSetup(path string) (calSetup, error) {
	var s calSetup
	b, err := os.ReadFile(path)
	if err != nil {
		return s, err
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return s, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// setupDiff names the settings in which two setups differ.
func setupDiff(was, now calSetup) string {
	var d []string
	if was.ScenarioSHA256 != now.ScenarioSHA256 {
		d = append(d, "another scenario")
	}
	if strings.Join(was.Params, ",") != strings.Join(now.Params, ",") {
		d = append(d, "-params "+strings.Join(was.Params, ","))
	}
	if was.MeanField != now.MeanField {
		d = append(d, fmt.Sprintf("-meanfield=%v", was.MeanField))
	}
	if was.Seed != now.Seed {
		d = append(d, fmt.Sprintf("-seed %d", was.Seed))
	}
	if was.Replicates != now.Replicates {
		d = append(d, fmt.Sprintf("-replicates %d", was.Replicates))
	}
	if was.Consumers != now.Consumers {
		d = append(d, fmt.Sprintf("-consumers %d", was.Consumers))
	}
	if was.Margin != now.Margin {
		d = append(d, fmt.Sprintf("-margin %g", was.Margin))
	}
	if was.FullHorizon != now.FullHorizon {
		d = append(d, fmt.Sprintf("-full-horizon=%v", was.FullHorizon))
	}
	return strings.Join(d, ", ")
}

// writeFileAtomic writes a file through a synced temporary file and a
// rename.
func writeFileAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}
