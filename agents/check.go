package agents

import "fmt"

// Check verifies the consumer invariants of MODEL.md T1 and T6 after a day:
// every agent has exactly one valid status, 0 <= tau <= taus, sigma in
// [0, 1], and the neighbour counts equal a recount of the views (that
// no-account agents visit only on the day they delete is tested on the day's
// counts: sim's TestInvariants).
func (c *Consumers[F]) Check() error {
	for i := range c.Tau {
		switch {
		case c.Status[i] > NoAccount:
			return fmt.Errorf("consumer %d: status %d", i, c.Status[i])
		case c.Op[i] > Silent:
			return fmt.Errorf("consumer %d: opinion %d", i, c.Op[i])
		case !(c.Tau[i] >= 0 && c.Tau[i] <= c.TauS[i]):
			return fmt.Errorf("consumer %d: trust %v outside [0, %v]", i, c.Tau[i], c.TauS[i])
		case !(c.Sigma[i] >= 0 && c.Sigma[i] <= 1):
			return fmt.Errorf("consumer %d: basket share %v outside [0, 1]", i, c.Sigma[i])
		case c.Op[i] == Unaware && c.Tau[i] != c.TauS[i]:
			return fmt.Errorf("consumer %d: unaware with trust %v != baseline %v", i, c.Tau[i], c.TauS[i])
		}
	}
	return c.checkHeard()
}
