package targets

import (
	_ "embed"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

//go:embed kr_coupang_2025.toml
var krCoupang2025 []byte

// Kinds of comparison (Target.Kind).
const (
	Band  = "band"  // Lo <= x <= Hi (Lo < x when LoOpen)
	Point = "point" // |x - Value| <= Tol
	Upper = "upper" // x <= Hi
	Lower = "lower" // x >= Lo
	Sign  = "sign"  // the inequalities of Holds
)

// Weights of targets (Target.Weight).
const (
	High   = "high"
	Medium = "medium"
	Low    = "low"
)

// Target is one [[target]] of a targets file. Absent numbers are NaN.
type Target struct {
	ID        string
	Statistic string // what is simulated, in words; dates in it set the statistic's dates
	Kind      string // Band, Point, Upper, Lower or Sign
	Lo, Hi    float64
	LoOpen    bool // Band: Lo itself is outside
	Value     float64
	Tol       float64
	FlagAbove float64 // flag (do not reject) a value above this
	Weight    string  // High, Medium or Low
	On        string  // "effect" when the statistic is shock against twin
	Also      string  // a further condition, in words
	Holds     string  // Sign: the inequalities, in words
	Source    string
}

// Set is a targets file.
type Set struct {
	Scenario     string
	FitWindowEnd time.Time // zero when absent
	Targets      []Target
}

// Default returns the embedded targets of the kr_coupang_2025 preset (a copy
// of MODEL.md §8's table in ../shared/targets).
func Default() Set {
	s, err := Parse("kr_coupang_2025.toml", krCoupang2025)
	if err != nil {
		panic(err) // the embedded file is tested
	}
	return s
}

type fileTarget struct {
	ID        string   `toml:"id"`
	Statistic string   `toml:"statistic"`
	Kind      string   `toml:"kind"`
	Lo        *float64 `toml:"lo"`
	Hi        *float64 `toml:"hi"`
	LoOpen    bool     `toml:"lo_open"`
	Value     *float64 `toml:"value"`
	Tol       *float64 `toml:"tol"`
	FlagAbove *float64 `toml:"flag_above"`
	Weight    string   `toml:"weight"`
	On        string   `toml:"on"`
	Also      string   `toml:"also"`
	Holds     string   `toml:"holds"`
	Source    string   `toml:"source"`
}

type file struct {
	Scenario     string       `toml:"scenario"`
	FitWindowEnd *time.Time   `toml:"fit_window_end"`
	Target       []fileTarget `toml:"target"`
}

// Parse decodes a targets file; name is used in messages. Unknown keys,
// unknown kinds and weights, a kind without its numbers and repeated ids are
// errors.
func Parse(name string, data []byte) (Set, error) {
	var f file
	md, err := toml.Decode(string(data), &f)
	if err != nil {
		return Set{}, fmt.Errorf("%s: %v", name, err)
	}
	if u := md.Undecoded(); len(u) > 0 {
		return Set{}, fmt.Errorf("%s: unknown key %s", name, u[0])
	}
	s := Set{Scenario: f.Scenario}
	if f.FitWindowEnd != nil {
		y, m, d := f.FitWindowEnd.Date()
		s.FitWindowEnd = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	num := func(p *float64) float64 {
		if p == nil {
			return math.NaN()
		}
		return *p
	}
	seen := map[string]bool{}
	for i, ft := range f.Target {
		t := Target{ID: ft.ID, Statistic: ft.Statistic, Kind: ft.Kind, Lo: num(ft.Lo), Hi: num(ft.Hi),
			LoOpen: ft.LoOpen, Value: num(ft.Value), Tol: num(ft.Tol), FlagAbove: num(ft.FlagAbove),
			Weight: ft.Weight, On: ft.On, Also: ft.Also, Holds: ft.Holds, Source: ft.Source}
		where := fmt.Sprintf("%s: target %d", name, i+1)
		if t.ID != "" {
			where += " (" + t.ID + ")"
		}
		if err := t.check(); err != nil {
			return Set{}, fmt.Errorf("%s: %v", where, err)
		}
		if seen[t.ID] {
			return Set{}, fmt.Errorf("%s: id %s repeats", where, t.ID)
		}
		seen[t.ID] = true
		s.Targets = append(s.Targets, t)
	}
	return s, nil
}

// check validates a target's fields against its kind.
func (t *Target) check() error {
	has := func(x float64) bool { return !math.IsNaN(x) }
	switch {
	case t.ID == "":
		return fmt.Errorf("missing id")
	case t.Statistic == "":
		return fmt.Errorf("missing statistic")
	case t.Weight != High && t.Weight != Medium && t.Weight != Low:
		return fmt.Errorf("weight %q: use high, medium or low", t.Weight)
	case t.On != "" && t.On != "effect":
		return fmt.Errorf("on %q: use \"effect\" or leave it out", t.On)
	}
	switch t.Kind {
	case Band:
		if !has(t.Lo) || !has(t.Hi) || t.Lo > t.Hi {
			return fmt.Errorf("kind band needs lo <= hi")
		}
	case Point:
		if !has(t.Value) || !has(t.Tol) || t.Tol < 0 {
			return fmt.Errorf("kind point needs value and tol >= 0")
		}
	case Upper:
		if !has(t.Hi) {
			return fmt.Errorf("kind upper needs hi")
		}
	case Lower:
		if !has(t.Lo) {
			return fmt.Errorf("kind lower needs lo")
		}
	case Sign:
		if t.Holds == "" {
			return fmt.Errorf("kind sign needs holds")
		}
	default:
		return fmt.Errorf("kind %q: use band, point, upper, lower or sign", t.Kind)
	}
	return nil
}

// Contains reports whether x meets a band, point, upper or lower target; it
// is false for NaN and for sign targets.
func (t *Target) Contains(x float64) bool {
	if math.IsNaN(x) {
		return false
	}
	switch t.Kind {
	case Band:
		return (x > t.Lo || !t.LoOpen && x == t.Lo) && x <= t.Hi
	case Point:
		return math.Abs(x-t.Value) <= t.Tol
	case Upper:
		return x <= t.Hi
	case Lower:
		return x >= t.Lo
	}
	return false
}

// Text describes the target in words, numbers formatted for unit (see
// Check.Unit).
func (t *Target) Text(unit string) string {
	f := func(x float64) string {
		if unit == Share {
			return strconv.FormatFloat(x*100, 'g', 4, 64) + "%"
		}
		return Format(x, unit)
	}
	var s string
	switch t.Kind {
	case Band:
		open := "["
		if t.LoOpen {
			open = "("
		}
		s = open + f(t.Lo) + ", " + f(t.Hi) + "]"
	case Point:
		tol := f(t.Tol)
		if unit == Share {
			tol = strconv.FormatFloat(t.Tol*100, 'g', 4, 64) + " pp"
		}
		s = f(t.Value) + " +/- " + tol
	case Upper:
		s = "<= " + f(t.Hi)
	case Lower:
		s = ">= " + f(t.Lo)
	case Sign:
		s = t.Holds
	}
	if !math.IsNaN(t.FlagAbove) {
		s += " (flag > " + f(t.FlagAbove) + ")"
	}
	if t.Also != "" {
		s += "; " + t.Also
	}
	return s
}

// Units of Check.Unit, which Format uses.
const (
	Share  = "share"  // a fraction, shown in per cent
	Ratio  = "ratio"  // a plain number
	People = "people" // a count in real units
	KRW    = "KRW"    // money
)

// Format formats x for a unit: shares in per cent, people as whole numbers
// with thousands separators, KRW in billions from 1e9 up; "n/a" for NaN.
func Format(x float64, unit string) string {
	if math.IsNaN(x) {
		return "n/a"
	}
	f, suffix := formatter(x, unit)
	return f(x) + suffix
}

// FormatInterval formats a mean and its interval, "mean [lo, hi]" with the
// unit's suffix once; the mean alone when lo or hi is NaN, "n/a" when the
// mean is NaN.
func FormatInterval(mean, lo, hi float64, unit string) string {
	if math.IsNaN(mean) {
		return "n/a"
	}
	f, suffix := formatter(mean, unit)
	if math.IsNaN(lo) || math.IsNaN(hi) {
		return f(mean) + suffix
	}
	if unit == Share {
		return f(mean) + "% [" + f(lo) + "%, " + f(hi) + "%]"
	}
	return f(mean) + " [" + f(lo) + ", " + f(hi) + "]" + suffix
}

// formatter returns how to format numbers of a unit near ref, and the
// unit's suffix.
func formatter(ref float64, unit string) (func(float64) string, string) {
	switch unit {
	case Share:
		return func(x float64) string { return strconv.FormatFloat(x*100, 'f', 2, 64) }, "%"
	case People:
		return thousands, ""
	case KRW:
		if math.Abs(ref) >= 1e9 {
			return func(x float64) string { return strconv.FormatFloat(x/1e9, 'f', 1, 64) }, " bn KRW"
		}
		return thousands, " KRW"
	}
	return func(x float64) string { return strconv.FormatFloat(x, 'g', 3, 64) }, ""
}

// thousands rounds x and separates thousands with commas.
func thousands(x float64) string {
	s := strconv.FormatFloat(math.Abs(math.Round(x)), 'f', 0, 64)
	var b strings.Builder
	if x < 0 && s != "0" {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
