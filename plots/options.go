package plots

import (
	"fmt"
	"time"

	"gonum.org/v1/plot/vg"

	"github.com/ripple-sim/ripple/sim"
)

// Options are shared by the figure functions; the zero value gives defaults.
type Options struct {
	Title    string    // figure title; "" for one made from the metric
	Caption  string    // bottom line, such as Caption(...) returns
	Marks    []Mark    // dated events drawn across time axes, such as ScenarioMarks returns
	From, To time.Time // date range of time axes, inclusive; zero: the table's
	Unit     Unit      // display unit of the values; zero: chosen from the metric and its magnitude
	YLabel   string    // the quantity on the value axis, before its unit; "": the metric's name
	XLabel   string    // Response: the lever or parameter on the x axis
	XNames   []string  // Response: tick labels for the x values, for a categorical lever
	Width    vg.Length // zero: DefaultWidth
	Height   vg.Length // zero: DefaultHeight (Policy: grows with its rows)
}

// unit returns the display unit for a metric whose largest magnitude is m.
func (o *Options) unit(metric string, m float64) Unit {
	if o.Unit.Scale != 0 {
		return o.Unit
	}
	return UnitOf(metric, m)
}

// quantity returns the name of the value axis' quantity.
func (o *Options) quantity(name string) string {
	if o.YLabel != "" {
		return o.YLabel
	}
	return name
}

// figure returns an empty figure with the options' title, caption and size.
func (o *Options) figure(title string) *Figure {
	if o.Title != "" {
		title = o.Title
	}
	return &Figure{Title: title, Caption: o.Caption, Width: o.Width, Height: o.Height}
}

// inRange returns the indices of dates within [From, To].
func (o *Options) inRange(dates []time.Time) []int {
	var idx []int
	for i, d := range dates {
		if (o.From.IsZero() || !d.Before(o.From)) && (o.To.IsZero() || !d.After(o.To)) {
			idx = append(idx, i)
		}
	}
	return idx
}

// Caption returns the standard caption line of a batch, e.g.
// "kr_coupang_2025 · 8 replicates · seed 1".
func Caption(scenario string, replicates int, seed uint64) string {
	r := "replicates"
	if replicates == 1 {
		r = "replicate"
	}
	return fmt.Sprintf("%s · %d %s · seed %d", scenario, replicates, r, seed)
}

// ScenarioMarks returns the key dates of a scenario as marks: the
// disclosure (D0), the probe opening, the voucher announcement, the
// follow-up breach, and the regulator's findings (D0 + investigation_days)
// and decision (findings + decision_delay_days), which follow a probe. Marks
// of events the levers switch off (no vouchers, no follow-up) are left out.
func ScenarioMarks(sc *sim.Scenario) []Mark {
	marks := []Mark{{sc.Disclosure, "disclosure"}}
	probe := false
	for _, ev := range sc.Events {
		switch ev.Type {
		case sim.ProbeOpen:
			if !probe {
				marks = append(marks, Mark{ev.Date, "probe"})
			}
			probe = true
		case sim.VoucherAnnounce:
			if sc.Levers.VoucherDesign != sim.VoucherNone {
				marks = append(marks, Mark{ev.Date, "vouchers"})
			}
		case sim.Incident:
			if ev.FollowUp && sc.Levers.FollowUpAccounts > 0 {
				marks = append(marks, Mark{ev.Date, "follow-up breach"})
			}
		}
	}
	if probe {
		findings := sc.Disclosure.AddDate(0, 0, sc.Levers.InvestigationDays)
		marks = append(marks, Mark{findings, "findings"},
			Mark{findings.AddDate(0, 0, sc.Levers.DecisionDelayDays), "decision"})
	}
	return marks
}
