package configs

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/ripple-sim/ripple/sim"
)

// Experiment files: the batch a `ripple sweep` runs. See experiments/
// sanction_ladder.toml for the documented format:
//
//	[experiment]  name, base (preset name or scenario file), replicates, seed, consumers
//	[grid]        "table.key" = [values]: every combination (factorial)
//	[sample]      method = "lhs", points, seed; [sample.ranges] "table.key" = [lo, hi]
//
// Keys under levers. make lever sets, which share one no-breach twin per
// parameter point; every other scenario key makes parameter points.

//go:embed experiments/*.toml
var experimentFS embed.FS

// maxScenarios bounds points x lever sets, so that a typo in a grid cannot
// ask for billions of runs.
const maxScenarios = 20_000

// Experiment is a parsed, validated experiment file.
type Experiment struct {
	Name       string
	Base       string       // as written
	Scenario   sim.Scenario // the resolved base scenario (after the consumers override)
	Seed       uint64
	Replicates int
	Factors    []Factor      // every varied key: grid keys in file order, then sampled keys
	Design     sim.Design    // Points x LeverSets
	Settings   [][][]Setting // Settings[p][l]: the value of every factor at point p, lever set l
	Text       []byte        // the file as read, for the manifest
}

// Factor is one varied scenario key.
type Factor struct {
	Key   string // e.g. "levers.sanction_level"
	Lever bool   // under levers.: varies lever sets, else parameter points
}

// Setting is the value of one factor in one lever set.
type Setting struct {
	Key string
	// Text is the value as TOML text, strings without their quotes: "S2",
	// "180", "0.15", "full_core", "2025-12-01". It is "" for a lever the
	// scenario omits (suspension_days, suspension_scope: the level's default).
	Text string
	X    float64 // numeric value for plotting (S0..S4 -> 0..4, bools 0/1), NaN for other strings, dates and lists
}

// LoadExperiment reads and parses an experiment file; a relative base
// scenario path is resolved against the file's directory.
func LoadExperiment(path string) (Experiment, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return Experiment{}, fmt.Errorf("experiment file %s: no such file", path)
		}
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return Experiment{}, fmt.Errorf("experiment file %s: cannot read: %v", path, err)
	}
	return ParseExperiment(path, data, filepath.Dir(path))
}

// ParseExperiment decodes an experiment file and builds its design. name is
// used in messages; dir resolves a relative base path (an embedded
// experiment uses ""). On any problem it returns the zero Experiment and an
// *Errors listing every problem, those of the experiment file in file order
// and then those of its base scenario file.
func ParseExperiment(name string, data []byte, dir string) (Experiment, error) {
	return parseExperiment(&expParser{c: newChecker(name), dir: dir, seen: map[string]bool{}}, name, data)
}

// ParseExperimentBase is ParseExperiment with the base scenario given
// instead of resolved from experiment.base: for an experiment read back
// from a manifest, which holds the resolved base, wherever its file was.
func ParseExperimentBase(name string, data []byte, base sim.Scenario) (Experiment, error) {
	return parseExperiment(&expParser{c: newChecker(name), seen: map[string]bool{}, given: &base}, name, data)
}

func parseExperiment(x *expParser, name string, data []byte) (Experiment, error) {
	e, ok := x.parse(data)
	var probs []Problem
	if err := x.c.err(); err != nil {
		probs = err.(*Errors).Problems
	}
	probs = append(probs, x.baseProbs...)
	if len(probs) > 0 || !ok {
		if len(probs) == 0 { // not expected: every failure reports a problem
			probs = []Problem{{File: name, Msg: "invalid experiment"}}
		}
		return Experiment{}, &Errors{Problems: probs}
	}
	e.Text = append([]byte(nil), data...)
	return e, nil
}

// Experiments returns the sorted names of the embedded experiments.
func Experiments() []string { return embedded(experimentFS, "experiments") }

// ExperimentText returns an embedded experiment file.
func ExperimentText(name string) ([]byte, bool) {
	if name == "" || strings.ContainsAny(name, `/\.`) {
		return nil, false
	}
	data, err := experimentFS.ReadFile("experiments/" + name + ".toml")
	return data, err == nil
}

// expParser holds the state of one ParseExperiment.
type expParser struct {
	c         *checker
	md        toml.MetaData
	dir       string
	order     map[string]int  // dotted key path -> position in the file
	seen      map[string]bool // problems already reported by problem key
	baseProbs []Problem       // problems of the base scenario file
	given     *sim.Scenario   // the base scenario, if not to be resolved
}

// factor is a grid or sampled key while the design is built.
type factor struct {
	Factor
	p      *param
	table  string // "grid" or "sample.ranges"
	line   int
	values []any    // grid: raw TOML values, one per level
	texts  []string // grid: the values as Setting.Text
	lo, hi float64  // sample: the range
}

// leaf is one non-table value under [grid] or [sample.ranges].
type leaf struct {
	path string // scenario key path, e.g. levers.sanction_level
	prim toml.Primitive
	raw  any
	line int
}

var experimentKeys = []string{"name", "base", "replicates", "seed", "consumers"}
var sampleKeys = []string{"method", "points", "seed", "ranges"}

func (x *expParser) lineOf(p toml.Primitive) int {
	var pe toml.ParseError
	if errors.As(x.md.PrimitiveDecode(p, &probe{}), &pe) {
		return pe.Position.Line
	}
	return 0
}

func (x *expParser) value(p toml.Primitive) any {
	var v any
	if x.md.PrimitiveDecode(p, &v) != nil {
		return nil
	}
	return v
}

// table decodes a Primitive that must be a table into its keys, recording
// the line of each as prefix.key. It reports a problem and returns nil when
// the value is not a table.
func (x *expParser) table(prefix string, prim toml.Primitive) map[string]toml.Primitive {
	raw := x.value(prim)
	if _, ok := raw.(map[string]any); !ok {
		x.c.add(prefix, fmtRaw(raw), "must be a table: write ["+prefix+"] and its keys below it")
		return nil
	}
	var tab map[string]toml.Primitive
	if x.md.PrimitiveDecode(prim, &tab) != nil {
		return nil
	}
	for k, p := range tab {
		x.c.where[prefix+"."+keyName(k)] = func() int { return x.lineOf(p) }
	}
	return tab
}

// leaves flattens the tables under prim into dotted key paths, in file order.
func (x *expParser) leaves(top string, prim toml.Primitive) []leaf {
	var out []leaf
	var walk func(prefix string, prim toml.Primitive, depth int)
	walk = func(prefix string, prim toml.Primitive, depth int) {
		var tab map[string]toml.Primitive
		if x.md.PrimitiveDecode(prim, &tab) != nil {
			return
		}
		for k, p := range tab {
			path := prefix + k
			raw := x.value(p)
			if _, ok := raw.(map[string]any); ok && depth < 8 {
				walk(path+".", p, depth+1)
				continue
			}
			out = append(out, leaf{path: path, prim: p, raw: raw})
		}
	}
	walk("", prim, 0)
	// File order: by line, then (an inline table) by position in the file.
	for i := range out {
		out[i].line = x.lineOf(out[i].prim)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].line != out[j].line {
			return out[i].line < out[j].line
		}
		oi, iok := x.order[top+"."+out[i].path]
		oj, jok := x.order[top+"."+out[j].path]
		if iok != jok {
			return iok
		}
		if oi != oj {
			return oi < oj
		}
		return out[i].path < out[j].path
	})
	return out
}

// addEach reports a problem without the checker's one-problem-per-key rule,
// for lists whose every bad element deserves its own line.
func (x *expParser) addEach(line int, key, value, msg string) {
	x.c.probs = append(x.c.probs, Problem{File: x.c.file, Line: line, Key: key, Value: value, Msg: msg})
}

func (x *expParser) parse(data []byte) (Experiment, bool) {
	var e Experiment
	var root map[string]toml.Primitive
	md, err := toml.Decode(string(data), &root)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			x.c.addAt(pe.Position.Line, "", "", "TOML syntax error: "+pe.Message)
		} else {
			x.c.addAt(0, "", "", "TOML error: "+err.Error())
		}
		return e, false
	}
	x.md = md
	x.order = map[string]int{}
	for i, k := range md.Keys() {
		path := strings.Join(k, ".")
		if _, dup := x.order[path]; !dup {
			x.order[path] = i
		}
	}

	var expTab, sampleTab map[string]toml.Primitive
	var gridPrim *toml.Primitive
	for _, top := range sortedKeys(root) {
		prim := root[top]
		name := keyName(top)
		x.c.where[name] = func() int { return x.lineOf(prim) }
		switch top {
		case "experiment":
			expTab = x.table(name, prim)
		case "grid":
			if x.table(name, prim) != nil {
				gridPrim = &prim
			}
		case "sample":
			sampleTab = x.table(name, prim)
		default:
			msg := "unknown table" + suggest(top, []string{"experiment", "grid", "sample"})
			if sectionOf[top] != nil || top == eventSection {
				msg = "unknown table: an experiment file has [experiment], [grid] and [sample]; " +
					"set scenario keys in the base scenario, or vary them in [grid] as \"" + top + ".key\" = [values]"
			} else if p := findKey(top); p != nil {
				msg = "unknown top-level key (" + top + " belongs in [experiment], or vary " + p.path() + " in [grid])"
				if !containsStr(experimentKeys, top) {
					msg = "unknown top-level key (vary " + p.path() + " in [grid])"
				}
			} else if containsStr(experimentKeys, top) {
				msg = "unknown top-level key (" + top + " belongs in [experiment])"
			}
			x.c.add(name, "", msg)
		}
	}

	// [experiment]
	var baseLine int
	haveBase, haveReps := false, false
	if expTab == nil {
		if _, ok := root["experiment"]; !ok {
			x.c.addAt(0, "experiment", "", "missing: an experiment file needs an [experiment] table with name, base and replicates")
		}
	} else {
		for _, k := range sortedKeys(expTab) {
			key := "experiment." + keyName(k)
			raw := x.value(expTab[k])
			switch k {
			case "name":
				v, ok := raw.(string)
				switch {
				case !ok:
					x.c.add(key, fmtRaw(raw), "must be a string")
				case strings.TrimSpace(v) == "" || checkValue(kText, bounds{}, nil, &v) != "":
					x.c.add(key, fmtRaw(raw), "must be a non-empty string")
				default:
					e.Name = v
				}
			case "base":
				v, ok := raw.(string)
				if !ok || strings.TrimSpace(v) == "" {
					x.c.add(key, fmtRaw(raw), "must be a preset name ("+strings.Join(Presets(), ", ")+") or a scenario file path")
				} else {
					e.Base, haveBase, baseLine = v, true, x.c.lineOf(key)
				}
			case "replicates":
				v, ok := raw.(int64)
				if !ok || v < 1 || v > math.MaxInt32 {
					x.c.add(key, fmtRaw(raw), "must be a whole number between 1 and "+fmtInt(math.MaxInt32))
				} else {
					e.Replicates, haveReps = int(v), true
				}
			case "seed":
				v, ok := raw.(int64)
				if !ok || v < 0 {
					x.c.add(key, fmtRaw(raw), "must be a whole number >= 0")
				} else {
					e.Seed = uint64(v)
				}
			case "consumers":
				// checked against the base scenario below
			default:
				x.c.add(key, "", "unknown key in [experiment]"+suggest(k, experimentKeys))
			}
		}
		head := x.c.lineOf("experiment")
		if _, ok := expTab["name"]; !ok {
			x.c.addAt(head, "experiment.name", "", "missing: the experiment needs a name")
		}
		if _, ok := expTab["base"]; !ok {
			x.c.addAt(head, "experiment.base", "", "missing: the base scenario, a preset name ("+
				strings.Join(Presets(), ", ")+") or a scenario file path")
		}
		if _, ok := expTab["replicates"]; !ok {
			x.c.addAt(head, "experiment.replicates", "", "missing: the number of replicates per scenario, >= 1")
		}
		if _, ok := expTab["seed"]; !ok {
			e.Seed = 1
		}
	}

	// The base scenario and the consumers override.
	baseOK := false
	if haveBase {
		e.Scenario, baseOK = x.base(e.Base, baseLine)
	}
	consumersSet := false
	if prim, ok := expTab["consumers"]; ok {
		raw := x.value(prim)
		var n int
		p := params["population.consumers"]
		if msg := decodeValue(kInt, p.b, nil, &n, raw); msg != "" {
			x.c.add("experiment.consumers", fmtRaw(raw), msg+unitNote(p.unit))
		} else if msg := checkValue(kInt, p.b, nil, &n); msg != "" {
			x.c.add("experiment.consumers", fmtRaw(raw), msg+unitNote(p.unit))
		} else if baseOK {
			consumersSet = true
			e.Scenario.Population.Consumers = n
			sc := newChecker(x.c.file)
			sc.where["population.consumers"] = func() int { return x.c.lineOf("experiment.consumers") }
			sc.validate(&e.Scenario)
			if err := sc.err(); err != nil {
				for _, pr := range err.(*Errors).Problems {
					x.c.addAt(pr.Line, pr.Key, pr.Value, pr.Msg+" (with experiment.consumers = "+fmtInt(int64(n))+")")
				}
				baseOK = false
			}
		}
	}

	// [grid]
	var factors []*factor
	byKey := map[string]*factor{}
	if gridPrim != nil {
		for _, lf := range x.leaves("grid", *gridPrim) {
			f := x.gridFactor(lf, &e.Scenario, baseOK)
			if f == nil {
				continue
			}
			if g := byKey[f.Key]; g != nil {
				x.c.addAt(f.line, "grid."+f.Key, "", fmt.Sprintf("written twice (also on line %d)", g.line))
				continue
			}
			if f.Key == "population.consumers" && consumersSet {
				x.c.addAt(f.line, "grid."+f.Key, "", "conflicts with experiment.consumers: set one of them")
				continue
			}
			byKey[f.Key] = f
			factors = append(factors, f)
		}
	}

	// [sample]
	points, sampleSeed := 0, e.Seed
	var sampled []*factor
	if sampleTab != nil {
		for _, k := range sortedKeys(sampleTab) {
			key := "sample." + keyName(k)
			prim := sampleTab[k]
			raw := x.value(prim)
			switch k {
			case "method":
				if v, ok := raw.(string); !ok || v != "lhs" {
					x.c.add(key, fmtRaw(raw), `must be "lhs" (Latin hypercube sampling)`)
				}
			case "points":
				v, ok := raw.(int64)
				if !ok || v < 1 || v > maxScenarios {
					x.c.add(key, fmtRaw(raw), fmt.Sprintf("must be a whole number between 1 and %d", maxScenarios))
				} else {
					points = int(v)
				}
			case "seed":
				v, ok := raw.(int64)
				if !ok || v < 0 {
					x.c.add(key, fmtRaw(raw), "must be a whole number >= 0")
				} else {
					sampleSeed = uint64(v)
				}
			case "ranges":
				if x.table(key, prim) == nil {
					continue
				}
				for _, lf := range x.leaves("sample.ranges", prim) {
					f := x.rangeFactor(lf, baseOK)
					if f == nil {
						continue
					}
					if g := byKey[f.Key]; g != nil {
						what := "also in [grid] on line %d: vary a key in [grid] or [sample.ranges], not both"
						if g.table != "grid" {
							what = "written twice (also on line %d)"
						}
						x.c.addAt(f.line, "sample.ranges."+f.Key, "", fmt.Sprintf(what, g.line))
						continue
					}
					if f.Key == "population.consumers" && consumersSet {
						x.c.addAt(f.line, "sample.ranges."+f.Key, "", "conflicts with experiment.consumers: set one of them")
						continue
					}
					byKey[f.Key] = f
					sampled = append(sampled, f)
				}
			default:
				x.c.add(key, "", "unknown key in [sample]"+suggest(k, sampleKeys))
			}
		}
		head := x.c.lineOf("sample")
		if _, ok := sampleTab["points"]; !ok {
			x.c.addAt(head, "sample.points", "", "missing: the number of Latin hypercube points, >= 1")
		}
		if _, ok := sampleTab["ranges"]; !ok {
			x.c.addAt(head, "sample.ranges", "", `missing: write [sample.ranges] with "table.key" = [lo, hi] for each sampled key`)
		} else if len(sampled) == 0 && !x.reported("sample.ranges") {
			x.c.addAt(x.c.lineOf("sample.ranges"), "sample.ranges", "", `empty: give at least one "table.key" = [lo, hi]`)
		}
	}

	if !baseOK || !haveReps || len(x.c.probs) > 0 {
		return e, false
	}

	all := append(append([]*factor(nil), factors...), sampled...)
	for _, f := range all {
		e.Factors = append(e.Factors, f.Factor)
	}
	if !x.build(&e, all, factors, sampled, points, sampleSeed, consumersSet) {
		return e, false
	}
	return e, true
}

// reported reports whether a problem was recorded on key or under it.
func (x *expParser) reported(key string) bool {
	for _, p := range x.c.probs {
		if p.Key == key || strings.HasPrefix(p.Key, key+".") {
			return true
		}
	}
	return false
}

// base resolves the base scenario: an embedded preset or a scenario file.
func (x *expParser) base(base string, line int) (sim.Scenario, bool) {
	if x.given != nil {
		return *x.given, true
	}
	key, val := "experiment.base", quote(base)
	isPath := strings.HasSuffix(base, ".toml") || strings.ContainsAny(base, `/\`)
	if !isPath {
		if _, err := PresetTOML(base); err == nil {
			sc, err := Preset(base)
			if err != nil { // an embedded preset is tested to parse
				x.c.addAt(line, key, val, "preset does not parse: "+err.Error())
				return sim.Scenario{}, false
			}
			return sc, true
		}
	}
	path := base
	if !filepath.IsAbs(path) && x.dir != "" {
		path = filepath.Join(x.dir, path)
	}
	data, err := readScenarioFile(path)
	if err != nil {
		if !isPath && errors.Is(err, fs.ErrNotExist) {
			x.c.addAt(line, key, val, "unknown preset"+suggest(base, Presets())+
				"; a scenario file is a path ending in .toml")
			return sim.Scenario{}, false
		}
		msg := "scenario file " + path + ": "
		var pe *fs.PathError
		switch {
		case errors.Is(err, fs.ErrNotExist):
			msg += "no such file"
			if p, ok := strings.CutSuffix(base, ".toml"); ok && containsStr(Presets(), p) {
				msg += "; the embedded preset is base = " + quote(p)
			}
			if !filepath.IsAbs(base) && x.dir != "" {
				msg += " (relative paths start at the experiment file's directory)"
			}
		case errors.As(err, &pe):
			msg += "cannot read: " + pe.Err.Error()
		default:
			msg += "cannot read: " + err.Error()
		}
		x.c.addAt(line, key, val, msg)
		return sim.Scenario{}, false
	}
	sc, err := Parse(path, data)
	if err != nil {
		var es *Errors
		if errors.As(err, &es) {
			x.c.addAt(line, key, val, fmt.Sprintf("the scenario file %s has %d problem(s), listed below", path, len(es.Problems)))
			x.baseProbs = append(x.baseProbs, es.Problems...)
		} else {
			x.c.addAt(line, key, val, err.Error())
		}
		return sim.Scenario{}, false
	}
	return sc, true
}

// maxScenarioFile bounds the size of a base scenario file.
const maxScenarioFile = 16 << 20

// readScenarioFile reads a base scenario file: a regular file (never a
// device or pipe) of at most maxScenarioFile bytes.
func readScenarioFile(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	if fi.Size() > maxScenarioFile {
		return nil, fmt.Errorf("larger than %d MiB", maxScenarioFile>>20)
	}
	return os.ReadFile(path)
}

// scenarioParam looks up a scenario key path for [grid] or [sample.ranges],
// reporting unknown keys with a suggestion.
func (x *expParser) scenarioParam(key string, line int, path string) *param {
	if p := params[path]; p != nil {
		if p.table == "scenario" && (p.key == "name" || p.key == "description") {
			x.c.addAt(line, key, "", "cannot be varied: the base scenario's name labels every run; name the experiment in [experiment]")
			return nil
		}
		return p
	}
	table, k, dotted := strings.Cut(path, ".")
	msg := "unknown scenario key"
	switch {
	case table == eventSection:
		msg = "events cannot be varied in an experiment: write a base scenario file for each schedule"
	case !dotted:
		if p := findKey(path); p != nil {
			msg += " (did you mean " + p.path() + "?)"
		} else {
			msg += `: write "table.key", like "levers.sanction_level"`
		}
	case sectionOf[table] != nil:
		msg += unknownKey(sectionOf[table], k)
	default:
		if p := findKey(k); p != nil {
			msg += " (did you mean " + p.path() + "?)"
		} else {
			names := []string{}
			for _, s := range sections {
				names = append(names, s.name)
			}
			msg += ": unknown table " + table + suggest(table, names)
		}
	}
	x.c.addAt(line, key, "", msg)
	return nil
}

// gridFactor checks one [grid] key and its list of values.
func (x *expParser) gridFactor(lf leaf, base *sim.Scenario, baseOK bool) *factor {
	line := lf.line
	key := "grid." + lf.path
	p := x.scenarioParam(key, line, lf.path)
	if p == nil {
		return nil
	}
	f := &factor{Factor: Factor{Key: lf.path, Lever: p.table == "levers"}, p: p, table: "grid", line: line}
	arr, ok := lf.raw.([]any)
	if !ok {
		x.c.addAt(line, key, fmtRaw(lf.raw), "must be a list of values, like "+key+" = ["+exampleValues(p)+"]")
		return nil
	}
	if len(arr) == 0 {
		x.c.addAt(line, key, "[]", "empty: list at least one value")
		return nil
	}
	bad := false
	seen := map[string]bool{}
	scratch := sim.DefaultScenario()
	if baseOK {
		scratch = *base
	}
	for _, raw := range arr {
		ptr := p.ref(&scratch)
		msg := decodeValue(p.kind, p.b, p.choices, ptr, raw)
		if msg == "" {
			msg = checkValue(p.kind, p.b, p.choices, ptr)
		}
		if msg != "" {
			x.addEach(line, key, fmtRaw(raw), msg+unitNote(p.unit))
			bad = true
			continue
		}
		txt := settingText(p, &scratch)
		if seen[txt] {
			x.addEach(line, key, fmtRaw(raw), "listed twice: every value of a factor must differ")
			bad = true
			continue
		}
		seen[txt] = true
		f.texts = append(f.texts, txt)
		f.values = append(f.values, raw)
	}
	if bad {
		return nil
	}
	return f
}

// exampleValues suggests a list for a key of this kind.
func exampleValues(p *param) string {
	switch p.kind {
	case kLevel:
		return `"S0", "S2"`
	case kEnum:
		return quoteList(p.choices)
	case kBool:
		return "false, true"
	case kInt:
		return "30, 90"
	case kDate:
		return "2025-11-29, 2025-12-15"
	}
	return "0.1, 0.2"
}

// rangeFactor checks one [sample.ranges] key and its [lo, hi].
func (x *expParser) rangeFactor(lf leaf, baseOK bool) *factor {
	line := lf.line
	key := "sample.ranges." + lf.path
	p := x.scenarioParam(key, line, lf.path)
	if p == nil {
		return nil
	}
	if p.table == "levers" {
		x.c.addAt(line, key, fmtRaw(lf.raw), "levers cannot be sampled: sample levers with [grid] (they make lever sets, not parameter points)")
		return nil
	}
	if p.kind != kFloat && p.kind != kInt {
		x.c.addAt(line, key, fmtRaw(lf.raw), "only numeric keys can be sampled ("+lf.path+" takes "+
			describe(p.kind, p.b, p.choices, listLen(p.ref(&scen{})))+"); list its values in [grid]")
		return nil
	}
	arr, ok := lf.raw.([]any)
	if !ok || len(arr) != 2 {
		x.c.addAt(line, key, fmtRaw(lf.raw), "must be a range [lo, hi] of two numbers")
		return nil
	}
	f := &factor{Factor: Factor{Key: lf.path}, p: p, table: "sample.ranges", line: line}
	var ends [2]float64
	bad := false
	for i, raw := range arr {
		var msg string
		if p.kind == kInt {
			var n int
			if msg = decodeValue(kInt, p.b, nil, &n, raw); msg == "" {
				msg = checkValue(kInt, p.b, nil, &n)
			}
			ends[i] = float64(n)
		} else {
			var v float64
			if msg = decodeValue(kFloat, p.b, nil, &v, raw); msg == "" {
				msg = checkValue(kFloat, p.b, nil, &v)
			}
			ends[i] = v
		}
		if msg != "" {
			x.addEach(line, key, fmtRaw(lf.raw), [2]string{"lo ", "hi "}[i]+msg+unitNote(p.unit))
			bad = true
		}
	}
	if bad {
		return nil
	}
	if !(ends[0] < ends[1]) {
		x.c.addAt(line, key, fmtRaw(lf.raw), "lo must be below hi")
		return nil
	}
	f.lo, f.hi = ends[0], ends[1]
	return f
}

// build makes the design: points (grid parameter combinations times LHS
// samples), lever sets at every point, and validates every scenario.
func (x *expParser) build(e *Experiment, all, grid, sampled []*factor, points int, sampleSeed uint64, consumersSet bool) bool {
	var pf, lf []*factor // grid parameter factors, grid lever factors
	for _, f := range grid {
		if f.Lever {
			lf = append(lf, f)
		} else {
			pf = append(pf, f)
		}
	}
	nSample := 1
	if len(sampled) > 0 {
		nSample = points
	}
	gridPoints, ok := product(pf)
	nPoints := gridPoints * nSample
	combos, ok2 := product(lf)
	leverSets := 1 // the case; with lever factors, at most every combination besides
	if len(lf) > 0 {
		leverSets = combos + 1
	}
	if !ok || !ok2 || nPoints > maxScenarios || nPoints*leverSets > maxScenarios {
		n := "more than " + fmtInt(maxScenarios)
		if ok && ok2 && nPoints <= maxScenarios {
			n = "up to " + fmtInt(int64(nPoints*leverSets))
		}
		x.c.addAt(x.c.line("grid", "sample"), "", "", fmt.Sprintf("the design has %s scenarios (points x lever sets); at most %s", n, fmtInt(maxScenarios)))
		return false
	}
	samples := lhs(sampleSeed, nSample, sampled)

	width := len(strconv.Itoa(nPoints))
	e.Design = sim.Design{Seed: e.Seed, Replicates: e.Replicates, Points: make([]sim.Point, nPoints)}
	e.Settings = make([][][]Setting, nPoints)
	lines := map[string]int{}
	for _, f := range all {
		lines[f.Key] = f.line
	}
	if consumersSet {
		lines["population.consumers"] = x.c.lineOf("experiment.consumers")
	}
	var vs validations
	for pi := range nPoints {
		g, s := pi/nSample, pi%nSample
		pt := e.Scenario
		for k, f := range pf {
			idx := index(g, k, pf)
			decodeValue(f.p.kind, f.p.b, f.p.choices, f.p.ref(&pt), f.values[idx])
		}
		if len(sampled) > 0 {
			for k, f := range sampled {
				switch v := f.p.ref(&pt).(type) {
				case *float64:
					*v = samples[s][k]
				case *int:
					*v = int(samples[s][k])
				}
			}
		}
		point := sim.Point{}
		prefix := ""
		if nPoints > 1 {
			point.Name = fmt.Sprintf("p%0*d", width, pi)
			prefix = point.Name + "/"
		}
		point.LeverSets = append(point.LeverSets, sim.LeverSet{Name: prefix + "case", Scenario: pt})
		for c := range combos {
			ls := pt
			var parts []string
			for k, f := range lf {
				idx := index(c, k, lf)
				decodeValue(f.p.kind, f.p.b, f.p.choices, f.p.ref(&ls), f.values[idx])
				parts = append(parts, f.p.key+"="+f.texts[idx])
			}
			if ls.Levers == pt.Levers {
				continue // the case
			}
			point.LeverSets = append(point.LeverSets, sim.LeverSet{Name: prefix + strings.Join(parts, ","), Scenario: ls})
		}
		e.Design.Points[pi] = point
		e.Settings[pi] = make([][]Setting, len(point.LeverSets))
		for l := range point.LeverSets {
			ls := &point.LeverSets[l]
			for _, f := range all {
				e.Settings[pi][l] = append(e.Settings[pi][l], setting(f.p, &ls.Scenario))
			}
			vs.check(x.c.file, lines, ls)
		}
	}
	total := 0
	for _, pt := range e.Design.Points {
		total += len(pt.LeverSets)
	}
	for _, v := range vs.list {
		msg := v.p.Msg
		if total > 1 {
			msg += " (in " + v.first
			if v.more > 0 {
				msg += fmt.Sprintf(" and %d more of the design's %d scenarios", v.more, total)
			}
			msg += ")"
		}
		x.c.addAt(v.p.Line, v.p.Key, v.p.Value, msg)
	}
	return len(vs.list) == 0
}

// validations collects the problems of the design's scenarios, one per key.
type validations struct {
	list []*validation
	by   map[string]*validation
}

type validation struct {
	p     Problem
	first string // the first scenario with the problem
	more  int    // how many others have it
}

func (vs *validations) check(file string, lines map[string]int, ls *sim.LeverSet) {
	c := newChecker(file)
	for k, l := range lines {
		// A lever the scenario omits (the case's suspension_days) was not
		// written for it: validate would demand that it be omitted.
		if p := params[k]; p.omitted == nil || !isOmitted(p.ref(&ls.Scenario), p.omitted) {
			c.setLine(k, l)
		}
	}
	c.validate(&ls.Scenario)
	err := c.err()
	if err == nil {
		return
	}
	if vs.by == nil {
		vs.by = map[string]*validation{}
	}
	for _, p := range err.(*Errors).Problems {
		if v := vs.by[p.Key]; v != nil {
			v.more++
			continue
		}
		v := &validation{p: p, first: ls.Name}
		vs.by[p.Key] = v
		vs.list = append(vs.list, v)
	}
}

// product is the number of combinations of the factors' values.
func product(fs []*factor) (int, bool) {
	n := 1
	for _, f := range fs {
		n *= len(f.values)
		if n > maxScenarios {
			return 0, false
		}
	}
	return n, true
}

// index is factor k's value in combination c, row-major (first factor slowest).
func index(c, k int, fs []*factor) int {
	for j := len(fs) - 1; j > k; j-- {
		c /= len(fs[j].values)
	}
	return c % len(fs[k].values)
}

// settingText writes a parameter's value for Setting.Text and lever-set
// names: TOML text, strings without quotes, numbers without digit groups.
func settingText(p *param, sc *sim.Scenario) string {
	ptr := p.ref(sc)
	if p.omitted != nil && isOmitted(ptr, p.omitted) {
		return ""
	}
	switch p.kind {
	case kFloat:
		return strconv.FormatFloat(*ptr.(*float64), 'g', -1, 64)
	case kInt:
		return strconv.Itoa(*ptr.(*int))
	case kLevel:
		if l := *ptr.(*int); l >= 0 && l < len(levelNames) {
			return levelNames[l]
		}
	case kText, kEnum:
		return *ptr.(*string)
	case kDate:
		return fmtDate(*ptr.(*time.Time))
	}
	return formatValue(p.kind, ptr)
}

func setting(p *param, sc *sim.Scenario) Setting {
	s := Setting{Key: p.path(), Text: settingText(p, sc), X: math.NaN()}
	if s.Text == "" {
		return s
	}
	switch v := p.ref(sc).(type) {
	case *float64:
		s.X = *v
	case *int:
		s.X = float64(*v) // kInt, and kLevel S0..S4 -> 0..4
	case *bool:
		if *v {
			s.X = 1
		} else {
			s.X = 0
		}
	}
	return s
}

func containsStr(ss []string, s string) bool {
	for _, t := range ss {
		if t == s {
			return true
		}
	}
	return false
}
