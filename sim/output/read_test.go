package output

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestReadSummaryRoundTrip: summary.csv read back gives the Summary it was
// written from, NaNs and intervals included.
func TestReadSummaryRoundTrip(t *testing.T) {
	for _, n := range []int{1, 3} {
		want := Summarize(synthetic(n))
		var buf bytes.Buffer
		if err := writeSummary(&buf, &want); err != nil {
			t.Fatal(err)
		}
		got, err := ReadSummary(&buf)
		if err != nil {
			t.Fatal(err)
		}
		same := func(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }
		wt, gt := want.tables(), got.tables()
		for i := range wt {
			w, g := wt[i], gt[i]
			if w.Name != g.Name || !slices.Equal(w.Metrics, g.Metrics) || !slices.EqualFunc(w.Dates, g.Dates, time.Time.Equal) {
				t.Fatalf("n=%d table %s: layout differs", n, w.Name)
			}
			for v := range w.Stats {
				for m := range w.Stats[v] {
					for d, ws := range w.Stats[v][m] {
						gs := g.Stats[v][m][d]
						if ws.N != gs.N || !same(ws.Mean, gs.Mean) || !same(ws.SE, gs.SE) || !same(ws.P5, gs.P5) ||
							!same(ws.P50, gs.P50) || !same(ws.P95, gs.P95) || !same(ws.Lo, gs.Lo) || !same(ws.Hi, gs.Hi) {
							t.Fatalf("n=%d %s %v %s %v: got %+v, want %+v", n, w.Name, Variant(v), w.Metrics[m], w.Dates[d], gs, ws)
						}
					}
				}
			}
		}
	}
}

func TestReadSummaryErrors(t *testing.T) {
	for _, give := range []string{
		"",
		"a,b,c\n",
		"table,variant,date,metric,n,mean,se,p5,p50,p95\nhourly,shock,2025-01-01,x,1,1,,1,1,1\n",
		"table,variant,date,metric,n,mean,se,p5,p50,p95\ndaily,shock,2025-13-01,x,1,1,,1,1,1\n",
		"table,variant,date,metric,n,mean,se,p5,p50,p95\ndaily,shock,2025-01-01,x,one,1,,1,1,1\n",
	} {
		if _, err := ReadSummary(strings.NewReader(give)); err == nil {
			t.Errorf("ReadSummary(%q) gave no error", give)
		}
	}
}

func TestReadPolicyRoundTrip(t *testing.T) {
	run := testRun()
	want := []PolicyRow{
		{PolicyMetric{Group: "consumers", Name: "forgone_orders", Unit: "orders"}, Describe([]float64{3e6, 1.5e6, 2.25e6})},
		{PolicyMetric{Group: "platform", Name: "fines", Unit: "KRW"}, Describe([]float64{4.4e11})},
	}
	same := func(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }

	var buf bytes.Buffer
	if err := writePolicy(&buf, &run, want); err != nil {
		t.Fatal(err)
	}
	got, err := ReadPolicy(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d rows read, %d written", len(got), len(want))
	}
	for i := range want {
		w, g := want[i], got[i]
		if g.Group != w.Group || g.Name != w.Name || g.Unit != w.Unit || g.N != w.N ||
			!same(g.Mean, w.Mean) || !same(g.SE, w.SE) || !same(g.Lo, w.Lo) || !same(g.Hi, w.Hi) || !same(g.P50, w.P50) {
			t.Errorf("row %d: got %+v, want %+v", i, g, w)
		}
	}
}
