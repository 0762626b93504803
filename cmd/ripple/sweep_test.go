package main

import (
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ripple-sim/ripple/sim/output"
)

// TestSweep runs a small embedded experiment: paired effects against the
// twin for every lever set and against the case for the others, the design,
// the sweep figures, and `ripple plot` redrawing them byte for byte.
func TestSweep(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the simulation")
	}
	out := filepath.Join(t.TempDir(), "sweep")
	code, stdout, stderr := call("sweep", "-consumers", "3000", "-replicates", "2", "-seed", "3", "-quiet", "-out", out, "voucher_designs")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"voucher_designs on kr_coupang_2025", "lever set", "versus", "case ", "voucher_design=cash", "Wrote "} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	rows := readCSV(t, filepath.Join(out, "design.csv"))
	if len(rows) != 5 || strings.Join(rows[0], ",") != "lever_set,point,reference,levers.voucher_design" || rows[1][0] != "case" || rows[1][2] != "true" {
		t.Errorf("design.csv: %q", rows)
	}
	versus := map[string]int{}
	for _, r := range readCSV(t, filepath.Join(out, "policy.csv"))[1:] {
		versus[r[2]]++
	}
	nm := len(output.PolicyMetrics)
	if versus["twin"] != 4*nm || versus["case"] != 3*nm {
		t.Errorf("policy.csv: %d rows versus twin, %d versus case; want %d and %d", versus["twin"], versus["case"], 4*nm, 3*nm)
	}
	if n := len(readCSV(t, filepath.Join(out, "effects.csv"))); n != 1+2*(4+3)*nm {
		t.Errorf("effects.csv: %d lines, want %d", n, 1+2*(4+3)*nm)
	}
	for _, name := range []string{"monthly.csv", "figures/sweep_policy.png", "figures/sweep_vs_case.svg", "figures/response_lines_platform_net_profit.png"} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Error(err)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "daily.csv")); err == nil {
		t.Error("a sweep wrote daily.csv without -tables asking for it")
	}

	m, err := output.ReadManifest(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(out, "figures")); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := call("plot", out); code != 0 {
		t.Fatalf("plot: exit %d: %s", code, stderr)
	}
	for _, f := range m.Files {
		b, err := os.ReadFile(filepath.Join(out, f.Name))
		if err != nil {
			t.Fatal(err)
		}
		if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != f.SHA256 {
			t.Errorf("%s differs after ripple plot", f.Name)
		}
	}
}

func TestSweepErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.toml")
	os.WriteFile(bad, []byte("[experiment]\nname = \"x\"\nbase = \"kr_coupang_2025\"\nreplicates = 2\n[grid]\n\"levers.sanction_levle\" = [\"S1\"]\n"), 0o644)
	for _, tc := range []struct {
		give []string
		code int
		want string
	}{
		{[]string{"sweep"}, 2, "missing experiment"},
		{[]string{"sweep", "nope"}, 2, `no experiment file or embedded experiment "nope"`},
		{[]string{"sweep", "-tables", "daily,hourly", "voucher_designs"}, 2, `unknown table "hourly"`},
		{[]string{"sweep", "-replicates", "0", "voucher_designs"}, 2, "-replicates must be at least 1"},
		{[]string{"sweep", bad}, 1, "levers.sanction_levle"},
		{[]string{"sweep", "-shard", "3/2", "voucher_designs"}, 2, "from 0 to 1"},
		{[]string{"merge", "-out", filepath.Join(dir, "m"), dir}, 1, "not a ripple output"},
		{[]string{"merge", dir}, 2, "-out DIR is required"},
	} {
		code, _, stderr := call(tc.give...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("%q: exit %d, stderr %q; want exit %d and %q", tc.give, code, stderr, tc.code, tc.want)
		}
	}
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}
