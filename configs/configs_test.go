package configs

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ripple-sim/ripple/sim"
)

var update = flag.Bool("update", false, "rewrite presets/*.toml with Encode")

const kr = "kr_coupang_2025"

// krFit holds the free parameters of MODEL.md §8 as `ripple calibrate`
// fitted them to CT-1..CT-10 (README, Calibration), to 4 significant digits.
var krFit = []struct {
	key string
	x   float64
}{
	{"trust.j_d", 0.04095}, {"trust.a_m", 0.001337}, {"trust.a_w", 0.003269}, {"trust.a_u", 0.004568},
	{"ambiguity.u_open", 0.5064}, {"media.tau_s", 71.11}, {"ambiguity.tau_u", 17.5},
	{"churn.h1", 0.02487}, {"churn.a_half", 0.9991}, {"churn.delta_mean", 0.09593}, {"churn.h_w", 0.002771},
	{"trust.eta", 1.124}, {"churn.beta_tau", 1.902}, {"orders.nu_chk", 0.1102}, {"trust.p_unc", 0.3129},
	{"merchants.s_eps", 1.172}, {"staff.q_bar", 0.3699}, {"platform.r_rem", 91.93e9},
	// Not fitted: the fitted consumers order a little less at baseline, so
	// the couriers' share of baseline parcels omega_K would sit at 0.99-1.0
	// and small populations (whose baseline is sampled) would exceed 1.
	{"couriers.u_k0", 0.82},
}

// krCoupang is MODEL.md §6 with the §7 case levers and the fitted free
// parameters, built in Go.
func krCoupang() sim.Scenario {
	sc := sim.DefaultScenario()
	sc.Name = kr
	sc.Description = "Coupang data breach, South Korea 2025 (MODEL.md §6): 33.7 M accounts disclosed on " +
		"2025-11-29, case levers of §7, free parameters of §8 fitted by ripple calibrate (README, Calibration). " +
		"Its no-breach twin is kr_coupang_2025_nobreach."
	for _, f := range krFit {
		if err := Set(&sc, f.key, f.x); err != nil {
			panic(err)
		}
	}
	d := sim.Date
	sc.Events = []sim.Event{
		{Date: d(2025, 6, 24), Type: sim.Info, Label: "breach begins (undetected for ~5 months; record only)"},
		{Date: d(2025, 11, 20), Type: sim.Incident, Label: "initial report: ~4,500 accounts", Accounts: 4_500, Sens: 1},
		{Date: d(2025, 11, 29), Type: sim.Incident, Label: "D0: 33.7 M accounts disclosed", Accounts: 33.7e6, Sens: 1},
		{Date: d(2025, 11, 29), Type: sim.RivalShock, Label: "cross-border rival shunned (suspect reportedly a foreign national)",
			Rival: 3, Shift: -0.3},
		{Date: d(2025, 11, 30), Type: sim.ProbeOpen, Label: "police + joint public-private probe open", Media: 0.3},
		{Date: d(2025, 12, 2), Type: sim.Political, Label: "president calls for harsher penalties (date approx.)", Media: 0.3},
		{Date: d(2025, 12, 17), Type: sim.Hearing, Label: "parliamentary hearing", Media: 0.3},
		{Date: d(2025, 12, 25), Type: sim.ContestedClaim,
			Label: "company claims ~3,000 records taken, then deleted; government warning", Media: 0.4},
		{Type: sim.Apology, Label: "founder apology (2025-12-28 = D0 + 29 days)", Media: 0.3},
		{Date: d(2025, 12, 29), Type: sim.VoucherAnnounce, Label: "voucher plan: 50,000 KRW per account, USD 1.2 B", Media: 0.5},
		{Date: d(2025, 12, 30), Type: sim.Hearing, Label: "second hearing", Media: 0.3},
		{Date: d(2026, 1, 15), Type: sim.VoucherIssue, Label: "vouchers issued (case design: expire after 90 days)", Media: 0.2},
		{Date: d(2026, 2, 5), Type: sim.Incident, Label: "follow-up breach: more accounts (how many: levers.follow_up_breach_accounts)", Sens: 1, FollowUp: true},
		{Date: d(2026, 2, 28), Type: sim.Info, Label: "Q4-2025 results (end of the fit window)"},
	}
	return sc
}

func TestPreset(t *testing.T) {
	want := krCoupang()
	if *update {
		data, err := Encode(want)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join("presets", kr+".toml"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Skip("preset rewritten; run again without -update (the embedded copy is stale)")
	}
	got, err := Preset(kr)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Preset(%q) differs from MODEL.md §6:\n got %+v\nwant %+v", kr, got, want)
	}
	file, _ := PresetTOML(kr)
	enc, err := Encode(got)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(file, enc) {
		t.Errorf("presets/%s.toml is not Encode of itself; regenerate with go test ./configs -run TestPreset -update", kr)
	}
	if names := Presets(); !reflect.DeepEqual(names, []string{kr}) {
		t.Errorf("Presets() = %v", names)
	}
	if _, err := Preset("nope"); err == nil || !strings.Contains(err.Error(), kr) {
		t.Errorf("Preset(nope) error %v should list %s", err, kr)
	}
}

// TestPresetValues spells out the case levers and events of MODEL.md §6-7.
func TestPresetValues(t *testing.T) {
	sc, err := Preset(kr)
	if err != nil {
		t.Fatal(err)
	}
	if len(sc.Events) != 14 {
		t.Fatalf("preset has %d events, want 14", len(sc.Events))
	}
	lv := sc.Levers
	for _, tt := range []struct {
		give string
		got  any
		want any
	}{
		{"disclosure", sc.Disclosure, sim.Date(2025, 11, 29)},
		{"sanction level", lv.SanctionLevel, 1},
		{"suspension days", lv.SuspensionDays, -1},
		{"suspension scope", lv.SuspensionScope, ""},
		{"investigation days", lv.InvestigationDays, 73},
		{"decision delay", lv.DecisionDelayDays, 90},
		{"transparency", lv.Transparency, 0.2},
		{"apology delay", lv.ApologyDelayDays, 29},
		{"voucher design", lv.VoucherDesign, sim.VoucherCase},
		{"follow-up accounts", lv.FollowUpAccounts, 165_000.0},
		{"political cap", lv.PoliticalCap, false},
		{"sanction effect", lv.SanctionEffect, sim.EffectBalanced},
		{"events", len(sc.Events), 14},
		{"D0 incident", sc.Events[2].Accounts, 33.7e6},
		{"rival shock", [2]any{sc.Events[3].Rival, sc.Events[3].Shift}, [2]any{3, -0.3}},
		{"apology has no date", sc.Events[8].Date.IsZero(), true},
		{"follow-up", [2]any{sc.Events[12].FollowUp, sc.Events[12].Date}, [2]any{true, sim.Date(2026, 2, 5)}},
	} {
		if !reflect.DeepEqual(tt.got, tt.want) {
			t.Errorf("%s = %v, want %v", tt.give, tt.got, tt.want)
		}
	}
	for _, e := range sc.Events {
		if e.Type == sim.Findings || e.Type == sim.Decision {
			t.Errorf("preset schedules %s by hand", e.Type)
		}
	}
}

// TestPresetWritesEveryKey: the preset documents every key of the schema.
func TestPresetWritesEveryKey(t *testing.T) {
	data, _ := PresetTOML(kr)
	c := newChecker(kr)
	d := decoder{c: c, src: string(data)}
	sc := sim.DefaultScenario()
	if !d.decode(&sc) {
		t.Fatal(c.err())
	}
	for path, p := range params {
		if !c.present(path) && p.omitted == nil {
			t.Errorf("preset does not write %s", path)
		}
		if !strings.Contains(string(data), comment(p)) {
			t.Errorf("preset lacks the comment of %s", path)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	preset, _ := Preset(kr)
	custom := krCoupang()
	custom.Levers.SuspensionDays, custom.Levers.SuspensionScope, custom.Levers.SanctionLevel = 30, sim.ScopeAll, 4
	custom.Name = "tricky \"name\"\twith\\escapes\u0001 and ünïcode"
	custom.Consumers.R0 = 1e-5
	custom.Population.RealConsumers = 1.234567890123e20
	custom.Seasonality[11] = 1.3
	custom.Population.Merchants, custom.Population.CourierSlots, custom.Population.RealStaff = 230_000, 0, 93_500
	custom.Merchants.L, custom.Merchants.DPhi, custom.Couriers.E, custom.Staff.LWindow = 42, 0.25, -0.3, 1
	custom.Windows.MerchantBase = [2]time.Time{sim.Date(2025, 9, 1), sim.Date(2025, 9, 1)}
	custom.Windows.VTO = append(custom.Windows.VTO, [2]time.Time{sim.Date(2026, 3, 1), sim.Date(2026, 12, 31)})
	noVTO := sim.DefaultScenario()
	noVTO.Windows.VTO = nil
	custom.Events = append(custom.Events, sim.Event{Date: sim.Date(2026, 6, 1), Type: sim.Suspension, Media: 0.1,
		Days: 30, Scope: sim.ScopeNew})
	for _, tt := range []struct {
		give string
		sc   sim.Scenario
	}{
		{"default", sim.DefaultScenario()},
		{"preset", preset},
		{"custom", custom},
		{"no VTO windows", noVTO},
	} {
		t.Run(tt.give, func(t *testing.T) {
			data, err := Encode(tt.sc)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Parse(tt.give+".toml", data)
			if err != nil {
				t.Fatalf("%v\n%s", err, data)
			}
			if !reflect.DeepEqual(got, tt.sc) {
				t.Errorf("Parse(Encode(sc)) != sc\n got %+v\nwant %+v", got, tt.sc)
			}
		})
	}
}

func TestEmptyFileIsDefault(t *testing.T) {
	for _, give := range []string{"", "# nothing\n", "[levers]\n[trust]\n"} {
		got, err := Parse("empty.toml", []byte(give))
		if err != nil {
			t.Fatalf("%q: %v", give, err)
		}
		if !reflect.DeepEqual(got, sim.DefaultScenario()) {
			t.Errorf("%q: not the default scenario", give)
		}
	}
}

func TestBadInputs(t *testing.T) {
	for _, tt := range []struct {
		name string
		give string
		want []string // one substring per problem line, in order
	}{
		{"unknown key", "[trust]\nr0 = 0.001\nfoo = 1\n",
			[]string{"bad.toml:3: trust.foo: unknown key in [trust] (its keys: mean, sd, r0"}},
		{"misspelt lever", "[levers]\nsanction_levle = \"S2\"\n",
			[]string{"bad.toml:2: levers.sanction_levle: unknown key (did you mean sanction_level?)"}},
		{"key in the wrong table", "[trust]\nh0 = 0.001\n",
			[]string{"bad.toml:2: trust.h0: unknown key in [trust] (h0 belongs in [churn])"}},
		{"unknown table", "[lever]\nsanction_level = \"S2\"\n",
			[]string{"bad.toml:1: lever: unknown table (did you mean levers?)"}},
		{"wrong type", "[population]\nconsumers = \"many\"\n",
			[]string{`bad.toml:2: population.consumers = "many": must be a whole number between 1 and 2_147_483_647 (agents)`}},
		{"float for int", "[population]\nconsumers = 1.5\n",
			[]string{"bad.toml:2: population.consumers = 1.5: must be a whole number between 1 and"}},
		{"string for float", "[media]\ntau_f = \"2\"\n",
			[]string{`bad.toml:2: media.tau_f = "2": must be a number > 0 (days)`}},
		{"bad enum", "[network]\nmode = \"small_world\"\n",
			[]string{`bad.toml:2: network.mode = "small_world": must be one of "config", "complete", "none"`}},
		{"bad level", "[levers]\nsanction_level = 2\n",
			[]string{`bad.toml:2: levers.sanction_level = 2: must be one of "S0", "S1", "S2", "S3", "S4"`}},
		{"out of range", "[trust]\n\nr0 = -0.1\n",
			[]string{"bad.toml:3: trust.r0 = -0.1: must be >= 0 (per day)"}},
		{"probability above 1", "[awareness]\np_b = 1.2\n",
			[]string{"bad.toml:2: awareness.p_b = 1.2: must be between 0 and 1 (share)"}},
		{"nan", "[media]\nslow_share = nan\n",
			[]string{"bad.toml:2: media.slow_share = nan: must be between 0 and 1"}},
		{"p_wow = 1", "[churn]\np_wow = 1\n",
			[]string{"bad.toml:2: churn.p_wow = 1: must be in [0, 1) (share)"}},
		{"suspension_days = -1", "[levers]\nsuspension_days = -1\n",
			[]string{"bad.toml:2: levers.suspension_days = -1: must be a whole number between 0 and 36525 (days); omit the key for the level's default"}},
		{"r0 (1 + c_chi) > 1", "[trust]\nr0 = 0.6\nc_chi = 1\n",
			[]string{"bad.toml:2: trust.r0 * (1 + trust.c_chi) = 0.6 * (1 + 1) = 1.2: must be <= 1"}},
		{"p_h + p_ret > 1", "[churn]\nh1 = 1\nb0 = 1\n",
			[]string{"bad.toml:2: churn p_h + p_ret = 0.633 + 0.6321 = 1.265: must be <= 1 for the monotone coupling"}},
		{"fine above the statutory cap", "[levers]\nfine_pct = 7.5\n",
			[]string{"bad.toml:2: levers.fine_pct = 7.5: must be between 0 and 3 (% of trailing annual revenue)"}},
		{"beta sd", "[trust]\nmean = 0.9\nsd = 0.5\n",
			[]string{"bad.toml:2: trust.sd = 0.5: must be below sqrt(mean*(1-mean)) = 0.3"}},
		{"shares", "[rivals]\nshares = [0.5, 0.3, 0.3]\n",
			[]string{"bad.toml:2: rivals.shares = [0.5, 0.3, 0.3]: must sum to 1 (within 1e-9); they sum to 1.1"}},
		{"shares length", "[rivals]\nshares = [0.5, 0.5]\n",
			[]string{"bad.toml:2: rivals.shares = [0.5, 0.5]: must be an array of 3 numbers, each > 0"}},
		{"mean degree", "[population]\nconsumers = 10\n",
			[]string{"bad.toml:2: network.mean_degree = 15: must be below population.consumers (10) in config mode"}},
		{"disclosure before start", "[scenario]\nstart = 2025-12-01\n",
			[]string{"bad.toml:2: scenario.disclosure = 2025-11-29: must be after scenario.start (2025-12-01)",
				"bad.toml:2: outputs.merchant_base = [2025-10-01, 2025-11-28]: must lie within the run, from scenario.start (2025-12-01) to scenario.end (2026-12-31)"}},
		{"negative route capacity", "[couriers]\nk = -1\n",
			[]string{"bad.toml:2: couriers.k = -1: must be > 0 (parcels per working courier-day)"}},
		{"courier income not positive", "[couriers]\nr_p = 100\n",
			[]string{"bad.toml:2: couriers Y0 = r_p*u_k0*k - k_c = 100*"}},
		{"courier pi0 sd", "[couriers]\npi0_sd = 0.5\n",
			[]string{"bad.toml:2: couriers.pi0_sd = 0.5: must be below sqrt(mean*(1-mean)) = 0.4583 for a Beta distribution with couriers.pi_bar0 = 0.7"}},
		{"dependence sd at mean 1", "[merchants]\ndep_mean = 1\n",
			[]string{"bad.toml:2: merchants.dep_sd = 0.2: must be 0 (homogeneous) when merchants.dep_mean = 1"}},
		{"shelf life 0", "[merchants]\nl = 0\n",
			[]string{"bad.toml:2: merchants.l = 0: must be a whole number between 1 and 365 (days)"}},
		{"no merchants", "[population]\nmerchants = 0\n",
			[]string{"bad.toml:2: population.merchants = 0: must be a whole number between 1 and 2_147_483_647 (agents)"}},
		{"staff q sd", "[staff]\nq_bar = 0.1\nq_sd = 0.35\n",
			[]string{"bad.toml:2: staff.q_sd = 0.35: must be below sqrt(mean*(1-mean)) = 0.3 for a Beta distribution with staff.q_bar = 0.1"}},
		{"VTO share window", "[staff]\nl_window = 40\n",
			[]string{"bad.toml:2: staff.l_window = 40: must be a whole number between 1 and 32 (days)"}},
		{"platform.phi1p0 moved", "[platform]\nphi1p0 = 0.6\n",
			[]string{"bad.toml:2: platform.phi1p0: unknown key in [platform] (phi1p0 belongs in [merchants])"}},
		{"VTO window reversed", "[outputs]\nvto_windows = [[2025-12-01, 2026-01-15], [2026-02-01, 2026-01-20]]\n",
			[]string{"bad.toml:2: outputs.vto_windows = [[2025-12-01, 2026-01-15], [2026-02-01, 2026-01-20]]: pair 2: from (2026-02-01) must not be after to (2026-01-20)"}},
		{"too many VTO windows", "[outputs]\nvto_windows = [" + strings.Repeat("[2026-01-01, 2026-01-31], ", 8) + "[2026-02-01, 2026-02-28]]\n",
			[]string{"bad.toml:2: outputs.vto_windows = [[2026-01-01, 2026-01-31], [2026-01-01, 2026-01-31], [2026-01-01, 2026-01-31], [2026-01-01, 2026-01-31], [2026-01-01, 2026-01-31], [2026-01-01, 2026-01-31], [2026-01-01, 2026-01-31], [2026-01-01, 2026-01-31], [2026-02-01, 2026-02-28]]: must hold at most 8 date pairs; it holds 9"}},
		{"VTO window outside the run", "[outputs]\nvto_windows = [[2025-12-01, 2026-01-15], [2026-12-01, 2027-01-15]]\n",
			[]string{"bad.toml:2: outputs.vto_windows = [[2025-12-01, 2026-01-15], [2026-12-01, 2027-01-15]]: pair 2 [2026-12-01, 2027-01-15] must lie within the run, from scenario.start (2025-09-01) to scenario.end (2026-12-31)"}},
		{"window not a pair", "[outputs]\nmerchant_base = [2025-10-01]\n",
			[]string{"bad.toml:2: outputs.merchant_base = [2025-10-01]: must be a pair of dates [from, to] like [2025-10-01, 2025-11-28]"}},
		{"VTO windows not pairs", "[outputs]\nvto_windows = [2025-12-01, 2026-01-15]\n",
			[]string{"bad.toml:2: outputs.vto_windows = [2025-12-01, 2026-01-15]: must be a list of at most 8 date pairs [from, to] like [[2025-12-01, 2026-01-15]]"}},
		{"end before merchant base", "[scenario]\nend = 2025-12-31\n[outputs]\nmerchant_base = [2025-10-01, 2026-01-31]\n",
			[]string{"bad.toml:2: outputs.vto_windows = [[2025-12-01, 2026-01-15]]: pair 1 [2025-12-01, 2026-01-15] must lie within the run",
				"bad.toml:4: outputs.merchant_base = [2025-10-01, 2026-01-31]: must lie within the run, from scenario.start (2025-09-01) to scenario.end (2025-12-31)"}},
		{"horizon", "[scenario]\nend = 2050-01-01\n",
			[]string{"bad.toml:2: scenario.end = 2050-01-01: must be at most 20 years after scenario.start (until 2045-09-01)"}},
		{"findings event", "[[event]]\ndate = 2026-02-10\ntype = \"findings\"\nmedia = 0.5\n",
			[]string{`bad.toml:3: event[1].type = "findings": findings and decision are not scheduled by hand: the regulator produces them levers.investigation_days and levers.decision_delay_days after a probe_open event`}},
		{"decision event", "[[event]]\ntype = \"decision\"\n",
			[]string{`bad.toml:2: event[1].type = "decision": findings and decision are not scheduled by hand`}},
		{"unknown event type", "[[event]]\ntype = \"incidnet\"\n",
			[]string{`bad.toml:2: event[1].type = "incidnet": must be one of "incident", "probe_open"`}},
		{"apology with a date", "[[event]]\ntype = \"apology\"\ndate = 2025-12-28\nmedia = 0.3\n",
			[]string{"bad.toml:3: event[1].date = 2025-12-28: an apology has no date: it happens at scenario.disclosure + levers.apology_delay_days"}},
		{"events out of order",
			"[[event]]\ndate = 2025-12-17\ntype = \"hearing\"\nmedia = 0.3\n\n[[event]]\ntype = \"hearing\"\nmedia = 0.3\ndate = 2025-12-02\n",
			[]string{"bad.toml:9: event[2].date = 2025-12-02: must not be before event[1].date (2025-12-17): events must be in chronological order"}},
		{"event outside the horizon", "[[event]]\ntype = \"hearing\"\ndate = 2027-01-01\nmedia = 0.3\n",
			[]string{"bad.toml:3: event[1].date = 2027-01-01: must be within the scenario, from scenario.start (2025-09-01) to scenario.end (2026-12-31)"}},
		{"incident without accounts", "[[event]]\ndate = 2025-11-29\ntype = \"incident\"\n",
			[]string{"bad.toml:1: event[1].accounts: missing: an incident event needs accounts (a number > 0)"}},
		{"media on an incident", "[[event]]\ndate = 2025-11-29\ntype = \"incident\"\naccounts = 5\nmedia = 1\n",
			[]string{"bad.toml:5: event[1].media = 1: an incident's attention is computed from its accounts"}},
		{"accounts on the follow-up", "[[event]]\ndate = 2026-02-05\ntype = \"incident\"\nfollow_up = true\naccounts = 5\n",
			[]string{"bad.toml:5: event[1].accounts = 5: the follow-up incident's accounts are levers.follow_up_breach_accounts"}},
		{"key of another type", "[[event]]\ndate = 2025-12-17\ntype = \"hearing\"\nmedia = 0.3\nrival = 2\n",
			[]string{"bad.toml:5: event[1].rival = 2: does not apply to a hearing event (its keys: type, date, media, label)"}},
		{"rival out of range", "[[event]]\ndate = 2025-12-17\ntype = \"rival_shock\"\nmedia = 0\nrival = 4\nshift = 1\n",
			[]string{"bad.toml:5: event[1].rival = 4: must be a whole number between 1 and 3"}},
		{"missing media", "[[event]]\ndate = 2025-12-17\ntype = \"hearing\"\n",
			[]string{"bad.toml:1: event[1].media: missing: a hearing event needs media (a number >= 0)"}},
		{"unknown event key", "[[event]]\ndate = 2025-12-17\ntype = \"hearing\"\nmedai = 0.3\n",
			[]string{"bad.toml:1: event[1].media: missing", "bad.toml:4: event[1].medai: unknown key (did you mean media?)"}},
		{"two follow-ups",
			"[[event]]\ndate = 2026-02-05\ntype = \"incident\"\nfollow_up = true\n[[event]]\ndate = 2026-02-06\ntype = \"incident\"\nfollow_up = true\n",
			[]string{"bad.toml:8: event[2].follow_up = true: at most one incident may be the follow_up"}},
		{"population key at the top", "couriers = 3000\n[population]\nconsumers = 1000\n",
			[]string{"bad.toml:1: couriers = 3000: must be a table: write [couriers] and its keys below it; the key couriers belongs in [population]"}},
		{"event as a table", "[event]\ntype = \"info\"\n",
			[]string{"bad.toml:1: event = {...}: must be an array of tables: write [[event]] before each event"}},
		{"bad date", "[scenario]\nstart = 2025-13-45\n",
			[]string{"bad.toml:2: TOML syntax error: invalid datetime"}},
		{"date as text", "[scenario]\nstart = \"tomorrow\"\n",
			[]string{`bad.toml:2: scenario.start = "tomorrow": must be a date like 2025-11-29`}},
		{"date with a time", "[scenario]\nstart = 2025-09-01T10:00:00Z\n",
			[]string{`bad.toml:2: scenario.start = 2025-09-01T10:00:00Z: must be a date like 2025-11-29`}},
		{"syntax error", "[trust]\nr0 = \n",
			[]string{"bad.toml:2: TOML syntax error: expected value"}},
		{"unclosed table", "[trust\nr0 = 1\n",
			[]string{"bad.toml:2: TOML syntax error: expected '.' or ']' to end table name"}},
		{"three problems", "[trust]\nr0 = -1\n[levers]\ntransparency = 2\nsanction_levle = \"S2\"\n",
			[]string{"bad.toml:2: trust.r0 = -1: must be >= 0", "bad.toml:4: levers.transparency = 2: must be between 0 and 1",
				"bad.toml:5: levers.sanction_levle: unknown key"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("bad.toml", []byte(tt.give))
			if err == nil {
				t.Fatalf("no error for\n%s", tt.give)
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != len(tt.want) {
				t.Fatalf("%d problems, want %d:\n%v", len(lines), len(tt.want), err)
			}
			for i, w := range tt.want {
				if !strings.Contains(lines[i], w) {
					t.Errorf("problem %d:\n got %s\nwant ...%s...", i+1, lines[i], w)
				}
			}
			if es, ok := err.(*Errors); !ok || len(es.Problems) != len(tt.want) {
				t.Errorf("error is %T, want *Errors with %d problems", err, len(tt.want))
			}
		})
	}
}

func TestLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope.toml")
	_, err := Load(path)
	if err == nil || !strings.Contains(err.Error(), path) || strings.Contains(err.Error(), "\n") {
		t.Errorf("Load(missing) = %v, want one line naming %s", err, path)
	}
	good := filepath.Join(t.TempDir(), "kr.toml")
	data, _ := PresetTOML(kr)
	os.WriteFile(good, data, 0o644)
	if sc, err := Load(good); err != nil || sc.Name != kr {
		t.Errorf("Load(preset copy) = %q, %v", sc.Name, err)
	}
	bad := filepath.Join(t.TempDir(), "bad.toml")
	os.WriteFile(bad, []byte("[trust]\nr0 = -1\n"), 0o644)
	if _, err := Load(bad); err == nil || !strings.HasPrefix(err.Error(), bad+":2: trust.r0") {
		t.Errorf("Load(bad) = %v, want it to name %s:2", err, bad)
	}
}

func TestValidate(t *testing.T) {
	if err := Validate(sim.DefaultScenario()); err != nil {
		t.Errorf("default scenario: %v", err)
	}
	sc := krCoupang()
	sc.Levers.Transparency = 1.5
	sc.Events[8].Date = sim.Date(2025, 12, 28)
	err := Validate(sc)
	want := "levers.transparency = 1.5: must be between 0 and 1\n" +
		"event[9].date = 2025-12-28: an apology has no date"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Validate = %v\nwant %s", err, want)
	}
	if _, err := Encode(sc); err == nil {
		t.Error("Encode accepted an invalid scenario")
	}
}

// TestFullScale: population.scale = "full" sets every count of MODEL.md §1's
// full-scale column, accepts them written out, refuses others, and round-trips.
func TestFullScale(t *testing.T) {
	for _, tc := range []struct {
		name, toml string
		errs       []string
	}{
		{"alone", "[population]\nscale = \"full\"\n", nil},
		{"written out", "[population]\nscale = \"full\"\nconsumers = 33_700_000\nreal_staff = 70_000\n", nil},
		{"other counts", "[population]\nscale = \"full\"\nconsumers = 1000\nreal_staff = 5\n", []string{
			`full.toml:3: population.consumers = 1000: must be 33_700_000 or left out with population.scale = "full" (one agent per person)`,
			`full.toml:4: population.real_staff = 5: must be 70000 or left out with population.scale = "full" (weights 1)`}},
		{"unknown scale", "[population]\nscale = \"half\"\n", []string{`full.toml:2: population.scale = "half"`}},
	} {
		sc, err := Parse("full.toml", []byte(tc.toml))
		if tc.errs != nil {
			if err == nil {
				t.Errorf("%s: no error", tc.name)
				continue
			}
			for _, want := range tc.errs {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("%s: error %q lacks %q", tc.name, err, want)
				}
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if sc.Population != sim.FullPopulation() {
			t.Errorf("%s: population %+v, want %+v", tc.name, sc.Population, sim.FullPopulation())
		}
		text, err := Encode(sc)
		if err != nil {
			t.Fatal(err)
		}
		if back, err := Parse("encoded.toml", text); err != nil || back.Population != sc.Population {
			t.Errorf("%s: round trip: %v, %+v", tc.name, err, back.Population)
		}
	}
}
