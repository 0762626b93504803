package agents

// ConsumerParams are the consumer-side parameters of MODEL.md M3-M6 and the
// voucher rules. Rates are per day; names follow MODEL.md.
type ConsumerParams struct {
	// Trust baseline taus ~ Beta(TrustMean, TrustSD) (M4). SD 0 makes it homogeneous.
	TrustMean, TrustSD float64

	// M3 awareness and word of mouth.
	PB            float64 // share of consumers whose data were breached
	BetaM, BetaW  float64 // awareness hazard per unit media attention / spreader share
	PsiB, PsiNB   float64 // P(newly aware becomes a spreader), breached / not breached
	Gamma, DeltaS float64 // spreader -> silent: per aware-neighbour share, and spontaneous

	// M4 trust.
	R0     float64 // recovery rate (ln2/half-life)
	Zeta   float64 // ambiguity exponent on recovery
	CChi   float64 // transparency multiplier on recovery
	CSt    float64 // stealing thunder: incident jump falls by CSt*chi
	JD     float64 // trust jump of the main incident
	AM, AW float64 // erosion per unit media attention / spreader share
	AU     float64 // erosion per unit ambiguity
	Phi    float64 // forgiveness elasticity of heavy buyers
	PUnc   float64 // privacy-unconcerned share
	CUnc   float64 // their sensitivity multiplier
	SKappa float64 // log-sd of idiosyncratic sensitivity e_i
	Eta    float64 // purchase propensity g = (tau/taus)^Eta

	// M5 multi-homing and churn.
	H0, H1        float64 // baseline churn hazard; breach-news hazard at full threshold crossing
	AHalf         float64 // news-day half-saturation of fast attention
	DeltaMean     float64 // mean churn threshold on the trust deficit
	DeltaSD       float64 // its sd (Beta); 0 makes it homogeneous
	STh           float64 // threshold smoothing
	HW            float64 // social reinforcement by aware leavers
	PDel          float64 // P(account deleted | churn)
	B0, BNew, BV  float64 // return of churned, sign-up of no-account, voucher pull
	BetaTau       float64 // basket utility per unit trust
	BetaM2        float64 // basket utility of WOW membership (beta_m)
	HlSigma       float64 // basket share half-life (days)
	SigmaBar0     float64 // mean baseline basket share
	DSusp         float64 // basket penalty during a full suspension
	PWOW, HW0, MW float64 // baseline WOW share; cancel hazard; its churn multiplier

	// M6 visits and orders.
	LambdaBar   float64 // mean orders per day (Gamma shape 1)
	LambdaShape float64
	NuBar       float64 // mean visits per day (Gamma shape 1.5)
	NuShape     float64
	NuDorm      float64 // visits of dormant (churned) accounts
	EtaV        float64 // visit response to g
	NuChk       float64 // check visits of breached, aware consumers per unit fast attention
	NuVou       float64 // extra visit mean on voucher issue day
	LambdaV     float64 // extra orders while holding an unredeemed core voucher
	AOV         float64 // average order value, KRW
	PMS         float64 // P(minimum spend met) for non-members
	RhoNC       float64 // share of non-core balance used by expiry
}

// Rivals are the non-focal platforms of M12: baseline basket shares and the
// shifts scheduled for their utilities.
const Rivals = 3
