package sim

import (
	"math"
	"time"
)

// Tables rolls the engine's daily records up into the daily, weekly and
// monthly tables of MODEL.md §5.
func (e *Engine) Tables() Tables {
	days := e.cal.days
	var out Tables
	out.Daily = Table{Metrics: DailyMetrics, Dates: make([]time.Time, days), Values: make([][]float64, numDaily)}
	for t := range days {
		out.Daily.Dates[t] = e.cal.date(t)
	}
	for m := range numDaily {
		out.Daily.Values[m] = append([]float64(nil), e.daily[m][:days]...)
	}

	// Weekly: distinct visitors per ISO week (WAU) and the week's orders.
	nw := int(e.cal.week[days-1]) + 1
	out.Weekly = Table{Metrics: []string{"wau", "orders"}, Dates: make([]time.Time, nw), Values: [][]float64{make([]float64, nw), make([]float64, nw)}}
	wau := make([]int64, nw)
	for t := range days {
		k := e.cal.week[t]
		out.Weekly.Dates[k] = isoMonday(e.cal.date(t))
		wau[k] += e.newW[t]
		out.Weekly.Values[1][k] += e.daily[mOrders][t]
	}
	for k, v := range wau {
		out.Weekly.Values[0][k] = e.wC * float64(v)
	}

	// Monthly: MAU (distinct visitors in the calendar month), its change, and flow sums.
	nm := int(e.cal.month[days-1]) + 1
	flows := []int{mOrders, mGMV, mChurns, mDeletions, mReturns, mWOWCancel,
		mMerchSales, mMerchExits, mSpoiledValue, mFCVTOHours, mFCWages, mCourierGross,
		mRevenue, mNetProfit, mFCF}
	names := []string{"mau", "mau_mom", "active_end"}
	for _, f := range flows {
		names = append(names, DailyMetrics[f])
	}
	out.Monthly = Table{Metrics: names, Dates: make([]time.Time, nm), Values: make([][]float64, len(names))}
	for i := range names {
		out.Monthly.Values[i] = make([]float64, nm)
	}
	mv := out.Monthly.Values
	mau := make([]int64, nm)
	for t := range days {
		k := e.cal.month[t]
		out.Monthly.Dates[k] = firstOfMonth(e.cal.date(t))
		mau[k] += e.newM[t]
		mv[2][k] = e.daily[mActive][t]
		for i, f := range flows {
			mv[3+i][k] += e.daily[f][t]
		}
	}
	out.Quarterly = e.quarterly()
	out.Distributions = e.distributions()
	for k := range nm {
		mv[0][k] = e.wC * float64(mau[k])
		mv[1][k] = math.NaN()
		if k > 0 && mv[0][k-1] > 0 {
			mv[1][k] = mv[0][k]/mv[0][k-1] - 1
		}
	}
	return out
}

// quarterly rolls up calendar quarters: distinct purchasers (at least one
// order in the quarter) and the quarter's sums of flows.
func (e *Engine) quarterly() Table {
	days := e.cal.days
	nq := int(e.cal.quarter[days-1]) + 1
	flows := []int{mOrders, mGMV, mWOWCancel, mRevenue, mRevenue1P, mFees, mMembership,
		mNetProfit, mFCF}
	t := Table{Metrics: []string{"purchasers"}, Dates: make([]time.Time, nq)}
	for _, f := range flows {
		t.Metrics = append(t.Metrics, DailyMetrics[f])
	}
	t.Values = make([][]float64, len(t.Metrics))
	for i := range t.Values {
		t.Values[i] = make([]float64, nq)
	}
	buyers := make([]int64, nq)
	for d := range days {
		k := e.cal.quarter[d]
		date := e.cal.date(d)
		t.Dates[k] = time.Date(date.Year(), (date.Month()-1)/3*3+1, 1, 0, 0, 0, 0, time.UTC)
		buyers[k] += e.newQBuy[d]
		for i, f := range flows {
			t.Values[1+i][k] += e.daily[f][d]
		}
	}
	for k, b := range buyers {
		t.Values[0][k] = e.wC * float64(b)
	}
	return t
}
