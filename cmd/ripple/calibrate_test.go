package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ripple-sim/ripple/configs"
)

func runCal(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	code = run(append([]string{"calibrate"}, args...), &o, &e)
	return code, o.String(), e.String()
}

func csvLines(t *testing.T, dir string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, calCSV))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(b)), "\n")
}

// A tiny agent-based calibration writes its four files; fitted.toml is a
// complete scenario with the fitted values; -resume continues from
// calibration.csv with the same best point.
func TestCalibrateAgents(t *testing.T) {
	if testing.Short() {
		t.Skip("runs agents")
	}
	dir := filepath.Join(t.TempDir(), "cal")
	args := []string{"-params", "trust.j_d,orders.nu_chk", "-consumers", "3000", "-replicates", "1", "-workers", "2", "-quiet", "-out", dir}
	code, out, errs := runCal(t, append(args, "-evals", "3")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, f := range []string{calCSV, calSettings, calFitted, calReport} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("missing %s", f)
		}
	}
	lines := csvLines(t, dir)
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "eval,objective,wall_s,trust.j_d,orders.nu_chk,CT-1_mean") {
		t.Fatalf("calibration.csv:\n%s", strings.Join(lines, "\n"))
	}
	if !strings.Contains(out, "CT-1") || !strings.Contains(out, "trust.j_d = ") {
		t.Errorf("report:\n%s", out)
	}
	sc, err := configs.Load(filepath.Join(dir, calFitted))
	if err != nil {
		t.Fatalf("fitted.toml: %v", err)
	}
	if sc.Population.Consumers != 100000 {
		t.Errorf("fitted.toml has %d consumers, want the preset's", sc.Population.Consumers)
	}
	report1, _ := os.ReadFile(filepath.Join(dir, calReport))
	best := func(r []byte) string {
		for _, l := range strings.Split(string(r), "\n") {
			if strings.HasPrefix(l, "Best of") {
				_, after, _ := strings.Cut(l, "evaluation ")
				return after
			}
		}
		return ""
	}
	fitted1, _ := os.ReadFile(filepath.Join(dir, calFitted))

	// without -resume the directory is refused
	if code, _, errs := runCal(t, append(args, "-evals", "3")...); code != 2 || !strings.Contains(errs, "-resume") {
		t.Errorf("second run without -resume: exit %d: %s", code, errs)
	}
	// resume with the budget already spent: same best point, same fitted.toml
	if code, _, errs := runCal(t, append(args, "-evals", "3", "-resume")...); code != 0 {
		t.Fatalf("resume: exit %d: %s", code, errs)
	}
	report2, _ := os.ReadFile(filepath.Join(dir, calReport))
	fitted2, _ := os.ReadFile(filepath.Join(dir, calFitted))
	if best(report1) == "" || best(report1) != best(report2) {
		t.Errorf("best point before %q, after resume %q", best(report1), best(report2))
	}
	if !bytes.Equal(fitted1, fitted2) {
		t.Error("fitted.toml changed on a resume without new evaluations")
	}
	// a larger budget continues the numbering
	if code, _, errs := runCal(t, append(args, "-evals", "5", "-resume")...); code != 0 {
		t.Fatalf("resume: exit %d: %s", code, errs)
	}
	lines = csvLines(t, dir)
	if len(lines) != 6 || !strings.HasPrefix(lines[5], "5,") {
		t.Errorf("after resume, calibration.csv:\n%s", strings.Join(lines, "\n"))
	}
	// other settings are named
	if code, _, errs := runCal(t, "-params", "trust.j_d", "-consumers", "3000", "-replicates", "1", "-quiet", "-out", dir, "-resume"); code != 1 || !strings.Contains(errs, "-params trust.j_d,orders.nu_chk") {
		t.Errorf("resume with other params: exit %d: %s", code, errs)
	}
}

func TestCalibrateResumeTornLine(t *testing.T) {
	if testing.Short() {
		t.Skip("mean field")
	}
	dir := filepath.Join(t.TempDir(), "cal")
	args := []string{"-meanfield", "-params", "trust.j_d", "-quiet", "-out", dir}
	if code, _, errs := runCal(t, append(args, "-evals", "2")...); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	f, _ := os.OpenFile(filepath.Join(dir, calCSV), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("3,0.5,0.1,0.2") // a crash mid-line
	f.Close()
	if code, _, errs := runCal(t, append(args, "-evals", "3", "-resume")...); code != 0 {
		t.Fatalf("resume: exit %d: %s", code, errs)
	}
	lines := csvLines(t, dir)
	if len(lines) != 4 || !strings.HasPrefix(lines[3], "3,") || strings.HasPrefix(lines[3], "3,0.5,0.1,0.2") {
		t.Errorf("calibration.csv:\n%s", strings.Join(lines, "\n"))
	}
}

func TestCalibrateUsage(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-params", "trust.j_d,trust.nope"}, `unknown free parameter "trust.nope"`},
		{[]string{"-params", ","}, "no parameters"},
		{[]string{"-meanfield", "-replicates", "3"}, "do not apply"},
		{[]string{"-evals", "0"}, "-evals"},
		{[]string{"-step", "2"}, "-step"},
		{[]string{"extra"}, "unexpected argument"},
	} {
		code, _, errs := runCal(t, append(tc.args, "-out", filepath.Join(dir, "x"))...)
		if code != 2 || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, %q; want 2 and %q", tc.args, code, errs, tc.want)
		}
	}
	if code, _, errs := runCal(t, "-resume", "-out", filepath.Join(dir, "none")); code != 1 || !strings.Contains(errs, "cannot resume") {
		t.Errorf("resume of nothing: exit %d, %q", code, errs)
	}
}

// Ctrl-C: exit 130, the message says how to resume.
func TestCalibrateInterrupt(t *testing.T) {
	defer func(f func() (context.Context, context.CancelFunc)) { newContext = f }(newContext)
	newContext = func() (context.Context, context.CancelFunc) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		return ctx, func() {}
	}
	dir := filepath.Join(t.TempDir(), "cal")
	code, _, errs := runCal(t, "-params", "trust.j_d", "-consumers", "3000", "-replicates", "1", "-out", dir)
	if code != 130 || !strings.Contains(errs, "interrupted") {
		t.Errorf("exit %d: %s", code, errs)
	}
}
