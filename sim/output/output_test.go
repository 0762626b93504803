package output

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ripple-sim/ripple/sim"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// table builds a table whose values are f(metric, date).
func table(dates []time.Time, metrics []string, f func(m, d int) float64) sim.Table {
	t := sim.Table{Dates: dates, Metrics: metrics, Values: make([][]float64, len(metrics))}
	for m := range metrics {
		t.Values[m] = make([]float64, len(dates))
		for d := range dates {
			t.Values[m][d] = f(m, d)
		}
	}
	return t
}

// synthetic returns n small replicates with a NaN in the monthly MoM column
// and a shock that lowers everything by a replicate-dependent amount.
func synthetic(n int) []sim.Result {
	days := []time.Time{sim.Date(2025, 11, 29), sim.Date(2025, 11, 30), sim.Date(2025, 12, 1)}
	weeks := []time.Time{sim.Date(2025, 11, 24), sim.Date(2025, 12, 1)}
	months := []time.Time{sim.Date(2025, 11, 1), sim.Date(2025, 12, 1)}
	res := make([]sim.Result, n)
	for r := range res {
		base := func(m, d int) float64 { return 1000*float64(m+1) + 10*float64(d) + 0.25*float64(r) }
		drop := func(m, d int) float64 { return base(m, d) - float64(d*(r+1))/3 }
		mom := func(f func(m, d int) float64) func(m, d int) float64 {
			return func(m, d int) float64 {
				if m == 1 {
					if d == 0 {
						return math.NaN()
					}
					return f(0, d)/f(0, d-1) - 1
				}
				return f(m, d)
			}
		}
		res[r] = sim.Result{
			Replicate: r,
			Shock: sim.Tables{
				Daily:   table(days, []string{"dau", "trust_mean"}, drop),
				Weekly:  table(weeks, []string{"wau"}, drop),
				Monthly: table(months, []string{"mau", "mau_mom"}, mom(drop)),
			},
			Twin: sim.Tables{
				Daily:   table(days, []string{"dau", "trust_mean"}, base),
				Weekly:  table(weeks, []string{"wau"}, base),
				Monthly: table(months, []string{"mau", "mau_mom"}, mom(base)),
			},
		}
	}
	return res
}

func testRun() Batch {
	return Batch{
		Scenario: "test", ScenarioTOML: []byte("name = \"test\"\n"), Arms: []Arm{{Name: "case"}},
		Seed: 1, Replicates: 3, Workers: 2, Agents: Agents{Consumers: 100, RealConsumers: 34400}, Version: "test",
	}
}

// unitsOf turns results of one lever set into units of point 0; replicate
// i is results[i].
func unitsOf(res []sim.Result) []*sim.UnitResult {
	us := make([]*sim.UnitResult, len(res))
	for i, r := range res {
		us[i] = &sim.UnitResult{UnitID: sim.UnitID{Replicate: i}, Twin: r.Twin, Shocks: []sim.Tables{r.Shock}}
	}
	return us
}

// writeResults writes results of one lever set as a batch of len(res)
// replicates.
func writeResults(dir string, b Batch, res []sim.Result) error {
	b.Replicates = len(res)
	return Write(dir, b, unitsOf(res), Hooks{})
}

func TestGolden(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	if err := writeResults(dir, testRun(), synthetic(3)); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"daily", "summary"} {
		got, err := os.ReadFile(filepath.Join(dir, name+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		golden := filepath.Join("testdata", name+".golden")
		if *update {
			if err := os.WriteFile(golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run go test ./sim/output -update to create it)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s.csv differs from %s (run go test ./sim/output -update if the change is intended)\ngot:\n%s", name, golden, got)
		}
	}
}

func TestHeaders(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	if err := writeResults(dir, testRun(), synthetic(2)); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ give, want string }{
		{"daily.csv", "scenario,lever_set,replicate,variant,date,metric,value\n"},
		{"weekly.csv", "scenario,lever_set,replicate,variant,date,metric,value\n"},
		{"monthly.csv", "scenario,lever_set,replicate,variant,date,metric,value\n"},
		{"policy.csv", "scenario,lever_set,versus,group,metric,unit,n,mean,se,ci_lo,ci_hi,p5,p50,p95\n"},
		{"effects.csv", "scenario,lever_set,replicate,versus,group,metric,unit,value\n"},
		{"summary.csv", "scenario,lever_set,table,variant,date,metric,n,mean,se,p5,p25,p50,p75,p95\n"},
	} {
		b, err := os.ReadFile(filepath.Join(dir, tc.give))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(b), tc.want) {
			t.Errorf("%s: header %q, want %q", tc.give, strings.SplitN(string(b), "\n", 2)[0], tc.want)
		}
	}
	// 2 replicates × 3 variants × 2 months × 2 metrics, plus the header.
	b, _ := os.ReadFile(filepath.Join(dir, "monthly.csv"))
	if got := strings.Count(string(b), "\n"); got != 1+2*3*2*2 {
		t.Errorf("monthly.csv has %d lines, want %d", got, 1+2*3*2*2)
	}
	if !strings.Contains(string(b), "test,case,0,shock,2025-11-01,mau_mom,NaN\n") {
		t.Errorf("monthly.csv lacks the NaN MoM of the first month:\n%s", b)
	}
}

func TestByteIdentical(t *testing.T) {
	a, b := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	for _, dir := range []string{a, b} {
		if err := writeResults(dir, testRun(), synthetic(4)); err != nil {
			t.Fatal(err)
		}
	}
	if d := diffOutputs(t, a, b); d != nil {
		t.Errorf("identical writes differ: %v", d)
	}
}

// diffOutputs lists the files in which two output directories differ: every
// file byte for byte (unit files included), but manifest.json without its
// times and workers.
func diffOutputs(t *testing.T, a, b string) []string {
	t.Helper()
	files := func(root string) map[string][]byte {
		out := map[string][]byte{}
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(root, path)
			data, err := os.ReadFile(path)
			if rel == "manifest.json" {
				var m Manifest
				if err := json.Unmarshal(data, &m); err != nil {
					return err
				}
				m.StartTime, m.WallSeconds, m.Workers = "", 0, 0
				data, err = json.Marshal(m)
			}
			out[rel] = data
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	x, y := files(a), files(b)
	var d []string
	for name, data := range x {
		if other, ok := y[name]; !ok || !bytes.Equal(data, other) || len(data) == 0 {
			d = append(d, name)
		}
	}
	for name := range y {
		if _, ok := x[name]; !ok {
			d = append(d, name+" (only in "+b+")")
		}
	}
	if len(x) == 0 {
		d = append(d, a+" is empty")
	}
	slices.Sort(d)
	return d
}

func TestManifest(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	run := testRun()
	if err := writeResults(dir, run, synthetic(3)); err != nil {
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
	if m.ScenarioTOML != string(run.ScenarioTOML) || m.Seed != 1 || m.Replicates != 3 || m.Workers != 2 ||
		m.Agents != run.Agents || m.Ripple != "test" || !m.Complete || m.Units != 3 || m.Shard != "" ||
		!slices.Equal(m.LeverSets, []string{"case"}) || !slices.Equal(m.Tables, sim.TableNames) || m.Format != FormatCSV ||
		m.Experiment != "" || m.WallSeconds <= 0 || m.WallSeconds > 60 {
		t.Errorf("manifest fields: %+v", m)
	}
	if st, err := time.Parse(time.RFC3339, m.StartTime); err != nil || time.Since(st) > time.Minute || time.Since(st) < -time.Second {
		t.Errorf("manifest fields: %+v", m)
	}
	if len(m.Files) != len(Files)-1 {
		t.Fatalf("manifest lists %d files, want %d", len(m.Files), len(Files)-1)
	}
	for i, f := range m.Files {
		data, err := os.ReadFile(filepath.Join(dir, f.Name))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		if f.Name != Files[i] || f.Bytes != int64(len(data)) || f.SHA256 != hex.EncodeToString(sum[:]) {
			t.Errorf("manifest entry %+v does not match %s (%d bytes)", f, Files[i], len(data))
		}
	}
}

// leftovers lists temporary or aside directories left in parent.
func leftovers(t *testing.T, parent string) []string {
	t.Helper()
	entries, err := os.ReadDir(parent)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".ripple-") || strings.Contains(e.Name(), ".partial") || strings.Contains(e.Name(), tmpMark) {
			out = append(out, e.Name())
		}
	}
	return out
}

func TestUnwritableParent(t *testing.T) {
	parent := t.TempDir()
	file := filepath.Join(parent, "file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(file, "out")
	for name, f := range map[string]func() error{
		"Write": func() error { return writeResults(dir, testRun(), synthetic(2)) },
	} {
		err := f()
		if err == nil {
			t.Fatalf("%s(%s): no error", name, dir)
		}
		if msg := err.Error(); !strings.Contains(msg, "cannot create "+dir) || strings.Contains(msg, "\n") {
			t.Errorf("%s: error %q should name %s on one line", name, msg, dir)
		}
	}
	if l := leftovers(t, parent); len(l) > 0 {
		t.Errorf("left behind %v", l)
	}
}

func TestReplace(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "out")
	if err := writeResults(dir, testRun(), synthetic(4)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "stale.txt"), []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := writeResults(dir, testRun(), synthetic(2)); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "stale.txt")); err == nil {
		t.Error("stale.txt survived: the old directory was not replaced completely")
	}
	fresh := filepath.Join(t.TempDir(), "fresh")
	if err := writeResults(fresh, testRun(), synthetic(2)); err != nil {
		t.Fatal(err)
	}
	if d := diffOutputs(t, dir, fresh); d != nil {
		t.Errorf("a rewrite differs from a fresh write: %v", d)
	}
	if l := leftovers(t, parent); len(l) > 0 {
		t.Errorf("left behind %v", l)
	}
}

func TestRefuseForeignDirectory(t *testing.T) {
	dir := t.TempDir()
	notes := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notes, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := writeResults(dir, testRun(), synthetic(2)); err == nil {
		t.Error("Write replaced a directory that is not ripple output")
	}
	if b, err := os.ReadFile(notes); err != nil || string(b) != "keep me" {
		t.Errorf("notes.txt: %q, %v", b, err)
	}
	if err := writeResults(notes, testRun(), synthetic(2)); err == nil {
		t.Error("Write replaced a regular file")
	}
}

func TestLayoutMismatch(t *testing.T) {
	res := synthetic(2)
	res[1].Twin.Daily.Metrics = []string{"dau", "other"}
	dir := filepath.Join(t.TempDir(), "out")
	if err := writeResults(dir, testRun(), res); err == nil {
		t.Error("Write accepted results with different metrics")
	}
	if err := writeResults(dir, testRun(), nil); err == nil {
		t.Error("Write accepted no results")
	}
}

func TestSummarize(t *testing.T) {
	res := synthetic(4)
	// Shock dau on the first day: 1000, 1000.25, 1000.5, 1000.75; twin equal, effect 0.
	// Replace replicate 3's by NaN to check skipping.
	res[3].Shock.Daily.Values[0][0] = math.NaN()
	s := Summarize(res)
	shock := s.Daily.Series(Shock, "dau")
	if shock == nil || s.Daily.Series(Shock, "nope") != nil {
		t.Fatal("Series lookup")
	}
	st := shock[0]
	// 1000, 1000.25, 1000.5: mean 1000.25, sd 0.25, se 0.25/sqrt(3), t(0.975, 2) = 4.302653.
	// gonum's LinInterp interpolates the empirical CDF (Hyndman-Fan type 4):
	// the median of three values is halfway between the first two.
	se := 0.25 / math.Sqrt(3)
	h := 4.302652729911275 * se
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"mean", st.Mean, 1000.25}, {"se", st.SE, se}, {"p50", st.P50, 1000.125},
		{"lo", st.Lo, 1000.25 - h}, {"hi", st.Hi, 1000.25 + h},
	} {
		if math.Abs(c.got-c.want) > 1e-9 {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if st.N != 3 || s.Daily.Series(Twin, "dau")[0].N != 4 || s.Daily.Series(Effect, "dau")[0].N != 3 {
		t.Errorf("n: shock %d, twin %d, effect %d; want 3, 4, 3", st.N,
			s.Daily.Series(Twin, "dau")[0].N, s.Daily.Series(Effect, "dau")[0].N)
	}
	// The effect on day 2 is −2(r+1)/3: mean −5/3.
	if got := s.Daily.Series(Effect, "dau")[2].Mean; math.Abs(got+5.0/3) > 1e-12 {
		t.Errorf("effect mean = %v, want %v", got, -5.0/3)
	}
	mom := s.Monthly.Series(Shock, "mau_mom")[0]
	if mom.N != 0 || !math.IsNaN(mom.Mean) || !math.IsNaN(mom.SE) {
		t.Errorf("all-NaN stat: %+v", mom)
	}
	one := Summarize(res[:1]).Daily.Series(Twin, "dau")[0]
	if one.N != 1 || one.Mean != 1000 || !math.IsNaN(one.SE) || !math.IsNaN(one.Lo) {
		t.Errorf("single replicate: %+v", one)
	}
}

func TestWriteFileError(t *testing.T) {
	dir := t.TempDir()
	_, err := writeFile(dir, "x.csv", func(w io.Writer) error { return errors.New("no space left on device") })
	if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "x.csv")) {
		t.Errorf("error %v should name the file", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "file"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := writeFile(filepath.Join(dir, "file"), "x.csv", func(io.Writer) error { return nil }); err == nil {
		t.Error("no error for a directory that is a file")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("failed writes left %v", entries)
	}
}

// TestExtraFiles: extra files land in their subdirectory, atomically, and the
// manifest lists them with their checksums.
func TestExtraFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	extras := func(xs ...Extra) Hooks {
		return Hooks{Extras: func(*Assembled) ([]Extra, error) { return xs, nil }}
	}
	res := synthetic(2)
	b := testRun()
	b.Replicates = 2
	err := Write(dir, b, unitsOf(res), extras(Extra{Name: "figures/a.txt", Write: func(w io.Writer) error {
		_, err := io.WriteString(w, "figure")
		return err
	}}))
	if err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "figures", "a.txt")); err != nil || string(b) != "figure" {
		t.Fatalf("figures/a.txt: %q, %v", b, err)
	}
	var m Manifest
	data, _ := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	last := m.Files[len(m.Files)-1]
	if last.Name != "figures/a.txt" || last.Bytes != 6 || last.SHA256 != "889393fb69a5b305188405f66dd58ca1fefad6cef46cfbf85236146e633f2a66" {
		t.Errorf("manifest entry %+v", last)
	}
	err = Write(dir, b, unitsOf(res), extras(Extra{Name: "figures/b.txt", Write: func(io.Writer) error { return errors.New("no fonts") }}))
	if err == nil {
		t.Fatal("a failing extra file gave no error")
	}
	if _, err := os.Stat(filepath.Join(dir, "figures", "a.txt")); err != nil {
		t.Errorf("a failed write touched the previous output: %v", err)
	}
	if _, err := os.Stat(dir + ".partial"); err == nil {
		t.Errorf("a failed Write left %s.partial", dir)
	}
}
