// Package benchmarks holds ripple's end-to-end benchmarks. Speed targets are
// ratios measured in one run (for example the consumer kernel against a
// streaming loop over the same bytes), never timed tests; see README.md.
package benchmarks
