package configs

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ripple-sim/ripple/sim"
)

func parseExp(t *testing.T, src string) Experiment {
	t.Helper()
	e, err := ParseExperiment("x.toml", []byte(src), "")
	if err != nil {
		t.Fatalf("ParseExperiment:\n%v", err)
	}
	if err := e.Design.Check(); err != nil {
		t.Fatalf("Design.Check: %v", err)
	}
	return e
}

const expHead = "[experiment]\nname = \"x\"\nbase = \"kr_coupang_2025\"\nreplicates = 2\n"

func TestEmbeddedExperiments(t *testing.T) {
	if got := Experiments(); !reflect.DeepEqual(got, []string{"follow_up", "sanction_ladder", "voucher_designs"}) {
		t.Fatalf("Experiments() = %v", got)
	}
	if _, ok := ExperimentText("nope"); ok {
		t.Error("ExperimentText(nope) found a file")
	}
	if _, ok := ExperimentText("../presets/kr_coupang_2025"); ok {
		t.Error("ExperimentText escapes experiments/")
	}
	base, _ := Preset(kr)
	for _, tt := range []struct {
		name      string
		leverSets int
		factors   []Factor
	}{
		{"sanction_ladder", 20, []Factor{{"levers.sanction_level", true}, {"levers.investigation_days", true}}},
		{"voucher_designs", 4, []Factor{{"levers.voucher_design", true}}},
		{"follow_up", 2, []Factor{{"levers.follow_up_breach_accounts", true}}},
	} {
		data, ok := ExperimentText(tt.name)
		if !ok {
			t.Fatalf("ExperimentText(%s) missing", tt.name)
		}
		e, err := ParseExperiment(tt.name+".toml", data, "")
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if err := e.Design.Check(); err != nil {
			t.Fatalf("%s: Design.Check: %v", tt.name, err)
		}
		if e.Name != tt.name || e.Base != kr || e.Replicates != 20 || e.Seed != 1 || string(e.Text) != string(data) {
			t.Errorf("%s: name %q base %q replicates %d seed %d", tt.name, e.Name, e.Base, e.Replicates, e.Seed)
		}
		if !reflect.DeepEqual(e.Scenario, base) {
			t.Errorf("%s: base scenario is not the preset", tt.name)
		}
		if !reflect.DeepEqual(e.Factors, tt.factors) {
			t.Errorf("%s: factors %v, want %v", tt.name, e.Factors, tt.factors)
		}
		if len(e.Design.Points) != 1 || e.Design.Points[0].Name != "" {
			t.Fatalf("%s: %d points, want 1 unnamed", tt.name, len(e.Design.Points))
		}
		lss := e.Design.Points[0].LeverSets
		if len(lss) != tt.leverSets {
			t.Errorf("%s: %d lever sets, want %d", tt.name, len(lss), tt.leverSets)
		}
		if lss[0].Name != "case" || !reflect.DeepEqual(lss[0].Scenario, base) {
			t.Errorf("%s: lever set 0 is %q, want the base scenario named case", tt.name, lss[0].Name)
		}
		seen := map[string]bool{}
		for l, ls := range lss {
			if seen[ls.Name] {
				t.Errorf("%s: lever set name %q twice", tt.name, ls.Name)
			}
			seen[ls.Name] = true
			if l > 0 && ls.Scenario.Levers == base.Levers {
				t.Errorf("%s: lever set %s repeats the case", tt.name, ls.Name)
			}
			if len(e.Settings[0][l]) != len(tt.factors) {
				t.Errorf("%s: lever set %s has %d settings", tt.name, ls.Name, len(e.Settings[0][l]))
			}
		}
	}
}

func TestSanctionLadderNames(t *testing.T) {
	data, _ := ExperimentText("sanction_ladder")
	e, err := ParseExperiment("sanction_ladder.toml", data, "")
	if err != nil {
		t.Fatal(err)
	}
	lss := e.Design.Points[0].LeverSets
	var names []string
	for _, ls := range lss[:7] {
		names = append(names, ls.Name)
	}
	want := []string{"case", "sanction_level=S0,investigation_days=30", "sanction_level=S0,investigation_days=73",
		"sanction_level=S0,investigation_days=180", "sanction_level=S0,investigation_days=365",
		"sanction_level=S1,investigation_days=30", "sanction_level=S1,investigation_days=180"}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("names %q\nwant %q", names, want)
	}
	// Row-major order, first key slowest; the case (S1, 73) is skipped.
	ls := lss[len(lss)-1]
	if ls.Name != "sanction_level=S4,investigation_days=365" || ls.Scenario.Levers.SanctionLevel != 4 || ls.Scenario.Levers.InvestigationDays != 365 {
		t.Errorf("last lever set %s: %+v", ls.Name, ls.Scenario.Levers)
	}
	wantSet := []Setting{{"levers.sanction_level", "S1", 1}, {"levers.investigation_days", "73", 73}}
	if !reflect.DeepEqual(e.Settings[0][0], wantSet) {
		t.Errorf("case settings %v, want %v", e.Settings[0][0], wantSet)
	}
	wantSet = []Setting{{"levers.sanction_level", "S4", 4}, {"levers.investigation_days", "365", 365}}
	if !reflect.DeepEqual(e.Settings[0][19], wantSet) {
		t.Errorf("last settings %v, want %v", e.Settings[0][19], wantSet)
	}
}

// TestNestedForms: quoted dotted keys, dotted keys and nested tables are the
// same factor; factors keep file order.
func TestNestedForms(t *testing.T) {
	quoted := parseExp(t, expHead+`
[grid]
"levers.transparency" = [0, 1]
"trust.j_d" = [0.1, 0.2]
"levers.political_cap" = [true]
`)
	for _, src := range []string{`
[grid]
levers.transparency = [0, 1]
trust.j_d = [0.1, 0.2]
levers.political_cap = [true]
`, `
[grid]
levers = {transparency = [0, 1]}
trust = {j_d = [0.1, 0.2]}
"levers.political_cap" = [true]
`} {
		e := parseExp(t, expHead+src)
		e.Text = quoted.Text
		if !reflect.DeepEqual(e.Factors, quoted.Factors) {
			t.Errorf("factors %v, want %v\n%s", e.Factors, quoted.Factors, src)
		}
		if !reflect.DeepEqual(e.Design, quoted.Design) || !reflect.DeepEqual(e.Settings, quoted.Settings) {
			t.Errorf("design differs for\n%s", src)
		}
	}
	want := []Factor{{"levers.transparency", true}, {"trust.j_d", false}, {"levers.political_cap", true}}
	if !reflect.DeepEqual(quoted.Factors, want) {
		t.Errorf("factors %v, want %v", quoted.Factors, want)
	}
	nested := parseExp(t, expHead+"[grid.levers]\ntransparency = [0, 1]\npolitical_cap = [true]\n[grid.trust]\nj_d = [0.1, 0.2]\n")
	want = []Factor{{"levers.transparency", true}, {"levers.political_cap", true}, {"trust.j_d", false}}
	if !reflect.DeepEqual(nested.Factors, want) {
		t.Errorf("nested factors %v, want %v", nested.Factors, want)
	}
	// 2 points (j_d) x lever sets: case, then transparency 0 and 1 with the cap.
	d := quoted.Design
	if len(d.Points) != 2 || d.Points[1].Name != "p1" {
		t.Fatalf("points %d", len(d.Points))
	}
	var names []string
	for _, ls := range d.Points[1].LeverSets {
		names = append(names, ls.Name)
	}
	if w := []string{"p1/case", "p1/transparency=0,political_cap=true", "p1/transparency=1,political_cap=true"}; !reflect.DeepEqual(names, w) {
		t.Errorf("names %q, want %q", names, w)
	}
	if x := d.Points[1].LeverSets[2].Scenario.Consumers.JD; x != 0.2 {
		t.Errorf("point 1 j_d = %v", x)
	}
	s := quoted.Settings[1][1]
	if s[0] != (Setting{"levers.transparency", "0", 0}) || s[1] != (Setting{"trust.j_d", "0.2", 0.2}) || s[2] != (Setting{"levers.political_cap", "true", 1}) {
		t.Errorf("settings %v", s)
	}
	if s := quoted.Settings[0][0]; s[2] != (Setting{"levers.political_cap", "false", 0}) || s[0].Text != "0.2" {
		t.Errorf("case settings %v", s)
	}
}

func TestGridTimesSample(t *testing.T) {
	e := parseExp(t, expHead+`consumers = 2000
seed = 9
[grid]
"trust.mean" = [0.7, 0.8]
"levers.sanction_level" = ["S1", "S3"]
[sample]
method = "lhs"
points = 5
seed = 7
[sample.ranges]
"trust.j_d" = [0.05, 0.30]
"staff.l_window" = [1, 32]
`)
	if e.Seed != 9 || e.Scenario.Population.Consumers != 2000 {
		t.Errorf("seed %d consumers %d", e.Seed, e.Scenario.Population.Consumers)
	}
	if len(e.Design.Points) != 10 {
		t.Fatalf("%d points, want 2 x 5", len(e.Design.Points))
	}
	for p, pt := range e.Design.Points {
		if len(pt.LeverSets) != 2 || pt.Name != "p"+string(rune('0'+p/10))+string(rune('0'+p%10)) {
			t.Errorf("point %d: %q with %d lever sets", p, pt.Name, len(pt.LeverSets))
		}
		if !strings.HasPrefix(pt.LeverSets[1].Name, pt.Name+"/sanction_level=S3") {
			t.Errorf("lever set %q", pt.LeverSets[1].Name)
		}
		sc := pt.LeverSets[0].Scenario
		if sc.Population.Consumers != 2000 || sc.Consumers.TrustMean != []float64{0.7, 0.8}[p/5] {
			t.Errorf("point %d: consumers %d mean %v", p, sc.Population.Consumers, sc.Consumers.TrustMean)
		}
		set := e.Settings[p][0]
		if set[2].Key != "trust.j_d" || set[2].X != sc.Consumers.JD || set[3].X != float64(sc.Staff.LWindow) {
			t.Errorf("point %d settings %v", p, set)
		}
	}
	// The same LHS at both grid points: samples vary fastest.
	for s := range 5 {
		a, b := e.Design.Points[s].LeverSets[0].Scenario, e.Design.Points[5+s].LeverSets[0].Scenario
		if a.Consumers.JD != b.Consumers.JD || a.Staff.LWindow != b.Staff.LWindow {
			t.Errorf("sample %d differs between grid points", s)
		}
	}
}

func TestLHS(t *testing.T) {
	fs := []*factor{
		{p: params["trust.j_d"], lo: 0.05, hi: 0.30},
		{p: params["staff.l_window"], lo: 1, hi: 32},
		{p: params["media.tau_s"], lo: 30, hi: 120},
	}
	const n = 16
	got := lhs(7, n, fs)
	if !reflect.DeepEqual(got, lhs(7, n, fs)) {
		t.Fatal("lhs is not deterministic")
	}
	if reflect.DeepEqual(got, lhs(8, n, fs)) {
		t.Fatal("lhs ignores its seed")
	}
	for k, f := range fs {
		strata := map[int]bool{}
		for i := range n {
			v := got[i][k]
			if v < f.lo || v > f.hi {
				t.Errorf("key %d point %d: %v outside [%v, %v]", k, i, v, f.lo, f.hi)
			}
			if f.p.kind == kInt {
				if v != math.Round(v) {
					t.Errorf("integer key %d: %v", k, v)
				}
				continue
			}
			s := int((v - f.lo) / (f.hi - f.lo) * n)
			strata[s] = true
		}
		if f.p.kind != kInt && len(strata) != n {
			t.Errorf("key %d covers %d of %d strata", k, len(strata), n)
		}
	}
	// Pinned values: the sample must not change across platforms or releases.
	want := [][]float64{{0.12955534349460995, 22, 88.33314826884518}, {0.07673873168877253, 6, 117.35803608463289}}
	if !reflect.DeepEqual(got[:2], want) {
		t.Errorf("lhs(7)[:2] = %#v\nwant %#v", got[:2], want)
	}
}

func TestExperimentErrors(t *testing.T) {
	for _, tt := range []struct {
		give, want string
	}{
		{"[experiment\n", "x.toml:2: TOML syntax error: "},
		{"", "x.toml: experiment: missing: an experiment file needs an [experiment] table with name, base and replicates"},
		{"[experiment]\nseed = -1\n",
			"x.toml:1: experiment.name: missing: the experiment needs a name\n" +
				"x.toml:1: experiment.base: missing: the base scenario, a preset name (kr_coupang_2025) or a scenario file path\n" +
				"x.toml:1: experiment.replicates: missing: the number of replicates per scenario, >= 1\n" +
				"x.toml:2: experiment.seed = -1: must be a whole number >= 0"},
		{"[experiment]\nname = \"\"\nbase = \"kr_coupang\"\nreplicates = 0\nrepliactes = 3\n",
			"x.toml:2: experiment.name = \"\": must be a non-empty string\n" +
				"x.toml:3: experiment.base = \"kr_coupang\": unknown preset (did you mean kr_coupang_2025?); a scenario file is a path ending in .toml\n" +
				"x.toml:4: experiment.replicates = 0: must be a whole number between 1 and 2_147_483_647\n" +
				"x.toml:5: experiment.repliactes: unknown key in [experiment] (did you mean replicates?)"},
		{expHead + "consumers = 10\n",
			"x.toml:5: network.mean_degree = 15: must be below population.consumers (10) in config mode (with experiment.consumers = 10)"},
		{expHead + "consumers = 0\n", "x.toml:5: experiment.consumers = 0: must be a whole number between 1 and 2_147_483_647 (agents)"},
		{expHead + "[levers]\nsanction_level = \"S2\"\n[gird]\n",
			"x.toml:5: levers: unknown table: an experiment file has [experiment], [grid] and [sample]; set scenario keys in the base scenario, or vary them in [grid] as \"levers.key\" = [values]\n" +
				"x.toml:7: gird: unknown table (did you mean grid?)"},
		{expHead + "[grid]\n\"levers.sanction_levl\" = [\"S1\"]\n\"trust.jd\" = [0.1]\n\"j_d\" = [0.1]\n\"trusts.j_d\" = [0.1]\n\"event.date\" = [0.1]\n\"scenario.name\" = [\"a\"]\n\"foo.bar\" = [1]\n",
			"x.toml:6: grid.levers.sanction_levl: unknown scenario key (did you mean sanction_level?)\n" +
				"x.toml:7: grid.trust.jd: unknown scenario key (did you mean sd?)\n" +
				"x.toml:8: grid.j_d: unknown scenario key (did you mean trust.j_d?)\n" +
				"x.toml:9: grid.trusts.j_d: unknown scenario key (did you mean trust.j_d?)\n" +
				"x.toml:10: grid.event.date: events cannot be varied in an experiment: write a base scenario file for each schedule\n" +
				"x.toml:11: grid.scenario.name: cannot be varied: the base scenario's name labels every run; name the experiment in [experiment]\n" +
				"x.toml:12: grid.foo.bar: unknown scenario key: unknown table foo (known: scenario, population, network, media, ambiguity, awareness, trust, churn, orders, merchants, staff, couriers, jumps, regulator, platform, rivals, seasonality, levers, outputs)"},
		{expHead + "[grid]\n\"levers.sanction_level\" = []\n\"levers.investigation_days\" = [0, 73, 73, 30.5]\n\"levers.transparency\" = 0.5\n[grid.levers]\nvoucher_design = [\"case\", \"gift\"]\n",
			"x.toml:6: grid.levers.sanction_level = []: empty: list at least one value\n" +
				"x.toml:7: grid.levers.investigation_days = 0: must be a whole number between 1 and 36525 (days)\n" +
				"x.toml:7: grid.levers.investigation_days = 73: listed twice: every value of a factor must differ\n" +
				"x.toml:7: grid.levers.investigation_days = 30.5: must be a whole number between 1 and 36525 (days)\n" +
				"x.toml:8: grid.levers.transparency = 0.5: must be a list of values, like grid.levers.transparency = [0.1, 0.2]\n" +
				"x.toml:10: grid.levers.voucher_design = \"gift\": must be one of \"none\", \"case\", \"full_core\", \"cash\""},
		{expHead + "[grid]\n\"trust.j_d\" = [0.1]\n[grid.trust]\nj_d = [0.2]\n",
			"x.toml:8: grid.trust.j_d: written twice (also on line 6)"},
		{expHead + "[grid]\n\"trust.j_d\" = [0.1]\n[sample]\npoints = 0\nmethod = \"sobol\"\nseeds = 1\n[sample.ranges]\n\"trust.j_d\" = [0.1, 0.2]\n\"trust.r0\" = [0.01, 0.001]\n\"trust.eta\" = [1]\n\"trust.a_m\" = [-1, 2]\n\"levers.transparency\" = [0, 1]\n\"network.mode\" = [\"config\", \"none\"]\n\"scenario.end\" = [2026-01-01, 2026-06-01]\n\"staff.l_window\" = [1.5, 3]\n",
			"x.toml:8: sample.points = 0: must be a whole number between 1 and 20000\n" +
				"x.toml:9: sample.method = \"sobol\": must be \"lhs\" (Latin hypercube sampling)\n" +
				"x.toml:10: sample.seeds: unknown key in [sample] (did you mean seed?)\n" +
				"x.toml:12: sample.ranges.trust.j_d: also in [grid] on line 6: vary a key in [grid] or [sample.ranges], not both\n" +
				"x.toml:13: sample.ranges.trust.r0 = [0.01, 0.001]: lo must be below hi\n" +
				"x.toml:14: sample.ranges.trust.eta = [1]: must be a range [lo, hi] of two numbers\n" +
				"x.toml:15: sample.ranges.trust.a_m = [-1, 2]: lo must be >= 0 (per unit attention per day)\n" +
				"x.toml:16: sample.ranges.levers.transparency = [0, 1]: levers cannot be sampled: sample levers with [grid] (they make lever sets, not parameter points)\n" +
				"x.toml:17: sample.ranges.network.mode = [\"config\", \"none\"]: only numeric keys can be sampled (network.mode takes one of \"config\", \"complete\", \"none\"); list its values in [grid]\n" +
				"x.toml:18: sample.ranges.scenario.end = [2026-01-01, 2026-06-01]: only numeric keys can be sampled (scenario.end takes a date like 2025-11-29); list its values in [grid]\n" +
				"x.toml:19: sample.ranges.staff.l_window = [1.5, 3]: lo must be a whole number between 1 and 32 (days)"},
		{expHead + "[sample]\nseed = 1\n", "x.toml:5: sample.points: missing: the number of Latin hypercube points, >= 1\n" +
			"x.toml:5: sample.ranges: missing: write [sample.ranges] with \"table.key\" = [lo, hi] for each sampled key"},
		{expHead + "[sample]\npoints = 3\n[sample.ranges]\n", "x.toml:7: sample.ranges: empty: give at least one \"table.key\" = [lo, hi]"},
		{expHead + "[grid]\n\"trust.mean\" = [0.75, 0.99]\n\"levers.sanction_level\" = [\"S0\", \"S1\"]\n",
			"x.toml:6: trust.sd = 0.1: must be below sqrt(mean*(1-mean)) = 0.0995 for a Beta distribution with trust.mean = 0.99 (0: homogeneous) (in p1/case and 1 more of the design's 4 scenarios)"},
		{expHead + "[grid]\n\"trust.r0\" = [0.1, 0.5, 0.9]\n\"trust.c_chi\" = [1, 2]\n",
			"x.toml:6: trust.r0 * (1 + trust.c_chi) = 0.5 * (1 + 2) = 1.5: must be <= 1 (the share of the trust gap recovered per day at full transparency) (in p3/case and 2 more of the design's 6 scenarios)"},
		{expHead + "[grid]\n\"trust.j_d\" = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 2]\n\"levers.fine_pct\" = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 2, 3]\n\"levers.transparency\" = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]\n\"levers.apology_delay_days\" = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]\n",
			"x.toml:5: the design has up to 25179 scenarios (points x lever sets); at most 20000"},
	} {
		_, err := ParseExperiment("x.toml", []byte(tt.give), "")
		if err == nil {
			t.Errorf("no error for\n%s", tt.give)
			continue
		}
		if _, ok := err.(*Errors); !ok {
			t.Errorf("error is %T, want *Errors", err)
		}
		if got := err.Error(); got != tt.want && !(strings.HasSuffix(tt.want, ": ") && strings.HasPrefix(got, tt.want)) {
			t.Errorf("for\n%s\n got:\n%s\nwant:\n%s", tt.give, got, tt.want)
		}
	}
}

func TestExperimentBaseFile(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "exp")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(path, text string) {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(dir, "my.toml"), "[scenario]\nname = \"mine\"\n[levers]\nsanction_level = \"S3\"\n")
	write(filepath.Join(dir, "bad.toml"), "[levers]\nsanction_level = \"S9\"\n")
	exp := func(base string) string {
		return "[experiment]\nname = \"e\"\nbase = \"" + base + "\"\nreplicates = 1\n[grid]\n\"levers.sanction_level\" = [\"S3\", \"S4\"]\n"
	}
	path := filepath.Join(sub, "e.toml")
	write(path, exp("../my.toml"))
	e, err := LoadExperiment(path)
	if err != nil {
		t.Fatal(err)
	}
	lss := e.Design.Points[0].LeverSets
	if e.Scenario.Name != "mine" || e.Base != "../my.toml" || len(lss) != 2 || lss[1].Name != "sanction_level=S4" {
		t.Errorf("base %q, %d lever sets", e.Scenario.Name, len(lss))
	}

	write(path, exp("../bad.toml"))
	_, err = LoadExperiment(path)
	badPath := filepath.Join(sub, "../bad.toml")
	want := path + ":3: experiment.base = \"../bad.toml\": the scenario file " + badPath + " has 1 problem(s), listed below\n" +
		badPath + ":2: levers.sanction_level = \"S9\": must be one of \"S0\", \"S1\", \"S2\", \"S3\", \"S4\""
	if err == nil || err.Error() != want {
		t.Errorf("got\n%v\nwant\n%s", err, want)
	}

	write(path, exp("nope.toml"))
	_, err = LoadExperiment(path)
	want = path + ":3: experiment.base = \"nope.toml\": scenario file " + filepath.Join(sub, "nope.toml") +
		": no such file (relative paths start at the experiment file's directory)"
	if err == nil || err.Error() != want {
		t.Errorf("got\n%v\nwant\n%s", err, want)
	}

	write(path, exp(dir))
	_, err = LoadExperiment(path)
	if err == nil || !strings.Contains(err.Error(), "cannot read: not a regular file") {
		t.Errorf("directory as base: %v", err)
	}

	if _, err := LoadExperiment(filepath.Join(dir, "missing.toml")); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("missing experiment file: %v", err)
	}
	_, err = ParseExperiment("x.toml", []byte(exp("kr_coupang_2025.toml")), "")
	if err == nil || !strings.Contains(err.Error(), `no such file; the embedded preset is base = "kr_coupang_2025"`) {
		t.Errorf("preset name with .toml: %v", err)
	}
}

// TestExperimentDefaults: no grid and no sample is one point, the case.
func TestExperimentDefaults(t *testing.T) {
	e := parseExp(t, expHead)
	if e.Seed != 1 || len(e.Design.Points) != 1 || len(e.Design.Points[0].LeverSets) != 1 ||
		e.Design.Points[0].LeverSets[0].Name != "case" || len(e.Factors) != 0 || len(e.Settings[0][0]) != 0 {
		t.Errorf("%+v", e.Design)
	}
	// An omitted lever has an empty setting; a single-value grid is an override.
	e = parseExp(t, expHead+"[grid]\n\"levers.suspension_days\" = [0]\n")
	if s := e.Settings[0]; len(s) != 2 || s[0][0].Text != "" || !math.IsNaN(s[0][0].X) || s[1][0] != (Setting{"levers.suspension_days", "0", 0}) {
		t.Errorf("settings %v", s)
	}
	var _ sim.Design = e.Design
	// Without lever factors every point holds only its case: 20000 points fit.
	e = parseExp(t, expHead+"[sample]\npoints = 20000\n[sample.ranges]\n\"trust.j_d\" = [0.1, 0.2]\n")
	if len(e.Design.Points) != 20000 || e.Design.Points[0].Name != "p00000" || len(e.Design.Points[0].LeverSets) != 1 {
		t.Errorf("%d points, first %q", len(e.Design.Points), e.Design.Points[0].Name)
	}
}

// TestParseExperimentBase: an experiment read back with its resolved base
// builds its design on that base, whatever experiment.base names.
func TestParseExperimentBase(t *testing.T) {
	text, _ := ExperimentText("sanction_ladder")
	base, err := Preset("kr_coupang_2025")
	if err != nil {
		t.Fatal(err)
	}
	base.Consumers.Eta = 2.5
	e, err := ParseExperimentBase("manifest.json", bytes.Replace(text, []byte(`base = "kr_coupang_2025"`), []byte(`base = "elsewhere/gone.toml"`), 1), base)
	if err != nil {
		t.Fatal(err)
	}
	for _, ls := range e.Design.Points[0].LeverSets {
		if ls.Scenario.Consumers.Eta != 2.5 {
			t.Fatalf("lever set %s: eta %v, want the given base's 2.5", ls.Name, ls.Scenario.Consumers.Eta)
		}
	}
	if len(e.Design.Points[0].LeverSets) != 20 {
		t.Errorf("%d lever sets, want 20", len(e.Design.Points[0].LeverSets))
	}
}
