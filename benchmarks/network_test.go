package benchmarks

import (
	"fmt"
	"testing"
	"unsafe"

	"github.com/ripple-sim/ripple/agents"
	"github.com/ripple-sim/ripple/sim/rng"
)

// BenchmarkConfigModel builds the configuration-model network of MODEL.md M3
// at mean degree 15 with 1 and 2 workers. Metrics:
//
//   - ns/stub: wall time per stub kept in Nbrs (about 15 per node: the drawn
//     stubs less the few self-loops and repeats dropped), flat in n when the
//     cost is linear;
//   - ns/node: the same per node;
//   - B/node: bytes of the result (Offsets and Nbrs) per node.
//
// The 1e7 case takes a few seconds an op: run it with -benchtime 1x.
func BenchmarkConfigModel(b *testing.B) {
	for _, n := range []int{1e5, 1e6, 1e7} {
		for _, workers := range []int{1, 2} {
			b.Run(fmt.Sprintf("n=%d/workers=%d", n, workers), func(b *testing.B) {
				key := rng.NewKey(1, 0)
				var g agents.Network
				for b.Loop() {
					var err error
					g, err = agents.ConfigModelWorkers(n, 15, key, workers)
					if err != nil {
						b.Fatal(err)
					}
				}
				ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
				b.ReportMetric(ns/float64(len(g.Nbrs)), "ns/stub")
				b.ReportMetric(ns/float64(n), "ns/node")
				b.ReportMetric(float64(len(g.Offsets)*int(unsafe.Sizeof(g.Offsets[0]))+len(g.Nbrs)*int(unsafe.Sizeof(g.Nbrs[0])))/float64(n), "B/node")
			})
		}
	}
}
