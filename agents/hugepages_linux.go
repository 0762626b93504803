package agents

import (
	"syscall"
	"unsafe"
)

// hugePages asks Linux to back the whole 2 MiB pages inside s with
// transparent huge pages (in the kernel's default "madvise" mode nothing is
// backed so without asking), or with on false to stop doing so. Arrays read
// or written at random positions, like the network while it is built and
// the neighbour counts, then miss the TLB far less. Call it before the array
// is first written, and with false before dropping an array whose memory the
// Go heap will reuse: otherwise the kernel keeps refilling huge pages there
// that the heap has partly returned, and the resident size creeps up. It is
// advice: an error changes only speed, so it is dropped.
func hugePages[T any](s []T, on bool) {
	if cap(s) == 0 {
		return
	}
	var v T
	b := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), cap(s)*int(unsafe.Sizeof(v)))
	const huge = 2 << 20
	start := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	lo := int((huge - start%huge) % huge)
	hi := len(b) - int((start+uintptr(len(b)))%huge)
	if hi-lo < huge {
		return
	}
	advice := syscall.MADV_HUGEPAGE
	if !on {
		advice = syscall.MADV_NOHUGEPAGE
	}
	_ = syscall.Madvise(b[lo:hi], advice)
}
