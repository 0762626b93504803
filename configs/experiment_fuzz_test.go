package configs

import (
	"strings"
	"testing"
)

func FuzzLoadExperiment(f *testing.F) {
	for _, name := range Experiments() {
		data, _ := ExperimentText(name)
		f.Add(data)
		s := string(data)
		for _, cut := range []int{20, 400, 900, 1500, len(s) - 5} {
			if cut > 0 && cut < len(s) {
				f.Add([]byte(s[:cut]))
			}
		}
	}
	ladder, _ := ExperimentText("sanction_ladder")
	l := string(ladder)
	for _, r := range [][2]string{
		{`replicates = 20`, `replicates = 0`},
		{`base = "kr_coupang_2025"`, `base = "nope.toml"`},
		{`base = "kr_coupang_2025"`, `base = "/dev/null"`},
		{`# consumers = 20_000`, `consumers = 10`},
		{`[30, 73, 180, 365]`, `[30, 30]`},
		{`["S0", "S1", "S2", "S3", "S4"]`, `[]`},
		{`"levers.sanction_level"`, `"levers.sanction_levle"`},
		{`# [sample]`, "[sample]\npoints = 4\n[sample.ranges]\n\"trust.j_d\" = [0.05, 0.3]\n\"staff.l_window\" = [1, 32]"},
		{`# "trust.j_d" = [0.1, 0.2]`, `"trust.mean" = [0.5, 0.99]`},
		{`# "trust.j_d" = [0.1, 0.2]`, "[grid.trust]\nr0 = [0.5]\nc_chi = [1, 2]"},
	} {
		f.Add([]byte(strings.Replace(l, r[0], r[1], 1)))
	}
	f.Add([]byte("[experiment]\nname = 1\n[grid]\nlevers = 3\n[sample]\nranges = {trust = {j_d = [0.3, 0.1]}}\n"))
	f.Add([]byte("experiment = []\ngrid = {levers = {voucher_design = [{a = 1}]}}\n[[sample]]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := ParseExperiment("fuzz.toml", data, "")
		if err != nil {
			if _, ok := err.(*Errors); !ok {
				t.Fatalf("error %T, want *Errors", err)
			}
			return
		}
		if err := e.Design.Check(); err != nil {
			t.Fatalf("parsed experiment fails Design.Check: %v", err)
		}
		if len(e.Settings) != len(e.Design.Points) {
			t.Fatalf("%d settings for %d points", len(e.Settings), len(e.Design.Points))
		}
		seen := map[string]bool{}
		for p, pt := range e.Design.Points {
			if len(e.Settings[p]) != len(pt.LeverSets) || pt.LeverSets[0].Scenario.Levers != e.Scenario.Levers && !hasLeverFactor(e.Factors) {
				t.Fatalf("point %d: settings or case wrong", p)
			}
			for l, ls := range pt.LeverSets {
				if seen[ls.Name] {
					t.Fatalf("lever set name %q twice", ls.Name)
				}
				seen[ls.Name] = true
				if len(e.Settings[p][l]) != len(e.Factors) {
					t.Fatalf("lever set %s: %d settings for %d factors", ls.Name, len(e.Settings[p][l]), len(e.Factors))
				}
				if err := Validate(ls.Scenario); err != nil {
					t.Fatalf("lever set %s is invalid: %v", ls.Name, err)
				}
			}
		}
	})
}

func hasLeverFactor(fs []Factor) bool {
	for _, f := range fs {
		if f.Lever {
			return true
		}
	}
	return false
}
