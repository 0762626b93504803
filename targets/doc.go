// Package targets checks a batch against the calibration targets of
// MODEL.md §8 (CT-1..CT-10).
//
// A targets file is TOML: one [[target]] per target with its id, the
// statistic in words, the kind of comparison (band, point, upper, lower or
// sign), its numbers (lo, hi, value, tol, flag_above) and a weight. The
// targets of the kr_coupang_2025 preset are embedded (Default); Parse reads
// another file.
//
// Evaluate computes each statistic per replicate from the shock and twin
// tables of a run (as output.Replay reads them back), then
// describes it across replicates: the mean and its 95 % Student-t interval.
// A target passes when the mean meets it; the interval is shown, not tested.
// What each statistic is computed from:
//
//	CT-1   monthly mau of the shock: MAU(Jan)/MAU(Dec) - 1
//	CT-2   the same: [MAU(Dec)/MAU(Nov) - 1] / [MAU(Jan)/MAU(Dec) - 1]; both changes' means must be < 0
//	CT-3   distributions hcm of the shock in January
//	CT-3b  distributions rev_change_p*_perishable_dep_* in January, mixed into one P10 by the
//	       classes' shares (an approximation: the outputs hold per-class quantiles only); and
//	       daily perishable_stock, mean over January / mean over the merchant base window, > 1
//	CT-4   distributions dva_k of the VTO window at the end of the window's last month;
//	       Flagged above flag_above
//	CT-5   distributions courier_income_change_p50 in January < 0; and the identity: the
//	       change of monthly sums of daily courier_gross_pay, Nov to Jan, equals that of
//	       parcels_delivered within 1e-9 in every replicate
//	CT-6   daily revenue summed over Q4: shock / twin - 1
//	CT-7   daily net_profit summed over Q4: twin mean > 0 and shock mean < 0
//	CT-8   daily c0_reduced of the shock (cohort C0: Active on D0-1; the share not Active or
//	       with g < 0.95), mean over D0+30..D0+180
//	CT-9   daily orders: (shock - the shock without the follow-up breach) summed over
//	       2026-02-05..02-18, over (shock - twin) summed over D0..D0+13; the run without the
//	       follow-up comes from Accumulator.AddNoFollowUp (a lever set of the same point, which
//	       NoFollowUp finds), else CT-9 is not computed
//	CT-10  quarterly purchasers, shock - twin < 0, and wow_cancellations, shock - twin > 0
//
// An Accumulator computes the same checks from replicates fed one at a time
// (Add), for batches streamed rather than held: Evaluate is a loop over Add.
//
// Dates come from the statistic's text (YYYY-MM, YYYY-MM-DD, YYYY-MM-DD..MM-DD,
// D0+a..D0+b, Qn-YYYY), else
// MODEL.md's; the disclosure date, the merchant base window and the VTO
// windows come from the run's scenario.
package targets
