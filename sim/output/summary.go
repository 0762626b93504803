package output

import (
	"math"
	"slices"
	"sort"
	"time"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/ripple-sim/ripple/sim"
)

// Variant is one of the three series written per replicate.
type Variant int

// Variants, in output order.
const (
	Shock  Variant = iota // the run with the breach
	Twin                  // the no-breach twin on the same random numbers
	Effect                // Shock − Twin, paired by replicate
)

var variantNames = [...]string{"shock", "twin", "effect"}

func (v Variant) String() string { return variantNames[v] }

// pick returns table i (sim.TableNames order) of a run.
func pick(t *sim.Tables, i int) *sim.Table { return t.Table(i) }

// at returns Values[m][d], or NaN when the table has no such cell.
func at(t *sim.Table, m, d int) float64 {
	if m < len(t.Values) && d < len(t.Values[m]) {
		return t.Values[m][d]
	}
	return math.NaN()
}

// value returns one replicate's value of variant v in table ti.
func value(r *sim.Result, ti int, v Variant, m, d int) float64 {
	s, t := at(pick(&r.Shock, ti), m, d), at(pick(&r.Twin, ti), m, d)
	switch v {
	case Shock:
		return s
	case Twin:
		return t
	}
	return s - t
}

// Stat describes one value across replicates. NaN values are skipped and N
// counts the rest; every field but N is NaN when N is 0.
type Stat struct {
	N            int
	Mean         float64
	SE           float64 // standard error of the mean; NaN when N < 2
	P5, P25, P50 float64 // quantiles, linearly interpolated
	P75, P95     float64
	Lo, Hi       float64 // 95 % interval for the mean, Mean ± t(0.975, N−1)·SE; NaN when N < 2
}

// TableSummary holds the Stats of one table: Stats[v][m][d] describes metric
// Metrics[m] on Dates[d] for variant v.
type TableSummary struct {
	Name    string // one of sim.TableNames
	Dates   []time.Time
	Metrics []string
	Stats   [3][][]Stat
}

// Series returns a metric's Stats by date for a variant, or nil when the
// table has no such metric.
func (t TableSummary) Series(v Variant, metric string) []Stat {
	for i, m := range t.Metrics {
		if m == metric {
			return t.Stats[v][i]
		}
	}
	return nil
}

// Summary describes a batch across replicates, per table.
type Summary struct {
	Daily, Weekly, Monthly, Quarterly, Distributions TableSummary
}

// tables lists the summaries in sim.TableNames order.
func (s *Summary) tables() []*TableSummary {
	return []*TableSummary{&s.Daily, &s.Weekly, &s.Monthly, &s.Quarterly, &s.Distributions}
}

// Summarize describes every table, variant, date and metric across
// replicates. The layout (dates and metrics) comes from the first result; the
// others must share it, as RunBatch's results do.
func Summarize(results []sim.Result) Summary {
	var s Summary
	if len(results) == 0 {
		return s
	}
	tq := make([]float64, len(results)+1) // tq[n] = t(0.975, n−1), filled lazily
	xs := make([]float64, 0, len(results))
	for ti, ts := range s.tables() {
		ref := pick(&results[0].Shock, ti)
		ts.Name = sim.TableNames[ti]
		ts.Dates = slices.Clone(ref.Dates)
		ts.Metrics = slices.Clone(ref.Metrics)
		for v := range ts.Stats {
			ts.Stats[v] = make([][]Stat, len(ref.Metrics))
			for m := range ref.Metrics {
				row := make([]Stat, len(ref.Dates))
				for d := range ref.Dates {
					xs = xs[:0]
					for i := range results {
						if x := value(&results[i], ti, Variant(v), m, d); !math.IsNaN(x) {
							xs = append(xs, x)
						}
					}
					row[d] = describe(xs, tq)
				}
				ts.Stats[v][m] = row
			}
		}
	}
	return s
}

// describe sorts xs and returns its Stat; tq caches t quantiles by n.
func describe(xs, tq []float64) Stat {
	nan := math.NaN()
	st := Stat{N: len(xs), Mean: nan, SE: nan, P5: nan, P25: nan, P50: nan, P75: nan, P95: nan, Lo: nan, Hi: nan}
	n := len(xs)
	if n == 0 {
		return st
	}
	// Sorting first also makes the mean independent of replicate order.
	sort.Float64s(xs)
	st.Mean = stat.Mean(xs, nil)
	st.P5 = stat.Quantile(0.05, stat.LinInterp, xs, nil)
	st.P25 = stat.Quantile(0.25, stat.LinInterp, xs, nil)
	st.P50 = stat.Quantile(0.50, stat.LinInterp, xs, nil)
	st.P75 = stat.Quantile(0.75, stat.LinInterp, xs, nil)
	st.P95 = stat.Quantile(0.95, stat.LinInterp, xs, nil)
	if n >= 2 {
		st.SE = stat.StdDev(xs, nil) / math.Sqrt(float64(n))
		if tq[n] == 0 {
			tq[n] = distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(n - 1)}.Quantile(0.975)
		}
		h := tq[n] * st.SE
		st.Lo, st.Hi = st.Mean-h, st.Mean+h
	}
	return st
}
