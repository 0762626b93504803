package targets

import (
	"math"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestDefault(t *testing.T) {
	s := Default()
	if s.Scenario != "kr_coupang_2025" || !s.FitWindowEnd.Equal(time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("scenario %q, fit_window_end %v", s.Scenario, s.FitWindowEnd)
	}
	var ids []string
	for _, tg := range s.Targets {
		ids = append(ids, tg.ID)
		if evaluators[tg.ID] == nil {
			t.Errorf("%s has no evaluator", tg.ID)
		}
	}
	want := []string{"CT-1", "CT-2", "CT-3", "CT-3b", "CT-4", "CT-5", "CT-6", "CT-7", "CT-8", "CT-9", "CT-10"}
	if !slices.Equal(ids, want) {
		t.Errorf("ids %v, want %v", ids, want)
	}
	ct4 := s.Targets[4]
	if ct4.ID != "CT-4" || ct4.Kind != Lower || ct4.Lo != 5000 || ct4.FlagAbove != 15000 || ct4.Weight != Medium || !math.IsNaN(ct4.Hi) {
		t.Errorf("CT-4: %+v", ct4)
	}
	if ct9 := s.Targets[9]; !ct9.LoOpen || ct9.Contains(0) || !ct9.Contains(0.1) {
		t.Errorf("CT-9: %+v", ct9)
	}
}

// TestEmbeddedCopy keeps the embedded targets equal to the shared file when
// it is at hand (ripple never reads it at run time).
func TestEmbeddedCopy(t *testing.T) {
	shared, err := os.ReadFile("../../shared/targets/kr_coupang_2025.toml")
	if err != nil {
		t.Skip("no ../shared beside the repository")
	}
	if string(shared) != string(krCoupang2025) {
		t.Error("targets/kr_coupang_2025.toml differs from ../shared/targets/kr_coupang_2025.toml; copy it over")
	}
}

// TestDatesFromFile makes sure the dates written in the embedded statistics
// are MODEL.md's, which the evaluators fall back to.
func TestDatesFromFile(t *testing.T) {
	stat := map[string]string{}
	for _, tg := range Default().Targets {
		stat[tg.ID] = tg.Statistic
	}
	eq := func(id string, got, want []time.Time) {
		t.Helper()
		if !slices.EqualFunc(got, want, time.Time.Equal) {
			t.Errorf("%s: %v, want %v", id, got, want)
		}
	}
	eq("CT-1", monthsIn(stat["CT-1"]), []time.Time{jan26, dec25})
	eq("CT-2", monthsIn(stat["CT-2"]), []time.Time{dec25, nov25, jan26, dec25})
	eq("CT-3", monthsIn(stat["CT-3"]), []time.Time{jan26})
	eq("CT-3 days", daysIn(stat["CT-3"]), []time.Time{date(2025, 10, 1), date(2025, 11, 28)})
	eq("CT-3b", monthsIn(stat["CT-3b"]), []time.Time{jan26})
	eq("CT-4", daysIn(stat["CT-4"]), []time.Time{date(2025, 12, 1), date(2026, 1, 15)})
	eq("CT-5", monthsIn(stat["CT-5"]), []time.Time{jan26, nov25})
	for _, id := range []string{"CT-6", "CT-7", "CT-10"} {
		if q, ok := quarterIn(stat[id]); !ok || !q.Equal(q4of25) {
			t.Errorf("%s: quarter %v %v", id, q, ok)
		}
	}
	eq("CT-9 days", daysIn("2026-02-05..02-18"), []time.Time{date(2026, 2, 5)})
	if _, ok := quarterIn("Q5-2025"); ok {
		t.Error("Q5 is a quarter")
	}
}

func TestParseErrors(t *testing.T) {
	const ok = "[[target]]\nid = \"A\"\nstatistic = \"x\"\nkind = \"band\"\nlo = 0\nhi = 1\nweight = \"low\"\n"
	if s, err := Parse("t.toml", []byte(ok)); err != nil || len(s.Targets) != 1 || s.Targets[0].Hi != 1 {
		t.Fatalf("%v %+v", err, s)
	}
	for _, tc := range []struct{ give, want string }{
		{ok + "colour = 1\n", "t.toml: unknown key target.colour"},
		{strings.Replace(ok, "band", "range", 1), `target 1 (A): kind "range"`},
		{strings.Replace(ok, "lo = 0\n", "", 1), "kind band needs lo <= hi"},
		{strings.Replace(ok, "lo = 0", "lo = 2", 1), "kind band needs lo <= hi"},
		{strings.Replace(ok, "kind = \"band\"", "kind = \"point\"", 1), "kind point needs value and tol"},
		{strings.Replace(ok, "kind = \"band\"", "kind = \"sign\"", 1), "kind sign needs holds"},
		{strings.Replace(ok, "low", "urgent", 1), `weight "urgent"`},
		{strings.Replace(ok, "id = \"A\"\n", "", 1), "target 1: missing id"},
		{ok + ok, "target 2 (A): id A repeats"},
		{"[[target]\n", "t.toml:"},
	} {
		if _, err := Parse("t.toml", []byte(tc.give)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want %q", err, tc.want)
		}
	}
}

func TestContainsAndText(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		tg       Target
		unit     string
		in, out  []float64
		wantText string
	}{
		{Target{Kind: Point, Value: -0.032, Tol: 0.004, FlagAbove: nan}, Share, []float64{-0.032, -0.036, -0.028}, []float64{-0.0361, -0.0279, nan}, "-3.2% +/- 0.4 pp"},
		{Target{Kind: Band, Lo: 0.067, Hi: 0.17, FlagAbove: nan}, Ratio, []float64{0.067, 0.1, 0.17}, []float64{0.066, 0.171}, "[0.067, 0.17]"},
		{Target{Kind: Band, Lo: 0, Hi: 0.1, LoOpen: true, FlagAbove: nan}, Ratio, []float64{1e-9, 0.1}, []float64{0, -1}, "(0, 0.1]"},
		{Target{Kind: Upper, Hi: -0.5, FlagAbove: nan, Also: "stock up"}, Share, []float64{-0.5, -0.9}, []float64{-0.49}, "<= -50%; stock up"},
		{Target{Kind: Lower, Lo: 5000, FlagAbove: 15000}, People, []float64{5000, 20000}, []float64{4999}, ">= 5,000 (flag > 15,000)"},
		{Target{Kind: Sign, Holds: "shock < 0", FlagAbove: nan}, KRW, nil, []float64{-1, 1}, "shock < 0"},
	} {
		for _, x := range tc.in {
			if !tc.tg.Contains(x) {
				t.Errorf("%+v does not contain %v", tc.tg, x)
			}
		}
		for _, x := range tc.out {
			if tc.tg.Contains(x) {
				t.Errorf("%+v contains %v", tc.tg, x)
			}
		}
		if got := tc.tg.Text(tc.unit); got != tc.wantText {
			t.Errorf("Text: %q, want %q", got, tc.wantText)
		}
	}
}

func TestFormat(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		mean, lo, hi float64
		unit, want   string
	}{
		{-0.0425, -0.0442, -0.0408, Share, "-4.25% [-4.42%, -4.08%]"},
		{10819.4, 10349, 11288.6, People, "10,819 [10,349, 11,289]"},
		{-1234567, nan, nan, People, "-1,234,567"},
		{-82.5e9, -98.2e9, -66.9e9, KRW, "-82.5 [-98.2, -66.9] bn KRW"},
		{-534289, -624835, -443744, KRW, "-534,289 [-624,835, -443,744] KRW"},
		{0.0208, -0.0187, 0.0603, Ratio, "0.0208 [-0.0187, 0.0603]"},
		{nan, 1, 2, Ratio, "n/a"},
		{-0.4, 0, 0, People, "0 [0, 0]"},
	} {
		if got := FormatInterval(tc.mean, tc.lo, tc.hi, tc.unit); got != tc.want {
			t.Errorf("FormatInterval(%v, %v, %v, %s) = %q, want %q", tc.mean, tc.lo, tc.hi, tc.unit, got, tc.want)
		}
	}
	if got := Format(124.8e9, KRW); got != "124.8 bn KRW" {
		t.Errorf("Format: %q", got)
	}
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
