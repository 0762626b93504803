package configs

import (
	"strings"
	"testing"

	"github.com/ripple-sim/ripple/sim"
)

// TestFreeParams: every free parameter is a numeric key whose preset value
// lies in its range, and Set changes exactly that key.
func TestFreeParams(t *testing.T) {
	base, err := Preset("kr_coupang_2025")
	if err != nil {
		t.Fatal(err)
	}
	for _, fp := range FreeParams {
		x, err := Get(&base, fp.Key)
		if err != nil {
			t.Errorf("%s: %v", fp.Key, err)
			continue
		}
		if x < fp.Lo || x > fp.Hi || fp.Lo >= fp.Hi || (fp.Log && fp.Lo <= 0) {
			t.Errorf("%s = %v: outside its range [%v, %v] (log %v)", fp.Key, x, fp.Lo, fp.Hi, fp.Log)
		}
		sc := base
		mid := (fp.Lo + fp.Hi) / 2
		if err := Set(&sc, fp.Key, mid); err != nil {
			t.Errorf("Set(%s, %v): %v", fp.Key, mid, err)
		}
		if got, _ := Get(&sc, fp.Key); got != mid {
			t.Errorf("%s: Get after Set = %v, want %v", fp.Key, got, mid)
		}
		if err := Set(&sc, fp.Key, x); err != nil || !sameScenario(sc, base) {
			t.Errorf("%s: setting it back does not restore the scenario (%v)", fp.Key, err)
		}
	}
	sc := base
	if err := Set(&sc, "trust.p_unc", 2); err == nil || !strings.Contains(err.Error(), "trust.p_unc = 2") {
		t.Errorf("Set out of range: %v", err)
	}
	if err := Set(&sc, "levers.voucher_design", 2); err == nil {
		t.Error("Set of a non-numeric key succeeded")
	}
	if _, err := Get(&sc, "trust.nope"); err == nil {
		t.Error("Get of an unknown key succeeded")
	}
}

func sameScenario(a, b sim.Scenario) bool {
	ea, _ := Encode(a)
	eb, _ := Encode(b)
	return string(ea) == string(eb)
}
