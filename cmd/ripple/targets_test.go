package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ripple-sim/ripple/sim/output"
	"github.com/ripple-sim/ripple/targets"
)

func TestCheckTargets(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the simulation")
	}
	dir := t.TempDir()
	csvDir, pqDir := filepath.Join(dir, "csv"), filepath.Join(dir, "parquet")
	for _, args := range [][]string{{"-out", csvDir}, {"-out", pqDir, "-format", "parquet"}} {
		args = append([]string{"run", "-consumers", "2000", "-replicates", "2", "-quiet", "-no-figures"}, args...)
		if code, _, stderr := call(args...); code != 0 {
			t.Fatalf("%q: exit %d: %s", args, code, stderr)
		}
	}
	code, stdout, stderr := call("check-targets", csvDir)
	if stderr != "" {
		t.Errorf("stderr: %s", stderr)
	}
	highFail := false
	for _, id := range []string{"CT-1", "CT-2", "CT-3", "CT-3b", "CT-4", "CT-5", "CT-6", "CT-7", "CT-8", "CT-9", "CT-10"} {
		var row string
		for _, line := range strings.Split(stdout, "\n") {
			if f := strings.Fields(line); len(f) > 0 && f[0] == id {
				row = line
				break
			}
		}
		if row == "" {
			t.Errorf("no row for %s:\n%s", id, stdout)
			continue
		}
		if !strings.Contains(row, "pass") && !strings.Contains(row, "fail") && !strings.HasSuffix(row, "not computed") {
			t.Errorf("%s: no status: %s", id, row)
		}
		if strings.Fields(row)[1] == "high" && strings.HasSuffix(row, "fail") {
			highFail = true
		}
	}
	if want := map[bool]int{false: 0, true: 1}[highFail]; code != want {
		t.Errorf("exit %d, want %d (a high-weight target fails: %v):\n%s", code, want, highFail, stdout)
	}
	for _, want := range []string{"CT-9   needs each replicate's shock run without the follow-up breach", "2 replicates (seed 1), 2,000 consumer agents", "[95% CI]"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}

	// The exit code agrees with the package, and Parquet reads as CSV does.
	res, _, err := output.ReadResults(csvDir)
	if err != nil {
		t.Fatal(err)
	}
	if targets.HighFailed(targets.Evaluate(res, nil)) != highFail {
		t.Error("the command and targets.HighFailed disagree")
	}
	pqCode, pqOut, _ := call("check-targets", pqDir)
	if pqCode != code || strings.ReplaceAll(pqOut, pqDir, csvDir) != stdout {
		t.Errorf("Parquet output differs from CSV's:\n%s\n%s", pqOut, stdout)
	}

	// A lost unit file is named.
	if err := os.Remove(filepath.Join(pqDir, "replicates", "p0000-r000001.bin")); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := call("check-targets", pqDir); code != 1 || !strings.Contains(stderr, "point 0, replicate 1 is missing") {
		t.Errorf("lost unit file: exit %d, %q", code, stderr)
	}
}

// TestCheckTargetsFollowUp: the follow_up experiment gives CT-9 its runs
// without the follow-up breach, in a sweep and again in check-targets.
func TestCheckTargetsFollowUp(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the simulation")
	}
	out := filepath.Join(t.TempDir(), "fu")
	if code, _, stderr := call("sweep", "-consumers", "2000", "-replicates", "2", "-quiet", "-no-figures", "-out", out, "follow_up"); code != 0 {
		t.Fatalf("sweep: exit %d: %s", code, stderr)
	}
	_, stdout, stderr := call("check-targets", out)
	if stderr != "" {
		t.Errorf("stderr: %s", stderr)
	}
	for _, line := range strings.Split(stdout, "\n") {
		if f := strings.Fields(line); len(f) > 0 && f[0] == "CT-9" {
			if strings.HasSuffix(line, "not computed") || !strings.Contains(line, "[") {
				t.Errorf("CT-9 not computed on the follow_up sweep: %s", line)
			}
			return
		}
	}
	t.Errorf("no CT-9 row:\n%s", stdout)
}

func TestCheckTargetsErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		give []string
		code int
		want string
	}{
		{[]string{"check-targets"}, 2, "ripple check-targets: missing output directory"},
		{[]string{"check-targets", dir, "x"}, 2, `unexpected argument "x"`},
		{[]string{"check-targets", "-v", dir}, 2, "flag provided but not defined: -v"},
		{[]string{"check-targets", dir}, 1, "ripple check-targets: " + dir + " is not a ripple output directory"},
	} {
		code, _, stderr := call(tc.give...)
		if code != tc.code || !strings.Contains(stderr, tc.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%q: exit %d, stderr %q; want %d and %q on one line", tc.give, code, stderr, tc.code, tc.want)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "manifest.json"), []byte(`{"format": "csv"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := call("check-targets", dir); code != 1 || !strings.Contains(stderr, "is not a finished output") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("unfinished output: exit %d, %q", code, stderr)
	}
	code, stdout, stderr := call("check-targets", "-h")
	if code != 0 || stderr != "" || !strings.Contains(stdout, "Usage: ripple check-targets DIR") || !strings.Contains(stdout, "Example:\n  ripple check-targets ripple-out\n  ripple sweep -out fu follow_up && ripple check-targets fu") {
		t.Errorf("-h: exit %d, %q, %q", code, stdout, stderr)
	}
	if _, stdout, _ := call("help"); !strings.Contains(stdout, "ripple check-targets DIR") {
		t.Error("the overview lacks check-targets")
	}
}
