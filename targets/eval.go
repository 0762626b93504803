package targets

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"time"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/ripple-sim/ripple/agents"
	"github.com/ripple-sim/ripple/sim"
	"github.com/ripple-sim/ripple/sim/output"
)

// Statuses of a Check.
const (
	Pass        = "pass"
	Fail        = "fail"
	NotComputed = "not computed"
)

// Check is a target evaluated on a batch.
type Check struct {
	ID        string
	Label     string // short name of the statistic
	Statistic string // the target's statistic, in words
	Target    string // the target, in words (Target.Text, shorter for some sign targets)
	Weight    string // High, Medium or Low
	Unit      string // of Mean, Lo and Hi: Share, Ratio, People or KRW (see Format)
	N         int    // replicates the statistic was computed on
	// Mean across replicates and its 95 % interval, mean ± t(0.975, N−1)·se;
	// NaN when not computed (Lo and Hi also when N < 2).
	Mean, Lo, Hi float64
	Status       string // Pass, Fail or NotComputed
	Flagged      bool   // the mean is above the target's flag_above: check it, do not reject
	Note         string // further parts of the statistic, or why it was not computed
}

// HighFailed reports whether a high-weight check failed.
func HighFailed(checks []Check) bool {
	for _, c := range checks {
		if c.Weight == High && c.Status == Fail {
			return true
		}
	}
	return false
}

// Evaluate evaluates the embedded kr_coupang_2025 targets (Default) on a
// batch; see Set.Evaluate.
func Evaluate(results []sim.Result, sc *sim.Scenario) []Check {
	s := Default()
	return s.Evaluate(results, sc)
}

// Evaluate computes every target's statistic per replicate from the shock
// and twin tables, describes it across replicates (output.Describe: mean and
// 95 % Student-t interval) and passes a target when the mean meets it; the
// interval is reported, not tested. sc gives the disclosure date, the
// merchant base window, the VTO windows and the merchant dependence
// distribution; nil means sim.DefaultScenario() (MODEL.md's values). The
// dates of a statistic are those written in its Statistic text (YYYY-MM
// months, YYYY-MM-DD days, Qn-YYYY quarters), else MODEL.md §8's. Targets
// whose inputs the outputs lack, or whose id has no statistic here, are
// NotComputed with the reason in Note; the reason is the first failing
// replicate's. Evaluate feeds the results, in order, to an Accumulator.
func (s *Set) Evaluate(results []sim.Result, sc *sim.Scenario) []Check {
	a := s.NewAccumulator(sc)
	for i := range results {
		a.Add(&results[i])
	}
	return a.Checks()
}

// Accumulator computes the calibration statistics of replicates fed one at a
// time, for batches too large to hold: Add takes from a replicate's tables
// the few numbers each statistic needs and keeps no reference to the tables;
// Checks describes and judges them as Set.Evaluate does. An Accumulator keeps
// each statistic's per-replicate values (at most three float64 per target and
// replicate, about 110 bytes a replicate for the default targets), because
// output.Describe's mean and interval are computed from the sorted values
// and a running sum would differ from Evaluate in the last bits. It is not
// safe for concurrent use: feed it from one goroutine.
type Accumulator struct {
	targets []Target
	checks  []Check  // prepared by the evaluators: label, unit, target; skipped when the scenario rules a statistic out
	tallies []*tally // nil when there is nothing to accumulate
	n       int      // replicates added
	env     *env
}

// NewAccumulator returns an Accumulator of the embedded kr_coupang_2025
// targets (Default); see Set.NewAccumulator.
func NewAccumulator(sc *sim.Scenario) *Accumulator {
	s := Default()
	return s.NewAccumulator(sc)
}

// NewAccumulator returns an empty Accumulator of the set's targets; sc is as
// in Set.Evaluate. Later changes to s do not affect it.
func (s *Set) NewAccumulator(sc *sim.Scenario) *Accumulator {
	e := newEnv(sc)
	a := &Accumulator{targets: slices.Clone(s.Targets), env: &e}
	a.checks = make([]Check, len(a.targets))
	a.tallies = make([]*tally, len(a.targets))
	for i := range a.targets {
		t := &a.targets[i]
		a.checks[i] = Check{ID: t.ID, Label: t.Statistic, Statistic: t.Statistic, Weight: t.Weight, Unit: Ratio,
			Mean: math.NaN(), Lo: math.NaN(), Hi: math.NaN()}
		if ev := evaluators[t.ID]; ev != nil {
			a.tallies[i] = ev(&a.checks[i], t, &e)
		}
	}
	return a
}

// Add adds one replicate.
func (a *Accumulator) Add(r *sim.Result) {
	a.n++
	for _, t := range a.tallies {
		if t != nil {
			t.add(r)
		}
	}
}

// AddNoFollowUp adds replicate rep's shock run without the follow-up breach
// (the case with follow_up_breach_accounts = 0, on the same seed), which
// CT-9 compares with the replicate's shock run. Replicates may come in any
// order, before or after their Add.
func (a *Accumulator) AddNoFollowUp(rep int, shock *sim.Tables) {
	e := a.env
	if e.followUp[0].IsZero() || e.noFollowUpErr != nil {
		return
	}
	s, _, err := dailySum(&shock.Daily, "orders", e.followUp[0], e.followUp[1])
	if err != nil {
		e.noFollowUpErr = fmt.Errorf("the run without the follow-up breach: %v", err)
		return
	}
	e.noFollowUp[rep] = s
}

// Checks returns the checks of the replicates added so far, one per target
// in the set's order: what Set.Evaluate returns for the same replicates in
// the same order. It may be called again after more Adds.
func (a *Accumulator) Checks() []Check {
	checks := make([]Check, 0, len(a.targets))
	for i := range a.targets {
		t := &a.targets[i]
		c := a.checks[i]
		switch {
		case evaluators[t.ID] == nil:
			c.skip("no statistic is implemented for this id")
		case a.n == 0:
			c = Check{ID: t.ID, Label: t.Statistic, Statistic: t.Statistic, Weight: t.Weight, Unit: Ratio,
				Mean: math.NaN(), Lo: math.NaN(), Hi: math.NaN()}
			c.skip("no replicates")
		case a.tallies[i] != nil:
			a.tallies[i].check(&c)
		}
		if c.Target == "" {
			c.Target = t.Text(c.Unit)
		}
		checks = append(checks, c)
	}
	return checks
}

// A tally accumulates one target's statistic: each replicate gives one value
// of each series, and finish describes and judges them.
type tally struct {
	series []func(r *sim.Result) (float64, error)
	finish func(c *Check, xs [][]float64)
	xs     [][]float64 // xs[k]: series k's values, by replicate; dropped at the first error
	errs   []error     // the first error of each series
	failed bool
}

func newTally(finish func(c *Check, xs [][]float64), series ...func(r *sim.Result) (float64, error)) *tally {
	return &tally{series: series, finish: finish, xs: make([][]float64, len(series)), errs: make([]error, len(series))}
}

// add computes the series of one replicate. The check reports the first
// error of the first series that has one (Evaluate computed series by
// series), so after an error in series k only the series before k are still
// computed, for their errors.
func (t *tally) add(r *sim.Result) {
	for k, f := range t.series {
		if t.errs[k] != nil {
			return
		}
		x, err := f(r)
		if err != nil {
			t.errs[k], t.failed, t.xs = err, true, nil
			return
		}
		if !t.failed {
			t.xs[k] = append(t.xs[k], x)
		}
	}
}

// check skips c with the first error, or finishes it.
func (t *tally) check(c *Check) {
	for _, err := range t.errs {
		if err != nil {
			c.skip(err.Error())
			return
		}
	}
	t.finish(c, t.xs)
}

// env holds what the statistics take from the scenario.
type env struct {
	d0     time.Time
	base   [2]time.Time
	vto    [][2]time.Time
	depW   [3]float64 // shares of the dependence classes lo, mid, hi
	depDoc string

	// CT-9: the follow-up breach's window (zero when no target needs it) and
	// each replicate's orders over it without the follow-up breach.
	followUp      [2]time.Time
	noFollowUp    map[int]float64
	noFollowUpErr error
}

func newEnv(sc *sim.Scenario) env {
	if sc == nil {
		d := sim.DefaultScenario()
		sc = &d
	}
	return env{d0: sc.Disclosure, base: sc.Windows.MerchantBase, vto: sc.Windows.VTO, noFollowUp: map[int]float64{},
		depW:   depShares(sc.Merchants.DepMean, sc.Merchants.DepSD),
		depDoc: fmt.Sprintf("Beta(mean %g, sd %g)", sc.Merchants.DepMean, sc.Merchants.DepSD)}
}

// An evaluator prepares a target's check (label, unit, target text; skipped
// when the scenario or the outputs rule the statistic out, then it returns
// nil) and returns the tally that computes the statistic per replicate.
type evaluator func(c *Check, t *Target, e *env) *tally

var evaluators = map[string]evaluator{
	"CT-1": ct1, "CT-2": ct2, "CT-3": ct3, "CT-3b": ct3b, "CT-4": ct4, "CT-5": ct5,
	"CT-6": ct6, "CT-7": ct7, "CT-8": ct8, "CT-9": ct9, "CT-10": ct10,
}

// skip marks a check not computed.
func (c *Check) skip(reason string) {
	c.Status, c.Note = NotComputed, reason
}

// describe sets N, Mean, Lo and Hi from per-replicate values.
func (c *Check) describe(xs []float64) output.Stat {
	st := output.Describe(xs)
	c.N, c.Mean, c.Lo, c.Hi = st.N, st.Mean, st.Lo, st.Hi
	return st
}

// judge sets the status.
func (c *Check) judge(ok bool) {
	c.Status = Fail
	if ok {
		c.Status = Pass
	}
}

// note appends a sentence to the note.
func (c *Check) note(format string, args ...any) {
	if c.Note != "" {
		c.Note += "; "
	}
	c.Note += fmt.Sprintf(format, args...)
}

// ---- dates in the statistic text ----

var (
	dateRE    = regexp.MustCompile(`\b(\d{4})-(\d{2})(?:-(\d{2}))?\b`)
	quarterRE = regexp.MustCompile(`\bQ([1-4])-(\d{4})\b`)
)

// monthsIn returns the YYYY-MM months of s, in order (YYYY-MM-DD days are
// not months).
func monthsIn(s string) []time.Time {
	var out []time.Time
	for _, m := range dateRE.FindAllStringSubmatch(s, -1) {
		if m[3] == "" {
			y, _ := strconv.Atoi(m[1])
			mo, _ := strconv.Atoi(m[2])
			if mo >= 1 && mo <= 12 {
				out = append(out, sim.Date(y, time.Month(mo), 1))
			}
		}
	}
	return out
}

// daysIn returns the YYYY-MM-DD dates of s, in order.
func daysIn(s string) []time.Time {
	var out []time.Time
	for _, m := range dateRE.FindAllStringSubmatch(s, -1) {
		if m[3] != "" {
			if d, err := time.Parse("2006-01-02", m[0]); err == nil {
				out = append(out, d)
			}
		}
	}
	return out
}

var (
	rangeRE  = regexp.MustCompile(`\b(\d{4}-\d{2}-\d{2})\.\.(\d{2}-\d{2})\b`)
	offsetRE = regexp.MustCompile(`\bD0(?:\+(\d+))?\.\.D0\+(\d+)\b`)
)

// rangeIn returns the first YYYY-MM-DD..MM-DD range of s (the end in the
// start's year), or def.
func rangeIn(s string, def [2]time.Time) [2]time.Time {
	m := rangeRE.FindStringSubmatch(s)
	if m == nil {
		return def
	}
	a, err1 := time.Parse("2006-01-02", m[1])
	b, err2 := time.Parse("2006-01-02", m[1][:5]+m[2])
	if err1 != nil || err2 != nil || b.Before(a) {
		return def
	}
	return [2]time.Time{a, b}
}

// offsetsIn returns the day offsets of the first D0+a..D0+b range of s (D0
// alone is D0+0), or def.
func offsetsIn(s string, def [2]int) [2]int {
	m := offsetRE.FindStringSubmatch(s)
	if m == nil {
		return def
	}
	a, _ := strconv.Atoi(m[1]) // "" is 0
	b, _ := strconv.Atoi(m[2])
	if b < a {
		return def
	}
	return [2]int{a, b}
}

// quarterIn returns the first day of the first Qn-YYYY quarter of s.
func quarterIn(s string) (time.Time, bool) {
	m := quarterRE.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, false
	}
	q, _ := strconv.Atoi(m[1])
	y, _ := strconv.Atoi(m[2])
	return sim.Date(y, time.Month(3*q-2), 1), true
}

// firstN returns the first n of found, or def when found has fewer.
func firstN(found []time.Time, n int, def ...time.Time) []time.Time {
	if len(found) >= n {
		return found[:n]
	}
	return def
}

func quarterOf(t *Target, def time.Time) time.Time {
	if q, ok := quarterIn(t.Statistic); ok {
		return q
	}
	return def
}

func monthEnd(m time.Time) time.Time { return m.AddDate(0, 1, -1) }

func day(d time.Time) string   { return d.Format("2006-01-02") }
func month(d time.Time) string { return d.Format("2006-01") }

// ---- table access ----

// column returns a metric's series; name names the table in errors.
func column(t *sim.Table, name, metric string) ([]float64, error) {
	if x := t.Col(metric); x != nil {
		return x, nil
	}
	return nil, fmt.Errorf("the %s table has no %s", name, metric)
}

// valueAt returns a metric on a date.
func valueAt(t *sim.Table, name, metric string, date time.Time) (float64, error) {
	x, err := column(t, name, metric)
	if err != nil {
		return 0, err
	}
	for d, dt := range t.Dates {
		if dt.Equal(date) {
			return x[d], nil
		}
	}
	return 0, fmt.Errorf("the %s table has no %s", name, day(date))
}

// dailySum sums a daily metric over from..to (inclusive), which the table
// must cover day by day; it also returns the number of days.
func dailySum(t *sim.Table, metric string, from, to time.Time) (float64, int, error) {
	x, err := column(t, "daily", metric)
	if err != nil {
		return 0, 0, err
	}
	sum, n := 0.0, 0
	for d, dt := range t.Dates {
		if !dt.Before(from) && !dt.After(to) {
			sum += x[d]
			n++
		}
	}
	if want := int(to.Sub(from).Hours()/24) + 1; n != want {
		return 0, 0, fmt.Errorf("the daily table covers %d of the %d days %s..%s", n, want, day(from), day(to))
	}
	return sum, n, nil
}

// ---- statistics per replicate ----

// mauChange is MAU(num)/MAU(den) − 1 of the monthly table (CT-1).
func mauChange(tb *sim.Tables, num, den time.Time) (float64, error) {
	a, err := valueAt(&tb.Monthly, "monthly", "mau", num)
	if err != nil {
		return 0, err
	}
	b, err := valueAt(&tb.Monthly, "monthly", "mau", den)
	if err != nil {
		return 0, err
	}
	return a/b - 1, nil
}

// momRatio is [MAU(m0)/MAU(m1) − 1] / [MAU(m2)/MAU(m3) − 1] with both
// changes (CT-2).
func momRatio(tb *sim.Tables, m [4]time.Time) (ratio, first, second float64, err error) {
	if first, err = mauChange(tb, m[0], m[1]); err != nil {
		return
	}
	if second, err = mauChange(tb, m[2], m[3]); err != nil {
		return
	}
	return first / second, first, second, nil
}

// revQuantiles are the quantiles of the rev_change columns.
var revQuantiles = [7]float64{0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95}

// perishableP10 approximates the P10 of revenue change over all perishable
// merchants in a month (CT-3b). The outputs hold quantiles per class only:
// each perishable dependence class's CDF is interpolated linearly through its
// P5..P95 (and from (−1, 0) up to P5, −1 being an exit; flat at 0.95 above
// P95), the classes are mixed with weights w (their shares among merchants)
// and the mixture's 0.10-quantile is found by bisection. A class without
// merchants (NaN quantiles) is left out.
func perishableP10(tb *sim.Tables, m time.Time, w [3]float64) (float64, error) {
	var qs [][7]float64
	var ws []float64
	for c, class := range []string{"perishable_dep_lo", "perishable_dep_mid", "perishable_dep_hi"} {
		var q [7]float64
		for k, p := range revQuantiles {
			var err error
			metric := fmt.Sprintf("rev_change_p%d_%s", int(math.Round(p*100)), class)
			if q[k], err = valueAt(&tb.Distributions, "distributions", metric, m); err != nil {
				return 0, err
			}
		}
		if math.IsNaN(q[0]) || w[c] <= 0 {
			continue
		}
		qs, ws = append(qs, q), append(ws, w[c])
	}
	if len(qs) == 0 {
		return 0, fmt.Errorf("no perishable merchants in the cohort in %s", month(m))
	}
	return mixtureQuantile(qs, ws, 0.10), nil
}

// classCDF interpolates a class's CDF from its revQuantiles q (see
// perishableP10).
func classCDF(q *[7]float64, x float64) float64 {
	if x < q[0] {
		if x < -1 || q[0] <= -1 {
			return 0
		}
		return revQuantiles[0] * (x + 1) / (q[0] + 1)
	}
	k := 0
	for k+1 < len(q) && q[k+1] <= x {
		k++
	}
	if k == len(q)-1 {
		return revQuantiles[k]
	}
	return revQuantiles[k] + (revQuantiles[k+1]-revQuantiles[k])*(x-q[k])/(q[k+1]-q[k])
}

// mixtureQuantile returns the smallest x at which the w-weighted mixture of
// the classes' CDFs reaches p.
func mixtureQuantile(qs [][7]float64, w []float64, p float64) float64 {
	tot := 0.0
	for _, x := range w {
		tot += x
	}
	cdf := func(x float64) float64 {
		f := 0.0
		for i := range qs {
			f += w[i] / tot * classCDF(&qs[i], x)
		}
		return f
	}
	lo, hi := -1.0, -1.0
	for _, q := range qs {
		hi = math.Max(hi, q[len(q)-1])
	}
	if cdf(lo) >= p {
		return lo
	}
	for range 200 {
		mid := lo + (hi-lo)/2
		if mid == lo || mid == hi {
			break
		}
		if cdf(mid) >= p {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi
}

// depShares returns the shares of the dependence classes (< 0.4, 0.4-0.7,
// > 0.7) under the merchants' Beta(mean, sd) dependence.
func depShares(mean, sd float64) [3]float64 {
	var w [3]float64
	if sd <= 0 || mean <= 0 || mean >= 1 {
		w[agents.DepClass(mean)] = 1
		return w
	}
	k := mean*(1-mean)/(sd*sd) - 1
	b := distuv.Beta{Alpha: mean * k, Beta: (1 - mean) * k}
	w[0] = b.CDF(0.4)
	w[1] = b.CDF(0.7) - w[0]
	w[2] = 1 - w[0] - w[1]
	return w
}

// stockRatio is the mean daily perishable_stock over month m over its mean
// over the base window (CT-3b).
func stockRatio(tb *sim.Tables, m time.Time, base [2]time.Time) (float64, error) {
	a, na, err := dailySum(&tb.Daily, "perishable_stock", m, monthEnd(m))
	if err != nil {
		return 0, err
	}
	b, nb, err := dailySum(&tb.Daily, "perishable_stock", base[0], base[1])
	if err != nil {
		return 0, err
	}
	return (a / float64(na)) / (b / float64(nb)), nil
}

// payParcelGap is the relative change of the monthly sum of courier gross
// pay from month ref to month m, less that of delivered parcels (CT-5's
// identity: 0 up to rounding when pay is per parcel).
func payParcelGap(tb *sim.Tables, m, ref time.Time) (float64, error) {
	var change [2]float64
	for i, metric := range []string{"courier_gross_pay", "parcels_delivered"} {
		a, _, err := dailySum(&tb.Daily, metric, m, monthEnd(m))
		if err != nil {
			return 0, err
		}
		b, _, err := dailySum(&tb.Daily, metric, ref, monthEnd(ref))
		if err != nil {
			return 0, err
		}
		change[i] = a/b - 1
	}
	return change[0] - change[1], nil
}

// quarterSum sums a daily metric over the quarter starting q.
func quarterSum(t *sim.Table, metric string, q time.Time) (float64, error) {
	s, _, err := dailySum(t, metric, q, q.AddDate(0, 3, -1))
	return s, err
}

// ---- the targets ----

var (
	jan26, dec25, nov25 = sim.Date(2026, 1, 1), sim.Date(2025, 12, 1), sim.Date(2025, 11, 1)
	q4of25              = sim.Date(2025, 10, 1)
)

func label(format string, ds ...time.Time) string {
	args := make([]any, len(ds))
	for i, d := range ds {
		args[i] = d.Format("Jan-06")
	}
	return fmt.Sprintf(format, args...)
}

func quarterLabel(q time.Time) string {
	return fmt.Sprintf("Q%d-%02d", (int(q.Month())+2)/3, q.Year()%100)
}

// ct1: MAU(Jan)/MAU(Dec) − 1 of the shock's monthly table.
func ct1(c *Check, t *Target, e *env) *tally {
	m := firstN(monthsIn(t.Statistic), 2, jan26, dec25)
	c.Label, c.Unit = label("MAU %s / %s - 1", m[0], m[1]), Share
	return newTally(func(c *Check, xs [][]float64) {
		c.describe(xs[0])
		c.judge(t.Contains(c.Mean))
	}, func(r *sim.Result) (float64, error) { return mauChange(&r.Shock, m[0], m[1]) })
}

// ct2: ratio of December's MAU change to January's; both must be negative.
func ct2(c *Check, t *Target, e *env) *tally {
	m := [4]time.Time(firstN(monthsIn(t.Statistic), 4, dec25, nov25, jan26, dec25))
	c.Label = label("MAU MoM %s / MoM %s", m[0], m[2])
	ratio := func(r *sim.Result) (float64, error) {
		x, _, _, err := momRatio(&r.Shock, m)
		return x, err
	}
	first := func(r *sim.Result) (float64, error) { return mauChange(&r.Shock, m[0], m[1]) }
	second := func(r *sim.Result) (float64, error) { return mauChange(&r.Shock, m[2], m[3]) }
	return newTally(func(c *Check, xs [][]float64) {
		c.describe(xs[0])
		a, b := output.Describe(xs[1]), output.Describe(xs[2])
		c.note("MoM %s %s, %s %s (means)", month(m[0]), Format(a.Mean, Share), month(m[2]), Format(b.Mean, Share))
		c.judge(t.Contains(c.Mean) && a.Mean < 0 && b.Mean < 0)
		if !(a.Mean < 0 && b.Mean < 0) {
			c.note("a decline is not negative")
		}
	}, ratio, first, second)
}

// ct3: HCM of the month, from the shock's distributions table.
func ct3(c *Check, t *Target, e *env) *tally {
	m := firstN(monthsIn(t.Statistic), 1, jan26)[0]
	c.Label, c.Unit = label("HCM %s", m), Share
	if d := daysIn(t.Statistic); len(d) >= 2 && !(d[0].Equal(e.base[0]) && d[1].Equal(e.base[1])) {
		c.skip(fmt.Sprintf("the run's merchant base window %s..%s is not the target's %s..%s",
			day(e.base[0]), day(e.base[1]), day(d[0]), day(d[1])))
		return nil
	}
	return newTally(func(c *Check, xs [][]float64) {
		c.describe(xs[0])
		c.judge(t.Contains(c.Mean))
	}, func(r *sim.Result) (float64, error) {
		return valueAt(&r.Shock.Distributions, "distributions", "hcm", m)
	})
}

// ct3b: P10 of revenue change over perishable merchants (approximated from
// the class quantiles, see perishableP10) and their mean on-hand stock in the
// month against the base window.
func ct3b(c *Check, t *Target, e *env) *tally {
	m := firstN(monthsIn(t.Statistic), 1, jan26)[0]
	c.Label, c.Unit = label("P10 rev. change %s, perishable", m), Share
	w, base, depDoc := e.depW, e.base, e.depDoc
	return newTally(func(c *Check, xs [][]float64) {
		c.describe(xs[0])
		st := output.Describe(xs[1])
		c.note("perishable stock %s / base = %s", month(m), Format(st.Mean, Ratio))
		c.note("P10 approximated from the perishable classes' quantiles mixed by their shares under %s dependence", depDoc)
		c.judge(t.Contains(c.Mean) && st.Mean > 1)
	},
		func(r *sim.Result) (float64, error) { return perishableP10(&r.Shock, m, w) },
		func(r *sim.Result) (float64, error) { return stockRatio(&r.Shock, m, base) })
}

// ct4: distinct VTO acceptors of the window at the end of its last month.
func ct4(c *Check, t *Target, e *env) *tally {
	win := firstN(daysIn(t.Statistic), 2, sim.Date(2025, 12, 1), sim.Date(2026, 1, 15))
	c.Label = fmt.Sprintf("DVA[%s, %s]", day(win[0]), day(win[1]))
	c.Unit = People
	k := -1
	for i, w := range e.vto {
		if w[0].Equal(win[0]) && w[1].Equal(win[1]) {
			k = i
		}
	}
	if k < 0 {
		c.skip(fmt.Sprintf("the run has no VTO window [%s, %s] ([outputs] vto_windows)", day(win[0]), day(win[1])))
		return nil
	}
	at := sim.Date(win[1].Year(), win[1].Month(), 1)
	metric := fmt.Sprintf("dva_%d", k+1)
	return newTally(func(c *Check, xs [][]float64) {
		c.describe(xs[0])
		c.judge(t.Contains(c.Mean))
		if c.Mean > t.FlagAbove {
			c.Flagged = true
			c.note("above the flag of %s: check, do not reject", Format(t.FlagAbove, People))
		}
	}, func(r *sim.Result) (float64, error) {
		return valueAt(&r.Shock.Distributions, "distributions", metric, at)
	})
}

// ct5: median courier income change against the reference month, and the
// identity gross-pay change = delivered-parcel change.
func ct5(c *Check, t *Target, e *env) *tally {
	m := firstN(monthsIn(t.Statistic), 2, jan26, nov25)
	c.Label, c.Unit = label("median courier income change %s vs %s", m[0], m[1]), KRW
	c.Target = "< 0; gross-pay change = parcel change"
	if d0 := sim.Date(e.d0.Year(), e.d0.Month(), 1); !d0.Equal(m[1]) {
		c.skip(fmt.Sprintf("the outputs measure courier income change against the disclosure month %s, not %s", month(d0), month(m[1])))
		return nil
	}
	return newTally(func(c *Check, xs [][]float64) {
		c.describe(xs[0])
		worst := 0.0
		for _, g := range xs[1] {
			if !(math.Abs(g) <= worst) { // NaN stays worst
				worst = math.Abs(g)
			}
		}
		ok := worst <= identityTol
		c.note("median of each courier's monthly net income change; gross-pay change - parcel change: max |gap| %.2g over replicates (identity %s within %g)",
			worst, map[bool]string{true: "holds", false: "fails"}[ok], identityTol)
		c.judge(c.Mean < 0 && ok)
	},
		func(r *sim.Result) (float64, error) {
			return valueAt(&r.Shock.Distributions, "distributions", "courier_income_change_p50", m[0])
		},
		func(r *sim.Result) (float64, error) { return payParcelGap(&r.Shock, m[0], m[1]) })
}

// identityTol is CT-5's tolerance on gross-pay change − parcel change.
const identityTol = 1e-9

// ct6: Q4 revenue, shock over twin − 1, from daily sums.
func ct6(c *Check, t *Target, e *env) *tally {
	q := quarterOf(t, q4of25)
	c.Label, c.Unit = quarterLabel(q)+" revenue, shock / twin - 1", Share
	return newTally(func(c *Check, xs [][]float64) {
		c.describe(xs[0])
		c.judge(t.Contains(c.Mean))
	}, func(r *sim.Result) (float64, error) {
		s, err := quarterSum(&r.Shock.Daily, "revenue", q)
		if err != nil {
			return 0, err
		}
		w, err := quarterSum(&r.Twin.Daily, "revenue", q)
		return s/w - 1, err
	})
}

// ct7: Q4 net profit of shock (the statistic) and twin, from daily sums.
func ct7(c *Check, t *Target, e *env) *tally {
	q := quarterOf(t, q4of25)
	c.Label, c.Unit = quarterLabel(q)+" net profit, shock", KRW
	return newTally(func(c *Check, xs [][]float64) {
		c.describe(xs[0])
		tw := output.Describe(xs[1])
		c.note("twin %s", Format(tw.Mean, KRW))
		c.judge(tw.Mean > 0 && c.Mean < 0)
	},
		func(r *sim.Result) (float64, error) { return quarterSum(&r.Shock.Daily, "net_profit", q) },
		func(r *sim.Result) (float64, error) { return quarterSum(&r.Twin.Daily, "net_profit", q) })
}

// ct8: the daily share of cohort C0 (Active on D0-1) not Active or with
// g < 0.95, averaged over D0+a..D0+b.
func ct8(c *Check, t *Target, e *env) *tally {
	w := offsetsIn(t.Statistic, [2]int{30, 180})
	from, to := e.d0.AddDate(0, 0, w[0]), e.d0.AddDate(0, 0, w[1])
	c.Label, c.Unit = fmt.Sprintf("cohort C0 not Active or g < 0.95, mean %s..%s", day(from), day(to)), Share
	return newTally(func(c *Check, xs [][]float64) {
		c.describe(xs[0])
		c.judge(t.Contains(c.Mean))
	}, func(r *sim.Result) (float64, error) {
		s, n, err := dailySum(&r.Shock.Daily, "c0_reduced", from, to)
		return s / float64(n), err
	})
}

// ct9: the orders effect of the follow-up breach (the shock run with it
// minus the same replicate's run without it, Accumulator.AddNoFollowUp) over
// its window, over the main breach's orders effect (shock − twin) in its
// first days.
func ct9(c *Check, t *Target, e *env) *tally {
	fw := rangeIn(t.Statistic, [2]time.Time{sim.Date(2026, 2, 5), sim.Date(2026, 2, 18)})
	mw := offsetsIn(t.Statistic, [2]int{0, 13})
	m0, m1 := e.d0.AddDate(0, 0, mw[0]), e.d0.AddDate(0, 0, mw[1])
	e.followUp = fw
	c.Label, c.Unit = fmt.Sprintf("orders effect of the follow-up %s..%s / of the breach %s..%s", day(fw[0]), day(fw[1]), day(m0), day(m1)), Ratio
	return newTally(func(c *Check, xs [][]float64) {
		if e.noFollowUpErr != nil {
			c.skip(e.noFollowUpErr.Error())
			return
		}
		ratios := make([]float64, 0, len(xs[0]))
		for i, rep := range xs[2] {
			nf, ok := e.noFollowUp[int(rep)]
			if !ok {
				c.skip(noFollowUpMissing)
				return
			}
			ratios = append(ratios, (xs[0][i]-nf)/xs[1][i])
		}
		c.describe(ratios)
		c.judge(t.Contains(c.Mean))
	}, func(r *sim.Result) (float64, error) {
		s, _, err := dailySum(&r.Shock.Daily, "orders", fw[0], fw[1])
		return s, err
	}, func(r *sim.Result) (float64, error) {
		s, _, err := dailySum(&r.Shock.Daily, "orders", m0, m1)
		if err != nil {
			return 0, err
		}
		w, _, err := dailySum(&r.Twin.Daily, "orders", m0, m1)
		return s - w, err
	}, func(r *sim.Result) (float64, error) { return float64(r.Replicate), nil })
}

// noFollowUpMissing is CT-9's reason when a replicate has no run without
// the follow-up breach.
const noFollowUpMissing = "needs each replicate's shock run without the follow-up breach: 'ripple sweep follow_up' runs it (lever set follow_up_breach_accounts = 0)"

// ct10: Q4 distinct purchasers (shock − twin, the statistic) and WOW
// cancellations (shock − twin), from the quarterly table.
func ct10(c *Check, t *Target, e *env) *tally {
	q := quarterOf(t, q4of25)
	c.Label, c.Unit = quarterLabel(q)+" purchasers, shock - twin", People
	effect := func(metric string) func(r *sim.Result) (float64, error) {
		return func(r *sim.Result) (float64, error) {
			if _, _, err := dailySum(&r.Shock.Daily, "orders", q, q.AddDate(0, 3, -1)); err != nil {
				return 0, err // a partial quarter
			}
			s, err := valueAt(&r.Shock.Quarterly, "quarterly", metric, q)
			if err != nil {
				return 0, err
			}
			w, err := valueAt(&r.Twin.Quarterly, "quarterly", metric, q)
			return s - w, err
		}
	}
	return newTally(func(c *Check, xs [][]float64) {
		c.describe(xs[0])
		wc := output.Describe(xs[1])
		c.note("WOW cancellations, shock - twin: %s", Format(wc.Mean, People))
		c.judge(c.Mean < 0 && wc.Mean > 0)
	}, effect("purchasers"), effect("wow_cancellations"))
}
