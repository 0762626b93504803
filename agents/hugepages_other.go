//go:build !linux

package agents

// hugePages is a no-op outside Linux.
func hugePages[T any](s []T, on bool) {}
