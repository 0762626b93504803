// Package agents holds ripple's agent populations as structs of arrays, with
// the daily kernels that update a half-open index range [lo, hi) and write
// per-shard partial sums. Kernels read other agents only through the previous
// day's buffers, never start goroutines and do no I/O; package sim owns the day
// loop, the shards and the reductions.
package agents
