package agents

import "github.com/ripple-sim/ripple/sim/rng"

// MaxIncidents is the number of incidents a scenario may schedule (bits of
// Consumers.Inc).
const MaxIncidents = 16

// Day carries one day's global inputs to the consumer kernel: everything the
// sequential stages S0-S2 produce, and the previous day's aggregates.
type Day struct {
	T       int // day index
	Key     rng.Key
	Month   int16 // calendar month index since the start
	Week    int16 // ISO week index since the start
	Quarter int16 // calendar quarter index since the start
	Season  float64

	A, Af, U float64 // attention, fast attention, ambiguity (day t)
	News     float64 // S(t) = Af/(Af + A_half)

	R          float64 // trust recovery rate r(t)
	JNeg, JPos float64 // event jumps for agents aware today
	IncSoFar   uint16  // incidents that have happened by today
	IncJump    [MaxIncidents]float64

	SumExpU float64 // sum_r exp(u_r(t))
	// UtilityChanged is true when rival utilities or the suspension penalty
	// differ from yesterday, so every basket target must be recomputed.
	UtilityChanged bool
	Softmax        [Rivals]float64 // softmax(u_r(t))

	SuspAll, SuspNew bool

	VoucherIssue     bool    // wallets are handed out today
	VoucherOpen      bool    // a programme runs: issued and not expired
	VoucherExpire    bool    // leftovers are forfeited today
	VoucherAllNA     bool    // breached no-account agents also get a wallet on issue day
	VWin             bool    // voucher pull on sign-ups (re-join required to claim)
	CoreFace, NCFace float64 // wallet face values, KRW
	NCRedeemP        float64 // daily probability that a non-core balance is used

	// Yesterday's totals, for the complete graph.
	PrevSpreaders, PrevAware, PrevLeavers int64
}

// Partial is one shard's contribution to a day's aggregates. Sums of counts are
// exact; float sums are reduced in shard order.
type Partial struct {
	Active, Churned, NoAccount        int64
	Aware, Spreaders, Leavers         int64
	Churns, Deletions, Returns        int64
	Visitors, NewMonth, NewWeek       int64
	NewBuyersQ, Orders                int64
	WOW, WOWCancels                   int64
	Holders, Reduced                  int64
	C0, C0Reduced                     int64 // cohort C0, and its members not Active or with g < 0.95
	BreachedHolders, BreachedNoAcct   int64 // breached consumers with and without an account
	RivalN                            [Rivals]int64
	TrustSum, Demand                  float64 // sum tau over holders; sum lambda*sigma/sigma0*g over Active
	RivalBasket                       float64 // sum over Active of lambda*max(0, 1-sigma/sigma0)
	RivalLeft                         [Rivals]float64
	CoreRedeemed, NCRedeemed, Forfeit float64
	Hist                              [HistBins]int32
}
