package sim

import (
	"math"
	"time"

	"github.com/ripple-sim/ripple/agents"
)

// DayForcing is one day's deterministic forcing of a run: what stages S0-S2
// (calendar, events, regulator, media, ambiguity) hand to the agents.
type DayForcing struct {
	Date      time.Time
	Day       agents.Day // the consumer kernel's inputs; Key and the Prev* aggregates are zero
	As        float64    // slow attention store A_s (Day.Af is A_f, Day.A = A_f + A_s)
	Regulator int        // RegIdle .. RegClosed
	Incidents uint16     // incidents happening today, bits as in Day.IncSoFar

	// The books (M10, M11): voucher announcement and expiry (from the expiry
	// day on), remediation and corrective-order spending, the fine.
	Announce, VouchersExpired, Remediation, Corrective, Fine bool
}

// Forcing returns the per-day forcing of the shock run (twin false) or its
// no-breach twin, computed by the engine's own stage S0-S2 code, so it equals
// an engine run's bit for bit. It needs no population.
func (sc *Scenario) Forcing(twin bool) ([]DayForcing, error) {
	if err := sc.Check(); err != nil {
		return nil, err
	}
	s := *sc
	cal := newCalendar(s.Start, s.End)
	sched, err := newSchedule(&s, cal, twin)
	if err != nil {
		return nil, err
	}
	e := &Engine{sc: &s, cal: cal, sched: sched}
	for r, sh := range s.Rivals.Shares {
		e.uR[r] = math.Log(sh)
	}
	e.day.IncJump = sched.incJump
	out := make([]DayForcing, cal.days)
	for t := range out {
		e.prepare(t)
		out[t] = DayForcing{Date: cal.date(t), Day: e.day, As: e.as, Regulator: e.reg, Incidents: sched.plans[t].incidents,
			Announce: t == sched.announce, VouchersExpired: sched.vouchers.to != math.MaxInt && t >= sched.vouchers.to,
			Remediation: sched.remediation.has(t), Corrective: sched.corrective.has(t), Fine: t == sched.fineDay}
	}
	return out, nil
}
