package calibrate

import (
	"fmt"
	"math"
	"strings"

	"github.com/ripple-sim/ripple/configs"
)

// Space is the search space: free parameters with their ranges. The search
// runs on coordinates z in R^n; parameter i's value is
//
//	u = fold(z_i) in [0, 1]   (fold: the identity on [0, 1], reflected at its edges,
//	                           period 2, so every z maps inside the range)
//	value = lo + (hi - lo) * u                 (linear parameters)
//	value = exp(log lo + (log hi - log lo) u)  (Log parameters)
//
// Coords is the inverse on the range: a step of 0.1 in z is a tenth of the
// range (of its logarithm for Log parameters) wherever the point is.
type Space struct {
	Params []configs.FreeParam
}

// NewSpace returns the space of the named free parameters (keys of
// configs.FreeParams), in the order given. An unknown or repeated key is an
// error naming the known ones.
func NewSpace(keys []string) (Space, error) {
	var s Space
	seen := map[string]bool{}
	for _, k := range keys {
		k = strings.TrimSpace(k)
		if seen[k] {
			return Space{}, fmt.Errorf("parameter %s is named twice", k)
		}
		seen[k] = true
		p, ok := Lookup(k)
		if !ok {
			return Space{}, fmt.Errorf("unknown free parameter %q (known: %s)", k, strings.Join(FreeKeys(), ", "))
		}
		s.Params = append(s.Params, p)
	}
	if len(s.Params) == 0 {
		return Space{}, fmt.Errorf("no parameters to fit")
	}
	return s, nil
}

// Lookup returns the free parameter of a scenario key.
func Lookup(key string) (configs.FreeParam, bool) {
	for _, p := range configs.FreeParams {
		if p.Key == key {
			return p, true
		}
	}
	return configs.FreeParam{}, false
}

// FreeKeys lists the keys of configs.FreeParams.
func FreeKeys() []string {
	ks := make([]string, len(configs.FreeParams))
	for i, p := range configs.FreeParams {
		ks[i] = p.Key
	}
	return ks
}

// DefaultKeys is the default subset of the main free parameters: the
// consumer-side parameters that FIT-NOTES.md found to move CT-1 and CT-2
// (trust jump and erosion, ambiguity, media memory, the hazard and its
// threshold, the social churn term, the propensity exponent, check visits)
// and the merchants' demand-shock tail for CT-3. Left out: a_u, tau_u,
// a_half, beta_tau (weak or redundant in the notes' fits), p_unc (it sets
// CT-8, whose window ends after the fit window) and q_bar (CT-4 is met with
// room).
var DefaultKeys = []string{
	"trust.j_d", "trust.a_m", "trust.a_w", "ambiguity.u_open", "media.tau_s",
	"churn.h1", "churn.delta_mean", "churn.h_w", "trust.eta", "orders.nu_chk",
	"merchants.s_eps",
}

// Dim is the number of parameters.
func (s Space) Dim() int { return len(s.Params) }

// Keys lists the parameters' keys.
func (s Space) Keys() []string {
	ks := make([]string, len(s.Params))
	for i, p := range s.Params {
		ks[i] = p.Key
	}
	return ks
}

// fold maps R onto [0, 1]: the identity on [0, 1], reflected at 0 and 1.
func fold(z float64) float64 {
	if math.IsNaN(z) || math.IsInf(z, 0) {
		return 0.5
	}
	f := math.Mod(z, 2)
	if f < 0 {
		f += 2
	}
	if f > 1 {
		f = 2 - f
	}
	return f
}

// Values maps coordinates to parameter values, each inside its range.
func (s Space) Values(z []float64) []float64 {
	v := make([]float64, len(s.Params))
	for i, p := range s.Params {
		u := fold(z[i])
		if p.Log {
			v[i] = math.Exp(math.Log(p.Lo) + (math.Log(p.Hi)-math.Log(p.Lo))*u)
		} else {
			v[i] = p.Lo + (p.Hi-p.Lo)*u
		}
		v[i] = math.Min(p.Hi, math.Max(p.Lo, v[i])) // rounding at the edges
	}
	return v
}

// Coords maps parameter values to coordinates in [0, 1]^n; a value outside
// its range is clamped to it.
func (s Space) Coords(v []float64) []float64 {
	z := make([]float64, len(s.Params))
	for i, p := range s.Params {
		x := math.Min(p.Hi, math.Max(p.Lo, v[i]))
		if p.Log {
			z[i] = (math.Log(x) - math.Log(p.Lo)) / (math.Log(p.Hi) - math.Log(p.Lo))
		} else {
			z[i] = (x - p.Lo) / (p.Hi - p.Lo)
		}
	}
	return z
}
