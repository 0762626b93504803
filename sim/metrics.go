package sim

import (
	"math"

	"github.com/ripple-sim/ripple/agents"
)

// DailyMetrics are the columns of the daily table, in output order. Counts and
// money are in real units; shares are fractions of agents.
var DailyMetrics = []string{
	"dau", "active", "churned", "no_account", "churns", "deletions", "returns",
	"orders", "gmv", "gbar",
	"trust_mean", "trust_p10", "trust_p50", "trust_p90", "share_reduced", "c0_reduced",
	"aware_share", "spreader_share", "media_attention", "ambiguity",
	"wow_members", "wow_cancellations",
	"rival_consumers_1", "rival_consumers_2", "rival_consumers_3",
	"rival_gmv_1", "rival_gmv_2", "rival_gmv_3",
	"vouchers_redeemed", "vouchers_core_redeemed", "vouchers_noncore_redeemed", "vouchers_forfeited",
	"regulator_state", "suspension_new", "suspension_all",
	"orders_1p", "orders_3p",
	"merchants_alive", "merchant_exits", "merchant_sales", "lost_sales", "spoiled_units", "spoiled_value",
	"perishable_stock", "merchant_net_income",
	"parcels_created", "parcels_processed", "fc_backlog", "fc_scheduled_hours", "fc_worked_hours",
	"fc_vto_hours", "fc_vto_shifts", "fc_wages", "fc_active", "vto_offer",
	"couriers_active", "couriers_working", "parcels_per_courier", "parcels_delivered", "courier_backlog",
	"courier_gross_pay", "courier_income_mean", "courier_quits", "courier_hires",
	"revenue", "revenue_1p", "fees", "membership", "cogs", "vouchers_expense", "voucher_liability",
	"remediation", "corrective", "fines", "net_profit", "platform_cash", "fcf",
}

// Column indices into DailyMetrics.
const (
	mDAU = iota
	mActive
	mChurned
	mNoAccount
	mChurns
	mDeletions
	mReturns
	mOrders
	mGMV
	mGbar
	mTrustMean
	mTrustP10
	mTrustP50
	mTrustP90
	mShareReduced
	mC0Reduced
	mAware
	mSpreader
	mMedia
	mAmbiguity
	mWOW
	mWOWCancel
	mRivalN // rival_consumers_1..3
	_
	_
	mRivalGMV // rival_gmv_1..3
	_
	_
	mRedeemed
	mCoreRedeemed
	mNCRedeemed
	mForfeit
	mRegulator
	mSuspNew
	mSuspAll
	mOrders1P
	mOrders3P
	mMerchAlive
	mMerchExits
	mMerchSales
	mLostSales
	mSpoiledUnits
	mSpoiledValue
	mPerishStock
	mMerchNet
	mParcelsCreated
	mParcelsProc
	mFCBacklog
	mFCSched
	mFCWorked
	mFCVTOHours
	mFCVTOShifts
	mFCWages
	mFCActive
	mVTOOffer
	mCouriersActive
	mCouriersWorking
	mParcelsPerCourier
	mParcelsDelivered
	mCourierBacklog
	mCourierGross
	mCourierIncome
	mCourierQuits
	mCourierHires
	mRevenue
	mRevenue1P
	mFees
	mMembership
	mCOGS
	mVoucherExpense
	mVoucherLiability
	mRemediation
	mCorrective
	mFines
	mNetProfit
	mPlatformCash
	mFCF
	numDaily
)

// record stores day t's metrics from the reduced partials.
func (e *Engine) record(t int) {
	p, d, w := &e.tot, &e.day, e.wC
	n := float64(e.pop.Len())
	col := func(m int, v float64) { e.daily[m][t] = v }
	col(mDAU, w*float64(p.Visitors))
	col(mActive, w*float64(p.Active))
	col(mChurned, w*float64(p.Churned))
	col(mNoAccount, w*float64(p.NoAccount))
	col(mChurns, w*float64(p.Churns))
	col(mDeletions, w*float64(p.Deletions))
	col(mReturns, w*float64(p.Returns))
	col(mOrders, w*float64(p.Orders))
	col(mGMV, w*float64(p.Orders)*e.sc.Consumers.AOV)
	col(mGbar, ratio(p.Demand, e.demandBase))
	col(mTrustMean, ratio(p.TrustSum, float64(p.Holders)))
	col(mTrustP10, histQuantile(&p.Hist, p.Holders, 0.10))
	col(mTrustP50, histQuantile(&p.Hist, p.Holders, 0.50))
	col(mTrustP90, histQuantile(&p.Hist, p.Holders, 0.90))
	col(mShareReduced, ratio(float64(p.Reduced), float64(p.Holders)))
	col(mC0Reduced, cohortShare(p.C0Reduced, p.C0))
	col(mAware, float64(p.Aware)/n)
	col(mSpreader, float64(p.Spreaders)/n)
	col(mMedia, d.A)
	col(mAmbiguity, d.U)
	col(mWOW, w*float64(p.WOW))
	col(mWOWCancel, w*float64(p.WOWCancels))
	for r := range agents.Rivals {
		col(mRivalN+r, w*float64(p.RivalN[r]))
		gmv := e.sc.Consumers.AOV * d.Season * (p.RivalBasket*d.Softmax[r] + p.RivalLeft[r])
		col(mRivalGMV+r, w*gmv)
	}
	col(mRedeemed, w*(p.CoreRedeemed+p.NCRedeemed))
	col(mCoreRedeemed, w*p.CoreRedeemed)
	col(mNCRedeemed, w*p.NCRedeemed)
	col(mForfeit, w*p.Forfeit)
	col(mRegulator, float64(e.reg))
	col(mSuspNew, b2f(d.SuspNew))
	col(mSuspAll, b2f(d.SuspAll))
	e.newM[t], e.newW[t], e.newQBuy[t] = p.NewMonth, p.NewWeek, p.NewBuyersQ
}

// cohortShare is the share of cohort C0 not Active or with g < 0.95 (CT-8):
// NaN until the cohort is marked, on the day before the disclosure.
func cohortShare(reduced, n int64) float64 {
	if n == 0 {
		return math.NaN()
	}
	return float64(reduced) / float64(n)
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// histQuantile returns the q-quantile of trust from its histogram, linear
// within the bin (resolution 1/agents.HistBins).
func histQuantile(h *[agents.HistBins]int32, n int64, q float64) float64 {
	if n == 0 {
		return math.NaN()
	}
	target := q * float64(n)
	cum := 0.0
	for b, c := range h {
		if c == 0 {
			continue
		}
		if cum+float64(c) >= target {
			return (float64(b) + (target-cum)/float64(c)) / agents.HistBins
		}
		cum += float64(c)
	}
	return 1
}
