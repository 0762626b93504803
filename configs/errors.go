package configs

import (
	"sort"
	"strconv"
	"strings"
)

// Problem is one thing wrong with a scenario.
type Problem struct {
	File  string // file name as given to Parse; "" for Validate
	Line  int    // 1-based line in the file; 0 when unknown
	Key   string // key path such as "trust.r0" or "event[3].date"; "" for syntax errors
	Value string // the offending value written as TOML; "" when there is none
	Msg   string // what is wrong and what is allowed
}

// String formats the problem as "file:line: key = value: msg".
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		if p.File == "" {
			b.WriteString("line ")
		} else {
			b.WriteByte(':')
		}
		b.WriteString(strconv.Itoa(p.Line))
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	if p.Key != "" {
		b.WriteString(p.Key)
		if p.Value != "" {
			b.WriteString(" = ")
			b.WriteString(p.Value)
		}
		b.WriteString(": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// Errors is every problem found in one scenario, in file order. Parse, Load,
// Preset, Validate and Encode return it (as an error) when anything is wrong.
type Errors struct {
	Problems []Problem
}

// Error prints one line per problem.
func (e *Errors) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// checker collects problems. It keeps at most one problem per key, so a value
// that failed to decode is not reported again by the checks that follow.
type checker struct {
	file  string
	where map[string]func() int // key paths present in the file -> their line (0 if not known)
	probs []Problem
	seen  map[string]bool
}

func newChecker(file string) *checker {
	return &checker{file: file, where: map[string]func() int{}, seen: map[string]bool{}}
}

// present reports whether the file wrote the key.
func (c *checker) present(key string) bool {
	_, ok := c.where[key]
	return ok
}

// line returns the line of the first of keys that the file wrote (0 if none).
func (c *checker) line(keys ...string) int {
	for _, k := range keys {
		if l := c.lineOf(k); l > 0 {
			return l
		}
	}
	return 0
}

// lineOf returns the line of a key, 0 if absent or unknown. Lines are looked
// up only when a problem needs one.
func (c *checker) lineOf(key string) int {
	if f := c.where[key]; f != nil {
		return f()
	}
	return 0
}

// setLine records a key found at a known line.
func (c *checker) setLine(key string, line int) { c.where[key] = func() int { return line } }

func (c *checker) addAt(line int, key, value, msg string) {
	if key != "" {
		if c.seen[key] {
			return
		}
		c.seen[key] = true
	}
	c.probs = append(c.probs, Problem{File: c.file, Line: line, Key: key, Value: value, Msg: msg})
}

// add reports a problem on key at the key's line.
func (c *checker) add(key, value, msg string) { c.addAt(c.line(key), key, value, msg) }

// err returns the problems sorted by line (unknown lines last), or nil.
func (c *checker) err() error {
	if len(c.probs) == 0 {
		return nil
	}
	ps := append([]Problem(nil), c.probs...)
	sort.SliceStable(ps, func(i, j int) bool {
		li, lj := ps[i].Line, ps[j].Line
		if li == 0 || lj == 0 {
			return li != 0 && lj == 0
		}
		return li < lj
	})
	return &Errors{Problems: ps}
}
