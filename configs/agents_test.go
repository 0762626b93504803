package configs

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/ripple-sim/ripple/sim"
)

// TestAgentRules: whatever the agents' own validators reject, the spec table
// and the cross-key rules reject too, with a message naming the key, so the
// agentRules backstop never has to fire. Each parameter of [merchants],
// [staff] and [couriers] is probed around its bounds, and each Beta (mean, sd)
// pair over a grid.
func TestAgentRules(t *testing.T) {
	agentErr := func(sc *sim.Scenario) error {
		if err := sc.Merchants.Validate(); err != nil {
			return err
		}
		if err := sc.Staff.Check(); err != nil {
			return err
		}
		return sc.Couriers.Validate()
	}
	check := func(t *testing.T, what string, sc *sim.Scenario) {
		t.Helper()
		aerr := agentErr(sc)
		err := Validate(*sc)
		if aerr != nil && err == nil {
			t.Errorf("%s: agents reject (%v), configs accepts", what, aerr)
		}
		if err != nil && strings.Contains(err.Error(), "configs lacks this rule") {
			t.Errorf("%s: only the backstop caught it: %v", what, err)
		}
	}
	probes := func(b bounds) []float64 {
		vs := []float64{-1, 0, 0.5, 1, 2, 1e9, math.NaN(), math.Inf(1), math.Inf(-1)}
		for _, x := range []float64{b.lo, b.hi} {
			if !math.IsInf(x, 0) {
				vs = append(vs, x, math.Nextafter(x, -inf), math.Nextafter(x, inf), x-1, x+1)
			}
		}
		return vs
	}
	for _, table := range []string{"merchants", "staff", "couriers"} {
		for i := range sectionOf[table].params {
			p := &sectionOf[table].params[i]
			for _, v := range probes(p.b) {
				sc := sim.DefaultScenario()
				switch ptr := p.ref(&sc).(type) {
				case *float64:
					*ptr = v
				case *int:
					if math.IsNaN(v) || math.IsInf(v, 0) || v != math.Trunc(v) {
						continue
					}
					*ptr = int(v)
				default:
					t.Fatalf("%s: unexpected kind", p.path())
				}
				check(t, fmt.Sprintf("%s = %v", p.path(), v), &sc)
			}
		}
	}
	sc := sim.DefaultScenario()
	for _, pr := range []struct {
		name     string
		mean, sd *float64
	}{
		{"merchants dep", &sc.Merchants.DepMean, &sc.Merchants.DepSD},
		{"staff q", &sc.Staff.QBar, &sc.Staff.QSD},
		{"couriers pi0", &sc.Couriers.PiBar0, &sc.Couriers.Pi0SD},
	} {
		for _, m := range []float64{0, 0.1, 0.5, 0.9, 1} {
			for _, s := range []float64{0, 0.1, 0.29, 0.3, 0.31, 0.5, 0.6} {
				sc = sim.DefaultScenario()
				*pr.mean, *pr.sd = m, s
				check(t, fmt.Sprintf("%s mean %v sd %v", pr.name, m, s), &sc)
			}
		}
	}
	for _, y := range []struct{ rp, u, k, kc float64 }{{100, 1, 340, 40_000}, {800, 0.5, 100, 40_000}, {1, 1, 1, 1}, {1, 1, 1, 0}} {
		sc = sim.DefaultScenario()
		sc.Couriers.RP, sc.Couriers.UK0, sc.Couriers.K, sc.Couriers.KC = y.rp, y.u, y.k, y.kc
		check(t, fmt.Sprintf("courier income %+v", y), &sc)
	}
}

// TestAgentRulesBackstop: an agent rule missing from configs still rejects
// the scenario, on the table's line.
func TestAgentRulesBackstop(t *testing.T) {
	c := newChecker("x.toml")
	c.setLine("couriers", 7)
	sc := sim.DefaultScenario()
	sc.Couriers.K = -1 // the table would catch it; agentRules alone must too
	c.agentRules(&sc)
	if err := c.err(); err == nil || !strings.HasPrefix(err.Error(), "x.toml:7: couriers: rejected by agents.CourierParams.Validate") ||
		strings.Contains(err.Error(), "\n") {
		t.Errorf("agentRules = %v", err)
	}
}
