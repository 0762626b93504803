package sim

import "math"

// Accounts of the double-entry ledger (M10). Every posting moves an amount
// from one account to another, so the balances always sum to zero.
const (
	acCons  = iota // consumers
	acMerch        // 3P merchants
	acCour         // couriers
	acFCW          // fulfillment staff
	acPlat         // the platform
	acReg          // the regulator
	acOut          // the outside world: suppliers, fuel, other costs
	numAccounts
)

// ledger keeps the account balances, in KRW, real units.
type ledger struct {
	bal  [numAccounts]float64
	flow float64 // sum of |amount| over every posting, for the balance check (T4)
}

func (l *ledger) post(from, to int, amount float64) {
	l.bal[from] -= amount
	l.bal[to] += amount
	l.flow += math.Abs(amount)
}

// imbalance returns |sum of balances| relative to the money that moved.
func (l *ledger) imbalance() float64 {
	s := 0.0
	for _, b := range l.bal {
		s += b
	}
	if l.flow == 0 {
		return math.Abs(s)
	}
	return math.Abs(s) / l.flow
}

// flows are one day's real-unit quantities that the books are made of.
type flows struct {
	gmv1P, gmv3P       float64 // consumer spending on 1P goods and at 3P merchants
	fees               float64 // 3P seller fees
	membership         float64 // WOW fees
	cogs               float64 // 1P cost of goods
	courierPay         float64 // r_p * parcels delivered
	courierCost        float64 // couriers' own costs k_c * working
	fcWages            float64 // w_h * worked hours
	opex               float64 // fixed operating cost opex0
	coreRedeemed       float64 // core voucher face used (pays for orders)
	ncRedeemed         float64 // non-core voucher face used (other services)
	voucherExpense     float64 // per levers.voucher_pnl
	remediation        float64
	corrective         float64
	fine               float64
	merchIn, merchCost float64 // merchants' outside income (own channel, diversion) and costs (purchases, fixed)
}

// revenue returns the platform's revenue lines' sum: 1P sales, fees, membership.
func (f *flows) revenue() float64 { return f.gmv1P + f.fees + f.membership }

// netProfit is revenue less every cost line of M10.
func (f *flows) netProfit() float64 {
	return f.revenue() - f.cogs - f.courierPay - f.fcWages - f.opex - f.voucherExpense -
		f.remediation - f.corrective - f.fine
}

// book posts a day's flows (M10's posting list).
func (l *ledger) book(f *flows) {
	l.post(acCons, acPlat, f.gmv1P)
	l.post(acPlat, acOut, f.cogs)
	l.post(acCons, acMerch, f.gmv3P)
	l.post(acMerch, acPlat, f.fees)
	l.post(acCons, acPlat, f.membership)
	l.post(acPlat, acCour, f.courierPay)
	l.post(acCour, acOut, f.courierCost)
	l.post(acPlat, acFCW, f.fcWages)
	l.post(acPlat, acOut, f.opex)
	l.post(acPlat, acCons, f.coreRedeemed)
	l.post(acPlat, acOut, f.ncRedeemed)
	l.post(acPlat, acOut, f.remediation+f.corrective)
	l.post(acPlat, acReg, f.fine)
	l.post(acOut, acMerch, f.merchIn)
	l.post(acMerch, acOut, f.merchCost)
}
