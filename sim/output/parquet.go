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

// Output formats of the long tables (Batch.Format).
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

// parquetLong is the Parquet longSink of table ti: zstd pages, version 1
// data pages (read by every Parquet reader), row groups of at most
// parquetRowGroupRows rows. Rows are streamed; the output depends only on
// the rows and the library version (no timestamps or random values).
type parquetLong struct {
	sw    *stickyWriter
	pw    *parquet.GenericWriter[longRow]
	ti    int
	batch []longRow
	row   longRow
}

func newParquetLong(w io.Writer, ti int, scenario string) *parquetLong {
	// Report the writer's own error (e.g. a full disk) rather than the
	// library's wrapping of it, so that errors read as the CSV path's.
	sw := &stickyWriter{w: w}
	pw := parquet.NewGenericWriter[longRow](sw,
		parquet.NewSchema(sim.TableNames[ti], longSchema),
		parquet.Compression(&parquetZstd),
		parquet.DataPageVersion(1),
		parquet.MaxRowsPerRowGroup(parquetRowGroupRows),
	)
	return &parquetLong{sw: sw, pw: pw, ti: ti, batch: make([]longRow, 0, parquetBatch), row: longRow{Scenario: scenario}}
}

func (p *parquetLong) fail(err error) error {
	if p.sw.err != nil {
		return p.sw.err
	}
	return err
}

func (p *parquetLong) flush() error {
	_, err := p.pw.Write(p.batch)
	p.batch = p.batch[:0]
	return err
}

func (p *parquetLong) add(leverSet string, r *sim.Result) error {
	ref := pick(&r.Shock, p.ti)
	rep := r.Replicate
	if rep < math.MinInt32 || rep > math.MaxInt32 {
		return fmt.Errorf("replicate %d does not fit the Parquet INT32 replicate column", rep)
	}
	row := &p.row
	row.LeverSet = leverSet
	row.Replicate = int32(rep)
	for v := Shock; v <= Effect; v++ {
		row.Variant = v.String()
		for d, date := range ref.Dates {
			row.Date = epochDay(date)
			for m, metric := range ref.Metrics {
				row.Metric = metric
				row.Value = value(r, p.ti, v, m, d)
				p.batch = append(p.batch, *row)
				if len(p.batch) == cap(p.batch) {
					if err := p.flush(); err != nil {
						return p.fail(err)
					}
				}
			}
		}
	}
	return nil
}

func (p *parquetLong) close() error {
	if err := p.flush(); err != nil {
		return p.fail(err)
	}
	if err := p.pw.Close(); err != nil {
		return p.fail(err)
	}
	return p.sw.err
}

// writeLongParquet writes table ti of results as one lever set's long
// Parquet table.
func writeLongParquet(w io.Writer, ti int, scenario, leverSet string, results []sim.Result) error {
	p := newParquetLong(w, ti, scenario)
	for i := range results {
		if err := p.add(leverSet, &results[i]); err != nil {
			return err
		}
	}
	return p.close()
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
