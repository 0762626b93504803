package configs

import (
	"errors"
	"regexp"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/ripple-sim/ripple/sim"
)

// decoder turns the TOML text into Scenario values, recording the line of
// every key it meets in the checker and reporting unknown keys and values of
// the wrong type. Ranges and cross-key rules are validate's job.
type decoder struct {
	c   *checker
	md  toml.MetaData
	src string
}

// probe is a toml.Unmarshaler that always fails: decoding a Primitive into it
// yields a toml.ParseError that carries the position of the Primitive's key.
type probe struct{}

var errProbe = errors.New("probe")

func (*probe) UnmarshalTOML(any) error { return errProbe }

// lineOf returns the line of the key a Primitive came from, 0 if unknown.
func (d *decoder) lineOf(p toml.Primitive) int {
	var pe toml.ParseError
	if errors.As(d.md.PrimitiveDecode(p, &probe{}), &pe) {
		return pe.Position.Line
	}
	return 0
}

// value returns a Primitive's raw value (map[string]any, []any, int64, ...).
func (d *decoder) value(p toml.Primitive) any {
	var v any
	if d.md.PrimitiveDecode(p, &v) != nil {
		return nil
	}
	return v
}

// decode fills sc from src. It returns false on a TOML syntax error.
func (d *decoder) decode(sc *sim.Scenario) bool {
	var root map[string]toml.Primitive
	md, err := toml.Decode(d.src, &root)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			d.c.addAt(pe.Position.Line, "", "", "TOML syntax error: "+pe.Message)
		} else {
			d.c.addAt(0, "", "", "TOML error: "+err.Error())
		}
		return false
	}
	d.md = md
	for _, top := range sortedKeys(root) {
		prim, name := root[top], keyName(top)
		d.c.where[name] = func() int { return d.lineOf(prim) }
		raw := d.value(prim)
		if name == eventSection {
			d.events(sc, raw)
			continue
		}
		sec := sectionOf[name]
		if sec == nil {
			d.c.add(name, "", "unknown "+unknownTable(name))
			continue
		}
		if _, ok := raw.(map[string]any); !ok {
			msg := "must be a table: write [" + name + "] and its keys below it"
			if p := findKey(name); p != nil {
				msg += "; the key " + name + " belongs in [" + p.table + "]"
			}
			d.c.add(name, fmtRaw(raw), msg)
			continue
		}
		var tab map[string]toml.Primitive
		if d.md.PrimitiveDecode(prim, &tab) != nil {
			continue
		}
		for _, key := range sortedKeys(tab) {
			d.param(sc, sec, key, tab[key])
		}
	}
	return true
}

// param decodes one key of a table.
func (d *decoder) param(sc *sim.Scenario, sec *section, key string, prim toml.Primitive) {
	path := sec.name + "." + keyName(key)
	d.c.where[path] = func() int { return d.lineOf(prim) }
	raw := d.value(prim)
	p := params[path]
	if p == nil {
		d.c.add(path, "", "unknown key"+unknownKey(sec, key))
		return
	}
	if msg := decodeValue(p.kind, p.b, p.choices, p.ref(sc), raw); msg != "" {
		d.c.add(path, fmtRaw(raw), msg+unitNote(p.unit))
	}
}

// events decodes the [[event]] array of tables.
func (d *decoder) events(sc *sim.Scenario, raw any) {
	line := d.c.lineOf(eventSection)
	var tables []map[string]any
	switch v := raw.(type) {
	case []map[string]any:
		tables = v
	case []any: // event = [{...}, {...}]
		for _, x := range v {
			t, ok := x.(map[string]any)
			if !ok {
				d.c.addAt(line, eventSection, fmtRaw(raw), "must be an array of tables: write [[event]] before each event")
				return
			}
			tables = append(tables, t)
		}
	default:
		d.c.addAt(line, eventSection, fmtRaw(raw), "must be an array of tables: write [[event]] before each event")
		return
	}
	lines := eventLines(d.src, tables, line)
	for i, t := range tables {
		sc.Events = append(sc.Events, d.event(i, t, lines[i]))
	}
}

// event decodes one [[event]] table.
func (d *decoder) event(i int, t map[string]any, lines map[string]int) sim.Event {
	head := lines[""]
	d.c.setLine(eventKey(i, ""), head)
	for k := range t {
		if l, ok := lines[k]; ok {
			d.c.setLine(eventKey(i, keyName(k)), l)
		} else {
			d.c.setLine(eventKey(i, keyName(k)), head)
		}
	}

	var ev sim.Event
	rawType, ok := t["type"]
	if !ok {
		d.c.addAt(head, eventKey(i, "type"), "", "missing: every event needs a type, one of "+quoteList(eventTypeNames))
	} else if msg := decodeValue(kEnum, bounds{}, nil, (*string)(&ev.Type), rawType); msg != "" {
		d.c.add(eventKey(i, "type"), fmtRaw(rawType), "must be one of "+quoteList(eventTypeNames))
	}
	rule := ruleOf(ev.Type)
	followUp, _ := t["follow_up"].(bool)
	if ev.Type == sim.Incident {
		ev.Sens = 1
	}
	for _, k := range sortedKeys(t) {
		key, raw := eventKey(i, keyName(k)), t[k]
		f := evFieldOf(k)
		switch {
		case f == nil:
			d.c.add(key, "", "unknown key"+suggest(k, evFieldKeys()))
		case k == "type":
		case rule == nil: // bad type: validate reports it; the other keys cannot be judged
		case !rule.applies(k, followUp):
			d.c.add(key, fmtRaw(raw), notApplicable(rule, k))
		default:
			if msg := decodeValue(f.kind, f.b, f.choices, f.ref(&ev), raw); msg != "" {
				d.c.add(key, fmtRaw(raw), msg)
			}
		}
	}
	if rule != nil {
		for _, k := range rule.need {
			if _, ok := t[k]; !ok && rule.needs(k, followUp) {
				f := evFieldOf(k)
				d.c.addAt(head, eventKey(i, k), "", "missing: "+article(string(ev.Type))+" event needs "+k+" ("+
					describe(f.kind, f.b, f.choices, 0)+")")
			}
		}
	}
	return ev
}

// notApplicable explains why an event cannot carry key.
func notApplicable(r *eventRule, key string) string {
	switch {
	case r.typ == sim.Apology && key == "date":
		return "an apology has no date: it happens at scenario.disclosure + levers.apology_delay_days; remove the date"
	case r.typ == sim.Incident && key == "media":
		return "an incident's attention is computed from its accounts (sens*(accounts/media.n_d)^alpha_n); remove media"
	case r.typ == sim.Incident && key == "accounts":
		return "the follow-up incident's accounts are levers.follow_up_breach_accounts; remove accounts"
	}
	return "does not apply to " + article(string(r.typ)) + " event (its keys: type, " + strings.Join(append(append([]string{}, r.need...), r.may...), ", ") + ")"
}

var (
	eventHeader = regexp.MustCompile(`^\s*\[\[\s*("event"|'event'|event)\s*\]\]`)
	tableHeader = regexp.MustCompile(`^\s*\[`)
	keyLine     = regexp.MustCompile(`^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_-]+)\s*=`)
)

// eventLines finds the line of each event's [[event]] header (key "") and of
// its keys. BurntSushi/toml keeps one position per key path, which for an
// array of tables is the last table's, so the lines are found by scanning the
// text. When the headers cannot be matched one to one with the tables (inline
// arrays, headers inside multi-line strings) every key gets fallback.
func eventLines(src string, tables []map[string]any, fallback int) []map[string]int {
	out := make([]map[string]int, len(tables))
	text := strings.Split(src, "\n")
	var heads []int
	for n, l := range text {
		if eventHeader.MatchString(l) {
			heads = append(heads, n)
		}
	}
	for i := range out {
		out[i] = map[string]int{"": fallback}
	}
	if len(heads) != len(tables) {
		return out
	}
	for i, h := range heads {
		out[i][""] = h + 1
		for n := h + 1; n < len(text) && !tableHeader.MatchString(text[n]); n++ {
			m := keyLine.FindStringSubmatch(text[n])
			if m == nil {
				continue
			}
			k := strings.Trim(m[1], `"'`)
			if _, dup := out[i][k]; !dup {
				out[i][k] = n + 1
			}
		}
	}
	return out
}

// unknownTable suggests a table for an unknown top-level name.
func unknownTable(name string) string {
	if p := findKey(name); p != nil {
		return "top-level key (" + name + " belongs in [" + p.table + "])"
	}
	names := []string{eventSection}
	for _, s := range sections {
		names = append(names, s.name)
	}
	return "table" + suggest(name, names)
}

// unknownKey suggests a key for an unknown key of a table.
func unknownKey(sec *section, key string) string {
	var names []string
	for _, p := range sec.params {
		names = append(names, p.key)
	}
	if p := findKey(key); p != nil {
		return " in [" + sec.name + "] (" + key + " belongs in [" + p.table + "])"
	}
	if s := suggest(key, names); strings.Contains(s, "did you mean") {
		return s
	}
	return " in [" + sec.name + "] (its keys: " + strings.Join(names, ", ") + ")"
}

// findKey returns the parameter named key in any table.
func findKey(key string) *param {
	for _, s := range sections {
		for j := range s.params {
			if s.params[j].key == key {
				return &s.params[j]
			}
		}
	}
	return nil
}

func evFieldKeys() []string {
	var ks []string
	for _, f := range evFields {
		ks = append(ks, f.key)
	}
	return ks
}

// suggest returns " (did you mean x?)" for the closest name, or the list.
func suggest(got string, names []string) string {
	best, bestD := "", 1<<30
	for _, n := range names {
		if d := editDistance(strings.ToLower(got), n); d < bestD {
			best, bestD = n, d
		}
	}
	if best != "" && bestD <= max(2, len(best)/3) {
		return " (did you mean " + best + "?)"
	}
	return " (known: " + strings.Join(names, ", ") + ")"
}

// editDistance is the Damerau-Levenshtein (optimal string alignment) distance.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 64 || len(rb) > 64 {
		return 1 << 20
	}
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

func unitNote(u string) string {
	if u == "" {
		return ""
	}
	return " (" + u + ")"
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// article prefixes a or an: "an incident", "a hearing".
func article(w string) string {
	if w != "" && strings.ContainsRune("aeiou", rune(w[0])) {
		return "an " + w
	}
	return "a " + w
}

// keyName writes one key as TOML does: bare if it can be, quoted otherwise.
func keyName(k string) string { return toml.Key{k}.String() }
