package agents

import (
	"syscall"
	"unsafe"
)

// hugePages asks Linux to back the whole 2 MiB pages inside s with
// transparent huge pages (in the kernel's default "madvise" mode nothing is
// backed so without asking). Arrays read or written at random positions,
// like the network while it is built and the neighbour counts, then miss the
// TLB far less. It is advice: an error changes only speed, so it is dropped.
// Call it before the array is first written.
func hugePages[T any](s []T) {
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
	_ = syscall.Madvise(b[lo:hi], syscall.MADV_HUGEPAGE)
}
