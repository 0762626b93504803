package rng

import (
	"math"
	"testing"
)

// TestFrozen pins the generator: every result ripple ever produced depends on
// these values. Do not change the golden outputs; a change here is a change of
// every published number.
func TestFrozen(t *testing.T) {
	tests := []struct {
		seed, rep uint64
		s         Stream
		entity    uint64
		day       int
		slot      uint64
		want      uint64
	}{
		{0, 0, Status, 0, 0, 0, 0xfef4cc0eb946569a},
		{1, 0, Status, 0, 0, 0, 0x35da95dd2ee755b6},
		{1, 2, Visit, 12345, 90, 1, 0x6a777ab4853810e0},
		{42, 7, InitConsumer, 99999, -1, 3, 0xbfdeeb726b09b114},
		{math.MaxUint64, math.MaxUint64, Quit, math.MaxUint64, 1 << 20, math.MaxUint64, 0xd5072f232e9c3512},
	}
	for _, tt := range tests {
		got := NewKey(tt.seed, tt.rep).Day(tt.s, tt.day).Bits(tt.entity, tt.slot)
		if got != tt.want {
			t.Errorf("Bits(%d,%d,%d,%d,%d,%d) = %#x, want %#x", tt.seed, tt.rep, tt.s, tt.entity, tt.day, tt.slot, got, tt.want)
		}
	}
}

// TestSplitMix64 checks mix against the published SplitMix64 sequence for
// state 0 (Vigna's reference implementation): outputs at states k*golden.
func TestSplitMix64(t *testing.T) {
	want := []uint64{0xe220a8397b1dcdaf, 0x6e789e6aa1b965f4, 0x06c45d188009454f}
	for i, w := range want {
		if got := mix(uint64(i) * golden); got != w {
			t.Errorf("output %d = %#x, want %#x", i, got, w)
		}
	}
}

func TestUniformMoments(t *testing.T) {
	const n = 200000
	d := NewKey(3, 1).Day(Visit, 5)
	var s, s2 float64
	for i := range uint64(n) {
		u := d.U(i, 0)
		if u <= 0 || u >= 1 {
			t.Fatalf("U = %v outside (0,1)", u)
		}
		s += u
		s2 += u * u
	}
	mean, v := s/n, s2/n-(s/n)*(s/n)
	if math.Abs(mean-0.5) > 4*math.Sqrt(1.0/12/n) || math.Abs(v-1.0/12) > 0.002 {
		t.Errorf("mean %v var %v, want 0.5, 1/12", mean, v)
	}
}

func TestPoisson(t *testing.T) {
	for _, m := range []float64{0.05, 0.6, 3, 25} {
		const n = 100000
		d := NewKey(9, 0).Day(Order, 1)
		var s, s2 float64
		for i := range uint64(n) {
			k := float64(Poisson(m, d.U(i, 0)))
			s += k
			s2 += k * k
		}
		mean := s / n
		if se := math.Sqrt(m / n); math.Abs(mean-m) > 4*se {
			t.Errorf("Poisson(%v) mean %v, want %v +- %v", m, mean, m, 4*se)
		}
		if v := s2/n - mean*mean; math.Abs(v-m) > 0.05*m+0.01 {
			t.Errorf("Poisson(%v) variance %v", m, v)
		}
	}
	// Monotone in the mean for a fixed uniform.
	for _, u := range []float64{1e-9, 0.3, 0.77, 0.999999} {
		prev := 0
		for m := 0.0; m < 10; m += 0.01 {
			k := Poisson(m, u)
			if k < prev {
				t.Fatalf("Poisson not monotone at u=%v m=%v", u, m)
			}
			prev = k
		}
	}
}

func TestCategorical(t *testing.T) {
	w := []float64{0.5, 0.3, 0.2}
	cases := []struct {
		u    float64
		want int
	}{{0.0001, 0}, {0.4999, 0}, {0.5001, 1}, {0.7999, 1}, {0.8001, 2}, {0.99999, 2}}
	for _, c := range cases {
		if got := Categorical(w, c.u); got != c.want {
			t.Errorf("Categorical(%v) = %d, want %d", c.u, got, c.want)
		}
	}
}

func TestPositive(t *testing.T) {
	d := NewKey(5, 0).Day(Visit, 0)
	for _, m := range []float64{0, 1e-6, 0.01, 0.3, 0.6, 1, 1.7, 3, 40} {
		for i := range uint64(20000) {
			u := d.U(i, 0)
			if got, want := Positive(m, u), Poisson(m, u) > 0; got != want {
				t.Fatalf("Positive(%v, %v) = %v, Poisson gives %v", m, u, got, want)
			}
		}
	}
}

// TestExpBounds checks that the cubic and quartic shortcuts of Positive and
// Poisson change no answer (checkExp), at uniforms a few units of rounding
// either side of exp(-mean) and of the bounds, and at random.
func TestExpBounds(t *testing.T) {
	d := NewKey(6, 0).Day(Visit, 0)
	for i := range uint64(2000) {
		mean := d.U(i, 0) * 1.2
		if i%7 == 0 {
			mean = math.Ldexp(mean, -int(i%40)) // tiny means too
		}
		e := math.Exp(-mean)
		lo, hi, _ := expBounds(mean)
		for _, c := range []float64{e, lo, hi, 1 - mean, 1 - mean + mean*mean/2, d.U(i, 1)} {
			u := c
			for range 6 {
				u = math.Nextafter(u, 0)
			}
			for range 12 {
				checkExp(t, mean, u, e)
				u = math.Nextafter(u, 1)
			}
		}
	}
}

// FuzzExpBounds is TestExpBounds at any mean and uniform.
func FuzzExpBounds(f *testing.F) {
	f.Add(0.3, 0.75)
	f.Add(0.999, 0.37)
	f.Fuzz(func(t *testing.T, mean, u float64) {
		if !(u > 0 && u < 1) || !(mean > 0 && mean < 50) {
			return
		}
		checkExp(t, mean, u, math.Exp(-mean))
	})
}

// checkExp compares Positive and Poisson's zero with the rule they had
// before the cubic and quartic bounds: the quadratic bounds, then the
// exponential e.
func checkExp(t *testing.T, mean, u, e float64) {
	t.Helper()
	positive := !(u < 1-mean) && (u >= 1-mean+mean*mean/2 || u >= e)
	if got := Positive(mean, u); got != positive {
		t.Fatalf("Positive(%v, %v) = %v, want %v (exp(-mean) = %v)", mean, u, got, positive, e)
	}
	if got, want := Poisson(mean, u) == 0, u < 1-mean || u < e; got != want {
		t.Fatalf("Poisson(%v, %v) == 0 is %v, want %v (exp(-mean) = %v)", mean, u, got, want, e)
	}
}
