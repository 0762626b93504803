package targets

import (
	"reflect"

	"github.com/ripple-sim/ripple/sim"
)

// NoFollowUp returns the index of the lever set of sets (the case first, as
// in a sim.Point) that is the case without its follow-up breach: the same
// scenario with follow_up_breach_accounts = 0. It returns -1 when there is
// none or the case has no follow-up breach. CT-9 compares the two
// (Accumulator.AddNoFollowUp).
func NoFollowUp(sets []sim.LeverSet) int {
	if len(sets) < 2 || !hasFollowUp(&sets[0].Scenario) {
		return -1
	}
	want := sets[0].Scenario
	want.Levers.FollowUpAccounts = 0
	for l := 1; l < len(sets); l++ {
		if reflect.DeepEqual(sets[l].Scenario, want) {
			return l
		}
	}
	return -1
}

// hasFollowUp reports whether a scenario's follow-up breach exposes anyone.
func hasFollowUp(sc *sim.Scenario) bool {
	if sc.Levers.FollowUpAccounts <= 0 {
		return false
	}
	for _, ev := range sc.Events {
		if ev.Type == sim.Incident && ev.FollowUp {
			return true
		}
	}
	return false
}
