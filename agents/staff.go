package agents

import (
	"errors"
	"fmt"
	"math"
	"math/bits"

	"github.com/ripple-sim/ripple/sim/rng"
)

// Bits of Staff.Flags. Roster relies on StaffActive being bit 0 and StaffPool bit 1.
const (
	StaffActive uint8 = 1 << iota // employed (Active); clear means Reserve
	StaffPool                     // in the VTO-eligible flex pool
	StaffEver                     // the slot has been Active at least once

	staffFlagMask = StaffActive | StaffPool | StaffEver
)

// MaxVTOWindows is the number of date windows for which Staff keeps an
// "accepted >= 1 VTO shift" flag (bits of Staff.Win).
const MaxVTOWindows = 8

// hireEntity is the rng entity of the daily hire-rounding uniform; no worker
// has this index.
const hireEntity = math.MaxUint64

// StaffParams are the fulfillment-centre parameters of MODEL.md M8.
type StaffParams struct {
	OmegaPool float64 // share of workers in the VTO-eligible flex pool
	QBar, QSD float64 // VTO acceptance propensity q ~ Beta(mean QBar, sd QSD); QSD 0 is homogeneous
	HS        float64 // shift length h_s, hours
	UStar     float64 // target utilisation u_star
	STol      float64 // slack tolerated before VTO is offered, s_tol
	NPPO      float64 // parcels per order n_ppo
	ShareNet  float64 // share of 3P sales shipped through the platform's network
	WH        float64 // hourly wage w_h, KRW
	HF0, HF1  float64 // attrition hazard hF0 + hF1*l per day
	LWindow   int     // days in the trailing VTO share l (1-32)
}

// DefaultStaffParams returns the defaults of MODEL.md M8.
func DefaultStaffParams() StaffParams {
	return StaffParams{
		OmegaPool: 0.15, QBar: 0.35, QSD: 0.15,
		HS: 8, UStar: 0.97, STol: 0.02,
		NPPO: 1.0, ShareNet: 0.5, WH: 12000,
		HF0: 0.001, HF1: 0.02, LWindow: 30,
	}
}

// Check reports the first parameter outside its domain.
func (p StaffParams) Check() error {
	in01 := func(x float64) bool { return x >= 0 && x <= 1 }
	switch {
	case !in01(p.OmegaPool):
		return fmt.Errorf("omega_pool = %v: must be in [0, 1]", p.OmegaPool)
	case !in01(p.QBar):
		return fmt.Errorf("q_bar = %v: must be in [0, 1]", p.QBar)
	case !(p.QSD >= 0) || (p.QSD > 0 && p.QSD*p.QSD >= p.QBar*(1-p.QBar)):
		return fmt.Errorf("q_sd = %v: must be >= 0 with q_sd^2 < q_bar*(1-q_bar) = %v", p.QSD, p.QBar*(1-p.QBar))
	case !(p.HS > 0):
		return fmt.Errorf("h_s = %v: must be > 0 hours", p.HS)
	case !(p.UStar > 0 && p.UStar <= 1):
		return fmt.Errorf("u_star = %v: must be in (0, 1]", p.UStar)
	case !(p.STol >= 0 && p.STol < 1):
		return fmt.Errorf("s_tol = %v: must be in [0, 1)", p.STol)
	case !(p.NPPO >= 0):
		return fmt.Errorf("n_ppo = %v: must be >= 0", p.NPPO)
	case !in01(p.ShareNet):
		return fmt.Errorf("share_net = %v: must be in [0, 1]", p.ShareNet)
	case !(p.WH >= 0):
		return fmt.Errorf("w_h = %v: must be >= 0", p.WH)
	case !(p.HF0 >= 0) || !(p.HF1 >= 0):
		return fmt.Errorf("hF0 = %v, hF1 = %v: must be >= 0", p.HF0, p.HF1)
	case p.LWindow < 1 || p.LWindow > 32:
		return fmt.Errorf("VTO share window = %d days: must be 1-32", p.LWindow)
	}
	return nil
}

// Staff is the FC workforce as a struct of arrays: Active workers plus
// Reserve slots for hires. Slot k holds one person at a time; a hire puts a new
// person (new traits) into a Reserve slot.
type Staff struct {
	P   StaffParams
	Key rng.Key // draws: InitStaff at day -1, VTO on day t
	N0  int     // Active headcount at start: the staffing target of Hires

	Flags  []uint8   // StaffActive, StaffPool, StaffEver
	Q      []float64 // VTO acceptance propensity q_k
	Offset []uint8   // roster offset o_k in 0..6; off when (t+o) mod 7 is 0 or 1
	// Hist is the trailing-day ring behind l: bit j of the low word is set if
	// the worker accepted VTO j days ago (j = 0 is the last day stepped), bit j
	// of the high word if it was scheduled. Exact over LWindow days.
	Hist []uint64
	Win  []uint8 // bit w: accepted >= 1 VTO shift inside window w

	// Departed counts, per window, acceptors whose slot has since been refilled
	// by a hire: they still count in DVA.
	Departed [MaxVTOWindows]int64

	src counter // draw source for Hire, kept here so Hire does not allocate it
}

// NewStaff draws n Active workers and reserve Reserve slots from the InitStaff
// stream of key (day -1). Pool membership and q are drawn per worker; roster
// offsets are balanced, o_k = (k + r) mod 7 with one random r, so every weekday
// has the same scheduled headcount up to n mod 7 (i.i.d. offsets would add
// about 1/sqrt(n) weekday noise to Hs, which s_tol = 2% turns into baseline VTO
// that depends on n).
func NewStaff(n, reserve int, p StaffParams, key rng.Key) *Staff {
	m := n + reserve
	s := &Staff{
		P: p, Key: key, N0: n,
		Flags: make([]uint8, m), Q: make([]float64, m), Offset: make([]uint8, m),
		Hist: make([]uint64, m), Win: make([]uint8, m),
	}
	d := key.Day(rng.InitStaff, -1)
	r := int(d.U(hireEntity, 0) * 7)
	for k := range m {
		e := uint64(k)
		if k < n {
			s.Flags[k] = StaffActive | StaffEver
		}
		if d.U(e, 1) < p.OmegaPool {
			s.Flags[k] |= StaffPool
		}
		s.src = counter{d: d, entity: e, slot: 100}
		s.Q[k] = betaMeanSD(p.QBar, p.QSD, &s.src)
		s.Offset[k] = uint8((k + r) % 7)
	}
	return s
}

// Len returns the number of slots, Active and Reserve.
func (s *Staff) Len() int { return len(s.Flags) }

// Headcount returns the number of Active workers.
func (s *Staff) Headcount() int {
	a := 0
	for _, f := range s.Flags {
		a += int(f & StaffActive)
	}
	return a
}

// StaffDay carries one day's inputs to Staff.Step.
type StaffDay struct {
	T       int
	Offer   float64 // VTO offer o(t) in [0, 1], from VTOOffer
	Windows uint8   // bit w set when day T lies in VTO window w (VTOWindowMask)
}

// StaffPartial is one shard's contribution to the day's FC aggregates (agent
// counts; multiply by w_F for real units). Roster fills the first block, Step
// the second; reset the partial before Roster.
type StaffPartial struct {
	Sched     int64   // scheduled workers (Roster)
	PoolSched int64   // of which in the VTO pool (Roster)
	SumQPool  float64 // sum of q over scheduled pool workers (Roster)

	Accepted int64                // VTO shifts accepted (Step)
	Left     int64                // attrition Active -> Reserve (Step)
	Active   int64                // Active after attrition (Step)
	NewAcc   [MaxVTOWindows]int64 // workers accepting for the first time in window w (Step)
}

// Add adds q to p. Reduce shard partials in shard order.
func (p *StaffPartial) Add(q *StaffPartial) {
	p.Sched += q.Sched
	p.PoolSched += q.PoolSched
	p.SumQPool += q.SumQPool
	p.Accepted += q.Accepted
	p.Left += q.Left
	p.Active += q.Active
	for w := range p.NewAcc {
		p.NewAcc[w] += q.NewAcc[w]
	}
}

// schedMask returns the offsets scheduled on day t as bits: o is off when
// (t + o) mod 7 is 0 or 1.
func schedMask(t int) uint8 {
	a := ((-t)%7 + 7) % 7
	return 0x7f &^ (1<<a | 1<<((a+1)%7))
}

// Roster counts the scheduled workers of [lo, hi) on day t (Active and
// (t + o_k) mod 7 not in {0, 1}: 5 days of 7) and sums q over the scheduled
// pool workers, adding both to p. It changes no state.
func (s *Staff) Roster(lo, hi, t int, p *StaffPartial) {
	on := schedMask(t)
	var n, np int64
	sq := 0.0
	flags := s.Flags[lo:hi]
	offs, q := s.Offset[lo:hi][:len(flags)], s.Q[lo:hi][:len(flags)]
	for i, f := range flags {
		// Branch-free: sched = Active and on(o); pool = sched and Pool.
		sched := uint64(on>>(offs[i]&7)) & uint64(f) & 1
		pool := sched & uint64(f>>1)
		n += int64(sched)
		np += int64(pool)
		sq += math.Float64frombits(math.Float64bits(q[i]) & -pool)
	}
	p.Sched += n
	p.PoolSched += np
	p.SumQPool += sq
}

// Step runs the day for workers [lo, hi) after the caller has set d.Offer:
// each scheduled pool worker accepts VTO with probability o*q_k (uniform slot
// 0 of stream VTO), the trailing VTO share and window flags are updated, and
// each Active worker leaves for Reserve with probability
// 1 - exp(-(hF0 + hF1*l_k)) (slot 1), where l_k = VTO shifts accepted / shifts
// scheduled over the last LWindow days, today included (0 if none scheduled).
// It adds the shard's counts to p and does not allocate.
func (s *Staff) Step(lo, hi int, d *StaffDay, p *StaffPartial) {
	P := &s.P
	kV := s.Key.Day(rng.VTO, d.T)
	on := schedMask(d.T)
	m := s.ringMask()
	keep := (m << 1) & m // bits 1..L-1 survive the shift
	keep |= keep << 32
	offer := d.Offer
	hF0, hF1 := P.HF0, P.HF1
	var acc, left, active int64
	var newAcc [MaxVTOWindows]int64
	for i := lo; i < hi; i++ {
		f := s.Flags[i]
		if f&StaffActive == 0 {
			continue
		}
		e := uint64(i)
		h := (s.Hist[i] << 1) & keep
		if on>>(s.Offset[i]&7)&1 != 0 {
			h |= 1 << 32
			if f&StaffPool != 0 && offer > 0 && kV.U(e, 0) < offer*s.Q[i] {
				h |= 1
				acc++
				if nw := d.Windows &^ s.Win[i]; nw != 0 {
					s.Win[i] |= nw
					for ; nw != 0; nw &= nw - 1 {
						newAcc[bits.TrailingZeros8(nw)]++
					}
				}
			}
		}
		s.Hist[i] = h
		haz := hF0
		if a := uint32(h); a != 0 && hF1 != 0 {
			haz += hF1 * float64(bits.OnesCount32(a)) / float64(bits.OnesCount32(uint32(h>>32)))
		}
		if occurs(kV.U(e, 1), haz) {
			s.Flags[i] = f &^ StaffActive
			left++
		} else {
			active++
		}
	}
	p.Accepted += acc
	p.Left += left
	p.Active += active
	for w := range newAcc {
		p.NewAcc[w] += newAcc[w]
	}
}

// ExpectedHires is the expected baseline attrition N0*(1 - exp(-hF0)): hiring
// it every day keeps the expected headcount at N0 when l = 0 (the twin), while
// extra attrition caused by VTO is not backfilled.
func (s *Staff) ExpectedHires() float64 { return float64(s.N0) * hazardP(s.P.HF0) }

// Hires returns the day's hires: ExpectedHires stochastically rounded with one
// uniform of stream VTO on day t (the same in a shock run and its twin).
func (s *Staff) Hires(t int) int {
	return StochRound(s.ExpectedHires(), s.Key.Day(rng.VTO, t).U(hireEntity, 0))
}

// Hire activates up to k Reserve slots on day t, in index order (so slots
// freed by attrition are refilled before never-used ones), and returns the
// number hired; call it after every shard has stepped. A hire is a new person:
// pool flag and q are redrawn (stream VTO, day t, slots 2 and 100+), the
// trailing VTO history and window flags are cleared (a previous occupant's
// window flags move to Departed, so DVA still counts them), and the roster
// offset goes to the offset pattern with the fewest Active workers (ties from
// t mod 7 upward), which keeps the weekday headcount balanced under turnover.
func (s *Staff) Hire(t, k int) int {
	if k <= 0 {
		return 0
	}
	var cnt [8]int
	offs := s.Offset[:len(s.Flags)]
	for i, f := range s.Flags {
		cnt[offs[i]&7] += int(f & StaffActive)
	}
	kH := s.Key.Day(rng.VTO, t)
	p := &s.P
	hired, i := 0, 0
	for ; hired < k; i++ {
		for i < len(s.Flags) && s.Flags[i]&StaffActive != 0 {
			i++
		}
		if i == len(s.Flags) {
			break
		}
		e := uint64(i)
		for w := s.Win[i]; w != 0; w &= w - 1 {
			s.Departed[bits.TrailingZeros8(w)]++
		}
		f := StaffActive | StaffEver
		if kH.U(e, 2) < p.OmegaPool {
			f |= StaffPool
		}
		s.Flags[i] = f
		s.src = counter{d: kH, entity: e, slot: 100}
		s.Q[i] = betaMeanSD(p.QBar, p.QSD, &s.src)
		start := (t%7 + 7) % 7
		best := start
		for o := range 7 {
			if c := (start + o) % 7; cnt[c] < cnt[best] {
				best = c
			}
		}
		cnt[best]++
		s.Offset[i] = uint8(best)
		s.Hist[i], s.Win[i] = 0, 0
		hired++
	}
	return hired
}

// Acceptors returns the number of workers (agents) who accepted >= 1 VTO
// shift in window w, including those who have since left.
func (s *Staff) Acceptors(w int) int64 {
	n := s.Departed[w]
	b := uint8(1) << w
	for _, x := range s.Win {
		if x&b != 0 {
			n++
		}
	}
	return n
}

// DVA returns the distinct VTO acceptors of window w in real units (MODEL.md
// §5): wF times Acceptors(w).
func (s *Staff) DVA(w int, wF float64) float64 { return wF * float64(s.Acceptors(w)) }

// VTOWindow is a closed range of day indices [From, To] for DVA.
type VTOWindow struct{ From, To int }

// VTOWindowMask returns the bits of the windows (at most MaxVTOWindows) that
// contain day t: StaffDay.Windows.
func VTOWindowMask(ws []VTOWindow, t int) uint8 {
	var m uint8
	for w, r := range ws[:min(len(ws), MaxVTOWindows)] {
		if t >= r.From && t <= r.To {
			m |= 1 << w
		}
	}
	return m
}

// FCParcels returns P_created = n_ppo*(Q1P + share_net*sold3P), with sold3P
// = sum_j w_M*sold_j in real units.
func FCParcels(p StaffParams, q1P, sold3P float64) float64 {
	return p.NPPO * (q1P + p.ShareNet*sold3P)
}

// FCBaselineHours returns the expected baseline scheduled hours Hs0 =
// 5/7*active*h_s*wF.
func FCBaselineHours(p StaffParams, wF float64, active int) float64 {
	return 5.0 / 7.0 * float64(active) * p.HS * wF
}

// FCProductivity returns pi_FC = P0/(u_star*Hs0), parcels per worked hour, so
// that baseline parcels P0 need exactly Hs0 at utilisation u_star.
func FCProductivity(p StaffParams, p0, hs0 float64) float64 {
	return p0 / (p.UStar * hs0)
}

// VTOOffer computes the day's VTO offer from the Roster totals (nSched
// scheduled workers, sumQPool the sum of their pool members' q), the parcels
// to process pFC = P_created + BL_fc(t-1), seasonality s, baseline hours hs0
// and productivity piFC:
//
//	Hs = wF*h_s*nSched + max(0, s-1)*Hs0, Hneed = pFC/(piFC*u_star),
//	nV = (Hs - Hneed)/h_s if Hneed < (1 - s_tol)*Hs else 0,
//	o  = min(1, nV/(wF*sumQPool)).
//
// With shifts to release but no pool worker scheduled, o is 1.
func VTOOffer(p StaffParams, wF, nSched, sumQPool, pFC, s, hs0, piFC float64) (hs, hneed, nV, o float64) {
	hs = wF*p.HS*nSched + max(0, s-1)*hs0
	hneed = pFC / (piFC * p.UStar)
	if hneed < (1-p.STol)*hs {
		nV = (hs - hneed) / p.HS
		o = 1
		if d := wF * sumQPool; d > 0 {
			o = min(1, nV/d)
		}
	}
	return hs, hneed, nV, o
}

// FCProcess returns the day's worked hours Hwork = Hs - wF*h_s*accepted,
// processed parcels P_proc = min(pFC, piFC*Hwork), the new backlog
// BL_fc = pFC - P_proc and the wage bill w_h*Hwork (VTO hours are unpaid).
func FCProcess(p StaffParams, wF, hs, accepted, pFC, piFC float64) (hwork, pProc, backlog, wages float64) {
	hwork = hs - wF*p.HS*accepted
	pProc = min(pFC, piFC*hwork)
	return hwork, pProc, pFC - pProc, p.WH * hwork
}

// Clone returns an independent copy; the shock run and its twin start from clones.
func (s *Staff) Clone() *Staff {
	d := *s
	d.Flags, d.Q, d.Offset, d.Hist, d.Win = clone(s.Flags), clone(s.Q), clone(s.Offset), clone(s.Hist), clone(s.Win)
	return &d
}

// Bytes returns the memory held by the arrays.
func (s *Staff) Bytes() int {
	return len(s.Flags) + 8*len(s.Q) + len(s.Offset) + 8*len(s.Hist) + len(s.Win)
}

// Check verifies the staff invariants: known flag bits only, Active slots
// marked as ever active, q in [0, 1], offsets in 0..6, VTO history within the
// window with acceptances only on scheduled days, and history or window flags
// only on slots that were ever active.
func (s *Staff) Check() error {
	if len(s.Q) != len(s.Flags) || len(s.Offset) != len(s.Flags) || len(s.Hist) != len(s.Flags) || len(s.Win) != len(s.Flags) {
		return errors.New("staff: arrays of different lengths")
	}
	m := s.ringMask()
	for k, f := range s.Flags {
		h := s.Hist[k]
		switch {
		case f&^staffFlagMask != 0:
			return fmt.Errorf("staff %d: flags %#x", k, f)
		case f&StaffActive != 0 && f&StaffEver == 0:
			return fmt.Errorf("staff %d: active but not marked ever active", k)
		case !(s.Q[k] >= 0 && s.Q[k] <= 1):
			return fmt.Errorf("staff %d: q = %v outside [0, 1]", k, s.Q[k])
		case s.Offset[k] > 6:
			return fmt.Errorf("staff %d: roster offset %d", k, s.Offset[k])
		case h&^(m|m<<32) != 0:
			return fmt.Errorf("staff %d: VTO history %#x beyond %d days", k, h, s.P.LWindow)
		case uint32(h)&^uint32(h>>32) != 0:
			return fmt.Errorf("staff %d: VTO accepted on an unscheduled day (%#x)", k, h)
		case f&StaffEver == 0 && (h != 0 || s.Win[k] != 0):
			return fmt.Errorf("staff %d: VTO history on a never-active slot", k)
		}
	}
	for w, n := range s.Departed {
		if n < 0 {
			return fmt.Errorf("staff: departed acceptors[%d] = %d", w, n)
		}
	}
	return nil
}

// ringMask returns the LWindow low bits (LWindow clamped to 1-32).
func (s *Staff) ringMask() uint64 {
	return uint64(1)<<uint(min(max(s.P.LWindow, 1), 32)) - 1
}
