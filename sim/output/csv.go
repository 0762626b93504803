package output

import (
	"encoding/csv"
	"io"
	"math"
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

// longSink writes one long table, result by result, in tidy long form:
// rows by replicate, variant, date and metric.
type longSink interface {
	add(leverSet string, r *sim.Result) error
	close() error
}

// csvLong is the CSV longSink of table ti.
type csvLong struct {
	cw  *csv.Writer
	ti  int
	row []string
}

var longHeader = []string{"scenario", "lever_set", "replicate", "variant", "date", "metric", "value"}

func newCSVLong(w io.Writer, ti int, scenario string) *csvLong {
	c := &csvLong{cw: csv.NewWriter(w), ti: ti, row: []string{scenario, "", "", "", "", "", ""}}
	c.cw.Write(longHeader)
	return c
}

func (c *csvLong) add(leverSet string, r *sim.Result) error {
	ref := pick(&r.Shock, c.ti)
	dates := formatDates(ref.Dates)
	row := c.row
	row[1] = leverSet
	row[2] = strconv.Itoa(r.Replicate)
	for v := Shock; v <= Effect; v++ {
		row[3] = v.String()
		for d, date := range dates {
			row[4] = date
			for m, metric := range ref.Metrics {
				row[5] = metric
				row[6] = formatFloat(value(r, c.ti, v, m, d))
				if err := c.cw.Write(row); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func (c *csvLong) close() error {
	c.cw.Flush()
	return c.cw.Error()
}

// writeLong writes table ti of results as one lever set's long CSV table.
func writeLong(w io.Writer, ti int, scenario, leverSet string, results []sim.Result) error {
	c := newCSVLong(w, ti, scenario)
	for i := range results {
		if err := c.add(leverSet, &results[i]); err != nil {
			return err
		}
	}
	return c.close()
}

var summaryHeader = []string{"scenario", "lever_set", "table", "variant", "date", "metric", "n", "mean", "se", "p5", "p25", "p50", "p75", "p95"}

// writeSummaryTable writes one table's summary rows, ordered by variant,
// date and metric.
func writeSummaryTable(cw *csv.Writer, scenario, leverSet string, ts *TableSummary) error {
	dates := formatDates(ts.Dates)
	for v := Shock; v <= Effect; v++ {
		for d, date := range dates {
			for m, metric := range ts.Metrics {
				st := ts.Stats[v][m][d]
				err := cw.Write([]string{scenario, leverSet, ts.Name, v.String(), date, metric, strconv.Itoa(st.N),
					formatStat(st.Mean), formatStat(st.SE), formatStat(st.P5), formatStat(st.P25),
					formatStat(st.P50), formatStat(st.P75), formatStat(st.P95)})
				if err != nil {
					return err
				}
			}
		}
	}
	return nil
}
