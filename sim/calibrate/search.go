package calibrate

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"gonum.org/v1/gonum/optimize"

	"github.com/ripple-sim/ripple/configs"
	"github.com/ripple-sim/ripple/sim"
	"github.com/ripple-sim/ripple/sim/meanfield"
	"github.com/ripple-sim/ripple/targets"
)

// Problem is what is fitted and how each point is simulated.
type Problem struct {
	Base    sim.Scenario // the scenario whose free parameters are fitted (everything else stays)
	Space   Space
	Targets targets.Set

	// Agents: Replicates replicates (shock and twin each) of Consumers
	// consumer agents (0: the scenario's) from Seed, on Workers goroutines.
	// The same seed and replicates at every point: common random numbers.
	Seed       uint64
	Replicates int
	Consumers  int
	Workers    int

	// MeanField computes the objective on the deterministic mean field
	// instead of the agents (one "replicate"; CT-5 is not computed).
	MeanField bool

	// FullHorizon simulates to the scenario's end. Otherwise each point is
	// simulated to the targets' fit window end (Targets.FitWindowEnd) when
	// that is earlier: the model is causal, so the statistics, all dated up
	// to that day, are the same, at a third of the cost for the preset.
	FullHorizon bool

	// Margin tightens band and one-sided targets in the objective (see
	// DistanceMargin), so that the fit lands inside them with room to
	// spare; 0 fits the targets as they are.
	Margin float64
}

// Eval is one evaluated point.
type Eval struct {
	N         int       // 1-based number of the evaluation
	Values    []float64 // parameter values, in Space order
	Objective float64
	Checks    []targets.Check // nil for an invalid point
	Terms     []Term
	Err       string // why the point is invalid, or ""
	Wall      time.Duration
	Cached    bool // taken from an earlier evaluation of the same values (resume)
}

// Scenario returns the base scenario with the values set and validated.
func (p *Problem) Scenario(values []float64) (sim.Scenario, error) {
	sc := p.Base
	if len(values) != p.Space.Dim() {
		return sc, fmt.Errorf("%d values for %d parameters", len(values), p.Space.Dim())
	}
	for i, k := range p.Space.Keys() {
		if err := configs.Set(&sc, k, values[i]); err != nil {
			return sc, err
		}
	}
	if err := configs.Validate(sc); err != nil {
		return sc, err
	}
	return sc, nil
}

// simScenario is the scenario as simulated: the population and horizon of
// the problem.
func (p *Problem) simScenario(sc sim.Scenario) sim.Scenario {
	if p.Consumers > 0 {
		sc.Population.Consumers = p.Consumers
	}
	if end := p.Targets.FitWindowEnd; !p.FullHorizon && !end.IsZero() && end.Before(sc.End) && end.After(sc.Disclosure) {
		sc.End = end
	}
	return sc
}

// Evaluate simulates a point and computes its objective. An invalid point
// (validation or the run fails) gives an Eval with Objective Invalid and
// Err set, not an error; the error is for a cancelled context only.
func (p *Problem) Evaluate(ctx context.Context, values []float64) (Eval, error) {
	start := time.Now()
	e := Eval{Values: append([]float64(nil), values...)}
	invalid := func(err error) (Eval, error) {
		if ctx.Err() != nil {
			return e, ctx.Err()
		}
		e.Objective, e.Err, e.Wall = Invalid, oneLine(err.Error()), time.Since(start)
		return e, nil
	}
	sc, err := p.Scenario(values)
	if err != nil {
		return invalid(err)
	}
	run := p.simScenario(sc)
	acc := p.Targets.NewAccumulator(&run)
	if p.MeanField {
		r, err := runMeanField(run)
		if err != nil {
			return invalid(err)
		}
		acc.Add(&r)
	} else {
		d := sim.SingleDesign(run, "case", p.Seed, max(1, p.Replicates))
		results := make([]sim.Result, d.Replicates)
		err := sim.RunUnits(ctx, &d, d.Units(), p.Workers, func(u *sim.UnitResult) error {
			results[u.Replicate] = u.Result(0) // distinct slots: no lock needed
			return nil
		})
		if err != nil {
			return invalid(err)
		}
		for i := range results {
			acc.Add(&results[i])
		}
	}
	e.Checks = acc.Checks()
	e.Objective, e.Terms = ObjectiveMargin(e.Checks, &p.Targets, p.Margin)
	e.Wall = time.Since(start)
	return e, nil
}

// runMeanField runs the mean field; a panic is an error (an invalid point).
func runMeanField(sc sim.Scenario) (r sim.Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("mean field: internal error: %v", p)
		}
	}()
	return meanfield.Run(sc)
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(strings.TrimSpace(s), "\n", "; ")), " ")
}

// Options of a search.
type Options struct {
	Start []float64 // start point (values); nil: the base scenario's values
	// MaxEvals is the budget of new evaluations (cached ones, see Previous,
	// do not count); at least 1.
	MaxEvals int
	// Step is the initial simplex size in coordinates (fractions of each
	// range); 0 means 0.15. When a Nelder-Mead run converges before the
	// budget is spent, the search restarts from the best point with half
	// the step, until the step is below 0.01.
	Step float64
	// Previous are earlier evaluations (a resumed search): a point whose
	// values equal one of them exactly is not simulated again.
	Previous []Eval
	// OnEval is called after each new evaluation, in order; an error stops
	// the search and is returned.
	OnEval func(e Eval, best Eval) error
}

// Search minimises the objective from the start point with Nelder-Mead and
// returns the best evaluation (among Previous too). On a cancelled context
// it returns the best so far and the context's error.
func Search(ctx context.Context, p *Problem, o Options) (Eval, error) {
	start := o.Start
	if start == nil {
		start = make([]float64, p.Space.Dim())
		for i, k := range p.Space.Keys() {
			v, err := configs.Get(&p.Base, k)
			if err != nil {
				return Eval{}, err
			}
			start[i] = v
		}
	}
	if len(start) != p.Space.Dim() {
		return Eval{}, fmt.Errorf("start point has %d values for %d parameters", len(start), p.Space.Dim())
	}
	step := o.Step
	if step <= 0 {
		step = 0.15
	}
	cache := map[string]Eval{}
	best := Eval{Objective: math.Inf(1)}
	n := 0
	for _, e := range o.Previous {
		cache[key(e.Values)] = e
		n = max(n, e.N)
		if e.Objective < best.Objective {
			best = e
		}
	}
	spent := 0
	var stopErr error
	// exact maps coordinates that the search got from Coords back to the
	// values they came from, so that a start point is the very same values.
	exact := map[string][]float64{}
	evaluate := func(z []float64) float64 {
		if stopErr != nil {
			return Invalid
		}
		v, ok := exact[key(z)]
		if !ok {
			v = p.Space.Values(z)
		}
		if e, ok := cache[key(v)]; ok {
			return e.Objective
		}
		if spent >= o.MaxEvals {
			stopErr = errBudget
			return Invalid
		}
		e, err := p.Evaluate(ctx, v)
		if err != nil {
			stopErr = err
			return Invalid
		}
		spent++
		n++
		e.N = n
		cache[key(v)] = e
		if e.Objective < best.Objective {
			best = e
		}
		if o.OnEval != nil {
			if err := o.OnEval(e, best); err != nil {
				stopErr = err
			}
		}
		return e.Objective
	}
	from := start
	if best.Values != nil && best.Objective < Invalid {
		from = best.Values // resume: restart from the best point so far
	}
	for step >= 0.01 && stopErr == nil && spent < o.MaxEvals {
		before := best.Objective
		z0 := p.Space.Coords(from)
		exact[key(z0)] = from
		_, err := optimize.Minimize(optimize.Problem{Func: evaluate}, z0, &optimize.Settings{
			Converger: &optimize.FunctionConverge{Absolute: 1e-6, Relative: 1e-6, Iterations: 4 * len(z0)},
			Recorder:  stopper{&stopErr},
		}, &optimize.NelderMead{SimplexSize: step})
		if stopErr == nil && err != nil && !errors.Is(err, errStopped) {
			return best, err
		}
		if best.Values != nil {
			from = best.Values
		}
		if !(best.Objective < before) {
			step /= 2
		}
		if best.Objective == 0 {
			break
		}
	}
	if best.Values == nil {
		if stopErr != nil && !errors.Is(stopErr, errBudget) {
			return best, stopErr
		}
		return best, fmt.Errorf("nothing was evaluated")
	}
	if errors.Is(stopErr, errBudget) {
		stopErr = nil
	}
	return best, stopErr
}

var (
	errBudget  = errors.New("evaluation budget spent")
	errStopped = errors.New("stopped")
)

// stopper ends a Minimize as soon as the search must stop.
type stopper struct{ err *error }

func (stopper) Init() error { return nil }
func (s stopper) Record(*optimize.Location, optimize.Operation, *optimize.Stats) error {
	if *s.err != nil {
		return errStopped
	}
	return nil
}

// key identifies a point by its exact values.
func key(v []float64) string {
	var b strings.Builder
	for _, x := range v {
		b.WriteString(strconv.FormatFloat(x, 'g', -1, 64))
		b.WriteByte(',')
	}
	return b.String()
}
