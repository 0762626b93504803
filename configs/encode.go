package configs

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/ripple-sim/ripple/sim"
)

const header = `# ripple scenario file (TOML).
#
# How this file works
# - Every key is optional: a key left out takes ripple's default, which is the value written
#   here unless the scenario changed it. Unknown or misspelt keys are errors, never ignored.
# - Dates are TOML local dates (2025-11-29). The run covers scenario.start to scenario.end,
#   both inclusive; scenario.disclosure is D0, the main disclosure, and levers count days from it.
# - Rates are per day; probabilities and shares lie in 0..1. Each comment gives the meaning,
#   the unit and MODEL.md's typical range. Validation checks only physical and mathematical
#   validity, so calibration may leave the typical range.
# - [levers] are the policy levers of MODEL.md §7. The regulator's findings and decision are
#   not events: they follow the probe_open event after levers.investigation_days and then
#   levers.decision_delay_days. The apology event has no date: it happens at scenario.disclosure
#   + levers.apology_delay_days. The follow_up incident's size is levers.follow_up_breach_accounts.
# - [population] sets agent counts; each agent of a type stands for real/agents people or firms.
#   [outputs] holds the date windows that outputs refer to; they must lie within the run.
# - [[event]] tables are the schedule (MODEL.md M13), dated ones in chronological order.
# - The no-breach twin is this same file minus every event whose type is not "info": same
#   seed, population and seasonality, so shock minus twin is the effect of the breach.
`

// Encode writes a resolved scenario as a complete scenario file: every key,
// defaults included, each with a comment giving its meaning, unit and typical
// range. Parse(name, Encode(sc)) returns sc. The scenario must pass Validate.
func Encode(sc sim.Scenario) ([]byte, error) {
	if err := Validate(sc); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString(header)
	for i := range sections {
		encodeSection(&b, &sc, &sections[i])
	}
	encodeEvents(&b, sc.Events)
	return b.Bytes(), nil
}

func encodeSection(b *bytes.Buffer, sc *sim.Scenario, s *section) {
	fmt.Fprintf(b, "\n[%s]\n# %s\n", s.name, s.doc)
	lines := make([]string, len(s.params))
	width := 0
	for i := range s.params {
		p := &s.params[i]
		ptr := p.ref(sc)
		if p.omitted != nil && isOmitted(ptr, p.omitted) {
			lines[i] = "# " + p.key + " (omitted)"
		} else {
			lines[i] = p.key + " = " + formatValue(p.kind, ptr)
		}
		if n := len(lines[i]); n > width && n <= 44 {
			width = n
		}
	}
	for i := range s.params {
		fmt.Fprintf(b, "%-*s  # %s\n", width, lines[i], comment(&s.params[i]))
	}
}

// comment is a parameter's documentation: "meaning [unit]; allowed; typical".
func comment(p *param) string {
	var parts []string
	doc := p.doc
	if p.unit != "" {
		doc += " [" + p.unit + "]"
	}
	parts = append(parts, doc)
	switch p.kind {
	case kFloat, kInt, kFloats:
		parts = append(parts, p.b.String())
	case kEnum:
		parts = append(parts, "one of "+strings.Join(p.choices, " | "))
	case kLevel:
		parts = append(parts, "one of "+strings.Join(levelNames, " | "))
	case kSpan:
		parts = append(parts, "from <= to")
	case kSpans:
		parts = append(parts, "at most "+fmtFloat(p.b.hi)+" pairs, each from <= to")
	}
	if p.typical != "" {
		parts = append(parts, "typical "+p.typical)
	}
	if p.omitDoc != "" {
		parts = append(parts, "omit for "+p.omitDoc)
	}
	return strings.Join(parts, "; ")
}

func encodeEvents(b *bytes.Buffer, events []sim.Event) {
	b.WriteString("\n# Events (MODEL.md M13): one [[event]] table each. type is one of\n#   ")
	b.WriteString(strings.Join(eventTypeNames, ", "))
	b.WriteString(".\n# findings and decision come from the levers after a probe_open event. Keys by type:\n")
	for _, r := range eventRules {
		fmt.Fprintf(b, "#   %-17s %s", r.typ, strings.Join(r.need, ", "))
		if len(r.may) > 0 {
			fmt.Fprintf(b, " (optional: %s)", strings.Join(r.may, ", "))
		}
		b.WriteString("\n")
	}
	b.WriteString("# Keys:\n")
	for _, f := range evFields {
		fmt.Fprintf(b, "#   %-10s %s\n", f.key, f.doc)
	}
	if len(events) == 0 {
		b.WriteString("# (no events)\n")
	}
	for i := range events {
		ev := &events[i]
		rule := ruleOf(ev.Type)
		b.WriteString("\n[[event]]\n")
		for j := range evFields {
			f := &evFields[j]
			if f.key != "type" && (rule == nil || !rule.applies(f.key, ev.FollowUp)) {
				continue
			}
			fmt.Fprintf(b, "%s = %s\n", f.key, formatValue(f.kind, f.ref(ev)))
		}
	}
}
