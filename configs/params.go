package configs

import (
	"fmt"
	"math"
	"time"

	"github.com/ripple-sim/ripple/agents"
	"github.com/ripple-sim/ripple/sim"
)

// This file is the schema: one table of parameters that drives decoding,
// validation and encoding. A parameter's default is whatever
// sim.DefaultScenario holds at its place.

type scen = sim.Scenario

// kind is how a parameter is written in TOML and stored in the Scenario.
type kind uint8

const (
	kFloat  kind = iota // float64; TOML integers are accepted
	kInt                // int; TOML floats are rejected
	kBool               // bool
	kText               // free string
	kEnum               // string from choices
	kDate               // time.Time at midnight UTC; TOML local date
	kLevel              // int 0..4 written "S0".."S4"
	kFloats             // fixed-length []float64 aliasing an array in the Scenario
	kTexts              // fixed-length []string aliasing an array in the Scenario
	kSpan               // [2]time.Time, a date range [from, to] with from <= to; TOML array of 2 local dates
	kSpans              // [][2]time.Time, a list of kSpan; b bounds the number of ranges
)

// bounds is an interval of allowed numbers; every number must also be finite.
type bounds struct {
	lo, hi         float64
	loOpen, hiOpen bool
}

var (
	inf      = math.Inf(1)
	anyReal  = bounds{-inf, inf, true, true}
	nonNeg   = bounds{0, inf, false, true}
	positive = bounds{0, inf, true, true}
	unit     = bounds{0, 1, false, false}
	unitOpen = bounds{0, 1, true, true}  // (0, 1)
	unitLo   = bounds{0, 1, false, true} // [0, 1)
	unitHi   = bounds{0, 1, true, false} // (0, 1]
	days     = bounds{0, maxDays, false, false}
	days1    = bounds{1, maxDays, false, false}
	atLeast1 = bounds{1, inf, false, true}

	agentCount = bounds{1, math.MaxInt32, false, false}
	slotCount  = bounds{0, math.MaxInt32, false, false}
	// shelfLife bounds merchants.l: a perishable keeps at most a year, and
	// every perishable merchant holds l cohorts.
	shelfLife = bounds{1, 365, false, false}
)

// maxDays bounds day counts (a century) so that date arithmetic stays sane.
const maxDays = 36_525

// maxHorizonYears bounds scenario.end - scenario.start.
const maxHorizonYears = 20

func (b bounds) has(v float64) bool {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return false
	}
	if v < b.lo || (b.loOpen && v == b.lo) {
		return false
	}
	return !(v > b.hi || (b.hiOpen && v == b.hi))
}

// String says what the bounds allow: ">= 0", "between 0 and 1", "in [0, 1)".
func (b bounds) String() string {
	lo, hi := fmtFloat(b.lo), fmtFloat(b.hi)
	switch {
	case math.IsInf(b.lo, -1) && math.IsInf(b.hi, 1):
		return "finite"
	case math.IsInf(b.hi, 1):
		return map[bool]string{false: ">= ", true: "> "}[b.loOpen] + lo
	case math.IsInf(b.lo, -1):
		return map[bool]string{false: "<= ", true: "< "}[b.hiOpen] + hi
	case !b.loOpen && !b.hiOpen:
		return "between " + lo + " and " + hi
	}
	l, r := "[", "]"
	if b.loOpen {
		l = "("
	}
	if b.hiOpen {
		r = ")"
	}
	return "in " + l + lo + ", " + hi + r
}

// param is one key of the schema.
type param struct {
	table, key string
	kind       kind
	ref        func(*scen) any // pointer to the value (a slice for list kinds)
	b          bounds          // numbers, and each element of kFloats
	choices    []string        // kEnum
	omitted    any             // value that stands for "key omitted" (never written), or nil
	omitDoc    string          // what omitting the key means
	unit       string          // "per day", "days", "KRW", ...
	doc        string          // meaning
	typical    string          // MODEL.md's typical value or range
}

func (p *param) path() string { return p.table + "." + p.key }

func num(key string, b bounds, unit, doc, typical string, ref func(*scen) *float64) param {
	return param{key: key, kind: kFloat, b: b, unit: unit, doc: doc, typical: typical,
		ref: func(s *scen) any { return ref(s) }}
}

func integer(key string, b bounds, unit, doc, typical string, ref func(*scen) *int) param {
	return param{key: key, kind: kInt, b: b, unit: unit, doc: doc, typical: typical,
		ref: func(s *scen) any { return ref(s) }}
}

func enum(key string, choices []string, doc, typical string, ref func(*scen) *string) param {
	return param{key: key, kind: kEnum, choices: choices, doc: doc, typical: typical,
		ref: func(s *scen) any { return ref(s) }}
}

func text(key, doc string, ref func(*scen) *string) param {
	return param{key: key, kind: kText, doc: doc, ref: func(s *scen) any { return ref(s) }}
}

func date(key, doc string, ref func(*scen) *time.Time) param {
	return param{key: key, kind: kDate, doc: doc, ref: func(s *scen) any { return ref(s) }}
}

// section is one TOML table of the schema.
type section struct {
	name, doc string
	params    []param
}

var levelNames = []string{"S0", "S1", "S2", "S3", "S4"}

// eventTypes lists the types a file may schedule, for messages.
var eventTypeNames = func() []string {
	var names []string
	for _, r := range eventRules {
		names = append(names, string(r.typ))
	}
	return names
}()

var sections = []section{
	{name: "scenario", doc: "What is simulated and when. Dates are TOML local dates (2025-11-29).", params: []param{
		text("name", "scenario name, used in outputs", func(s *scen) *string { return &s.Name }),
		text("description", "free text", func(s *scen) *string { return &s.Description }),
		date("start", "first simulated day (burn-in starts here)", func(s *scen) *time.Time { return &s.Start }),
		date("disclosure", "D0, the main disclosure; levers count days from it; after start", func(s *scen) *time.Time { return &s.Disclosure }),
		date("end", "last simulated day, inclusive; on or after disclosure; at most 20 years after start", func(s *scen) *time.Time { return &s.End }),
	}},
	{name: "population", doc: "Agent counts and the real counts they represent, w_X = Real_X/N_X (MODEL.md §1).", params: []param{
		integer("consumers", agentCount, "agents", "consumer agents N_C; each stands for real_consumers/consumers people", "100,000; full scale 33,700,000", func(s *scen) *int { return &s.Population.Consumers }),
		num("real_consumers", positive, "people", "app users represented, Real_C", "34.4e6", func(s *scen) *float64 { return &s.Population.RealConsumers }),
		integer("merchants", agentCount, "agents", "3P merchant agents N_M; each stands for real_merchants/merchants merchants", "5,000; full scale 230,000", func(s *scen) *int { return &s.Population.Merchants }),
		num("real_merchants", positive, "merchants", "3P merchants represented, Real_M", "230,000", func(s *scen) *float64 { return &s.Population.RealMerchants }),
		integer("couriers", agentCount, "agents", "courier agents N_K, active at the start; each stands for real_couriers/couriers couriers", "2,000; full scale 20,000", func(s *scen) *int { return &s.Population.Couriers }),
		integer("courier_slots", slotCount, "agents", "reserve courier slots for hires (inactive at the start, not part of real_couriers)", "500; full scale 5,000", func(s *scen) *int { return &s.Population.CourierSlots }),
		num("real_couriers", positive, "couriers", "couriers represented, Real_K", "20,000", func(s *scen) *float64 { return &s.Population.RealCouriers }),
		integer("staff", agentCount, "agents", "fulfillment staff agents N_F, active at the start; each stands for real_staff/staff workers", "5,000; full scale 70,000", func(s *scen) *int { return &s.Population.Staff }),
		integer("staff_slots", slotCount, "agents", "reserve staff slots for hires (inactive at the start, not part of real_staff)", "1,000; full scale 14,000", func(s *scen) *int { return &s.Population.StaffSlots }),
		num("real_staff", positive, "workers", "fulfillment-centre workers represented, Real_F", "70,000 (50,000-93,500)", func(s *scen) *float64 { return &s.Population.RealStaff }),
		enum("scale", []string{sim.ScaleWeighted, sim.ScaleFull}, "weighted: the counts above, each agent standing for real/count people; full: one agent per person for every population (33.7 M consumers, 230,000 merchants, 20,000 + 5,000 couriers, 70,000 + 14,000 staff, weights 1; the counts above may be left out) with float32 consumer trust", "weighted", func(s *scen) *string { return &s.Population.Scale }),
	}},
	{name: "network", doc: "Social graph for word of mouth (M3).", params: []param{
		enum("mode", []string{sim.NetConfig, sim.NetComplete, sim.NetNone}, "config: configuration model with LogNormal degrees; complete: population shares; none: no word of mouth", "config", func(s *scen) *string { return &s.Network.Mode }),
		num("mean_degree", bounds{0, 1000, true, false}, "contacts", "mean degree <k> (config mode; below population.consumers)", "10-20", func(s *scen) *float64 { return &s.Network.MeanDegree }),
	}},
	{name: "media", doc: "M1 media attention: A = A_f + A_s, two exponential kernels.", params: []param{
		num("tau_f", positive, "days", "fast attention decay time", "1.5-3", func(s *scen) *float64 { return &s.Media.TauF }),
		num("tau_s", positive, "days", "slow attention decay time (cultural memory)", "30-120", func(s *scen) *float64 { return &s.Media.TauS }),
		num("slow_share", unit, "share", "w: share of an impulse entering the slow store", "0.1-0.3", func(s *scen) *float64 { return &s.Media.SlowShare }),
		num("alpha_n", nonNeg, "", "attention elasticity to breach size: m = sens*(accounts/n_d)^alpha_n", "0.2-1", func(s *scen) *float64 { return &s.Media.AlphaN }),
		num("n_d", positive, "accounts", "accounts of the reference breach (m = 1)", "33.7e6", func(s *scen) *float64 { return &s.Media.ND }),
	}},
	{name: "ambiguity", doc: "M2 ambiguity U in [0, 1] while the probe is open.", params: []param{
		num("u_open", unit, "", "ambiguity target while the probe is open", "0.3-1", func(s *scen) *float64 { return &s.Ambiguity.UOpen }),
		num("tau_open", positive, "days", "rise time towards the target", "3-21", func(s *scen) *float64 { return &s.Ambiguity.TauOpen }),
		num("tau_u", positive, "days", "relaxation time", "7-60", func(s *scen) *float64 { return &s.Ambiguity.TauU }),
		num("u_res", unit, "", "doubt left by disputed findings", "0-0.3", func(s *scen) *float64 { return &s.Ambiguity.URes }),
		num("du_c", unit, "", "jump at a contested claim", "0-0.3", func(s *scen) *float64 { return &s.Ambiguity.DUc }),
		num("du_f", unit, "", "jump at the follow-up incident", "0-0.3", func(s *scen) *float64 { return &s.Ambiguity.DUf }),
		num("du_pol", unit, "", "jump at a political statement", "0-0.3", func(s *scen) *float64 { return &s.Ambiguity.DUpol }),
	}},
	{name: "awareness", doc: "M3 awareness and word of mouth (Unaware -> Spreader | Silent).", params: []param{
		num("p_b", unit, "share", "share of consumers whose data were breached", "0.9-1", func(s *scen) *float64 { return &s.Consumers.PB }),
		num("beta_m", nonNeg, "per unit attention per day", "awareness hazard from media", "0.5-5", func(s *scen) *float64 { return &s.Consumers.BetaM }),
		num("beta_w", nonNeg, "per unit spreader share per day", "awareness hazard from word of mouth", "0-2", func(s *scen) *float64 { return &s.Consumers.BetaW }),
		num("psi_b", unit, "probability", "newly aware breached consumer becomes a spreader", "0.05-0.6", func(s *scen) *float64 { return &s.Consumers.PsiB }),
		num("psi_nb", unit, "probability", "newly aware non-breached consumer becomes a spreader", "0.15", func(s *scen) *float64 { return &s.Consumers.PsiNB }),
		num("gamma", nonNeg, "per unit aware-neighbour share per day", "spreader -> silent", "0-1", func(s *scen) *float64 { return &s.Consumers.Gamma }),
		num("delta_s", nonNeg, "per day", "spontaneous spreader -> silent", "0.02-0.3", func(s *scen) *float64 { return &s.Consumers.DeltaS }),
	}},
	{name: "trust", doc: "M4 trust tau in [0, taus]; baseline taus ~ Beta(mean, sd).", params: []param{
		num("mean", unitHi, "", "mean baseline trust taus", "0.75", func(s *scen) *float64 { return &s.Consumers.TrustMean }),
		num("sd", nonNeg, "", "sd of baseline trust (0: homogeneous); sd^2 < mean*(1-mean)", "0.10", func(s *scen) *float64 { return &s.Consumers.TrustSD }),
		num("r0", nonNeg, "per day", "recovery rate ln2/half-life; r0*(1+c_chi) <= 1", "half-life 60-365 d (default ln2/180)", func(s *scen) *float64 { return &s.Consumers.R0 }),
		num("zeta", nonNeg, "", "ambiguity exponent on recovery", "0.5-3", func(s *scen) *float64 { return &s.Consumers.Zeta }),
		num("c_chi", nonNeg, "", "transparency multiplier on recovery", "0-2", func(s *scen) *float64 { return &s.Consumers.CChi }),
		num("c_st", unit, "", "stealing thunder: incident jump falls by c_st*chi", "0-0.8", func(s *scen) *float64 { return &s.Consumers.CSt }),
		num("j_d", nonNeg, "", "trust jump of the main incident", "0.03-0.4", func(s *scen) *float64 { return &s.Consumers.JD }),
		num("a_m", nonNeg, "per unit attention per day", "erosion by media attention", "0-0.02", func(s *scen) *float64 { return &s.Consumers.AM }),
		num("a_w", nonNeg, "per unit spreader share per day", "erosion by spreading neighbours", "0-0.02", func(s *scen) *float64 { return &s.Consumers.AW }),
		num("a_u", nonNeg, "per unit ambiguity per day", "erosion by ambiguity", "0-0.02", func(s *scen) *float64 { return &s.Consumers.AU }),
		num("phi", anyReal, "", "forgiveness elasticity of heavy buyers: kappa ~ (lambda/lambda_bar)^-phi", "0-0.6", func(s *scen) *float64 { return &s.Consumers.Phi }),
		num("p_unc", unit, "share", "privacy-unconcerned consumers", "0.1-0.4", func(s *scen) *float64 { return &s.Consumers.PUnc }),
		num("c_unc", nonNeg, "", "their sensitivity multiplier", "0-0.2", func(s *scen) *float64 { return &s.Consumers.CUnc }),
		num("s_kappa", nonNeg, "", "log-sd of idiosyncratic sensitivity e_i", "0.3-1.0", func(s *scen) *float64 { return &s.Consumers.SKappa }),
		num("eta", nonNeg, "", "purchase propensity g = (tau/taus)^eta", "0.5-3", func(s *scen) *float64 { return &s.Consumers.Eta }),
	}},
	{name: "churn", doc: "M5 multi-homing and churn (Active, Churned, NoAccount; WOW membership).", params: []param{
		num("h0", nonNeg, "per day", "baseline churn hazard", "0.0002-0.001", func(s *scen) *float64 { return &s.Consumers.H0 }),
		num("h1", nonNeg, "per day", "breach-news hazard at full threshold crossing", "0.002-0.2", func(s *scen) *float64 { return &s.Consumers.H1 }),
		num("a_half", positive, "attention units", "news-day half-saturation of fast attention", "0.01-1", func(s *scen) *float64 { return &s.Consumers.AHalf }),
		num("delta_mean", unitOpen, "trust deficit", "mean churn threshold (Beta)", "0.05-0.3", func(s *scen) *float64 { return &s.Consumers.DeltaMean }),
		num("delta_sd", nonNeg, "", "its sd (0: homogeneous); delta_sd^2 < delta_mean*(1-delta_mean)", "0.07", func(s *scen) *float64 { return &s.Consumers.DeltaSD }),
		num("s_th", positive, "trust deficit", "threshold smoothing", "0.01-0.1", func(s *scen) *float64 { return &s.Consumers.STh }),
		num("h_w", nonNeg, "per day", "social reinforcement by aware leavers", "0-0.02", func(s *scen) *float64 { return &s.Consumers.HW }),
		num("p_del", unit, "probability", "account deleted when churning", "0.2-0.5", func(s *scen) *float64 { return &s.Consumers.PDel }),
		num("b0", nonNeg, "per day", "return hazard of churned accounts", "0.02", func(s *scen) *float64 { return &s.Consumers.B0 }),
		num("b_new", nonNeg, "per day", "sign-up hazard without an account", "0.005", func(s *scen) *float64 { return &s.Consumers.BNew }),
		num("b_v", nonNeg, "per day", "voucher pull on breached consumers without an account", "0.002", func(s *scen) *float64 { return &s.Consumers.BV }),
		num("beta_tau", nonNeg, "utility per unit trust", "basket utility of trust", "0-5", func(s *scen) *float64 { return &s.Consumers.BetaTau }),
		num("beta_m", anyReal, "utility", "basket utility of WOW membership", "0-2", func(s *scen) *float64 { return &s.Consumers.BetaM2 }),
		num("hl_sigma", positive, "days", "basket share half-life", "7-30", func(s *scen) *float64 { return &s.Consumers.HlSigma }),
		num("sigma_bar0", unitOpen, "share", "mean baseline basket share", "0.4-0.8", func(s *scen) *float64 { return &s.Consumers.SigmaBar0 }),
		num("d_susp", nonNeg, "utility", "basket penalty during a full suspension", "0-3", func(s *scen) *float64 { return &s.Consumers.DSusp }),
		num("p_wow", unitLo, "share", "baseline WOW membership share", "0.4", func(s *scen) *float64 { return &s.Consumers.PWOW }),
		num("h_w0", nonNeg, "per day", "WOW cancel hazard", "0.002", func(s *scen) *float64 { return &s.Consumers.HW0 }),
		num("m_w", nonNeg, "", "churn-hazard multiplier on WOW cancels", "1.0", func(s *scen) *float64 { return &s.Consumers.MW }),
	}},
	{name: "orders", doc: "M6 visits, orders and vouchers.", params: []param{
		num("lambda_bar", positive, "orders per day", "mean order rate lambda (Gamma)", "0.1-0.2", func(s *scen) *float64 { return &s.Consumers.LambdaBar }),
		num("lambda_shape", positive, "", "Gamma shape of lambda", "1", func(s *scen) *float64 { return &s.Consumers.LambdaShape }),
		num("nu_bar", positive, "visits per day", "mean visit rate nu (Gamma)", "0.6", func(s *scen) *float64 { return &s.Consumers.NuBar }),
		num("nu_shape", positive, "", "Gamma shape of nu", "1.5", func(s *scen) *float64 { return &s.Consumers.NuShape }),
		num("nu_dorm", nonNeg, "visits per day", "visits of dormant (churned) accounts", "0.005", func(s *scen) *float64 { return &s.Consumers.NuDorm }),
		num("eta_v", nonNeg, "", "visit response to g", "0-2", func(s *scen) *float64 { return &s.Consumers.EtaV }),
		num("nu_chk", nonNeg, "visits per unit fast attention", "check visits of breached, aware consumers", "0-1", func(s *scen) *float64 { return &s.Consumers.NuChk }),
		num("nu_vou", nonNeg, "visits", "extra visit mean on voucher issue day", "0-1", func(s *scen) *float64 { return &s.Consumers.NuVou }),
		num("lambda_v", nonNeg, "orders per day", "extra orders while holding an unredeemed core voucher", "0-0.1", func(s *scen) *float64 { return &s.Consumers.LambdaV }),
		num("aov", positive, "KRW", "average order value", "35,000", func(s *scen) *float64 { return &s.Consumers.AOV }),
		num("p_ms", unit, "probability", "minimum spend met (non-members)", "0.5", func(s *scen) *float64 { return &s.Consumers.PMS }),
		num("rho_nc", unitLo, "share", "non-core voucher balance used by expiry", "0.3", func(s *scen) *float64 { return &s.Consumers.RhoNC }),
	}},
	{name: "merchants", doc: "M7 3P merchants: demand allocation, costs, cash and exit, perishable FIFO inventory. A unit is one order; money is KRW.", params: []param{
		num("pi_sd", nonNeg, "", "log-sd of popularity pi ~ LogNormal(0, pi_sd)", "0.5-1.5 (default 1)", func(s *scen) *float64 { return &s.Merchants.PiSD }),
		num("s_eps", nonNeg, "", "log-sd of exposure eps ~ LogNormal(0, s_eps); a merchant's demand weight is pi*gbar^eps", "0.5-1.2 (default 0.8)", func(s *scen) *float64 { return &s.Merchants.SEps }),
		num("mu_per", anyReal, "", "log-mean shift of eps for perishable merchants", "0-1", func(s *scen) *float64 { return &s.Merchants.MuPer }),
		num("dep_mean", unitHi, "share", "mean platform dependence d ~ Beta(dep_mean, dep_sd); own-channel income M_own = (1-c)*p*q0*(1-d)/d", "0.5-0.7 (default 0.6)", func(s *scen) *float64 { return &s.Merchants.DepMean }),
		num("dep_sd", nonNeg, "", "sd of d (0: homogeneous); dep_sd^2 < dep_mean*(1-dep_mean)", "0.2", func(s *scen) *float64 { return &s.Merchants.DepSD }),
		num("f", unit, "share of sales value", "platform fee", "0.1-0.3 (default 0.206)", func(s *scen) *float64 { return &s.Merchants.Fee }),
		num("c", nonNeg, "share of p", "unit purchase cost of non-perishables", "0.55", func(s *scen) *float64 { return &s.Merchants.Cost }),
		num("c_h", nonNeg, "share of p", "harvest cost per unit of perishables", "0.6", func(s *scen) *float64 { return &s.Merchants.CostH }),
		num("rho_f", nonNeg, "share of G0", "fixed cost F = rho_f*G0, G0 the baseline daily net inflow before F", "0.8", func(s *scen) *float64 { return &s.Merchants.RhoF }),
		num("bufdays_median", nonNeg, "days of outlays", "median starting cash buffer C(0) (LogNormal)", "15-27 (default 20)", func(s *scen) *float64 { return &s.Merchants.BufDaysMedian }),
		num("bufdays_sd", nonNeg, "", "log-sd of the cash buffer", "0.8", func(s *scen) *float64 { return &s.Merchants.BufDaysSD }),
		num("creddays_max", nonNeg, "days of outlays", "credit line B ~ Uniform(0, creddays_max); a merchant exits when C < -B", "30", func(s *scen) *float64 { return &s.Merchants.CredDaysMax }),
		num("perishable_share", unit, "share", "share of perishable merchants", "0.05-0.3 (default 0.15)", func(s *scen) *float64 { return &s.Merchants.PerishShare }),
		integer("l", shelfLife, "days", "shelf life L of perishables (L FIFO cohorts per perishable merchant)", "3-42 (default 7)", func(s *scen) *int { return &s.Merchants.L }),
		num("h_buf", nonNeg, "share", "harvest margin over baseline demand: H = (1 + h_buf)*q0*s(t)", "0.05", func(s *scen) *float64 { return &s.Merchants.HBuf }),
		num("a_cap", nonNeg, "factor of q0", "alternative-channel capacity A_cap = a_cap*q0 units per day", "0.2", func(s *scen) *float64 { return &s.Merchants.ACapFactor }),
		num("p_s", nonNeg, "factor of p", "alternative-channel price p_s = p_s*p", "0.5", func(s *scen) *float64 { return &s.Merchants.PSFactor }),
		num("cover", nonNeg, "days of forecast demand", "order-up-to level of non-perishables", "7", func(s *scen) *float64 { return &s.Merchants.Cover }),
		num("tau_fc", atLeast1, "days", "demand-forecast smoothing time", "14", func(s *scen) *float64 { return &s.Merchants.TauFC }),
		num("price", positive, "KRW", "p: value of one unit (one order)", "35,000 (orders.aov)", func(s *scen) *float64 { return &s.Merchants.Price }),
		num("phi1p0", unit, "share", "baseline 1P share of orders", "0.5-0.8 (default 0.7)", func(s *scen) *float64 { return &s.Merchants.Phi1P0 }),
		num("dphi", nonNeg, "", "shift to 1P as demand falls: phi1P = phi1p0 + dphi*(1 - gbar), clamped to [0, 1]", "0-0.5 (default 0)", func(s *scen) *float64 { return &s.Merchants.DPhi }),
	}},
	{name: "staff", doc: "M8 fulfillment-centre staff and voluntary time off (VTO).", params: []param{
		num("omega_pool", unit, "share", "share of workers in the VTO-eligible flex pool", "0.05-0.5 (default 0.15)", func(s *scen) *float64 { return &s.Staff.OmegaPool }),
		num("q_bar", unit, "probability", "mean VTO acceptance propensity q ~ Beta(q_bar, q_sd)", "0.2-0.5 (default 0.35)", func(s *scen) *float64 { return &s.Staff.QBar }),
		num("q_sd", nonNeg, "", "sd of q (0: homogeneous); q_sd^2 < q_bar*(1-q_bar)", "0.15", func(s *scen) *float64 { return &s.Staff.QSD }),
		num("h_s", positive, "hours", "shift length", "8", func(s *scen) *float64 { return &s.Staff.HS }),
		num("u_star", unitHi, "share", "target utilisation of scheduled hours", "0.97", func(s *scen) *float64 { return &s.Staff.UStar }),
		num("s_tol", unitLo, "share", "slack tolerated before VTO is offered: VTO when needed hours < (1 - s_tol)*scheduled hours", "0.02", func(s *scen) *float64 { return &s.Staff.STol }),
		num("n_ppo", nonNeg, "parcels per order", "parcels created per order", "1.0", func(s *scen) *float64 { return &s.Staff.NPPO }),
		num("share_net", unit, "share", "share of 3P sales shipped through the platform's network", "0.5", func(s *scen) *float64 { return &s.Staff.ShareNet }),
		num("w_h", nonNeg, "KRW per hour", "hourly wage", "12,000", func(s *scen) *float64 { return &s.Staff.WH }),
		num("hf0", nonNeg, "per day", "baseline attrition hazard", "0.001", func(s *scen) *float64 { return &s.Staff.HF0 }),
		num("hf1", nonNeg, "per day", "attrition hazard per unit trailing VTO share l: hazard hf0 + hf1*l", "0.02", func(s *scen) *float64 { return &s.Staff.HF1 }),
		integer("l_window", bounds{1, 32, false, false}, "days", "window of the trailing VTO share l", "30", func(s *scen) *int { return &s.Staff.LWindow }),
	}},
	{name: "couriers", doc: "M9 couriers: participation, pay, income, quits and hires. Y0 = r_p*u_k0*k - k_c must be > 0; " +
		"omega_K = u_k0*pi_bar0*population.real_couriers*k/P0 must be <= 1, checked when a run starts (P0, the baseline parcels, comes from the model).", params: []param{
		num("k", positive, "parcels per working courier-day", "route capacity K", "300-380 (default 340)", func(s *scen) *float64 { return &s.Couriers.K }),
		num("pi_bar0", unitOpen, "probability", "mean baseline participation pi0 ~ Beta(pi_bar0, pi0_sd)", "0.6-0.8 (default 0.7)", func(s *scen) *float64 { return &s.Couriers.PiBar0 }),
		num("pi0_sd", nonNeg, "", "sd of pi0 (0: homogeneous); pi0_sd^2 < pi_bar0*(1-pi_bar0)", "0.1", func(s *scen) *float64 { return &s.Couriers.Pi0SD }),
		num("e", anyReal, "", "participation elasticity to income at baseline", "0.3-1.2 (default 1.2)", func(s *scen) *float64 { return &s.Couriers.E }),
		num("r_p", positive, "KRW per parcel", "pay per delivered parcel", "800 (+-30 %)", func(s *scen) *float64 { return &s.Couriers.RP }),
		num("k_c", nonNeg, "KRW per day", "cost of a working day", "40,000 (+-30 %)", func(s *scen) *float64 { return &s.Couriers.KC }),
		num("u_k0", unitHi, "share", "baseline route utilisation u_K0", "0.92 (+-30 %)", func(s *scen) *float64 { return &s.Couriers.UK0 }),
		num("tau_y", atLeast1, "days", "time constant of the income average Ybar", "14 (+-30 %)", func(s *scen) *float64 { return &s.Couriers.TauY }),
		num("s_y", positive, "fraction of Y0", "quit smoothing s_Y", "0.1 (+-30 %)", func(s *scen) *float64 { return &s.Couriers.SY }),
		num("ystar_median", positive, "fraction of Y0", "median daily living-cost target Ystar (LogNormal)", "1/1.2", func(s *scen) *float64 { return &s.Couriers.YStarMed }),
		num("ystar_sd", nonNeg, "", "log-sd of Ystar (0: homogeneous)", "0.15", func(s *scen) *float64 { return &s.Couriers.YStarSD }),
		num("hk0", nonNeg, "per day", "baseline quit hazard", "0.001-0.003 (default 0.0019)", func(s *scen) *float64 { return &s.Couriers.HK0 }),
		num("hk1", nonNeg, "per day", "extra quit hazard as income falls below Ystar: hk0 + hk1*Phi((Ystar - Ybar)/s_Y)", "0.01", func(s *scen) *float64 { return &s.Couriers.HK1 }),
		num("eta_h", nonNeg, "hires per courier-equivalent", "hires per courier-equivalent of unmet route capacity", "0.05", func(s *scen) *float64 { return &s.Couriers.EtaH }),
	}},
	{name: "jumps", doc: "M13 trust jumps of events (g closes a share of the gap to taus; j erodes).", params: []param{
		num("c_v", nonNeg, "", "voucher announcement g = c_v*ln(1 + v_core/v0)", "0-0.1", func(s *scen) *float64 { return &s.Jumps.CV }),
		num("v0", positive, "KRW", "voucher value scale", "10,000", func(s *scen) *float64 { return &s.Jumps.V0 }),
		num("c_bl", nonNeg, "", "backlash j at restrictive voucher terms", "0-0.05", func(s *scen) *float64 { return &s.Jumps.CBl }),
		num("g_issue", unit, "", "partial recovery g when vouchers become usable", "0-0.05", func(s *scen) *float64 { return &s.Jumps.GIssue }),
		num("g_ap0", unit, "", "apology g = g_ap0*exp(-delay/tau_ap)", "0-0.1", func(s *scen) *float64 { return &s.Jumps.GAp0 }),
		num("tau_ap", positive, "days", "decay of the apology's worth with delay", "30", func(s *scen) *float64 { return &s.Jumps.TauAp }),
		num("j_hear", nonNeg, "", "jump j at a parliamentary hearing", "0-0.05", func(s *scen) *float64 { return &s.Jumps.JHear }),
		num("j_contest", nonNeg, "", "jump j at a contested claim", "0-0.05", func(s *scen) *float64 { return &s.Jumps.JContest }),
	}},
	{name: "regulator", doc: "M11 regulator: findings and decision follow a probe_open event (timing in [levers]).", params: []param{
		num("j_find", nonNeg, "", "trust jump j on findings day", "0-0.1", func(s *scen) *float64 { return &s.Regulator.JFind }),
		integer("lag_s", days, "days", "from decision to suspension start", "0-90", func(s *scen) *int { return &s.Regulator.LagS }),
		num("findings_media", nonNeg, "attention", "media impulse on findings day", "0.5", func(s *scen) *float64 { return &s.Regulator.FindingsMedia }),
		num("decision_media", nonNeg, "attention", "media impulse on decision day at level S0", "0.5", func(s *scen) *float64 { return &s.Regulator.DecisionMedia }),
		num("decision_media_per_level", nonNeg, "attention", "added per sanction level", "0.1", func(s *scen) *float64 { return &s.Regulator.DecisionMediaL }),
		integer("susp_days_s3", days, "days", "default suspension at S3 (scope new)", "90", func(s *scen) *int { return &s.Regulator.SuspDaysS3 }),
		integer("susp_days_s4", days, "days", "default suspension at S4 (scope all)", "30", func(s *scen) *int { return &s.Regulator.SuspDaysS4 }),
		num("kappa_corr", nonNeg, "", "corrective order at S2 and above: cost kappa_corr*platform.r_rem over 90 days", "0-2", func(s *scen) *float64 { return &s.Regulator.KappaCorr }),
	}},
	{name: "platform", doc: "M10 platform books: revenue lines, costs, remediation.", params: []param{
		num("gm", unit, "share", "1P gross margin", "0.29", func(s *scen) *float64 { return &s.Platform.GM }),
		num("fee_w", nonNeg, "KRW per month", "WOW membership fee", "7,890", func(s *scen) *float64 { return &s.Platform.FeeW }),
		num("m_net", bounds{-1, 1, true, true}, "share of revenue", "baseline net margin; sets the fixed operating cost opex0", "0-0.03", func(s *scen) *float64 { return &s.Platform.MNet }),
		num("r_rem", nonNeg, "KRW", "remediation budget R_rem, spent over 90 days from the disclosure", "0-300e9", func(s *scen) *float64 { return &s.Platform.RRem }),
		num("m_ins", positive, "", "insider-breach cost multiplier on remediation", "1-1.3", func(s *scen) *float64 { return &s.Platform.MIns }),
	}},
	{name: "rivals", doc: "M12 rivals: aggregate sinks for churned consumers and lost basket share.", params: []param{
		{key: "names", kind: kTexts, doc: "the three non-focal platforms (rival_shock events number them 1..3)",
			ref: func(s *scen) any { return s.Rivals.Names[:] }},
		{key: "shares", kind: kFloats, b: positive, doc: "their non-focal basket shares; u_r0 = ln(share); sum to 1", typical: "0.5, 0.3, 0.2",
			ref: func(s *scen) any { return s.Rivals.Shares[:] }},
	}},
	{name: "seasonality", doc: "Monthly multipliers on visits and orders, shared by the shock and its twin.", params: []param{
		{key: "months", kind: kFloats, b: nonNeg, doc: "January first", typical: "1 each",
			ref: func(s *scen) any { return s.Seasonality[:] }},
	}},
	{name: "levers", doc: "Policy levers of MODEL.md §7 (the grid a policy sweep varies).", params: []param{
		{key: "sanction_level", kind: kLevel, doc: "S0 warning, S1 fine, S2 fine + orders, S3 partial suspension, S4 full suspension", typical: "case S1",
			ref: func(s *scen) any { return &s.Levers.SanctionLevel }},
		{key: "suspension_days", kind: kInt, b: days, unit: "days", doc: "suspension length", typical: "grid 0, 30, 90",
			omitted: -1, omitDoc: "the level's default (S3: regulator.susp_days_s3, S4: regulator.susp_days_s4, else none)",
			ref: func(s *scen) any { return &s.Levers.SuspensionDays }},
		{key: "suspension_scope", kind: kEnum, choices: []string{sim.ScopeNone, sim.ScopeNew, sim.ScopeAll},
			doc: "none; new: sign-ups blocked; all: no orders, sign-ups blocked, basket penalty", typical: "grid new, all",
			omitted: "", omitDoc: "the level's default (S3: new, S4: all, else none)",
			ref: func(s *scen) any { return &s.Levers.SuspensionScope }},
		integer("investigation_days", days1, "days", "T_inv: from disclosure to findings", "30-365; case 73", func(s *scen) *int { return &s.Levers.InvestigationDays }),
		integer("decision_delay_days", days, "days", "T_dec: from findings to decision", "0-180; case 90", func(s *scen) *int { return &s.Levers.DecisionDelayDays }),
		num("transparency", unit, "", "chi: the platform's transparency", "grid 0, 0.5, 1; case 0.2", func(s *scen) *float64 { return &s.Levers.Transparency }),
		integer("apology_delay_days", days, "days", "d_ap: the apology event happens at disclosure + d_ap", "0-30; case 29", func(s *scen) *int { return &s.Levers.ApologyDelayDays }),
		enum("voucher_design", []string{sim.VoucherNone, sim.VoucherCase, sim.VoucherFullCore, sim.VoucherCash},
			"case: 5,000 core + 45,000 non-core, 90 d, re-join; full_core: 50,000 core, 90 d; cash: 50,000, no expiry", "case",
			func(s *scen) *string { return &s.Levers.VoucherDesign }),
		num("follow_up_breach_accounts", nonNeg, "accounts", "size of the follow_up incident (0 removes it)", "grid 0, 165,000, 5e6; case 165,000", func(s *scen) *float64 { return &s.Levers.FollowUpAccounts }),
		{key: "political_cap", kind: kBool, doc: "cap the sanction at S2", typical: "false",
			ref: func(s *scen) any { return &s.Levers.PoliticalCap }},
		enum("sanction_effect", []string{sim.EffectBalanced, sim.EffectClosure, sim.EffectSignal},
			"decision-day jumps (xi_close, xi_sig): balanced (0.05, 0.01), closure (0.15, 0.005), signal (0.02, 0.03)", "balanced",
			func(s *scen) *string { return &s.Levers.SanctionEffect }),
		num("fine_pct", bounds{0, 3, false, false}, "% of trailing annual revenue", "fine phi_F at S1 and above (statutory cap 3 %)", "0, 0.5, 1, 3",
			func(s *scen) *float64 { return &s.Levers.FinePct }),
		enum("voucher_pnl", []string{sim.OnRedemption, sim.OnPledge},
			"voucher accounting: expensed when redeemed, or provisioned at announcement with the unredeemed part reversed at expiry", "on_redemption",
			func(s *scen) *string { return &s.Levers.VoucherPnL }),
	}},
	{name: "outputs", doc: "Date windows that outputs refer to (MODEL.md §5), both ends inclusive, within scenario.start..scenario.end.", params: []param{
		{key: "merchant_base", kind: kSpan, doc: "[from, to]: base of the merchant revenue change Rev(m)/Rev(base) - 1; cohort M0 = merchants alive on to",
			typical: "[2025-10-01, 2025-11-28]", ref: func(s *scen) any { return &s.Windows.MerchantBase }},
		{key: "vto_windows", kind: kSpans, b: bounds{0, agents.MaxVTOWindows, false, false},
			doc: "[[from, to], ...]: windows of distinct VTO acceptors DVA[from, to]", typical: "[[2025-12-01, 2026-01-15]]",
			ref: func(s *scen) any { return &s.Windows.VTO }},
	}},
}

// eventSection is the array-of-tables key of events.
const eventSection = "event"

// params maps "table.key" to its parameter; sectionOf maps table names.
var (
	params    = map[string]*param{}
	sectionOf = map[string]*section{}
)

func init() {
	for i := range sections {
		s := &sections[i]
		sectionOf[s.name] = s
		for j := range s.params {
			p := &s.params[j]
			p.table = s.name
			params[p.path()] = p
		}
	}
}

// evField is one key of an [[event]] table.
type evField struct {
	key     string
	kind    kind
	b       bounds
	choices []string
	ref     func(*sim.Event) any
	doc     string
}

var evFields = []evField{
	{key: "type", kind: kEnum, doc: "one of the types above", ref: func(e *sim.Event) any { return (*string)(&e.Type) }},
	{key: "date", kind: kDate, doc: "TOML local date in [scenario.start, scenario.end] (a record-only info event may lie outside); every type but apology",
		ref: func(e *sim.Event) any { return &e.Date }},
	{key: "label", kind: kText, doc: "free text for outputs", ref: func(e *sim.Event) any { return &e.Label }},
	{key: "media", kind: kFloat, b: nonNeg, doc: "attention impulse m >= 0; required except for incident (m = sens*(accounts/media.n_d)^alpha_n) and info (default 0)",
		ref: func(e *sim.Event) any { return &e.Media }},
	{key: "accounts", kind: kFloat, b: positive, doc: "incident: accounts exposed, > 0 (not on the follow_up incident)",
		ref: func(e *sim.Event) any { return &e.Accounts }},
	{key: "sens", kind: kFloat, b: unit, doc: "incident: sensitivity of the exposed fields, 0..1 (default 1)",
		ref: func(e *sim.Event) any { return &e.Sens }},
	{key: "follow_up", kind: kBool, doc: "incident: the follow-up breach (at most one); its accounts are levers.follow_up_breach_accounts",
		ref: func(e *sim.Event) any { return &e.FollowUp }},
	{key: "rival", kind: kInt, b: bounds{1, agents.Rivals, false, false}, doc: "rival_shock: which rival, 1..3 in rivals.names order",
		ref: func(e *sim.Event) any { return &e.Rival }},
	{key: "shift", kind: kFloat, b: anyReal, doc: "rival_shock: added to that rival's utility from date on",
		ref: func(e *sim.Event) any { return &e.Shift }},
	{key: "days", kind: kInt, b: days1, doc: "suspension: length in days, >= 1",
		ref: func(e *sim.Event) any { return &e.Days }},
	{key: "scope", kind: kEnum, choices: []string{sim.ScopeNew, sim.ScopeAll}, doc: `suspension: "new" (sign-ups blocked) or "all" (no orders either)`,
		ref: func(e *sim.Event) any { return &e.Scope }},
}

// eventRule says which keys an event type needs and which it may have
// (type is always needed and not listed).
type eventRule struct {
	typ       sim.EventType
	need, may []string
}

var eventRules = []eventRule{
	{sim.Incident, []string{"date", "accounts"}, []string{"label", "sens", "follow_up"}},
	{sim.ProbeOpen, []string{"date", "media"}, []string{"label"}},
	{sim.Political, []string{"date", "media"}, []string{"label"}},
	{sim.Hearing, []string{"date", "media"}, []string{"label"}},
	{sim.ContestedClaim, []string{"date", "media"}, []string{"label"}},
	{sim.Apology, []string{"media"}, []string{"label"}},
	{sim.VoucherAnnounce, []string{"date", "media"}, []string{"label"}},
	{sim.VoucherIssue, []string{"date", "media"}, []string{"label"}},
	{sim.Suspension, []string{"date", "media", "days", "scope"}, []string{"label"}},
	{sim.RivalShock, []string{"date", "media", "rival", "shift"}, []string{"label"}},
	{sim.Info, []string{"date"}, []string{"label", "media"}},
}

func ruleOf(t sim.EventType) *eventRule {
	for i := range eventRules {
		if eventRules[i].typ == t {
			return &eventRules[i]
		}
	}
	return nil
}

func evFieldOf(key string) *evField {
	for i := range evFields {
		if evFields[i].key == key {
			return &evFields[i]
		}
	}
	return nil
}

// applies reports whether an event of this rule may carry key.
func (r *eventRule) applies(key string, followUp bool) bool {
	if key == "type" {
		return true
	}
	if key == "accounts" && followUp {
		return false
	}
	for _, k := range append(r.need, r.may...) {
		if k == key {
			return true
		}
	}
	return false
}

// needs reports whether an event of this rule must carry key.
func (r *eventRule) needs(key string, followUp bool) bool {
	if key == "accounts" && followUp {
		return false
	}
	for _, k := range r.need {
		if k == key {
			return true
		}
	}
	return false
}

// eventKey is the key path of an event's field: event[3].date (1-based).
func eventKey(i int, key string) string {
	if key == "" {
		return fmt.Sprintf("event[%d]", i+1)
	}
	return fmt.Sprintf("event[%d].%s", i+1, key)
}
