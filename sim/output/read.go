package output

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/ripple-sim/ripple/sim"
	"gonum.org/v1/gonum/stat/distuv"
)

// ReadSummary parses a summary.csv written by Write back into a Summary, so
// that figures can be redrawn from an output directory without simulating.
// The 95 % interval is recomputed from n, mean and se.
func ReadSummary(r io.Reader) (Summary, error) {
	var s Summary
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		return s, fmt.Errorf("summary.csv: %v", err)
	}
	if len(head) != 10 || head[0] != "table" || head[9] != "p95" {
		return s, fmt.Errorf("summary.csv: unexpected header %q", head)
	}
	type index struct {
		dates   map[string]int
		metrics map[string]int
	}
	idx := make([]index, len(sim.TableNames))
	tables := s.tables()
	for i := range idx {
		idx[i] = index{map[string]int{}, map[string]int{}}
		tables[i].Name = sim.TableNames[i]
	}
	type cell struct {
		t, v, d, m int
		st         Stat
	}
	var cells []cell
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return s, fmt.Errorf("summary.csv: %v", err)
		}
		ti := tableIndex(rec[0])
		v, ok := variantIndex(rec[1])
		if ti < 0 || !ok {
			return s, fmt.Errorf("summary.csv:%d: unknown table %q or variant %q", line, rec[0], rec[1])
		}
		ts, ix := tables[ti], &idx[ti]
		d, ok := ix.dates[rec[2]]
		if !ok {
			date, err := time.Parse(dateFormat, rec[2])
			if err != nil {
				return s, fmt.Errorf("summary.csv:%d: %v", line, err)
			}
			d = len(ts.Dates)
			ix.dates[rec[2]] = d
			ts.Dates = append(ts.Dates, date)
		}
		m, ok := ix.metrics[rec[3]]
		if !ok {
			m = len(ts.Metrics)
			ix.metrics[rec[3]] = m
			ts.Metrics = append(ts.Metrics, rec[3])
		}
		st, err := parseStat(rec[4:])
		if err != nil {
			return s, fmt.Errorf("summary.csv:%d: %v", line, err)
		}
		cells = append(cells, cell{ti, int(v), d, m, st})
	}
	for _, ts := range tables {
		for v := range ts.Stats {
			ts.Stats[v] = make([][]Stat, len(ts.Metrics))
			for m := range ts.Stats[v] {
				ts.Stats[v][m] = make([]Stat, len(ts.Dates))
				for d := range ts.Stats[v][m] {
					ts.Stats[v][m][d] = describe(nil, nil) // all NaN until filled
				}
			}
		}
	}
	for _, c := range cells {
		tables[c.t].Stats[c.v][c.m][c.d] = c.st
	}
	return s, nil
}

func tableIndex(name string) int {
	for i, n := range sim.TableNames {
		if n == name {
			return i
		}
	}
	return -1
}

func variantIndex(name string) (Variant, bool) {
	for v, n := range variantNames {
		if n == name {
			return Variant(v), true
		}
	}
	return 0, false
}

// parseStat reads n, mean, se, p5, p50, p95; an empty field is NaN.
func parseStat(f []string) (Stat, error) {
	n, err := strconv.Atoi(f[0])
	if err != nil {
		return Stat{}, fmt.Errorf("n = %q: %v", f[0], err)
	}
	var x [5]float64
	for i, s := range f[1:6] {
		x[i] = math.NaN()
		if s != "" {
			if x[i], err = strconv.ParseFloat(s, 64); err != nil {
				return Stat{}, fmt.Errorf("%q: %v", s, err)
			}
		}
	}
	st := Stat{N: n, Mean: x[0], SE: x[1], P5: x[2], P50: x[3], P95: x[4], Lo: math.NaN(), Hi: math.NaN()}
	if n >= 2 && !math.IsNaN(st.SE) {
		h := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(n - 1)}.Quantile(0.975) * st.SE
		st.Lo, st.Hi = st.Mean-h, st.Mean+h
	}
	return st, nil
}

// ReadPolicy parses a policy.csv written by Write back into its rows (the
// Sources and Sign of each row are not in the file and stay empty).
func ReadPolicy(r io.Reader) ([]PolicyRow, error) {
	cr := csv.NewReader(r)
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("policy.csv: %v", err)
	}
	if len(head) != 13 || head[2] != "group" || head[12] != "p95" {
		return nil, fmt.Errorf("policy.csv: unexpected header %q", head)
	}
	var rows []PolicyRow
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("policy.csv: %v", err)
		}
		// n, mean, se, ci_lo, ci_hi, p5, p50, p95
		st, err := parseStat([]string{rec[5], rec[6], rec[7], rec[10], rec[11], rec[12]})
		if err != nil {
			return nil, fmt.Errorf("policy.csv:%d: %v", line, err)
		}
		for i, p := range []*float64{&st.Lo, &st.Hi} {
			*p = math.NaN()
			if s := rec[8+i]; s != "" {
				if *p, err = strconv.ParseFloat(s, 64); err != nil {
					return nil, fmt.Errorf("policy.csv:%d: %q: %v", line, s, err)
				}
			}
		}
		rows = append(rows, PolicyRow{PolicyMetric: PolicyMetric{Group: rec[2], Name: rec[3], Unit: rec[4]}, Stat: st})
	}
}
