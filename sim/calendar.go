package sim

import "time"

// calendar maps day indices to dates and to the month, ISO-week and quarter
// indices that the roll-ups of MODEL.md §5 count distinct visitors in.
type calendar struct {
	start   time.Time
	days    int
	month   []int16 // calendar month since the start's month
	week    []int16 // ISO week since the start's ISO week
	quarter []int16 // calendar quarter since the start's quarter
}

func newCalendar(start, end time.Time) calendar {
	n := int(end.Sub(start).Hours()/24) + 1
	c := calendar{start: start, days: n, month: make([]int16, n), week: make([]int16, n), quarter: make([]int16, n)}
	m0 := monthIndex(start)
	w0 := isoMonday(start)
	for t := range n {
		d := start.AddDate(0, 0, t)
		c.month[t] = int16(monthIndex(d) - m0)
		c.week[t] = int16(isoMonday(d).Sub(w0).Hours() / 24 / 7)
		c.quarter[t] = int16(monthIndex(d)/3 - m0/3)
	}
	return c
}

func (c calendar) date(t int) time.Time { return c.start.AddDate(0, 0, t) }

// day returns the index of a date (may be outside [0, days)).
func (c calendar) day(d time.Time) int { return int(d.Sub(c.start).Hours() / 24) }

func monthIndex(d time.Time) int { return d.Year()*12 + int(d.Month()) - 1 }

// isoMonday returns the Monday that starts d's ISO week.
func isoMonday(d time.Time) time.Time {
	wd := (int(d.Weekday()) + 6) % 7 // Monday = 0
	return time.Date(d.Year(), d.Month(), d.Day()-wd, 0, 0, 0, 0, time.UTC)
}

// firstOfMonth returns the first day of d's month.
func firstOfMonth(d time.Time) time.Time {
	return time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, time.UTC)
}
