package configs

import (
	"fmt"
	"math"

	"github.com/ripple-sim/ripple/sim"
)

// FreeParam is a free parameter of MODEL.md §8: a scenario key fitted in
// calibration and varied in sensitivity analysis, with its range (from the
// MODEL.md tables) and whether it is best searched on a log scale.
type FreeParam struct {
	Key    string  // scenario key path, e.g. "trust.j_d"
	Lo, Hi float64 // range
	Log    bool    // search log(value): the range spans orders of magnitude
}

// FreeParams are the free parameters of MODEL.md §8, in its order: the
// main list, then the ones it adds "as needed".
var FreeParams = []FreeParam{
	{"trust.j_d", 0.03, 0.4, true},
	{"trust.a_m", 1e-5, 0.02, true},
	{"trust.a_w", 1e-5, 0.02, true},
	{"trust.a_u", 1e-5, 0.02, true},
	{"ambiguity.u_open", 0.3, 1, false},
	{"media.tau_s", 30, 120, false},
	{"ambiguity.tau_u", 7, 60, false},
	{"churn.h1", 0.002, 0.2, true},
	{"churn.a_half", 0.01, 1, true},
	{"churn.delta_mean", 0.05, 0.3, false},
	{"churn.h_w", 1e-4, 0.02, true},
	{"trust.eta", 0.5, 3, false},
	{"churn.beta_tau", 0.1, 5, false},
	{"orders.nu_chk", 0, 1, false},
	{"trust.p_unc", 0.1, 0.4, false},
	{"merchants.s_eps", 0.5, 1.2, false},
	{"staff.q_bar", 0.2, 0.5, false},
	{"staff.omega_pool", 0.05, 0.5, false},
	{"ambiguity.du_c", 0, 0.3, false},
	{"jumps.c_bl", 0, 0.05, false},
	{"merchants.dphi", 0, 0.5, false},
	{"platform.r_rem", 0, 300e9, false},
}

// FreeParamsMain is the number of FreeParams in MODEL.md §8's main list.
const FreeParamsMain = 17

// Get returns the value of a numeric scenario key.
func Get(sc *sim.Scenario, key string) (float64, error) {
	p := params[key]
	if p == nil {
		return 0, fmt.Errorf("unknown key %s", key)
	}
	switch v := p.ref(sc).(type) {
	case *float64:
		return *v, nil
	case *int:
		return float64(*v), nil
	}
	return 0, fmt.Errorf("%s is not a number", key)
}

// Set sets a numeric scenario key (an integer key is rounded) and checks
// the value against the key's range; the scenario's cross-key rules are
// Validate's.
func Set(sc *sim.Scenario, key string, x float64) error {
	p := params[key]
	if p == nil {
		return fmt.Errorf("unknown key %s", key)
	}
	switch v := p.ref(sc).(type) {
	case *float64:
		*v = x
	case *int:
		*v = int(math.Round(x))
	default:
		return fmt.Errorf("%s is not a number", key)
	}
	if msg := checkValue(p.kind, p.b, p.choices, p.ref(sc)); msg != "" {
		return fmt.Errorf("%s = %s: %s", key, fmtFloat(x), msg)
	}
	return nil
}
