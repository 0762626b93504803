package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ripple-sim/ripple/configs"
)

// shortScenario writes the preset ending on 2026-02-28 (after every
// statistic's dates but the follow-up breach's, which it drops) and returns
// its path.
func shortScenario(t *testing.T) string {
	t.Helper()
	b, err := configs.PresetTOML(defaultPreset)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(b), "\nend = 2026-12-31", "\nend = 2026-02-28", 1)
	if s == string(b) {
		t.Fatal("the preset's end date moved; update shortScenario")
	}
	path := filepath.Join(t.TempDir(), "short.toml")
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func sensCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows
}

func TestSensitivityEndToEnd(t *testing.T) {
	sc := shortScenario(t)
	dir := t.TempDir()
	args := func(workers, out string) []string {
		return []string{"sensitivity", "-scenario", sc, "-params", "trust.j_d,churn.h1,orders.nu_chk",
			"-outputs", "CT-1,CT-4,CT-7", "-trajectories", "2", "-replicates", "1", "-consumers", "2000",
			"-workers", workers, "-quiet", "-out", out}
	}
	out1, out2 := filepath.Join(dir, "w1"), filepath.Join(dir, "w2")
	code, stdout, stderr := call(args("1", out1)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if stderr != "" {
		t.Errorf("-quiet printed %q", stderr)
	}
	for _, want := range []string{"CT-1", "CT-4", "CT-7", "trust.j_d", "mu*", "Wrote sensitivity.csv"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	sens := sensCSV(t, filepath.Join(out1, "sensitivity.csv"))
	if len(sens) != 1+3*3 || strings.Join(sens[0], ",") != "output,label,unit,param,rank,mu,mu_star,mu_star_lo,mu_star_hi,sigma,n" {
		t.Fatalf("sensitivity.csv: %d rows, header %v", len(sens), sens[0])
	}
	for _, row := range sens[1:] {
		if row[10] != "2" {
			t.Errorf("row %v: n %s, want 2", row, row[10])
		}
		if _, err := strconv.ParseFloat(row[6], 64); err != nil {
			t.Errorf("row %v: mu_star: %v", row, err)
		}
	}
	if sens[1][0] != "CT-1" || sens[1][1] != "MAU Jan-26 / Dec-25 - 1" || sens[1][2] != "share" || sens[1][4] != "1" {
		t.Errorf("first row %v", sens[1])
	}
	points := sensCSV(t, filepath.Join(out1, "points.csv"))
	if len(points) != 1+2*4 || len(points[0]) != 4+3+3 {
		t.Fatalf("points.csv: %d rows of %d columns", len(points), len(points[0]))
	}
	for _, name := range []string{"tornado_ct-1.png", "tornado_ct-1.svg", "tornado_ct-4.png", "tornado_ct-7.svg"} {
		if fi, err := os.Stat(filepath.Join(out1, "figures", name)); err != nil || fi.Size() == 0 {
			t.Errorf("figures/%s: %v", name, err)
		}
	}
	if code, _, stderr := call(args("2", out2)...); code != 0 {
		t.Fatalf("2 workers: exit %d: %s", code, stderr)
	}
	for _, name := range []string{"sensitivity.csv", "points.csv"} {
		a, _ := os.ReadFile(filepath.Join(out1, name))
		b, _ := os.ReadFile(filepath.Join(out2, name))
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between 1 and 2 workers", name)
		}
	}
	// An earlier output is replaced; nothing is left beside it.
	if code, _, stderr := call(args("2", out2)...); code != 0 {
		t.Fatalf("again: exit %d: %s", code, stderr)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("left files behind in %s: %v", dir, entries)
	}
}

func TestSensitivityErrors(t *testing.T) {
	dir := t.TempDir()
	other := filepath.Join(dir, "other")
	os.Mkdir(other, 0o755)
	os.WriteFile(filepath.Join(other, "x"), nil, 0o644)
	// A range that breaks a scenario rule: a log range from 0 is refused
	// before anything runs, and so is a point outside a key's own range.
	for _, tc := range []struct {
		give []string
		code int
		want string
	}{
		{[]string{"-params", "trust.nope"}, 2, `"trust.nope" is not a free parameter`},
		{[]string{"-params", "trust.j_d,trust.j_d"}, 2, "named twice"},
		{[]string{"-outputs", "CT-8"}, 2, `"CT-8" is not a statistic`},
		{[]string{"-levels", "3"}, 2, "-levels must be even"},
		{[]string{"-trajectories", "0"}, 2, "-trajectories must be at least 1"},
		{[]string{"-replicates", "0"}, 2, "-replicates must be at least 1"},
		{[]string{"-consumers", "0"}, 2, "-consumers must be at least 1"},
		{[]string{"-preset", "nope"}, 2, `unknown preset "nope"`},
		{[]string{"extra"}, 2, `unexpected argument "extra"`},
		{[]string{"-params", "trust.j_d", "-out", other}, 1, "not a sensitivity output"},
	} {
		code, _, stderr := call(append([]string{"sensitivity", "-quiet"}, tc.give...)...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("%q: exit %d, stderr %q; want exit %d and %q", tc.give, code, stderr, tc.code, tc.want)
		}
		if n := strings.Count(stderr, "\n"); n != 1 || strings.Contains(stderr, "goroutine") {
			t.Errorf("%q: want exactly one line on stderr, got %d:\n%s", tc.give, n, stderr)
		}
	}
}

// TestSensitivityInvalidPoints: a base scenario whose cross-key rules the
// design's points break is reported point by point before any simulation.
func TestSensitivityInvalidPoints(t *testing.T) {
	b, _ := os.ReadFile(shortScenario(t))
	sc, err := configs.Parse("short.toml", b)
	if err != nil {
		t.Fatal(err)
	}
	params, _ := sensParams("trust.j_d,churn.h1")
	// churn.h1 = 5 breaks the monotone coupling p_h + p_ret <= 1; a negative
	// j_d is outside the key's own range.
	_, err = sensDesign(&sc, params, [][]float64{{0.1, 0.01}, {0.1, 5}, {-1, 0.01}}, 1, 1)
	if err == nil || !strings.Contains(err.Error(), "design point 1 (trust.j_d=0.1, churn.h1=5): ") ||
		!strings.Contains(err.Error(), "p_h + p_ret") || !strings.Contains(err.Error(), "design point 2 (trust.j_d=-1") ||
		strings.Contains(err.Error(), "design point 0") {
		t.Errorf("got %v", err)
	}
}

func TestSensitivityInterrupt(t *testing.T) {
	defer func(f func() (context.Context, context.CancelFunc)) { newContext = f }(newContext)
	newContext = func() (context.Context, context.CancelFunc) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		return ctx, cancel
	}
	out := filepath.Join(t.TempDir(), "out")
	code, _, stderr := call("sensitivity", "-params", "trust.j_d", "-trajectories", "1", "-replicates", "1", "-consumers", "2000", "-quiet", "-out", out)
	if code != 130 || !strings.Contains(stderr, "interrupted") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("an interrupted screening wrote its output")
	}
}
