package configs

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ripple-sim/ripple/sim"
)

// Conversions between raw TOML values (as BurntSushi/toml decodes them into
// `any`), the Scenario's Go values, and TOML text.

// describe says what a value of this kind must be: "a number >= 0".
func describe(k kind, b bounds, choices []string, n int) string {
	switch k {
	case kFloat:
		if b == anyReal {
			return "a finite number"
		}
		return "a number " + b.String()
	case kInt:
		return "a whole number " + b.String()
	case kBool:
		return "true or false"
	case kText:
		return "a string"
	case kEnum:
		return "one of " + quoteList(choices)
	case kDate:
		return "a date like 2025-11-29"
	case kLevel:
		return "one of " + quoteList(levelNames)
	case kFloats:
		return fmt.Sprintf("an array of %d numbers, each %s", n, b)
	case kTexts:
		return fmt.Sprintf("an array of %d non-empty strings", n)
	case kSpan:
		return "a pair of dates [from, to] like [2025-10-01, 2025-11-28]"
	case kSpans:
		return fmt.Sprintf("a list of at most %s date pairs [from, to] like [[2025-12-01, 2026-01-15]]", fmtFloat(b.hi))
	}
	return "?"
}

// decodeValue stores the raw TOML value into ptr. It returns "" or a message
// saying what the value must be.
func decodeValue(k kind, b bounds, choices []string, ptr, raw any) string {
	bad := "must be " + describe(k, b, choices, listLen(ptr))
	switch k {
	case kFloat:
		v, ok := asFloat(raw)
		if !ok {
			return bad
		}
		*ptr.(*float64) = v
	case kInt:
		i, ok := raw.(int64)
		if !ok || int64(int(i)) != i {
			return bad
		}
		*ptr.(*int) = int(i)
	case kBool:
		v, ok := raw.(bool)
		if !ok {
			return bad
		}
		*ptr.(*bool) = v
	case kText, kEnum:
		v, ok := raw.(string)
		if !ok {
			return bad
		}
		*ptr.(*string) = v
	case kDate:
		v, ok := asDate(raw)
		if !ok {
			return bad
		}
		*ptr.(*time.Time) = v
	case kLevel:
		v, _ := raw.(string)
		for i, name := range levelNames {
			if v == name {
				*ptr.(*int) = i
				return ""
			}
		}
		return bad
	case kFloats:
		dst := ptr.([]float64)
		arr, ok := raw.([]any)
		if !ok || len(arr) != len(dst) {
			return bad
		}
		vals := make([]float64, len(arr))
		for i, x := range arr {
			if vals[i], ok = asFloat(x); !ok {
				return bad
			}
		}
		copy(dst, vals)
	case kTexts:
		dst := ptr.([]string)
		arr, ok := raw.([]any)
		if !ok || len(arr) != len(dst) {
			return bad
		}
		vals := make([]string, len(arr))
		for i, x := range arr {
			if vals[i], ok = x.(string); !ok {
				return bad
			}
		}
		copy(dst, vals)
	case kSpan:
		v, ok := asSpan(raw)
		if !ok {
			return bad
		}
		*ptr.(*[2]time.Time) = v
	case kSpans:
		arr, ok := raw.([]any)
		if !ok {
			return bad
		}
		var vals [][2]time.Time // nil when empty
		for _, x := range arr {
			v, ok := asSpan(x)
			if !ok {
				return bad
			}
			vals = append(vals, v)
		}
		*ptr.(*[][2]time.Time) = vals
	}
	return ""
}

// asSpan accepts a TOML array of two dates.
func asSpan(raw any) ([2]time.Time, bool) {
	var v [2]time.Time
	arr, ok := raw.([]any)
	if !ok || len(arr) != 2 {
		return v, false
	}
	for i, x := range arr {
		if v[i], ok = asDate(x); !ok {
			return v, false
		}
	}
	return v, true
}

// checkSpan checks one date range: two calendar dates, from <= to.
func checkSpan(v [2]time.Time) string {
	for _, t := range v {
		if msg := checkValue(kDate, bounds{}, nil, &t); msg != "" {
			return "each date " + strings.TrimPrefix(msg, "must be ")
		}
	}
	if v[0].After(v[1]) {
		return "from (" + fmtDate(v[0]) + ") must not be after to (" + fmtDate(v[1]) + ")"
	}
	return ""
}

// checkValue validates a stored value. It returns "" or what is allowed.
func checkValue(k kind, b bounds, choices []string, ptr any) string {
	switch k {
	case kFloat:
		if !b.has(*ptr.(*float64)) {
			return "must be " + b.String()
		}
	case kInt:
		if !b.has(float64(*ptr.(*int))) {
			return "must be a whole number " + b.String()
		}
	case kLevel:
		if l := *ptr.(*int); l < 0 || l >= len(levelNames) {
			return "must be one of " + quoteList(levelNames)
		}
	case kEnum:
		v := *ptr.(*string)
		for _, c := range choices {
			if v == c {
				return ""
			}
		}
		return "must be one of " + quoteList(choices)
	case kText:
		if !utf8.ValidString(*ptr.(*string)) {
			return "must be valid UTF-8"
		}
	case kDate:
		t := *ptr.(*time.Time)
		if t.Location() != time.UTC || !t.Equal(sim.Date(t.Year(), t.Month(), t.Day())) {
			return "must be a calendar date at midnight UTC (sim.Date)"
		}
	case kFloats:
		for _, v := range ptr.([]float64) {
			if !b.has(v) {
				return "every element must be " + b.String()
			}
		}
	case kTexts:
		for _, v := range ptr.([]string) {
			if v == "" || !utf8.ValidString(v) {
				return "every element must be a non-empty string"
			}
		}
	case kSpan:
		return checkSpan(*ptr.(*[2]time.Time))
	case kSpans:
		v := *ptr.(*[][2]time.Time)
		if !b.has(float64(len(v))) {
			return fmt.Sprintf("must hold at most %s date pairs; it holds %d", fmtFloat(b.hi), len(v))
		}
		for i, w := range v {
			if msg := checkSpan(w); msg != "" {
				return fmt.Sprintf("pair %d: %s", i+1, msg)
			}
		}
	}
	return ""
}

// formatValue writes a stored value as TOML.
func formatValue(k kind, ptr any) string {
	switch k {
	case kFloat:
		return fmtFloat(*ptr.(*float64))
	case kInt:
		return fmtInt(int64(*ptr.(*int)))
	case kLevel:
		l := *ptr.(*int)
		if l >= 0 && l < len(levelNames) {
			return quote(levelNames[l])
		}
		return fmtInt(int64(l))
	case kBool:
		return strconv.FormatBool(*ptr.(*bool))
	case kText, kEnum:
		return quote(*ptr.(*string))
	case kDate:
		return fmtDate(*ptr.(*time.Time))
	case kFloats:
		var parts []string
		for _, v := range ptr.([]float64) {
			parts = append(parts, fmtFloat(v))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case kTexts:
		var parts []string
		for _, v := range ptr.([]string) {
			parts = append(parts, quote(v))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case kSpan:
		return fmtSpan(*ptr.(*[2]time.Time))
	case kSpans:
		var parts []string
		for _, w := range *ptr.(*[][2]time.Time) {
			parts = append(parts, fmtSpan(w))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return ""
}

func fmtSpan(v [2]time.Time) string { return "[" + fmtDate(v[0]) + ", " + fmtDate(v[1]) + "]" }

func listLen(ptr any) int {
	switch p := ptr.(type) {
	case []float64:
		return len(p)
	case []string:
		return len(p)
	}
	return 0
}

func asFloat(raw any) (float64, bool) {
	switch v := raw.(type) {
	case float64:
		return v, true
	case int64:
		return float64(v), true
	}
	return 0, false
}

// asDate accepts a TOML local date (2025-11-29) or the same as a string.
func asDate(raw any) (time.Time, bool) {
	switch v := raw.(type) {
	case time.Time:
		if v.Location().String() != "date-local" {
			return time.Time{}, false
		}
		return sim.Date(v.Year(), v.Month(), v.Day()), true
	case string:
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return time.Time{}, false
		}
		return sim.Date(t.Year(), t.Month(), t.Day()), true
	}
	return time.Time{}, false
}

// fmtFloat writes a float so that TOML reads back the same float64. Whole
// numbers are written as integers (float keys accept them).
func fmtFloat(v float64) string {
	switch {
	case math.IsNaN(v):
		return "nan"
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	case v == 0 && math.Signbit(v):
		return "-0.0"
	case v == math.Trunc(v) && math.Abs(v) < 1e15:
		return fmtInt(int64(v))
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// fmtInt writes an integer, grouping digits in threes from six digits on.
func fmtInt(i int64) string {
	s := strconv.FormatInt(i, 10)
	digits := strings.TrimPrefix(s, "-")
	if len(digits) < 6 {
		return s
	}
	var b strings.Builder
	if i < 0 {
		b.WriteByte('-')
	}
	for j, c := range digits {
		if j > 0 && (len(digits)-j)%3 == 0 {
			b.WriteByte('_')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func fmtDate(t time.Time) string { return t.Format(time.DateOnly) }

// quote writes a TOML basic string.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s { // invalid UTF-8 becomes U+FFFD
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func quoteList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = quote(s)
	}
	return strings.Join(q, ", ")
}

// fmtRaw writes a raw TOML value for a message, shortened.
func fmtRaw(raw any) string {
	s := rawString(raw)
	if utf8.RuneCountInString(s) > 60 {
		s = string([]rune(s)[:57]) + "..."
	}
	return s
}

func rawString(raw any) string {
	switch v := raw.(type) {
	case string:
		return quote(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return fmtFloat(v)
	case bool:
		return strconv.FormatBool(v)
	case time.Time:
		switch v.Location().String() {
		case "date-local":
			return v.Format(time.DateOnly)
		case "datetime-local":
			return v.Format("2006-01-02T15:04:05.999999999")
		case "time-local":
			return v.Format("15:04:05.999999999")
		}
		return v.Format(time.RFC3339Nano)
	case []any:
		parts := make([]string, len(v))
		for i, x := range v {
			parts[i] = rawString(x)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		return "{...}"
	case []map[string]any:
		return "[{...}]"
	}
	return fmt.Sprint(raw)
}
