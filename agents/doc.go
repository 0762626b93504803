// Package agents holds ripple's agent populations as structs of arrays, with
// the daily kernels that update a half-open index range [lo, hi) and write
// per-shard partial sums. Kernels read other agents only through the previous
// day's buffers, never start goroutines and do no I/O; package sim owns the day
// loop, the shards and the reductions. Consumers see their neighbours through
// counts of the neighbours' views of the day before, which Tally updates from
// the day's changes once every shard has stepped.
//
// Consumers[F] stores its real-valued traits, trust, basket shares and voucher
// wallets as F: float64 in the default (weighted) mode, float32 in full-scale
// mode, where MODEL.md §1 allows float32 with a deterministic tolerance of
// 1e-5 and the 33.7 M consumers must fit in 128 bytes each with the network.
// The kernel computes in float64 and rounds only when it stores, so
// Consumers[float64] is the float64 model bit for bit; sim's
// TestFullScaleAgreesWithWeighted measures what float32 changes.
package agents
