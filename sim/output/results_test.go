package output

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ripple-sim/ripple/sim"
)

// sameTable reports how a differs from b: dates, metrics and values bit for
// bit, except that any NaN matches any NaN when anyNaN is set.
func sameTable(a, b *sim.Table, anyNaN bool) string {
	if !slices.EqualFunc(a.Dates, b.Dates, time.Time.Equal) {
		return "dates differ"
	}
	for _, d := range b.Dates {
		if d.Location() != time.UTC {
			return "dates not in UTC"
		}
	}
	if !slices.Equal(a.Metrics, b.Metrics) || len(a.Values) != len(b.Values) {
		return "metrics differ"
	}
	for m := range a.Values {
		if len(a.Values[m]) != len(b.Values[m]) {
			return a.Metrics[m] + ": lengths differ"
		}
		for d, x := range a.Values[m] {
			y := b.Values[m][d]
			if math.Float64bits(x) != math.Float64bits(y) && !(anyNaN && math.IsNaN(x) && math.IsNaN(y)) {
				return a.Metrics[m] + ": values differ"
			}
		}
	}
	return ""
}

func TestReadResultsRoundTrip(t *testing.T) {
	for _, format := range Formats {
		for name, res := range map[string][]sim.Result{"synthetic": synthetic(3), "edgy": edgy(2)} {
			dir := filepath.Join(t.TempDir(), "out")
			run := testRun()
			run.Format = format
			if err := writeResults(dir, run, res); err != nil {
				t.Fatal(err)
			}
			got, m, err := ReadResults(dir)
			if err != nil {
				t.Fatalf("%s %s: %v", format, name, err)
			}
			if m.Format != format || m.Scenario != "test" {
				t.Errorf("%s %s: manifest %+v", format, name, m)
			}
			if len(got) != len(res) {
				t.Fatalf("%s %s: %d results, want %d", format, name, len(got), len(res))
			}
			for i := range res {
				if got[i].Replicate != res[i].Replicate {
					t.Errorf("%s %s: result %d is replicate %d, want %d", format, name, i, got[i].Replicate, res[i].Replicate)
				}
				for ti, tn := range sim.TableNames {
					for v, pair := range [][2]*sim.Tables{{&res[i].Shock, &got[i].Shock}, {&res[i].Twin, &got[i].Twin}} {
						// CSV writes every NaN as "NaN"; Parquet keeps its bits.
						if diff := sameTable(pair[0].Table(ti), pair[1].Table(ti), format == FormatCSV); diff != "" {
							t.Errorf("%s %s: replicate %d %s %s: %s", format, name, res[i].Replicate, Variant(v), tn, diff)
						}
					}
				}
			}
		}
	}
}

// TestSameTableFails makes sure the comparison of the round trip can fail.
func TestSameTableFails(t *testing.T) {
	a := synthetic(1)[0].Shock.Daily
	b := synthetic(1)[0].Shock.Daily
	b.Values[1][2] = math.Nextafter(b.Values[1][2], 0)
	if sameTable(&a, &b, true) == "" {
		t.Error("a changed value went unnoticed")
	}
	a.Values[0][0], b.Values[0][0] = math.NaN(), math.Float64frombits(0xfff8000000000000)
	b.Values[1][2] = a.Values[1][2]
	if sameTable(&a, &b, false) == "" || sameTable(&a, &b, true) != "" {
		t.Error("NaN bits are not compared as asked")
	}
}

func TestReadResultsErrors(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	if err := writeResults(dir, testRun(), synthetic(2)); err != nil {
		t.Fatal(err)
	}
	daily := filepath.Join(dir, "daily.csv")
	orig, err := os.ReadFile(daily)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(orig), "\n")
	for _, tc := range []struct {
		name, content, want string
	}{
		{"missing cell", strings.Join(append(slices.Clone(lines[:3]), lines[4:]...), ""), "replicate 0: no shock value of dau on 2025-11-30"},
		{"duplicate", strings.Join(append(slices.Clone(lines[:3]), lines[2:]...), ""), "appears twice"},
		{"bad value", strings.Replace(string(orig), ",dau,", ",dau,x", 1), "daily.csv:2: value"},
		{"bad variant", strings.Replace(string(orig), ",shock,", ",shok,", 1), `unknown variant "shok"`},
		{"bad header", strings.Replace(string(orig), "metric", "name", 1), "unexpected header"},
	} {
		if err := os.WriteFile(daily, []byte(tc.content), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, _, err := ReadResults(dir); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
	if _, _, err := ReadResults(t.TempDir()); err == nil || !strings.Contains(err.Error(), "not a ripple output directory") {
		t.Errorf("empty directory: %v", err)
	}
}
