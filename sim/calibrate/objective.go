// Package calibrate fits free parameters of a scenario (MODEL.md §8) to the
// calibration targets CT-1..CT-10 by the simulated method of moments: the
// objective is a weighted sum of squared standardised distances of the
// simulated statistics (means across replicates) from their targets, and the
// search is gonum's Nelder-Mead over a bounded transform of the parameters.
//
// Common random numbers: every evaluation runs the same seed and the same
// replicates, so the objective is a deterministic function of the
// parameters; effect-based targets use shock minus its no-breach twin of the
// same replicate (package targets does that). With MeanField the objective
// is computed on the deterministic mean field (sim/meanfield) instead.
//
// The package does no I/O: Search calls back after every evaluation, and the
// caller (ripple calibrate) keeps the record.
//
// # The objective
//
// For each computed target i with weight w_i (high 4, medium 2, low 1) and a
// standardised distance d_i of the simulated mean m from the target,
//
//	objective = sum_i w_i * d_i^2
//
// where d_i is
//
//	point (value ± tol):  (m - value) / tol                      (one tol off: 1)
//	band [lo, hi]:        0 inside; (lo - m)/(hi - lo) below, (m - hi)/(hi - lo) above
//	upper (<= hi):        0 if m <= hi, else (m - hi)/|hi|       (|hi| = 1 when hi = 0)
//	lower (>= lo):        0 if m >= lo, else (lo - m)/|lo|
//	sign:                 0 when the check passes, else 1 (a step: the inequalities are
//	                      in words, on several statistics)
//
// and a check that fails although m meets its numbers (a side condition:
// CT-2's two declines negative, CT-3b's stock up) adds 1 to d_i. With a
// margin (Problem.Margin) the search aims inside the bands: see
// DistanceMargin. Targets
// a point's run cannot compute (CT-8 before its window ends, CT-9, which
// needs a run without the follow-up breach; CT-5 on the mean field) are left
// out and listed; a computed check whose mean is NaN counts d_i = NaNDistance.
// A point that fails validation, or whose run fails, has objective
// Invalid.
package calibrate

import (
	"math"

	"github.com/ripple-sim/ripple/targets"
)

// Invalid is the objective of a point that fails validation or whose run
// fails: far above any simulated point's objective, and finite, so that the
// search steps back from it.
const Invalid = 1e6

// NaNDistance is the standardised distance of a computed check whose mean is
// NaN (for example a ratio of two zero changes).
const NaNDistance = 10

// Weight returns the weight of a target weight name: high 4, medium 2, low
// 1 (0 for anything else).
func Weight(w string) float64 {
	switch w {
	case targets.High:
		return 4
	case targets.Medium:
		return 2
	case targets.Low:
		return 1
	}
	return 0
}

// Distance returns the standardised distance of a check from its target (see
// the package doc) and whether the check counts (false when it was not
// computed).
func Distance(c targets.Check, t targets.Target) (d float64, ok bool) {
	return DistanceMargin(c, t, 0)
}

// DistanceMargin is Distance with the target tightened by a margin: a band
// loses margin*(hi - lo) at each edge, an upper or lower bound moves inward
// by margin*|bound|; point and sign targets are unchanged. A search with a
// margin aims inside the bands, with room for the noise of replicates and
// of the population size.
func DistanceMargin(c targets.Check, t targets.Target, margin float64) (d float64, ok bool) {
	if margin > 0 {
		switch t.Kind {
		case targets.Band:
			w := margin * (t.Hi - t.Lo)
			t.Lo, t.Hi = t.Lo+w, t.Hi-w
		case targets.Upper:
			t.Hi -= margin * math.Abs(t.Hi)
		case targets.Lower:
			t.Lo += margin * math.Abs(t.Lo)
		}
	}
	if c.Status == targets.NotComputed {
		return 0, false
	}
	m := c.Mean
	if t.Kind == targets.Sign {
		if c.Status == targets.Pass {
			return 0, true
		}
		return 1, true
	}
	if math.IsNaN(m) {
		return NaNDistance, true
	}
	scale := func(x float64) float64 {
		if x == 0 {
			return 1
		}
		return math.Abs(x)
	}
	switch t.Kind {
	case targets.Point:
		tol := t.Tol
		if tol <= 0 {
			tol = scale(t.Value) * 1e-3
		}
		d = math.Abs(m-t.Value) / tol
	case targets.Band:
		w := t.Hi - t.Lo
		if w <= 0 {
			w = scale(t.Hi)
		}
		switch {
		case m < t.Lo:
			d = (t.Lo - m) / w
		case m > t.Hi:
			d = (m - t.Hi) / w
		}
	case targets.Upper:
		if m > t.Hi {
			d = (m - t.Hi) / scale(t.Hi)
		}
	case targets.Lower:
		if m < t.Lo {
			d = (t.Lo - m) / scale(t.Lo)
		}
	}
	if c.Status == targets.Fail && t.Contains(m) && d == 0 {
		d++ // a side condition fails
	}
	return d, true
}

// Term is one target's part of the objective.
type Term struct {
	ID       string
	Weight   float64
	Distance float64 // standardised distance d
	Counted  bool    // false: not computed, left out
}

// Value is w * d^2, 0 when not counted.
func (t Term) Value() float64 {
	if !t.Counted {
		return 0
	}
	return t.Weight * t.Distance * t.Distance
}

// Objective returns the objective of checks against the targets of set
// (matched by id) and its terms, in the checks' order. Checks without a
// target in set are left out.
func Objective(checks []targets.Check, set *targets.Set) (float64, []Term) {
	return ObjectiveMargin(checks, set, 0)
}

// ObjectiveMargin is Objective with DistanceMargin.
func ObjectiveMargin(checks []targets.Check, set *targets.Set, margin float64) (float64, []Term) {
	byID := map[string]*targets.Target{}
	for i := range set.Targets {
		byID[set.Targets[i].ID] = &set.Targets[i]
	}
	total := 0.0
	terms := make([]Term, 0, len(checks))
	for _, c := range checks {
		term := Term{ID: c.ID, Weight: Weight(c.Weight)}
		if t := byID[c.ID]; t != nil {
			term.Distance, term.Counted = DistanceMargin(c, *t, margin)
		}
		total += term.Value()
		terms = append(terms, term)
	}
	return total, terms
}
