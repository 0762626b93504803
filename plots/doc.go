// Package plots draws the figures of a batch from its summaries across
// replicates (package sim/output): fan charts of the shock against its
// no-breach twin, the effect with its 95 % interval, cumulative policy
// effects by group and lever set, merchant revenue-change distributions,
// spreads across agents over time, and responses to a lever.
//
// Every function returns a *Figure: one or more gonum/plot panels with a
// title, a legend row below the panels (so it never covers data), labelled
// event marks above time axes, and a caption line. Save writes a Figure as
// PNG and SVG. Colours are the Okabe-Ito palette, which colour-blind readers
// can tell apart; the shock is a solid line and its twin a dashed one, so the
// figures also read in greyscale.
//
// Values are shown in display units chosen from the metric's name and
// magnitude (M persons, KRW bn, %); Options.Unit overrides the choice.
package plots
