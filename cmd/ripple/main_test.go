package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/ripple-sim/ripple/configs"
	"github.com/ripple-sim/ripple/sim/output"
)

// call runs the program and returns its exit code, stdout and stderr.
func call(args ...string) (int, string, string) {
	var out, errs bytes.Buffer
	code := run(args, &out, &errs)
	return code, out.String(), errs.String()
}

func TestErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.toml")
	if err := os.WriteFile(bad, []byte("[population]\nconsumers = -5\nreal_consumers = 1e6\n[network]\nmode = \"none\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.toml")
	for _, tc := range []struct {
		give []string
		code int
		want string // in stderr
	}{
		{[]string{"frob"}, 2, `unknown command "frob"`},
		{[]string{"run", "-bogus"}, 2, "flag provided but not defined: -bogus"},
		{[]string{"run", "-replicates", "0"}, 2, "ripple run: -replicates must be at least 1 (got 0)"},
		{[]string{"run", "-replicates", "-3"}, 2, "(got -3)"},
		{[]string{"run", "-consumers", "0"}, 2, "-consumers must be at least 1"},
		{[]string{"run", "-scale", "half"}, 2, `-scale "half": want full or weighted`},
		{[]string{"run", "-scale", "full", "-consumers", "5"}, 2, "-scale full sets the consumers: drop -consumers"},
		{[]string{"sweep", "-scale", "full", "-consumers", "5", "follow_up"}, 2, "-scale full sets the consumers"},
		{[]string{"run", "-workers", "0"}, 2, "-workers must be at least 1"},
		{[]string{"run", "-seed", "x"}, 2, `invalid value "x" for flag -seed`},
		{[]string{"run", "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"run", "-scenario", bad, "-preset", "kr_coupang_2025"}, 2, "not both"},
		{[]string{"run", "-preset", "nope"}, 2, `unknown preset "nope"`},
		{[]string{"run", "-scenario", missing}, 1, "ripple: cannot read scenario: open " + missing + ": no such file or directory"},
		{[]string{"run", "-scenario", bad}, 1, "population.consumers = -5"},
		{[]string{"run", "-consumers", "2000", "-out", filepath.Join(file, "out")}, 1, "cannot create " + filepath.Join(file, "out")},
		{[]string{"run", "-consumers", "2000", "-out", file}, 1, "not a directory"},
		{[]string{"preset"}, 2, "missing subcommand"},
		{[]string{"preset", "list"}, 2, `unknown subcommand "list"`},
		{[]string{"preset", "show"}, 2, "missing preset name"},
		{[]string{"preset", "show", "nope"}, 2, `unknown preset "nope" (available: kr_coupang_2025`},
		{[]string{"preset", "show", "a", "b"}, 2, `unexpected argument "b"`},
		{[]string{"presets", "x"}, 2, `unexpected argument "x"`},
		{[]string{"validate"}, 2, "missing scenario file"},
		{[]string{"validate", bad}, 1, "bad.toml:2: population.consumers = -5"},
		{[]string{"validate", missing}, 1, "cannot read scenario"},
		{[]string{"version", "x"}, 2, `unexpected argument "x"`},
		{[]string{"help", "a", "b"}, 2, "at most one"},
	} {
		code, _, stderr := call(tc.give...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("%q: exit %d, stderr %q; want exit %d and %q", tc.give, code, stderr, tc.code, tc.want)
		}
		if n := strings.Count(stderr, "\n"); n != 1 || strings.Contains(stderr, "goroutine") {
			t.Errorf("%q: want exactly one line on stderr, got %d:\n%s", tc.give, n, stderr)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("left files behind in %s: %v", dir, entries)
	}
}

func TestHelp(t *testing.T) {
	for _, tc := range []struct {
		give  []string
		flags []string
	}{
		{[]string{"run", "-h"}, []string{"-scenario FILE", "-preset NAME", "-seed N", "-replicates N", "-workers N", "-consumers N", "-out DIR", "-quiet"}},
		{[]string{"help", "run"}, []string{"-replicates N"}},
		{[]string{"presets", "-h"}, nil},
		{[]string{"preset", "-h"}, nil},
		{[]string{"preset", "show", "-h"}, nil},
		{[]string{"help", "preset"}, nil},
		{[]string{"validate", "-h"}, nil},
		{[]string{"version", "-help"}, nil},
	} {
		code, stdout, stderr := call(tc.give...)
		if code != 0 || stderr != "" || !strings.Contains(stdout, "Usage: ripple ") || !strings.Contains(stdout, "Example:\n  ripple ") {
			t.Errorf("%q: exit %d, stderr %q, stdout:\n%s", tc.give, code, stderr, stdout)
		}
		for _, f := range tc.flags {
			if !strings.Contains(stdout, "  "+f+"\n") {
				t.Errorf("%q: help lacks %q:\n%s", tc.give, f, stdout)
			}
		}
	}
	for _, args := range [][]string{nil, {"help"}, {"-h"}, {"help", "help"}} {
		code, stdout, _ := call(args...)
		if code != 0 || !strings.Contains(stdout, "ripple preset show NAME") {
			t.Errorf("%q: exit %d, stdout:\n%s", args, code, stdout)
		}
	}
}

func TestPresets(t *testing.T) {
	code, stdout, _ := call("presets")
	wantLines := len(configs.Presets()) + 2 + len(configs.Experiments()) // a blank line and a heading
	if code != 0 || !strings.HasPrefix(stdout, "kr_coupang_2025  ") || strings.Count(stdout, "\n") != wantLines ||
		!strings.Contains(stdout, "\nsanction_ladder\n") {
		t.Errorf("presets: exit %d:\n%s", code, stdout)
	}
	ladder, _ := configs.ExperimentText("sanction_ladder")
	if code, stdout, _ = call("preset", "show", "sanction_ladder"); code != 0 || stdout != string(ladder) {
		t.Errorf("preset show sanction_ladder: exit %d, output differs from the embedded file", code)
	}
	want, err := configs.PresetTOML("kr_coupang_2025")
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, _ = call("preset", "show", "kr_coupang_2025")
	if code != 0 || stdout != string(want) {
		t.Errorf("preset show: exit %d, output differs from the embedded file", code)
	}
	file := filepath.Join(t.TempDir(), "kr.toml")
	if err := os.WriteFile(file, want, 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ = call("validate", file)
	if code != 0 || !strings.HasPrefix(stdout, file+": ok (") || !strings.Contains(stdout, " events, 100000 consumers)") {
		t.Errorf("validate: exit %d: %s", code, stdout)
	}
}

func TestVersion(t *testing.T) {
	code, stdout, _ := call("version")
	if code != 0 || !strings.HasPrefix(stdout, "ripple "+output.Version()+" (go") {
		t.Errorf("version: exit %d: %s", code, stdout)
	}
}

func TestRunTiny(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the simulation")
	}
	out := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := call("run", "-consumers", "2000", "-replicates", "2", "-seed", "3", "-out", out)
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	for _, want := range []string{"Oct 2025", "Mar 2026", "MAU shock", "effect on orders", "  platform   Q4 2025 revenue vs twin", "Wrote daily.csv"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if !strings.Contains(stderr, "2/2 replicates (shock+twin) done") {
		t.Errorf("stderr lacks the last progress line:\n%s", stderr)
	}
	for _, name := range output.Files {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Error(err)
		}
	}
	daily, err := os.ReadFile(filepath.Join(out, "daily.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(daily, []byte("scenario,lever_set,replicate,variant,date,metric,value\nkr_coupang_2025,case,0,shock,2025-09-01,dau,")) {
		t.Errorf("daily.csv starts %q", daily[:min(len(daily), 120)])
	}
	var m output.Manifest
	b, _ := os.ReadFile(filepath.Join(out, "manifest.json"))
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m.Seed != 3 || m.Replicates != 2 || m.Agents.Consumers != 2000 || m.Agents.RealConsumers != 34.4e6 ||
		!strings.Contains(m.ScenarioTOML, "consumers = 2") {
		t.Errorf("manifest: %+v", m)
	}

	// Same seed, quietly, over the old output: identical CSVs, nothing on stderr.
	again := filepath.Join(t.TempDir(), "again")
	code, _, stderr = call("run", "-consumers", "2000", "-replicates", "2", "-seed", "3", "-workers", "1", "-quiet", "-out", again)
	if code != 0 || stderr != "" {
		t.Fatalf("quiet run: exit %d, stderr %q", code, stderr)
	}
	for _, name := range output.Files[:len(output.Files)-1] { // all but the manifest
		x, _ := os.ReadFile(filepath.Join(out, name))
		y, _ := os.ReadFile(filepath.Join(again, name))
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between runs with the same seed", name)
		}
	}
}

func TestInterrupt(t *testing.T) {
	defer func(f func() (context.Context, context.CancelFunc)) { newContext = f }(newContext)
	newContext = func() (context.Context, context.CancelFunc) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		return ctx, cancel
	}
	out := filepath.Join(t.TempDir(), "out")
	code, _, stderr := call("run", "-consumers", "2000", "-replicates", "2", "-quiet", "-out", out)
	want := "ripple: interrupted with 0 of 2 replicates (shock+twin) done, kept in " + out + ".partial; run the same command with -resume to finish\n"
	if code != 130 || stderr != want {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("an interrupted run wrote the output directory")
	}
}

// TestWorkersByteIdentical checks T19 on the files: GOMAXPROCS 1, 2, 8 and
// -workers 1, 2, 8 write byte-identical tables (several shards per replicate).
func TestWorkersByteIdentical(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the simulation nine times")
	}
	var ref map[string][]byte
	for _, procs := range []int{1, 2, 8} {
		for _, workers := range []string{"1", "2", "8"} {
			out := filepath.Join(t.TempDir(), "out")
			old := runtime.GOMAXPROCS(procs)
			code, _, stderr := call("run", "-consumers", "9000", "-replicates", "3", "-workers", workers, "-quiet", "-out", out)
			runtime.GOMAXPROCS(old)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			files := map[string][]byte{}
			for _, name := range output.Files {
				if name == "manifest.json" { // holds wall time and worker count
					continue
				}
				files[name], _ = os.ReadFile(filepath.Join(out, name))
			}
			if ref == nil {
				ref = files
				continue
			}
			for name, b := range files {
				if !bytes.Equal(b, ref[name]) {
					t.Errorf("GOMAXPROCS %d, -workers %s: %s differs", procs, workers, name)
				}
			}
		}
	}
}

// TestPlotRedraws: `ripple plot` redraws from the output files exactly the
// figures that `ripple run` drew, and says so when a directory is not an output.
func TestPlotRedraws(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the simulation")
	}
	out := filepath.Join(t.TempDir(), "out")
	if code, _, stderr := call("run", "-consumers", "2000", "-replicates", "2", "-quiet", "-out", out); code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	if err := os.RemoveAll(filepath.Join(out, "figures")); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := call("plot", out)
	if code != 0 || !strings.Contains(stdout, "figures") {
		t.Fatalf("plot: exit %d: %s%s", code, stdout, stderr)
	}
	var m output.Manifest
	b, _ := os.ReadFile(filepath.Join(out, "manifest.json"))
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range m.Files {
		if !strings.HasPrefix(f.Name, "figures/") && f.Name != "report.html" {
			continue
		}
		n++
		b, err := os.ReadFile(filepath.Join(out, f.Name))
		if err != nil {
			t.Fatal(err)
		}
		if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != f.SHA256 {
			t.Errorf("%s differs from the one ripple run drew", f.Name)
		}
	}
	if n < 20 {
		t.Errorf("%d figures in the manifest", n)
	}
	if code, _, _ := call("plot", t.TempDir()); code != 1 {
		t.Errorf("plot of an empty directory: exit %d, want 1", code)
	}
}

// TestRunMeanField runs `ripple run -meanfield`: the mean field instead of the
// agents, the same files as one replicate, the same table with intervals n/a.
// (Its speed is sim/meanfield's BenchmarkRun.)
func TestRunMeanField(t *testing.T) {
	out := filepath.Join(t.TempDir(), "mf")
	code, stdout, stderr := call("run", "-meanfield", "-out", out)
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	for _, want := range []string{"kr_coupang_2025: mean field (deterministic)", "Oct 2025", "Mar 2026", "MAU shock", "[n/a]", "Wrote daily.csv"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if !strings.Contains(stderr, "mean field of shock and twin") {
		t.Errorf("stderr: %q", stderr)
	}
	for _, name := range output.Files {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Error(err)
		}
	}
	daily, err := os.ReadFile(filepath.Join(out, "daily.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"scenario,lever_set,replicate,variant,date,metric,value\nkr_coupang_2025,case,0,shock,2025-09-01,dau,",
		",0,effect,2025-12-01,aware_share,", ",0,twin,2026-12-31,orders,"} {
		if !bytes.Contains(daily, []byte(want)) {
			t.Errorf("daily.csv lacks %q", want)
		}
	}
	var m output.Manifest
	b, _ := os.ReadFile(filepath.Join(out, "manifest.json"))
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m.Replicates != 1 || m.Agents.Consumers != 0 || m.Agents.RealConsumers != 34.4e6 {
		t.Errorf("manifest: %+v", m)
	}

	// Deterministic: a second run writes the same tables.
	again := filepath.Join(t.TempDir(), "again")
	if code, _, stderr := call("run", "-meanfield", "-quiet", "-no-figures", "-out", again); code != 0 || stderr != "" {
		t.Fatalf("quiet run: exit %d, stderr %q", code, stderr)
	}
	for _, name := range output.Files[:len(output.Files)-1] {
		x, _ := os.ReadFile(filepath.Join(out, name))
		y, _ := os.ReadFile(filepath.Join(again, name))
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between mean-field runs", name)
		}
	}

	code, _, stderr = call("run", "-meanfield", "-replicates", "3", "-out", filepath.Join(t.TempDir(), "x"))
	if code != 2 || !strings.Contains(stderr, "do not apply with -meanfield") {
		t.Errorf("-meanfield -replicates 3: exit %d, stderr %q", code, stderr)
	}
	if _, stdout, _ := call("run", "-h"); !strings.Contains(stdout, "-meanfield") || !strings.Contains(stdout, "mean-field companion") {
		t.Errorf("run -h does not describe -meanfield:\n%s", stdout)
	}
}
