//go:build race

package output

// raceEnabled: the race detector drops sync.Pool items at random, so
// allocation counts mean nothing.
const raceEnabled = true
