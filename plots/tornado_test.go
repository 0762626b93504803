package plots_test

import (
	"math"
	"testing"

	"github.com/ripple-sim/ripple/plots"
)

// tornadoRows are a made-up screening of MAU change: shares per full range.
func tornadoRows() []plots.TornadoRow {
	return []plots.TornadoRow{
		{"trust.eta", 0.004, 0.002, 0.006, 0.001, 0.005},
		{"trust.j_d", 0.021, 0.015, 0.027, -0.021, 0.008},
		{"churn.h1", 0.012, 0.009, 0.016, -0.012, 0.004},
		{"ambiguity.u_open", 0.0005, 0.0001, 0.001, 0.0002, 0.0006},
		{"media.tau_s", 0.007, 0.004, 0.011, -0.003, 0.009},
		{"orders.nu_chk", 0, 0, 0, 0, 0},
		{"staff.q_bar", math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN()},
	}
}

// TestTornadoGolden compares the tornado chart with its golden PNG; -update
// writes it.
func TestTornadoGolden(t *testing.T) {
	f, err := plots.Tornado("MAU Jan-26 / Dec-25 - 1", "share", tornadoRows(), plots.Options{Caption: "kr_coupang_2025 · Morris r = 6, p = 4 · 2 replicates · seed 1"})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "tornado", f)
}

func TestTornadoErrors(t *testing.T) {
	if _, err := plots.Tornado("x", "share", nil, plots.Options{}); err == nil {
		t.Error("no error for no rows")
	}
	// All zero or NaN: still draws.
	f, err := plots.Tornado("x", "KRW", []plots.TornadoRow{{Param: "a", Lo: math.NaN(), Hi: math.NaN()}}, plots.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := plots.Save(f, t.TempDir(), "tornado_x"); err != nil {
		t.Fatal(err)
	}
}
