package agents

import "github.com/ripple-sim/ripple/sim/rng"

// MakiThompson runs the asynchronous Maki-Thompson rumour on the complete graph
// of n agents, starting from one spreader: repeatedly a random spreader s
// contacts a random other agent j; if j is ignorant it becomes a spreader, else
// s becomes a stifler; stop when no spreaders remain. It returns the final
// ignorant share and the peak spreader share (MODEL.md M3 test mode, T11). For
// large n these approach theta = exp(-2(1-theta)) = 0.2032 and 1 - ln 2 =
// 0.307 in a major outbreak. n = 1 gives (0, 1); n <= 0 gives (0, 0).
//
// On the complete graph agents are exchangeable, so identities are not needed:
// the counts (I, S, R) of ignorants, spreaders and stiflers form a Markov chain
// with the same law as the agent-level process. Whichever spreader acts, its
// contact is a uniformly random one of the n-1 others, which is ignorant with
// probability I/(n-1) (then I--, S++) and otherwise a spreader or stifler (then
// S--, R++). Each step therefore needs one uniform, rng.Aware day 0, entity =
// step number, slot 0; memory is O(1) and time is O(steps) <= 2n.
func MakiThompson(n int, key rng.Key) (finalIgnorant, peakSpreaders float64) {
	if n <= 0 {
		return 0, 0
	}
	if n == 1 {
		return 0, 1
	}
	dk := key.Day(rng.Aware, 0)
	others := float64(n - 1)
	ign, spr := n-1, 1
	peak := spr
	for step := uint64(0); spr > 0; step++ {
		if dk.U(step, 0)*others < float64(ign) {
			ign--
			spr++
			peak = max(peak, spr)
		} else {
			spr--
		}
	}
	return float64(ign) / float64(n), float64(peak) / float64(n)
}
