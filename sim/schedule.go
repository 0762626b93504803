package sim

import (
	"fmt"
	"math"
	"sort"

	"github.com/ripple-sim/ripple/agents"
)

// Regulator states of M11.
const (
	RegIdle = iota
	RegOpen
	RegFindings
	RegDecided
	RegClosed
)

// voucherTerms are a design's wallet (MODEL.md §7).
type voucherTerms struct {
	core, nonCore float64
	validDays     int  // 0: no expiry
	rejoin        bool // withdrawn accounts must re-join to claim
	restrictive   bool // backlash at announcement
}

var voucherDesigns = map[string]voucherTerms{
	VoucherCase:     {core: 5_000, nonCore: 45_000, validDays: 90, rejoin: true, restrictive: true},
	VoucherFullCore: {core: 50_000, validDays: 90, restrictive: true},
	VoucherCash:     {core: 50_000},
}

// sanctionEffects are M11's (xi_close, xi_sig) presets.
var sanctionEffects = map[string][2]float64{
	EffectBalanced: {0.05, 0.01},
	EffectClosure:  {0.15, 0.005},
	EffectSignal:   {0.02, 0.03},
}

// plan is what the sequential stage S1 does on one day.
type plan struct {
	fast, slow float64 // media impulses into A_f and A_s
	dU         float64
	jNeg, jPos float64
	incidents  uint16 // incidents happening today
	shift      [agents.Rivals]float64
	probeOpen  bool
	findings   bool
	decision   bool
	issue      bool // voucher wallets handed out
}

// window is a half-open day range [from, to).
type window struct{ from, to int }

func (w window) has(t int) bool { return t >= w.from && t < w.to }

// schedule is the whole deterministic forcing of one run: per-day plans, the
// incident jumps, the voucher programme and the suspension windows.
type schedule struct {
	plans    []plan
	incJump  [agents.MaxIncidents]float64
	voucher  voucherTerms
	vouchers window // issue day to expiry (exclusive)
	suspAll  []window
	suspNew  []window
	closed   int // day the regulator closes the case

	announce    int    // voucher announcement day (-1: none)
	remediation window // remediation spending: 90 days from the disclosure incident
	corrective  window // corrective order at S2+: 90 days from the decision
	fineDay     int    // decision day with a fine at S1+ (-1: none)
	level       int    // effective sanction level
}

// newSchedule compiles the scenario's events and levers. The twin drops every
// breach-dependent event, and with them the regulator's findings and decision.
func newSchedule(sc *Scenario, cal calendar, twin bool) (*schedule, error) {
	s := &schedule{plans: make([]plan, cal.days), closed: math.MaxInt, announce: -1, fineDay: -1}
	lv := sc.Levers
	chi := lv.Transparency
	d0 := cal.day(sc.Disclosure)
	add := func(t int, m float64) {
		if t < 0 || t >= cal.days {
			return
		}
		s.plans[t].fast += (1 - sc.Media.SlowShare) * m
		s.plans[t].slow += sc.Media.SlowShare * m
	}
	at := func(t int) *plan {
		if t < 0 || t >= cal.days {
			return &plan{} // outside the horizon: no effect
		}
		return &s.plans[t]
	}
	nInc := 0
	probe := -1
	for _, ev := range sc.Events {
		if twin && ev.BreachDependent() {
			continue
		}
		t := cal.day(ev.Date)
		if ev.Type == Apology {
			t = d0 + lv.ApologyDelayDays
		}
		p := at(t)
		switch ev.Type {
		case Incident:
			n := ev.Accounts
			if ev.FollowUp {
				n = lv.FollowUpAccounts
				if n <= 0 {
					continue
				}
				p.dU += sc.Ambiguity.DUf
			}
			if nInc == agents.MaxIncidents {
				return nil, fmt.Errorf("more than %d incidents", agents.MaxIncidents)
			}
			if t == d0 {
				s.remediation = window{t, t + 90}
			}
			size := ev.Sens * math.Pow(n/sc.Media.ND, sc.Media.AlphaN)
			add(t, size)
			s.incJump[nInc] = sc.Consumers.JD * (1 - sc.Consumers.CSt*chi) * size
			p.incidents |= 1 << nInc
			nInc++
			continue
		case ProbeOpen:
			if probe < 0 || t < probe {
				probe = t
			}
			p.probeOpen = true
		case Political:
			p.dU += sc.Ambiguity.DUpol
		case Hearing:
			p.jNeg += sc.Jumps.JHear
		case ContestedClaim:
			p.jNeg += sc.Jumps.JContest
			p.dU += sc.Ambiguity.DUc
		case Apology:
			p.jPos += sc.Jumps.GAp0 * math.Exp(-float64(lv.ApologyDelayDays)/sc.Jumps.TauAp)
		case VoucherAnnounce, VoucherIssue:
			vt, ok := voucherDesigns[lv.VoucherDesign]
			if !ok {
				continue // no vouchers: neither announced nor issued
			}
			if ev.Type == VoucherAnnounce {
				s.announce = t
				p.jPos += sc.Jumps.CV * math.Log(1+vt.core/sc.Jumps.V0)
				if vt.restrictive {
					p.jNeg += sc.Jumps.CBl
				}
			} else {
				p.jPos += sc.Jumps.GIssue
				p.issue = true
				s.voucher = vt
				s.vouchers = window{t, math.MaxInt}
				if vt.validDays > 0 {
					s.vouchers.to = t + vt.validDays
				}
			}
		case Suspension:
			w := window{t, t + ev.Days}
			if ev.Scope == ScopeAll {
				s.suspAll = append(s.suspAll, w)
			}
			s.suspNew = append(s.suspNew, w)
		case RivalShock:
			p.shift[ev.Rival-1] += ev.Shift
		case Info:
		default:
			return nil, fmt.Errorf("event type %q cannot be scheduled", ev.Type)
		}
		add(t, ev.Media)
	}
	if probe >= 0 {
		s.regulate(sc, d0, add, at)
	}
	sort.Slice(s.suspAll, func(i, j int) bool { return s.suspAll[i].from < s.suspAll[j].from })
	sort.Slice(s.suspNew, func(i, j int) bool { return s.suspNew[i].from < s.suspNew[j].from })
	return s, nil
}

// regulate schedules M11's findings, decision and suspension after a probe.
func (s *schedule) regulate(sc *Scenario, d0 int, add func(int, float64), at func(int) *plan) {
	lv, rp := sc.Levers, sc.Regulator
	tf := d0 + lv.InvestigationDays
	at(tf).findings = true
	at(tf).jNeg += rp.JFind
	add(tf, rp.FindingsMedia)

	level := lv.SanctionLevel
	if lv.PoliticalCap && level > 2 {
		level = 2
	}
	td := tf + lv.DecisionDelayDays
	xi := sanctionEffects[lv.SanctionEffect]
	at(td).decision = true
	at(td).jPos += xi[0]
	at(td).jNeg += xi[1] * float64(level)
	add(td, rp.DecisionMedia+rp.DecisionMediaL*float64(level))

	days, scope := 0, ScopeNone
	switch level {
	case 3:
		days, scope = rp.SuspDaysS3, ScopeNew
	case 4:
		days, scope = rp.SuspDaysS4, ScopeAll
	}
	if lv.SuspensionDays >= 0 {
		days = lv.SuspensionDays
	}
	if lv.SuspensionScope != "" {
		scope = lv.SuspensionScope
	}
	if lv.PoliticalCap && lv.SanctionLevel > 2 {
		days = 0 // capped at S2: no suspension
	}
	s.level = level
	if level >= 1 {
		s.fineDay = td
	}
	if level >= 2 {
		s.corrective = window{td, td + 90}
	}
	s.closed = td + 1
	if days > 0 && scope != ScopeNone {
		w := window{td + rp.LagS, td + rp.LagS + days}
		s.closed = w.to
		if scope == ScopeAll {
			s.suspAll = append(s.suspAll, w)
		}
		s.suspNew = append(s.suspNew, w)
	}
}

func inAny(ws []window, t int) bool {
	for _, w := range ws {
		if w.has(t) {
			return true
		}
	}
	return false
}
