package sim

import (
	"time"
)

// Table holds named series over dates: Values[m][d] is metric Metrics[m] on
// Dates[d]. Extensive values are in real units (agent counts times weights).
type Table struct {
	Dates   []time.Time
	Metrics []string
	Values  [][]float64
}

// Col returns the series of a metric, or nil.
func (t *Table) Col(metric string) []float64 {
	for i, m := range t.Metrics {
		if m == metric {
			return t.Values[i]
		}
	}
	return nil
}

// Tables are one run's outputs at four resolutions. Weekly dates are ISO-week
// Mondays; monthly and quarterly dates are first days of months and quarters.
type Tables struct {
	Daily, Weekly, Monthly, Quarterly Table
	Distributions                     Table // monthly snapshots of distributions (MODEL.md §5)
}

// TableNames names the tables of Tables in output order.
var TableNames = []string{"daily", "weekly", "monthly", "quarterly", "distributions"}

// Table returns table i of TableNames.
func (t *Tables) Table(i int) *Table {
	return [...]*Table{&t.Daily, &t.Weekly, &t.Monthly, &t.Quarterly, &t.Distributions}[i]
}

// Result is one replicate: the shock run and its no-breach twin, on the same
// seed, replicate and initial population.
type Result struct {
	Replicate int
	Shock     Tables
	Twin      Tables
}

// BatchOptions control RunBatch.
type BatchOptions struct {
	Seed       uint64
	Replicates int
	Workers    int                   // goroutines in all; <= 0 means runtime.GOMAXPROCS(0)
	Progress   func(done, total int) // called after each finished replicate, from one goroutine at a time
}
