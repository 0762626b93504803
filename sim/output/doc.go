// Package output writes a batch of ripple results to disk: tidy long CSV
// tables (daily, weekly, monthly, quarterly, distributions) with the shock
// run, its no-breach twin and their paired effect per replicate; the policy
// summary (cumulative effects by group); a summary across replicates (mean,
// standard error, quantiles); and a manifest that records the resolved
// scenario, seed, versions and a checksum of every file. Files are
// byte-identical for identical results, and a directory is written
// atomically: readers see either the complete previous output or the complete
// new one.
package output
