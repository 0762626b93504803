package configs

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/ripple-sim/ripple/agents"
	"github.com/ripple-sim/ripple/sim"
)

// Validate checks a resolved scenario (built in Go, or changed after Parse)
// against the rules a scenario file must meet: every value physically valid,
// the cross-key rules of MODEL.md T24 and the event rules. It returns nil or
// an *Errors.
func Validate(sc sim.Scenario) error {
	c := newChecker("")
	c.validate(&sc)
	return c.err()
}

func (c *checker) validate(sc *sim.Scenario) {
	for i := range sections {
		for j := range sections[i].params {
			c.param(sc, &sections[i].params[j])
		}
	}
	c.dates(sc)
	c.windows(sc)
	c.cross(sc)
	c.events(sc)
	c.agentRules(sc)
}

// param checks one parameter's value.
func (c *checker) param(sc *sim.Scenario, p *param) {
	ptr := p.ref(sc)
	if p.omitted != nil && isOmitted(ptr, p.omitted) {
		if c.present(p.path()) {
			c.add(p.path(), formatValue(p.kind, ptr),
				"must be "+describe(p.kind, p.b, p.choices, 0)+unitNote(p.unit)+"; omit the key for "+p.omitDoc)
		}
		return
	}
	if msg := checkValue(p.kind, p.b, p.choices, ptr); msg != "" {
		c.add(p.path(), formatValue(p.kind, ptr), msg+unitNote(p.unit))
	}
}

func isOmitted(ptr, omitted any) bool {
	switch v := ptr.(type) {
	case *int:
		return *v == omitted
	case *string:
		return *v == omitted
	}
	return false
}

// firstLine is the smallest known line among the keys, 0 if none.
func (c *checker) firstLine(keys ...string) int {
	best := 0
	for _, k := range keys {
		if l := c.lineOf(k); l > 0 && (best == 0 || l < best) {
			best = l
		}
	}
	return best
}

// dates checks start < disclosure <= end and the horizon.
func (c *checker) dates(sc *sim.Scenario) {
	if !sc.Disclosure.After(sc.Start) {
		c.addAt(c.line("scenario.disclosure", "scenario.start"), "scenario.disclosure", fmtDate(sc.Disclosure),
			"must be after scenario.start ("+fmtDate(sc.Start)+")")
	}
	if sc.End.Before(sc.Disclosure) {
		c.addAt(c.line("scenario.end", "scenario.disclosure"), "scenario.end", fmtDate(sc.End),
			"must be on or after scenario.disclosure ("+fmtDate(sc.Disclosure)+")")
	}
	if limit := sc.Start.AddDate(maxHorizonYears, 0, 0); sc.End.After(limit) {
		c.addAt(c.line("scenario.end", "scenario.start"), "scenario.end", fmtDate(sc.End),
			fmt.Sprintf("must be at most %d years after scenario.start (until %s)", maxHorizonYears, fmtDate(limit)))
	}
}

// windows checks that every date range of a kSpan or kSpans parameter lies
// within the run (their own values are checked by param).
func (c *checker) windows(sc *sim.Scenario) {
	for i := range sections {
		for j := range sections[i].params {
			p := &sections[i].params[j]
			var spans [][2]time.Time
			switch p.kind {
			case kSpan:
				spans = [][2]time.Time{*p.ref(sc).(*[2]time.Time)}
			case kSpans:
				spans = *p.ref(sc).(*[][2]time.Time)
			default:
				continue
			}
			for k, w := range spans {
				if w[0].Before(sc.Start) || w[1].After(sc.End) {
					what := "must lie"
					if p.kind == kSpans {
						what = fmt.Sprintf("pair %d %s must lie", k+1, fmtSpan(w))
					}
					c.addAt(c.line(p.path(), "scenario.start", "scenario.end"), p.path(), formatValue(p.kind, p.ref(sc)),
						what+" within the run, from scenario.start ("+fmtDate(sc.Start)+") to scenario.end ("+fmtDate(sc.End)+")")
					break
				}
			}
		}
	}
}

// fullScale sets the counts of population.scale = "full" (sim.FullPopulation)
// that the file leaves out; a count it gives must be the full one.
func (c *checker) fullScale(sc *sim.Scenario) {
	p := &sc.Population
	if p.Scale != sim.ScaleFull {
		return
	}
	full := sim.FullPopulation()
	ints := []struct {
		key       string
		got, want *int
	}{
		{"consumers", &p.Consumers, &full.Consumers}, {"merchants", &p.Merchants, &full.Merchants},
		{"couriers", &p.Couriers, &full.Couriers}, {"courier_slots", &p.CourierSlots, &full.CourierSlots},
		{"staff", &p.Staff, &full.Staff}, {"staff_slots", &p.StaffSlots, &full.StaffSlots},
	}
	for _, k := range ints {
		if c.present("population."+k.key) && *k.got != *k.want {
			c.add("population."+k.key, fmtInt(int64(*k.got)), fmt.Sprintf("must be %s or left out with population.scale = \"full\" (one agent per person)", fmtInt(int64(*k.want))))
		}
		*k.got = *k.want
	}
	reals := []struct {
		key       string
		got, want *float64
	}{
		{"real_consumers", &p.RealConsumers, &full.RealConsumers}, {"real_merchants", &p.RealMerchants, &full.RealMerchants},
		{"real_couriers", &p.RealCouriers, &full.RealCouriers}, {"real_staff", &p.RealStaff, &full.RealStaff},
	}
	for _, k := range reals {
		if c.present("population."+k.key) && *k.got != *k.want {
			c.add("population."+k.key, fmtFloat(*k.got), fmt.Sprintf("must be %s or left out with population.scale = \"full\" (weights 1)", fmtFloat(*k.want)))
		}
		*k.got = *k.want
	}
}

// cross checks the rules that tie several keys together.
func (c *checker) cross(sc *sim.Scenario) {
	cp := &sc.Consumers

	if sc.Network.Mode == sim.NetConfig && sc.Network.MeanDegree >= float64(sc.Population.Consumers) {
		c.addAt(c.firstLine("network.mean_degree", "population.consumers", "network.mode"), "network.mean_degree",
			fmtFloat(sc.Network.MeanDegree),
			fmt.Sprintf("must be below population.consumers (%d) in config mode", sc.Population.Consumers))
	}

	// A Beta(mean, sd) draw needs sd^2 < mean*(1-mean); sd = 0 is homogeneous
	// (every draw is the mean), the only choice when the mean is 0 or 1.
	beta := func(sdKey, meanKey string, sd, mean float64) {
		if !(sd > 0 && mean >= 0 && mean <= 1 && !(sd*sd < mean*(1-mean))) {
			return
		}
		msg := fmt.Sprintf("must be below sqrt(mean*(1-mean)) = %.4g for a Beta distribution with %s = %s (0: homogeneous)",
			math.Sqrt(mean*(1-mean)), meanKey, fmtFloat(mean))
		if mean*(1-mean) == 0 {
			msg = fmt.Sprintf("must be 0 (homogeneous) when %s = %s: a Beta distribution with that mean has no spread", meanKey, fmtFloat(mean))
		}
		c.addAt(c.firstLine(sdKey, meanKey), sdKey, fmtFloat(sd), msg)
	}
	beta("trust.sd", "trust.mean", cp.TrustSD, cp.TrustMean)
	beta("churn.delta_sd", "churn.delta_mean", cp.DeltaSD, cp.DeltaMean)
	beta("merchants.dep_sd", "merchants.dep_mean", sc.Merchants.DepSD, sc.Merchants.DepMean)
	beta("staff.q_sd", "staff.q_bar", sc.Staff.QSD, sc.Staff.QBar)
	beta("couriers.pi0_sd", "couriers.pi_bar0", sc.Couriers.Pi0SD, sc.Couriers.PiBar0)

	// Y0, a working courier's baseline net income, scales Ystar and s_Y.
	// omega_K = u_k0*pi_bar0*population.real_couriers*k/P0 <= 1 (MODEL.md T24)
	// is not checked here: the baseline parcels P0 come from the model's
	// baseline orders, so the run checks it at start-up (agents.OmegaK).
	if kp := &sc.Couriers; c.valid(sc, "couriers.r_p", "couriers.u_k0", "couriers.k", "couriers.k_c") {
		if y0 := kp.Y0(); !(y0 > 0) || math.IsInf(y0, 0) {
			c.addAt(c.firstLine("couriers.r_p", "couriers.u_k0", "couriers.k", "couriers.k_c"),
				"couriers Y0 = r_p*u_k0*k - k_c", fmt.Sprintf("%s*%s*%s - %s = %.6g", fmtFloat(kp.RP), fmtFloat(kp.UK0),
					fmtFloat(kp.K), fmtFloat(kp.KC), y0),
				"must be > 0 and finite: the baseline net daily income of a working courier (KRW)")
		}
	}

	if r := cp.R0 * (1 + cp.CChi); !(r <= 1) {
		c.addAt(c.firstLine("trust.r0", "trust.c_chi"), "trust.r0 * (1 + trust.c_chi)",
			fmt.Sprintf("%s * (1 + %s) = %.4g", fmtFloat(cp.R0), fmtFloat(cp.CChi), r),
			"must be <= 1 (the share of the trust gap recovered per day at full transparency)")
	}

	ph := 1 - math.Exp(-(cp.H0 + cp.H1 + cp.HW))
	pret := math.Max(1-math.Exp(-cp.B0), 1-math.Exp(-(cp.BNew+cp.BV)))
	if !(ph+pret <= 1) {
		c.addAt(c.firstLine("churn.h0", "churn.h1", "churn.h_w", "churn.b0", "churn.b_new", "churn.b_v"),
			"churn p_h + p_ret", fmt.Sprintf("%.4g + %.4g = %.4g", ph, pret, ph+pret),
			"must be <= 1 for the monotone coupling (MODEL.md T24), where p_h = 1-exp(-(churn.h0 + churn.h1 + churn.h_w)) "+
				"and p_ret = max(1-exp(-churn.b0), 1-exp(-(churn.b_new + churn.b_v)))")
	}

	sum := 0.0
	for _, s := range sc.Rivals.Shares {
		sum += s
	}
	if checkValue(kFloats, positive, nil, sc.Rivals.Shares[:]) == "" && math.Abs(sum-1) > 1e-9 {
		c.add("rivals.shares", formatValue(kFloats, sc.Rivals.Shares[:]),
			fmt.Sprintf("must sum to 1 (within 1e-9); they sum to %.12g", sum))
	}
}

// events checks the schedule: types, values, dates, order and counts.
func (c *checker) events(sc *sim.Scenario) {
	var prev time.Time
	prevIdx := -1
	var incidents, followUps, apologies int
	for i := range sc.Events {
		ev := &sc.Events[i]
		rule := ruleOf(ev.Type)
		if rule == nil {
			msg := "must be one of " + quoteList(eventTypeNames)
			if ev.Type == sim.Findings || ev.Type == sim.Decision {
				msg = "findings and decision are not scheduled by hand: the regulator produces them " +
					"levers.investigation_days and levers.decision_delay_days after a probe_open event"
			}
			c.add(eventKey(i, "type"), quote(string(ev.Type)), msg)
			continue
		}
		for j := range evFields {
			f := &evFields[j]
			if f.key == "type" || f.key == "date" || !rule.applies(f.key, ev.FollowUp) {
				continue
			}
			if msg := checkValue(f.kind, f.b, f.choices, f.ref(ev)); msg != "" {
				c.add(eventKey(i, f.key), formatValue(f.kind, f.ref(ev)), msg)
			}
		}
		key := eventKey(i, "date")
		switch {
		case ev.Type == sim.Apology:
			if !ev.Date.IsZero() {
				c.add(key, fmtDate(ev.Date), notApplicable(rule, "date"))
			}
		case checkValue(kDate, bounds{}, nil, &ev.Date) != "":
			c.add(key, ev.Date.String(), checkValue(kDate, bounds{}, nil, &ev.Date))
		case (ev.Date.Before(sc.Start) || ev.Date.After(sc.End)) && !(ev.Type == sim.Info && ev.Media == 0):
			// An info event without media has no effect: it is a record and may
			// lie outside the run (kr_coupang_2025 records the breach's start).
			c.add(key, fmtDate(ev.Date), "must be within the scenario, from scenario.start ("+
				fmtDate(sc.Start)+") to scenario.end ("+fmtDate(sc.End)+"); only an info event with media = 0 (a record) may lie outside")
		case prevIdx >= 0 && ev.Date.Before(prev):
			c.add(key, fmtDate(ev.Date), fmt.Sprintf("must not be before %s (%s): events must be in chronological order",
				eventKey(prevIdx, "date"), fmtDate(prev)))
		default:
			prev, prevIdx = ev.Date, i
		}
		switch ev.Type {
		case sim.Incident:
			if incidents++; incidents > agents.MaxIncidents {
				c.add(eventKey(i, "type"), quote(string(ev.Type)), fmt.Sprintf("at most %d incidents", agents.MaxIncidents))
			}
			if ev.FollowUp {
				if followUps++; followUps > 1 {
					c.add(eventKey(i, "follow_up"), "true", "at most one incident may be the follow_up")
				}
			}
		case sim.Apology:
			if apologies++; apologies > 1 {
				c.add(eventKey(i, "type"), quote(string(ev.Type)),
					"at most one apology (its day is scenario.disclosure + levers.apology_delay_days)")
			}
		}
	}
}

// valid reports whether every parameter at paths holds a valid value on its own.
func (c *checker) valid(sc *sim.Scenario, paths ...string) bool {
	for _, path := range paths {
		p := params[path]
		if checkValue(p.kind, p.b, p.choices, p.ref(sc)) != "" {
			return false
		}
	}
	return true
}

// agentRules is a backstop: the rules of the agents' own validators are
// spelt out in the spec table and in cross, whose messages name the file,
// line and key. Should an agent validator ever reject what those accepted
// (a rule added in agents but not here), the scenario is still rejected,
// on the table's line, so that no run starts with invalid parameters.
func (c *checker) agentRules(sc *sim.Scenario) {
	for _, r := range []struct {
		table, fn string
		err       error
	}{
		{"merchants", "MerchantParams.Validate", sc.Merchants.Validate()},
		{"staff", "StaffParams.Check", sc.Staff.Check()},
		{"couriers", "CourierParams.Validate", sc.Couriers.Validate()},
	} {
		if r.err == nil || c.reported(r.table) {
			continue
		}
		c.add(r.table, "", "rejected by agents."+r.fn+" (configs lacks this rule; please report): "+
			strings.ReplaceAll(r.err.Error(), "\n", "; "))
	}
}

// reported reports whether a problem was already found in table.
func (c *checker) reported(table string) bool {
	for _, p := range c.probs {
		if strings.HasPrefix(p.Key, table+".") || strings.HasPrefix(p.Key, table+" ") {
			return true
		}
	}
	return false
}
