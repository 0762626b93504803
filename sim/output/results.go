package output

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/ripple-sim/ripple/sim"
)

// ReadResults reads the long tables of a finished output directory of one
// lever set back into per-replicate results: the shock and twin tables of every
// replicate, with the metrics and dates in the order of the files and the
// replicates in file order; tables the output does not write stay empty. Effect rows are skipped (they are
// shock − twin). manifest.json gives the format, CSV or Parquet.
//
// Values read back bit for bit, except that a NaN in a CSV file reads back as
// math.NaN() whatever its payload (Parquet keeps the bits). A table file with
// no rows gives empty tables; otherwise every replicate must have every
// (variant, date, metric) cell of shock and twin exactly once.
func ReadResults(dir string) ([]sim.Result, Manifest, error) {
	var m Manifest
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, m, fmt.Errorf("%s is not a ripple output directory (no manifest.json)", dir)
		}
		return nil, m, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, m, fmt.Errorf("%s: %v", filepath.Join(dir, "manifest.json"), err)
	}
	if err := CheckFormat(m.Format); err != nil {
		return nil, m, fmt.Errorf("%s: %v", filepath.Join(dir, "manifest.json"), err)
	}
	if len(m.LeverSets) > 1 {
		return nil, m, fmt.Errorf("%s holds %d lever sets (a sweep); its tables can be read back only for a run of one lever set (its report.html has the calibration table of the case lever set)", dir, len(m.LeverSets))
	}
	names := m.Tables
	if names == nil {
		names = sim.TableNames
	}
	files := FilesFor(m.Format)
	reps := &replicates{index: map[int]int{}}
	var tables []*longTable
	for ti, name := range sim.TableNames {
		lt := newLongTable(reps)
		tables = append(tables, lt)
		if !slices.Contains(names, name) {
			continue
		}
		path := filepath.Join(dir, files[ti])
		read := readLongCSV
		if m.Format == FormatParquet {
			read = readLongParquet
		}
		if err := read(path, lt); err != nil {
			return nil, m, err
		}
	}
	results := make([]sim.Result, len(reps.ids))
	for i, id := range reps.ids {
		results[i].Replicate = id
	}
	for ti, lt := range tables {
		if err := lt.fill(results, ti); err != nil {
			return nil, m, fmt.Errorf("%s: %v", filepath.Join(dir, files[ti]), err)
		}
	}
	return results, m, nil
}

// replicates numbers replicate ids in order of first appearance, across
// tables.
type replicates struct {
	index map[int]int
	ids   []int
}

func (r *replicates) get(id int) int {
	i, ok := r.index[id]
	if !ok {
		i = len(r.ids)
		r.index[id] = i
		r.ids = append(r.ids, id)
	}
	return i
}

// cell is one shock or twin value of a long table.
type cell struct {
	rep, date, metric int32
	twin              bool
	value             float64
}

// longTable collects the rows of one long table: dates and metrics in order
// of first appearance.
type longTable struct {
	reps    *replicates
	dates   map[int32]int32 // epoch day -> index
	days    []int32
	metrics map[string]int32
	names   []string
	cells   []cell
}

func newLongTable(reps *replicates) *longTable {
	return &longTable{reps: reps, dates: map[int32]int32{}, metrics: map[string]int32{}}
}

// add records a row; variant "effect" is skipped.
func (lt *longTable) add(rep int, variant string, day int32, metric string, v float64) error {
	var twin bool
	switch variant {
	case "shock":
	case "twin":
		twin = true
	case "effect":
		return nil
	default:
		return fmt.Errorf("unknown variant %q", variant)
	}
	d, ok := lt.dates[day]
	if !ok {
		d = int32(len(lt.days))
		lt.dates[day] = d
		lt.days = append(lt.days, day)
	}
	m, ok := lt.metrics[metric]
	if !ok {
		m = int32(len(lt.names))
		lt.metrics[metric] = m
		lt.names = append(lt.names, metric)
	}
	lt.cells = append(lt.cells, cell{int32(lt.reps.get(rep)), d, m, twin, v})
	return nil
}

// fill sets table ti of every result from the collected cells.
func (lt *longTable) fill(results []sim.Result, ti int) error {
	if len(lt.cells) == 0 {
		return nil
	}
	nd, nm := len(lt.days), len(lt.names)
	dates := make([]time.Time, nd)
	for i, day := range lt.days {
		dates[i] = time.Unix(int64(day)*86400, 0).UTC()
	}
	seen := make([]bool, len(results)*2*nd*nm)
	for i := range results {
		for _, tb := range []*sim.Tables{&results[i].Shock, &results[i].Twin} {
			t := tb.Table(ti)
			t.Dates = append([]time.Time(nil), dates...)
			t.Metrics = append([]string(nil), lt.names...)
			t.Values = make([][]float64, nm)
			for m := range t.Values {
				t.Values[m] = make([]float64, nd)
			}
		}
	}
	for _, c := range lt.cells {
		v := 0
		t := results[c.rep].Shock.Table(ti)
		if c.twin {
			v, t = 1, results[c.rep].Twin.Table(ti)
		}
		k := ((int(c.rep)*2+v)*nd+int(c.date))*nm + int(c.metric)
		if seen[k] {
			return fmt.Errorf("replicate %d: %s %s %s appears twice", results[c.rep].Replicate,
				Variant(v), dates[c.date].Format(dateFormat), lt.names[c.metric])
		}
		seen[k] = true
		t.Values[c.metric][c.date] = c.value
	}
	for k, ok := range seen {
		if !ok {
			m, d := k%nm, k/nm%nd
			v, r := k/(nm*nd)%2, k/(nm*nd*2)
			return fmt.Errorf("replicate %d: no %s value of %s on %s", results[r].Replicate,
				Variant(v), lt.names[m], dates[d].Format(dateFormat))
		}
	}
	return nil
}

// readLongCSV reads a long CSV table into lt.
func readLongCSV(path string, lt *longTable) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = len(longHeader)
	head, err := cr.Read()
	if err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	for i, h := range longHeader {
		if head[i] != h {
			return fmt.Errorf("%s: unexpected header %q", path, head)
		}
	}
	days := map[string]int32{}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %v", path, err)
		}
		if rec[3] == "effect" {
			continue
		}
		rep, err := strconv.Atoi(rec[2])
		if err != nil {
			return fmt.Errorf("%s:%d: replicate %q: %v", path, line, rec[2], err)
		}
		day, ok := days[rec[4]]
		if !ok {
			date, err := time.Parse(dateFormat, rec[4])
			if err != nil {
				return fmt.Errorf("%s:%d: %v", path, line, err)
			}
			day = epochDay(date)
			days[rec[4]] = day
		}
		v, err := strconv.ParseFloat(rec[6], 64)
		if err != nil {
			return fmt.Errorf("%s:%d: value %q: %v", path, line, rec[6], err)
		}
		if err := lt.add(rep, rec[3], day, rec[5], v); err != nil {
			return fmt.Errorf("%s:%d: %v", path, line, err)
		}
	}
}

// readLongParquet reads a long Parquet table into lt.
func readLongParquet(path string, lt *longTable) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	pf, err := parquet.OpenFile(f, fi.Size())
	if err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	r := parquet.NewGenericReader[longRow](pf)
	defer r.Close()
	rows := make([]longRow, parquetBatch)
	var row int64
	for {
		n, err := r.Read(rows)
		for _, x := range rows[:n] {
			row++
			if err := lt.add(int(x.Replicate), x.Variant, x.Date, x.Metric, x.Value); err != nil {
				return fmt.Errorf("%s: row %d: %v", path, row, err)
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %v", path, err)
		}
	}
}
