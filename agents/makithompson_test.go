package agents

import (
	"math"
	"testing"

	"github.com/ripple-sim/ripple/sim/rng"
)

func TestMakiThompsonSmall(t *testing.T) {
	tests := []struct {
		n              int
		wantI, wantMax float64 // -1: only range-checked
	}{
		{-1, 0, 0}, {0, 0, 0}, {1, 0, 1},
		{2, 0, 1}, // the lone ignorant is always reached
		{3, -1, -1}, {10, -1, -1}, {1000, -1, -1},
	}
	for _, tt := range tests {
		for rep := range uint64(10) {
			key := rng.NewKey(5, rep)
			i, s := MakiThompson(tt.n, key)
			if tt.wantI >= 0 && (i != tt.wantI || s != tt.wantMax) {
				t.Errorf("n=%d rep %d: got (%g, %g), want (%g, %g)", tt.n, rep, i, s, tt.wantI, tt.wantMax)
			}
			if i < 0 || i >= 1 || s < 0 || s > 1 || (tt.n >= 2 && (s < 2/float64(tt.n) || i+s > 1)) {
				t.Errorf("n=%d rep %d: shares out of range (%g, %g)", tt.n, rep, i, s)
			}
			if i2, s2 := MakiThompson(tt.n, key); i2 != i || s2 != s {
				t.Errorf("n=%d rep %d: not deterministic", tt.n, rep)
			}
		}
	}
}

// agentMakiThompson is the literal agent-level process with identities, used
// to check that the counts chain in MakiThompson has the same law.
func agentMakiThompson(n int, key rng.Key) (finalIgnorant, peakSpreaders float64) {
	const ign, spr, sti = 0, 1, 2
	op := make([]uint8, n)
	op[0] = spr
	spreaders := []int{0} // unordered set of spreader ids
	pos := make([]int, n) // index of each spreader in spreaders
	nIgn, peak := n-1, 1
	dk := key.Day(rng.Spread, 0)
	for step := uint64(0); len(spreaders) > 0; step++ {
		s := spreaders[int(dk.U(step, 0)*float64(len(spreaders)))]
		j := int(dk.U(step, 1) * float64(n-1))
		if j >= s {
			j++ // uniform over the others
		}
		if op[j] == ign {
			op[j] = spr
			pos[j] = len(spreaders)
			spreaders = append(spreaders, j)
			nIgn--
			peak = max(peak, len(spreaders))
		} else {
			op[s] = sti
			last := spreaders[len(spreaders)-1]
			spreaders[pos[s]], pos[last] = last, pos[s]
			spreaders = spreaders[:len(spreaders)-1]
		}
	}
	return float64(nIgn) / float64(n), float64(peak) / float64(n)
}

func TestMakiThompsonMatchesAgentLevel(t *testing.T) {
	const n, reps = 40, 4000
	var m1, m2 [2]mtMoments
	for rep := range uint64(reps) {
		i, s := MakiThompson(n, rng.NewKey(9, rep))
		m1[0].add(i)
		m1[1].add(s)
		i, s = agentMakiThompson(n, rng.NewKey(10, rep))
		m2[0].add(i)
		m2[1].add(s)
	}
	for k, name := range []string{"final ignorant", "peak spreaders"} {
		d := m1[k].mean() - m2[k].mean()
		se := math.Sqrt(m1[k].varMean() + m2[k].varMean())
		t.Logf("%s: counts %.4f, agents %.4f (SE of difference %.4f)", name, m1[k].mean(), m2[k].mean(), se)
		if math.Abs(d) > 4*se {
			t.Errorf("%s: counts chain %.4f vs agent level %.4f, |diff| > 4 SE (%.4f)", name, m1[k].mean(), m2[k].mean(), se)
		}
	}
}

// TestMakiThompsonT11 is MODEL.md T11. It takes a few milliseconds, so it
// always runs.
func TestMakiThompsonT11(t *testing.T) {
	const (
		n         = 100_000
		reps      = 20
		wantI     = 0.2032
		wantPeak  = 0.307
		tolerance = 0.01
	)
	var fi, pk mtMoments
	for rep := range uint64(reps) {
		i, s := MakiThompson(n, rng.NewKey(2025, rep))
		if i >= 0.5 {
			t.Logf("rep %d: minor outbreak (final ignorant %.4f), skipped", rep, i)
			continue
		}
		if math.Abs(i-wantI) > tolerance || math.Abs(s-wantPeak) > tolerance {
			t.Errorf("rep %d: final ignorant %.4f, peak spreaders %.4f; want %g, %g +- %g", rep, i, s, wantI, wantPeak, tolerance)
		}
		fi.add(i)
		pk.add(s)
	}
	if fi.n < reps/2 {
		t.Fatalf("only %d of %d runs were major outbreaks", fi.n, reps)
	}
	t.Logf("%d major outbreaks: final ignorant %.4f (sd %.4f), peak spreaders %.4f (sd %.4f)",
		fi.n, fi.mean(), math.Sqrt(fi.variance()), pk.mean(), math.Sqrt(pk.variance()))
	if math.Abs(fi.mean()-wantI) > tolerance || math.Abs(pk.mean()-wantPeak) > tolerance {
		t.Errorf("mean final ignorant %.4f, peak spreaders %.4f; want %g, %g +- %g", fi.mean(), pk.mean(), wantI, wantPeak, tolerance)
	}
}

// mtMoments accumulates a sample mean and variance (Welford).
type mtMoments struct {
	n      int
	mu, ss float64
}

func (m *mtMoments) add(x float64) {
	m.n++
	d := x - m.mu
	m.mu += d / float64(m.n)
	m.ss += d * (x - m.mu)
}

func (m *mtMoments) mean() float64     { return m.mu }
func (m *mtMoments) variance() float64 { return m.ss / float64(m.n-1) }
func (m *mtMoments) varMean() float64  { return m.variance() / float64(m.n) }
