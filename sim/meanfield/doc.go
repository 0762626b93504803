// Package meanfield is the deterministic mean-field companion of MODEL.md M14:
// the engine's daily map in §2 order with expected values instead of draws,
// returned by Run as one replicate in the engine's table layout (metrics
// without a counterpart are absent). The forcing is the engine's own, bit for
// bit (sim.Scenario.Forcing). Consumers are classes of identical agents
// (breached or not, unconcerned or not, and quadrature nodes of e_i, lambda_i
// and delta_i; see Options) on the complete graph (config is treated as
// complete), each split into cohorts by the day its members became aware; a
// cell has one trust, the share of its members in each account state (Active
// with or without WOW, Churned and NoAccount with or without the left-aware
// flag), their basket shares, and markers (vouchers, rival destinations, no
// visit yet this month or week, no order yet this quarter) from which MAU,
// WAU and purchasers follow. Choices where MODEL.md is silent: xU and xS follow
// M3's MF lines; the basket target uses yesterday's membership; within a
// lambda bin kappa takes the bin's mean of (lambda/lambda_bar)^-phi, and a
// tilted twin of the class (its lambda-weighted mean) carries orders, gbar and
// rivals' GMV; small or near-identical new cohorts merge into the previous
// one. With homogeneous traits every consumer metric is exact in expectation
// (up to O(1/N) with word of mouth), except that the chance of an order, the
// voucher redemptions and rivals' baskets use each state's mean basket share;
// otherwise it approximates (on the preset, Active, orders, MAU and revenue
// within about 1 % of the engine's mean at 1e5 agents). The economy runs the
// engine's merchant kernel (deterministic given demand) on the merchant
// sample of seed 1, replicate 0, fulfillment staff and couriers as expected
// headcounts by trait node, and the engine's books.
package meanfield
