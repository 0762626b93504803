package sim

import (
	"time"

	"github.com/ripple-sim/ripple/agents"
)

// Scenario is everything that defines a run except the seed and the number of
// replicates. Zero values are not defaults: use DefaultScenario and change what
// differs.
type Scenario struct {
	Name        string
	Description string

	Start      time.Time // first simulated day (burn-in starts here)
	Disclosure time.Time // D0, the main disclosure; levers count days from it
	End        time.Time // last simulated day, inclusive

	Population Population
	Network    Network

	Media     MediaParams
	Ambiguity AmbiguityParams
	Consumers agents.ConsumerParams
	Merchants agents.MerchantParams
	Staff     agents.StaffParams
	Couriers  agents.CourierParams
	Jumps     JumpParams
	Regulator RegulatorParams
	Rivals    RivalParams
	Platform  PlatformParams

	// Seasonality multiplies visits and orders by calendar month (January first);
	// it is shared by the shock and its twin.
	Seasonality [12]float64

	Levers  Levers
	Events  []Event
	Windows Windows
}

// Windows are the date ranges that outputs refer to (both ends inclusive).
type Windows struct {
	MerchantBase [2]time.Time   // baseline of merchant revenue change (MODEL.md §5)
	VTO          [][2]time.Time // windows of distinct VTO acceptors (DVA)
}

// Population sets agent counts and the real counts they represent (MODEL.md
// §1). Reserve slots are inactive agents that hires draw from; they are not
// part of the real count.
type Population struct {
	Consumers     int     // consumer agents N_C
	RealConsumers float64 // represented app users Real_C
	Merchants     int     // 3P merchant agents N_M
	RealMerchants float64 // represented merchants Real_M
	Couriers      int     // courier agents N_K, active at the start
	CourierSlots  int     // extra reserve slots for hires
	RealCouriers  float64 // represented couriers Real_K
	Staff         int     // fulfillment staff agents N_F, active at the start
	StaffSlots    int     // extra reserve slots for hires
	RealStaff     float64 // represented staff Real_F
	// Scale is ScaleWeighted (the counts above) or ScaleFull: one agent per
	// person (FullPopulation sets the counts), and consumers keep a compact
	// state, with float32 trust and basket shares (MODEL.md §1). The compact
	// state follows Scale alone, so tests can run it on small populations.
	Scale string
}

// Population scales.
const (
	ScaleWeighted = "weighted" // N_X agents, each standing for Real_X/N_X
	ScaleFull     = "full"     // one agent per person, compact consumer state
)

// FullPopulation is the full-scale population of MODEL.md §1: 33.7 M
// consumers, 230,000 merchants, 20,000 couriers plus 5,000 reserve slots and
// 70,000 staff plus 14,000, every weight 1.
func FullPopulation() Population {
	return Population{Consumers: 33_700_000, RealConsumers: 33_700_000,
		Merchants: 230_000, RealMerchants: 230_000,
		Couriers: 20_000, CourierSlots: 5_000, RealCouriers: 20_000,
		Staff: 70_000, StaffSlots: 14_000, RealStaff: 70_000, Scale: ScaleFull}
}

// Network modes of MODEL.md M3.
const (
	NetConfig   = "config"   // configuration model, LogNormal degrees
	NetComplete = "complete" // everyone sees population shares
	NetNone     = "none"     // no word of mouth
)

// Network chooses the social graph.
type Network struct {
	Mode       string
	MeanDegree float64
}

// MediaParams are M1's attention kernels.
type MediaParams struct {
	TauF, TauS float64 // fast and slow decay times, days
	SlowShare  float64 // w: share of an impulse that enters the slow store
	AlphaN     float64 // attention elasticity to breach size
	ND         float64 // accounts of the reference breach n_D
}

// AmbiguityParams are M2's.
type AmbiguityParams struct {
	UOpen           float64 // target while the probe is open
	TauOpen, TauU   float64 // rise and relaxation times, days
	URes            float64 // doubt left by disputed findings
	DUc, DUf, DUpol float64 // jumps: contested claim, follow-up incident, political statement
}

// JumpParams are the trust jumps of M13 events.
type JumpParams struct {
	CV, V0      float64 // voucher announcement g = CV*ln(1 + v_core/V0)
	CBl         float64 // backlash at restrictive voucher terms
	GIssue      float64 // partial recovery when vouchers become usable
	GAp0, TauAp float64 // apology g = GAp0*exp(-delay/TauAp)
	JHear       float64 // parliamentary hearing
	JContest    float64 // contested claim
}

// RegulatorParams are M11's, other than the levers.
type RegulatorParams struct {
	JFind          float64 // trust jump on findings day
	LagS           int     // days from decision to suspension start
	FindingsMedia  float64 // media impulse on findings day
	DecisionMedia  float64 // media impulse on decision day at level S0
	DecisionMediaL float64 // added per sanction level
	SuspDaysS3     int     // default suspension at S3 (scope new)
	SuspDaysS4     int     // default suspension at S4 (scope all)
	KappaCorr      float64 // corrective order at S2+: cost KappaCorr*R_rem over 90 days
}

// PlatformParams are the platform's books (M10).
type PlatformParams struct {
	GM   float64 // 1P gross margin
	FeeW float64 // WOW membership fee, KRW per month
	MNet float64 // baseline net margin; sets the fixed operating cost opex0
	RRem float64 // remediation budget R_rem, KRW
	MIns float64 // insider-breach cost multiplier m_ins
}

// RivalParams are M12's.
type RivalParams struct {
	Names  [agents.Rivals]string
	Shares [agents.Rivals]float64 // non-focal basket shares; u_r0 = ln(share)
}

// Levers are the policy levers of MODEL.md §7 that act on the consumer side.
type Levers struct {
	SanctionLevel     int     // S0..S4
	SuspensionDays    int     // -1: the level's default
	SuspensionScope   string  // "" (the level's default), "none", "new", "all"
	InvestigationDays int     // T_inv, from D0 to findings
	DecisionDelayDays int     // T_dec, from findings to decision
	Transparency      float64 // chi in [0, 1]
	ApologyDelayDays  int     // d_ap: the apology event happens at D0 + d_ap
	VoucherDesign     string  // none, case, full_core, cash
	FollowUpAccounts  float64 // accounts of the follow-up incident; 0 removes it
	PoliticalCap      bool    // cap the sanction at S2
	SanctionEffect    string  // balanced, closure, signal
	FinePct           float64 // fine, % of trailing 365-day revenue (statutory cap 3)
	VoucherPnL        string  // on_redemption or on_pledge
}

// Voucher accounting (levers.voucher_pnl).
const (
	OnRedemption = "on_redemption" // expensed when redeemed
	OnPledge     = "on_pledge"     // provision at announcement, unredeemed part reversed at expiry
)

// Suspension scopes.
const (
	ScopeNone = "none"
	ScopeNew  = "new" // sign-ups blocked
	ScopeAll  = "all" // no orders, sign-ups blocked, basket penalty
)

// Voucher designs of MODEL.md §7.
const (
	VoucherNone     = "none"
	VoucherCase     = "case"      // 5,000 core + 45,000 non-core, 90 d, re-join required
	VoucherFullCore = "full_core" // 50,000 core, 90 d, no re-join
	VoucherCash     = "cash"      // 50,000 core, no expiry, no re-join, no backlash
)

// Sanction-effect presets of M11.
const (
	EffectBalanced = "balanced"
	EffectClosure  = "closure"
	EffectSignal   = "signal"
)

// EventType names an event of M13.
type EventType string

// Event types. Findings and decision are not scheduled by hand: the regulator
// produces them from the investigation and decision levers once a probe opens.
const (
	Incident        EventType = "incident"
	ProbeOpen       EventType = "probe_open"
	Political       EventType = "political"
	Hearing         EventType = "hearing"
	ContestedClaim  EventType = "contested_claim"
	Apology         EventType = "apology"
	VoucherAnnounce EventType = "voucher_announce"
	VoucherIssue    EventType = "voucher_issue"
	Findings        EventType = "findings"
	Decision        EventType = "decision"
	Suspension      EventType = "suspension"
	RivalShock      EventType = "rival_shock"
	Info            EventType = "info"
)

// Event is one scheduled event. Which fields matter depends on Type.
type Event struct {
	Date     time.Time // ignored for an apology (D0 + Levers.ApologyDelayDays)
	Type     EventType
	Label    string
	Media    float64 // attention impulse m (incidents: computed from Accounts)
	Accounts float64 // incident: accounts exposed
	Sens     float64 // incident: sensitivity of the exposed fields, 0..1
	FollowUp bool    // incident: the follow-up breach (Levers.FollowUpAccounts)
	Rival    int     // rival_shock: 1..3
	Shift    float64 // rival_shock: added to the rival's utility from Date on
	Days     int     // suspension: length
	Scope    string  // suspension: new or all
}

// BreachDependent reports whether the twin drops the event: every type but info.
func (e Event) BreachDependent() bool { return e.Type != Info }
