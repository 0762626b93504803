package output

import (
	"fmt"
	"io"
	"math"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"

	"github.com/ripple-sim/ripple/sim"
)

// Output formats of the long tables (Run.Format).
const (
	FormatCSV     = "csv"
	FormatParquet = "parquet"
)

// Formats lists the output formats, the default first.
var Formats = []string{FormatCSV, FormatParquet}

// CheckFormat reports whether format is one of Formats or "" (CSV).
func CheckFormat(format string) error {
	switch format {
	case "", FormatCSV, FormatParquet:
		return nil
	}
	return fmt.Errorf("unknown output format %q; use %s or %s", format, FormatCSV, FormatParquet)
}

// longRow is one row of a long table in Parquet. The columns, in this order,
// are those of the CSV, typed: replicate INT32, date INT32 with the DATE
// logical type (days since 1970-01-01), value DOUBLE, the rest
// dictionary-encoded UTF-8 strings. All are required (not nullable); a
// missing value is NaN, as in the CSV.
type longRow struct {
	Scenario  string  `parquet:"scenario,dict"`
	LeverSet  string  `parquet:"lever_set,dict"`
	Replicate int32   `parquet:"replicate"`
	Variant   string  `parquet:"variant,dict"`
	Date      int32   `parquet:"date,date"`
	Metric    string  `parquet:"metric,dict"`
	Value     float64 `parquet:"value"`
}

var longSchema = parquet.SchemaOf(longRow{})

// parquetRowGroupRows bounds a row group, and so the memory a Parquet writer
// holds: its compressed pages are kept until the row group is complete. A
// variable so that tests can make row groups small.
var parquetRowGroupRows int64 = 1 << 18

// parquetBatch is the number of rows handed to the Parquet writer at once.
const parquetBatch = 4096

var parquetZstd = zstd.Codec{Level: zstd.SpeedDefault, Concurrency: 1}

// writeLongParquet writes table ti like writeLong, as Parquet: zstd pages,
// version 1 data pages (read by every Parquet reader), row groups of at most
// parquetRowGroupRows rows. Rows are streamed; the output depends only on the
// results and the library version (no timestamps or random values).
func writeLongParquet(w io.Writer, ti int, run *Run, results []sim.Result) error {
	// Report the writer's own error (e.g. a full disk) rather than the
	// library's wrapping of it, so that errors read as the CSV path's.
	sw := &stickyWriter{w: w}
	ref := pick(&results[0].Shock, ti)
	days := make([]int32, len(ref.Dates))
	for d, date := range ref.Dates {
		days[d] = epochDay(date)
	}
	pw := parquet.NewGenericWriter[longRow](sw,
		parquet.NewSchema(sim.TableNames[ti], longSchema),
		parquet.Compression(&parquetZstd),
		parquet.DataPageVersion(1),
		parquet.MaxRowsPerRowGroup(parquetRowGroupRows),
	)
	fail := func(err error) error {
		if sw.err != nil {
			return sw.err
		}
		return err
	}
	batch := make([]longRow, 0, parquetBatch)
	flush := func() error {
		_, err := pw.Write(batch)
		batch = batch[:0]
		return err
	}
	row := longRow{Scenario: run.Scenario, LeverSet: run.LeverSet}
	for i := range results {
		rep := results[i].Replicate
		if rep < math.MinInt32 || rep > math.MaxInt32 {
			return fmt.Errorf("replicate %d does not fit the Parquet INT32 replicate column", rep)
		}
		row.Replicate = int32(rep)
		for v := Shock; v <= Effect; v++ {
			row.Variant = v.String()
			for d, day := range days {
				row.Date = day
				for m, metric := range ref.Metrics {
					row.Metric = metric
					row.Value = value(&results[i], ti, v, m, d)
					batch = append(batch, row)
					if len(batch) == cap(batch) {
						if err := flush(); err != nil {
							return fail(err)
						}
					}
				}
			}
		}
	}
	if err := flush(); err != nil {
		return fail(err)
	}
	if err := pw.Close(); err != nil {
		return fail(err)
	}
	return sw.err
}

// epochDay returns the days from 1970-01-01 to t's calendar date (in t's
// location, as the CSV formats it).
func epochDay(t time.Time) int32 {
	y, m, d := t.Date()
	return int32(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// stickyWriter remembers the first error of w.
type stickyWriter struct {
	w   io.Writer
	err error
}

func (s *stickyWriter) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	n, err := s.w.Write(p)
	s.err = err
	return n, err
}
