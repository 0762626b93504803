package agents

import "unsafe"

// Bytes returns the memory held by the network's arrays, whatever their
// element types.
func (g *Network) Bytes() int {
	return len(g.Offsets)*int(unsafe.Sizeof(g.Offsets[0])) + len(g.Nbrs)*int(unsafe.Sizeof(g.Nbrs[0]))
}
