package output

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/ripple-sim/ripple/sim"
)

const dateFormat = "2006-01-02"

// formatFloat gives the shortest representation that reads back exactly.
func formatFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// formatStat is formatFloat, but empty for NaN (a statistic that is missing).
func formatStat(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	return formatFloat(v)
}

func formatDates(ds []time.Time) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.Format(dateFormat)
	}
	return out
}

// checkLayout makes sure every shock and twin table has the dates and metrics
// of the first result's, and values to match.
func checkLayout(results []sim.Result) error {
	if len(results) == 0 {
		return fmt.Errorf("no results to write")
	}
	for ti, name := range sim.TableNames {
		ref := pick(&results[0].Shock, ti)
		for i := range results {
			r := &results[i]
			for v, t := range []*sim.Table{pick(&r.Shock, ti), pick(&r.Twin, ti)} {
				if !slices.EqualFunc(t.Dates, ref.Dates, time.Time.Equal) || !slices.Equal(t.Metrics, ref.Metrics) {
					return fmt.Errorf("replicate %d: %s %s table has other dates or metrics than replicate %d's shock table",
						r.Replicate, Variant(v), name, results[0].Replicate)
				}
				if len(t.Values) != len(t.Metrics) {
					return fmt.Errorf("replicate %d: %s %s table has %d series for %d metrics",
						r.Replicate, Variant(v), name, len(t.Values), len(t.Metrics))
				}
				for m, col := range t.Values {
					if len(col) != len(t.Dates) {
						return fmt.Errorf("replicate %d: %s %s table: metric %s has %d values for %d dates",
							r.Replicate, Variant(v), name, t.Metrics[m], len(col), len(t.Dates))
					}
				}
			}
		}
	}
	return nil
}

// writeLong writes table ti of every result in tidy long form, ordered by
// replicate, variant, date and metric.
func writeLong(w io.Writer, ti int, run *Run, results []sim.Result) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"scenario", "lever_set", "replicate", "variant", "date", "metric", "value"})
	ref := pick(&results[0].Shock, ti)
	dates := formatDates(ref.Dates)
	row := []string{run.Scenario, run.LeverSet, "", "", "", "", ""}
	for i := range results {
		row[2] = strconv.Itoa(results[i].Replicate)
		for v := Shock; v <= Effect; v++ {
			row[3] = v.String()
			for d, date := range dates {
				row[4] = date
				for m, metric := range ref.Metrics {
					row[5] = metric
					row[6] = formatFloat(value(&results[i], ti, v, m, d))
					if err := cw.Write(row); err != nil {
						return err
					}
				}
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// writeSummary writes the summary table, ordered by table, variant, date and
// metric.
func writeSummary(w io.Writer, s *Summary) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"table", "variant", "date", "metric", "n", "mean", "se", "p5", "p50", "p95"})
	for _, ts := range s.tables() {
		dates := formatDates(ts.Dates)
		for v := Shock; v <= Effect; v++ {
			for d, date := range dates {
				for m, metric := range ts.Metrics {
					st := ts.Stats[v][m][d]
					err := cw.Write([]string{ts.Name, v.String(), date, metric, strconv.Itoa(st.N),
						formatStat(st.Mean), formatStat(st.SE), formatStat(st.P5), formatStat(st.P50), formatStat(st.P95)})
					if err != nil {
						return err
					}
				}
			}
		}
	}
	cw.Flush()
	return cw.Error()
}
