package output

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"

	"github.com/ripple-sim/ripple/sim"
)

// readRow is a long-table row as a reader sees it: the date through the
// library's DATE conversion.
type readRow struct {
	Scenario  string    `parquet:"scenario"`
	LeverSet  string    `parquet:"lever_set"`
	Replicate int32     `parquet:"replicate"`
	Variant   string    `parquet:"variant"`
	Date      time.Time `parquet:"date,date"`
	Metric    string    `parquet:"metric"`
	Value     float64   `parquet:"value"`
}

// edgy is synthetic(n) with awkward values in the daily table: −0, ±Inf, a
// NaN from arithmetic (whose bits differ from math.NaN()'s), and tiny and huge
// numbers. It also has quarterly and distributions tables.
func edgy(n int) []sim.Result {
	res := synthetic(n)
	zero := 0.0
	quarters := []time.Time{sim.Date(2025, 10, 1)}
	months := []time.Time{sim.Date(2025, 11, 1), sim.Date(2025, 12, 1)}
	for i := range res {
		r := &res[i]
		r.Shock.Daily.Values[0][0] = math.Copysign(0, -1)
		r.Shock.Daily.Values[1][1] = math.Inf(1)
		r.Twin.Daily.Values[1][1] = math.Inf(-1)
		r.Shock.Daily.Values[1][2] = zero / zero
		r.Twin.Daily.Values[0][2] = 5e-324
		r.Twin.Daily.Values[0][1] = 1.7976931348623157e308
		for _, tb := range []*sim.Tables{&r.Shock, &r.Twin} {
			tb.Quarterly = table(quarters, []string{"purchasers"}, func(m, d int) float64 { return 7e5 + float64(i) })
			tb.Distributions = table(months, []string{"rev_change_p5", "hcm"}, func(m, d int) float64 { return -0.1 * float64(m+d+i) })
		}
	}
	return res
}

// withRowGroups sets the Parquet row-group bound for a test.
func withRowGroups(t *testing.T, n int64) {
	old := parquetRowGroupRows
	parquetRowGroupRows = n
	t.Cleanup(func() { parquetRowGroupRows = old })
}

func parquetRun() Batch {
	run := testRun()
	run.Format = FormatParquet
	return run
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func readParquet(t *testing.T, path string) []readRow {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := parquet.NewGenericReader[readRow](f)
	defer r.Close()
	rows := make([]readRow, r.NumRows())
	n, err := r.Read(rows)
	if err != nil && err != io.EOF {
		t.Fatal(err)
	}
	if n != len(rows) {
		t.Fatalf("%s: read %d of %d rows", path, n, len(rows))
	}
	return rows
}

// TestParquetMatchesCSV writes both formats and compares every row.
func TestParquetMatchesCSV(t *testing.T) {
	withRowGroups(t, 7) // several row groups, split mid-replicate
	res := edgy(3)
	csvDir, pqDir := filepath.Join(t.TempDir(), "csv"), filepath.Join(t.TempDir(), "pq")
	if err := writeResults(csvDir, testRun(), res); err != nil {
		t.Fatal(err)
	}
	if err := writeResults(pqDir, parquetRun(), res); err != nil {
		t.Fatal(err)
	}
	for ti, name := range sim.TableNames {
		recs := readCSV(t, filepath.Join(csvDir, name+".csv"))
		rows := readParquet(t, filepath.Join(pqDir, name+".parquet"))
		if len(rows) != len(recs)-1 {
			t.Fatalf("%s: %d Parquet rows, %d CSV rows", name, len(rows), len(recs)-1)
		}
		if len(rows) == 0 {
			t.Fatalf("%s: no rows", name)
		}
		// The values in the source, in output order, to check bits exactly.
		var src []float64
		ref := pick(&res[0].Shock, ti)
		for i := range res {
			for v := Shock; v <= Effect; v++ {
				for d := range ref.Dates {
					for m := range ref.Metrics {
						src = append(src, value(&res[i], ti, v, m, d))
					}
				}
			}
		}
		for i, row := range rows {
			rec := recs[i+1]
			got := []string{row.Scenario, row.LeverSet, strconv.Itoa(int(row.Replicate)), row.Variant,
				row.Date.Format(dateFormat), row.Metric}
			if !slices.Equal(got, rec[:6]) {
				t.Fatalf("%s row %d: Parquet %q, CSV %q", name, i, got, rec[:6])
			}
			if h, m, s := row.Date.Clock(); h != 0 || m != 0 || s != 0 || row.Date.Location() != time.UTC {
				t.Errorf("%s row %d: date %v is not a UTC midnight", name, i, row.Date)
			}
			x, err := strconv.ParseFloat(rec[6], 64)
			if err != nil {
				t.Fatal(err)
			}
			same := math.Float64bits(x) == math.Float64bits(row.Value) || math.IsNaN(x) && math.IsNaN(row.Value)
			if !same || math.Float64bits(row.Value) != math.Float64bits(src[i]) {
				t.Errorf("%s row %d: Parquet value %v (%#x), CSV %s, source %#x", name, i,
					row.Value, math.Float64bits(row.Value), rec[6], math.Float64bits(src[i]))
			}
		}
	}
}

func TestParquetSchema(t *testing.T) {
	withRowGroups(t, 7)
	dir := filepath.Join(t.TempDir(), "out")
	if err := writeResults(dir, parquetRun(), edgy(3)); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "daily.parquet")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	type col struct {
		name    string
		kind    parquet.Kind
		logical string // "string", "date" or "" for none
		dict    bool
	}
	want := []col{
		{"scenario", parquet.ByteArray, "string", true},
		{"lever_set", parquet.ByteArray, "string", true},
		{"replicate", parquet.Int32, "INT(32,true)", false},
		{"variant", parquet.ByteArray, "string", true},
		{"date", parquet.Int32, "date", false},
		{"metric", parquet.ByteArray, "string", true},
		{"value", parquet.Double, "", false},
	}
	fields := f.Schema().Fields()
	if len(fields) != len(want) {
		t.Fatalf("%d columns, want %d", len(fields), len(want))
	}
	for i, fl := range fields {
		w := want[i]
		typ := fl.Type()
		lt := typ.LogicalType()
		var logical string
		if lt != nil {
			switch lt.Value.(type) {
			case *format.StringType:
				logical = "string"
			case *format.DateType:
				logical = "date"
			default:
				logical = lt.String()
			}
		}
		if fl.Name() != w.name || typ.Kind() != w.kind || logical != w.logical || !fl.Required() {
			t.Errorf("column %d: %s %v %q required %v; want %s %v %q required",
				i, fl.Name(), typ.Kind(), logical, fl.Required(), w.name, w.kind, w.logical)
		}
	}
	md := f.Metadata()
	// 3 replicates × 3 variants × 3 days × 2 metrics = 54 rows in groups of 7.
	if md.NumRows != 54 || len(md.RowGroups) != 8 {
		t.Errorf("%d rows in %d row groups, want 54 in 8", md.NumRows, len(md.RowGroups))
	}
	for g, rg := range md.RowGroups {
		if rg.NumRows > 7 {
			t.Errorf("row group %d has %d rows", g, rg.NumRows)
		}
		for c, cc := range rg.Columns {
			if cc.MetaData.Codec != format.Zstd {
				t.Errorf("row group %d column %d: codec %v, want ZSTD", g, c, cc.MetaData.Codec)
			}
			if got := slices.Contains(cc.MetaData.Encoding, format.RLEDictionary); got != want[c].dict {
				t.Errorf("row group %d column %s: encodings %v; dictionary %v, want %v",
					g, want[c].name, cc.MetaData.Encoding, got, want[c].dict)
			}
		}
	}
}

func TestParquetByteIdentical(t *testing.T) {
	a, b := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	for _, dir := range []string{a, b} {
		if err := writeResults(dir, parquetRun(), edgy(4)); err != nil {
			t.Fatal(err)
		}
	}
	if d := diffOutputs(t, a, b); d != nil {
		t.Errorf("identical writes differ: %v", d)
	}
	// Hash seeds and the like differ between processes: write again in a
	// child process and compare.
	if os.Getenv("RIPPLE_PARQUET_CHILD") != "" {
		return
	}
	c := filepath.Join(t.TempDir(), "c")
	cmd := exec.Command(os.Args[0], "-test.run=^TestParquetChildWrite$", "-test.count=1")
	cmd.Env = append(os.Environ(), "RIPPLE_PARQUET_CHILD="+c)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if d := diffOutputs(t, a, c); d != nil {
		t.Errorf("writes in two processes differ: %v", d)
	}
}

// TestParquetChildWrite is TestParquetByteIdentical's child process.
func TestParquetChildWrite(t *testing.T) {
	dir := os.Getenv("RIPPLE_PARQUET_CHILD")
	if dir == "" {
		t.Skip("run by TestParquetByteIdentical")
	}
	if err := writeResults(dir, parquetRun(), edgy(4)); err != nil {
		t.Fatal(err)
	}
}

func TestParquetManifest(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	if err := writeResults(dir, parquetRun(), synthetic(2)); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	files := FilesFor(FormatParquet)
	var names []string
	for _, f := range m.Files {
		names = append(names, f.Name)
		if fi, err := os.Stat(filepath.Join(dir, f.Name)); err != nil || fi.Size() != f.Bytes {
			t.Errorf("%s: %v, manifest says %d bytes", f.Name, err, f.Bytes)
		}
	}
	if m.Format != FormatParquet || !slices.Equal(names, files[:len(files)-1]) {
		t.Errorf("manifest format %q, files %v; want parquet, %v", m.Format, names, files[:len(files)-1])
	}
	entries, _ := os.ReadDir(dir)
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if want := slices.Sorted(slices.Values(append(files, unitsDir))); !slices.Equal(got, want) {
		t.Errorf("directory holds %v, want %v", got, want)
	}
}

func TestFormats(t *testing.T) {
	if !slices.Equal(FilesFor(""), Files) || !slices.Equal(FilesFor(FormatCSV), Files) {
		t.Errorf("FilesFor(\"\"), FilesFor(csv) = %v, %v; want %v", FilesFor(""), FilesFor(FormatCSV), Files)
	}
	want := []string{"daily.parquet", "weekly.parquet", "monthly.parquet", "quarterly.parquet",
		"distributions.parquet", "policy.csv", "effects.csv", "summary.csv", "manifest.json"}
	if got := FilesFor(FormatParquet); !slices.Equal(got, want) {
		t.Errorf("FilesFor(parquet) = %v, want %v", got, want)
	}
	for _, f := range append([]string{""}, Formats...) {
		if err := CheckFormat(f); err != nil {
			t.Errorf("CheckFormat(%q): %v", f, err)
		}
	}
	parent := t.TempDir()
	run := testRun()
	run.Format = "xlsx"
	if FilesFor("xlsx") != nil || CheckFormat("xlsx") == nil {
		t.Error("xlsx accepted")
	}
	if err := writeResults(filepath.Join(parent, "out"), run, synthetic(1)); err == nil || !strings.Contains(err.Error(), "xlsx") {
		t.Errorf("Write with format xlsx: %v", err)
	}
	if entries, _ := os.ReadDir(parent); len(entries) > 0 {
		t.Errorf("Write with a bad format left %v", entries)
	}
}

func TestEpochDay(t *testing.T) {
	for _, tc := range []struct {
		give time.Time
		want int32
	}{
		{sim.Date(1970, 1, 1), 0},
		{sim.Date(1969, 12, 31), -1},
		{sim.Date(2025, 11, 29), 20421},
		{time.Date(2025, 11, 29, 23, 59, 0, 0, time.FixedZone("KST", 9*3600)), 20421},
	} {
		if got := epochDay(tc.give); got != tc.want {
			t.Errorf("epochDay(%v) = %d, want %d", tc.give, got, tc.want)
		}
	}
}

// fullFile fails writes with ENOSPC once limit bytes were written.
type fullFile struct {
	*os.File
	limit int
}

func (f *fullFile) Write(p []byte) (int, error) {
	if len(p) > f.limit {
		n, _ := f.File.Write(p[:f.limit])
		f.limit = 0
		return n, &fs.PathError{Op: "write", Path: f.Name(), Err: syscall.ENOSPC}
	}
	f.limit -= len(p)
	return f.File.Write(p)
}

// large returns n replicates of a daily table with days × metrics cells of
// varied values.
func large(n, days, metrics int) []sim.Result {
	dates := make([]time.Time, days)
	for d := range dates {
		dates[d] = sim.Date(2025, 11, 1).AddDate(0, 0, d)
	}
	names := make([]string, metrics)
	for m := range names {
		names[m] = fmt.Sprintf("metric_%03d", m)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	res := make([]sim.Result, n)
	for i := range res {
		twin := table(dates, names, func(m, d int) float64 { return math.Round(1e6 * float64(m+1) * (1 + 0.01*rng.NormFloat64())) })
		shock := table(dates, names, func(m, d int) float64 {
			if d < days/4 {
				return twin.Values[m][d]
			}
			return twin.Values[m][d] * (1 - 0.02*rng.Float64())
		})
		res[i] = sim.Result{Replicate: i, Shock: sim.Tables{Daily: shock}, Twin: sim.Tables{Daily: twin}}
	}
	return res
}

// TestWriteFull fills the disk at various points: both formats give the
// same error, naming the file, and leave nothing behind.
func TestWriteFull(t *testing.T) {
	withRowGroups(t, 20000)
	res := large(2, 100, 60) // 36,000 rows a table: the Parquet is larger than writeFile's buffer
	old := createFile
	t.Cleanup(func() { createFile = old })
	for _, limit := range []int{0, 5, 70000, 140000} {
		msgs := map[string]string{}
		for _, fm := range Formats {
			createFile = func(path string) (outFile, error) {
				f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
				if err != nil {
					return nil, err
				}
				if strings.HasPrefix(filepath.Base(path), "daily.") {
					return &fullFile{File: f, limit: limit}, nil
				}
				return f, nil
			}
			parent := t.TempDir()
			dir := filepath.Join(parent, "out")
			run := testRun()
			run.Format = fm
			err := writeResults(dir, run, res)
			if err == nil {
				t.Fatalf("%s, disk full after %d bytes: no error", fm, limit)
			}
			msg := err.Error()
			want := "cannot write " + dir + ".partial/daily." + fm + ": no space left on device; check free space and permissions, or choose another output directory"
			if msg != want {
				t.Errorf("%s, disk full after %d bytes: error %q, want %q", fm, limit, msg, want)
			}
			msgs[fm] = strings.ReplaceAll(strings.ReplaceAll(msg, parent, "PARENT"), "daily."+fm, "daily.EXT")
			if l := leftovers(t, parent); len(l) > 0 {
				t.Errorf("%s: left behind %v", fm, l)
			}
			if _, err := os.Stat(dir); err == nil {
				t.Errorf("%s: %s exists after a failed write", fm, dir)
			}
		}
		if msgs[FormatCSV] != msgs[FormatParquet] {
			t.Errorf("errors differ: %q and %q", msgs[FormatCSV], msgs[FormatParquet])
		}
	}
}

// TestParquetWriterError checks that a writer's error comes back unchanged
// from wherever in the file it happens.
func TestParquetWriterError(t *testing.T) {
	withRowGroups(t, 5000)
	res := large(2, 60, 50)
	run := parquetRun()
	var full bytes.Buffer
	if err := writeLongParquet(&full, 0, run.Scenario, "case", res); err != nil {
		t.Fatal(err)
	}
	errFull := errors.New("disk full")
	for _, limit := range []int{0, 3, 100, full.Len() / 3, full.Len() / 2, full.Len() - 10, full.Len() - 1} {
		w := &limitWriter{limit: limit, err: errFull}
		if err := writeLongParquet(w, 0, run.Scenario, "case", res); err != errFull {
			t.Errorf("failing after %d of %d bytes: error %v, want %v", limit, full.Len(), err, errFull)
		}
	}
}

type limitWriter struct {
	limit int
	err   error
}

func (w *limitWriter) Write(p []byte) (int, error) {
	if len(p) > w.limit {
		n := w.limit
		w.limit = 0
		return n, w.err
	}
	w.limit -= len(p)
	return len(p), nil
}

// TestParquetStreams checks that the Parquet writer streams: what it
// allocates does not grow with the rows (the values alone of the larger
// table take 14 MB).
func TestParquetStreams(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("writes 2 million rows; allocations mean nothing under the race detector")
	}
	run := parquetRun()
	alloc := func(res []sim.Result) uint64 {
		if err := writeLongParquet(io.Discard, 0, run.Scenario, "case", res); err != nil { // fill the library's pools
			t.Fatal(err)
		}
		defer debug.SetGCPercent(debug.SetGCPercent(-1)) // a GC would empty them
		var a, b runtime.MemStats
		runtime.ReadMemStats(&a)
		if err := writeLongParquet(io.Discard, 0, run.Scenario, "case", res); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&b)
		return b.TotalAlloc - a.TotalAlloc
	}
	small := alloc(large(1, 487, 150)) // 219,150 rows, one row group
	big := alloc(large(8, 487, 150))   // 1,753,200 rows, 7 row groups
	if big > small+1<<20 {
		t.Errorf("writing 219,150 rows allocates %d bytes, 1,753,200 rows %d bytes", small, big)
	}
}

// BenchmarkWriteLong writes a daily table of 8 replicates × 487 days × 150
// metrics × 3 variants (1,753,200 rows) in each format.
func BenchmarkWriteLong(b *testing.B) {
	res := large(8, 487, 150)
	run := testRun()
	for _, fm := range Formats {
		write := writeLong
		if fm == FormatParquet {
			write = writeLongParquet
		}
		b.Run(fm, func(b *testing.B) {
			var n countWriter
			for b.Loop() {
				n = countWriter{w: io.Discard}
				if err := write(&n, 0, run.Scenario, "case", res); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n.n), "bytes")
		})
	}
}
