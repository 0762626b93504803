package sim

import (
	"math"
	"time"

	"github.com/ripple-sim/ripple/agents"
)

// Date returns midnight UTC of a calendar date.
func Date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// DefaultScenario returns MODEL.md's defaults with the §7 case levers and no
// events: the empty world that a scenario file starts from.
func DefaultScenario() Scenario {
	s := Scenario{
		Name:       "default",
		Start:      Date(2025, 9, 1),
		Disclosure: Date(2025, 11, 29),
		End:        Date(2026, 12, 31),
		Population: Population{Consumers: 100_000, RealConsumers: 34.4e6,
			Merchants: 5_000, RealMerchants: 230_000,
			Couriers: 2_000, CourierSlots: 500, RealCouriers: 20_000,
			Staff: 5_000, StaffSlots: 1_000, RealStaff: 70_000, Scale: ScaleWeighted},
		Network: Network{Mode: NetConfig, MeanDegree: 15},
		Media:   MediaParams{TauF: 2.2, TauS: 60, SlowShare: 0.2, AlphaN: 0.5, ND: 33.7e6},
		Ambiguity: AmbiguityParams{UOpen: 0.6, TauOpen: 7, TauU: 21, URes: 0.15,
			DUc: 0.15, DUf: 0.05, DUpol: 0.05},
		Consumers: agents.ConsumerParams{
			TrustMean: 0.75, TrustSD: 0.10,
			PB: 0.98, BetaM: 1.5, BetaW: 0.5, PsiB: 0.3, PsiNB: 0.15, Gamma: 0.3, DeltaS: 0.1,
			R0: math.Ln2 / 180, Zeta: 1, CChi: 1.0, CSt: 0.5, JD: 0.10,
			AM: 0.002, AW: 0.005, AU: 0.0005, Phi: 0.3, PUnc: 0.25, CUnc: 0.05, SKappa: 0.6, Eta: 1.5,
			H0: 0.0005, H1: 0.02, AHalf: 0.3, DeltaMean: 0.15, DeltaSD: 0.07, STh: 0.03, HW: 0.002,
			PDel: 0.3, B0: 0.02, BNew: 0.005, BV: 0.002, BetaTau: 2.0, BetaM2: 0.5, HlSigma: 14,
			SigmaBar0: 0.6, DSusp: 1.0, PWOW: 0.4, HW0: 0.002, MW: 1.0,
			LambdaBar: 0.15, LambdaShape: 1, NuBar: 0.6, NuShape: 1.5, NuDorm: 0.005, EtaV: 1.0,
			NuChk: 0.3, NuVou: 0.3, LambdaV: 0.02, AOV: 35_000, PMS: 0.5, RhoNC: 0.3,
		},
		Jumps: JumpParams{CV: 0.03, V0: 10_000, CBl: 0.02, GIssue: 0.01, GAp0: 0.05, TauAp: 30,
			JHear: 0.01, JContest: 0.02},
		Regulator: RegulatorParams{JFind: 0.02, LagS: 30, FindingsMedia: 0.5, DecisionMedia: 0.5,
			DecisionMediaL: 0.1, SuspDaysS3: 90, SuspDaysS4: 30, KappaCorr: 0.5},
		Merchants: agents.DefaultMerchantParams(),
		Staff:     agents.DefaultStaffParams(),
		Couriers:  agents.DefaultCourierParams(),
		Platform:  PlatformParams{GM: 0.29, FeeW: 7_890, MNet: 0.010, RRem: 60e9, MIns: 1.18},
		Windows: Windows{
			MerchantBase: [2]time.Time{Date(2025, 10, 1), Date(2025, 11, 28)},
			VTO:          [][2]time.Time{{Date(2025, 12, 1), Date(2026, 1, 15)}},
		},
		Rivals: RivalParams{
			Names:  [agents.Rivals]string{"domestic_portal", "other_domestic", "cross_border"},
			Shares: [agents.Rivals]float64{0.5, 0.3, 0.2},
		},
		Levers: Levers{SanctionLevel: 1, SuspensionDays: -1, InvestigationDays: 73,
			DecisionDelayDays: 90, Transparency: 0.2, ApologyDelayDays: 29, VoucherDesign: VoucherCase,
			FollowUpAccounts: 165_000, SanctionEffect: EffectBalanced, FinePct: 1, VoucherPnL: OnRedemption},
	}
	for i := range s.Seasonality {
		s.Seasonality[i] = 1
	}
	return s
}
