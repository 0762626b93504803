package output

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ripple-sim/ripple/sim"
)

// multiUnits returns the units of P points × R replicates with L lever sets
// each. Lever set l's shock differs from the twin by (m−1)(d+1)(r+1)(l+1) in
// daily metric m, so its horizon effect against the twin is
// 6(m−1)(r+1)(l+1), and 6(m−1)(r+1)l against lever set 0.
func multiUnits(P, L, R int) []*sim.UnitResult {
	days := []time.Time{sim.Date(2025, 11, 29), sim.Date(2025, 11, 30), sim.Date(2025, 12, 1)}
	weeks := []time.Time{sim.Date(2025, 11, 24), sim.Date(2025, 12, 1)}
	daily := []string{"orders", "gmv", "merchant_exits", "net_profit", "remediation", "corrective", "dau"}
	var us []*sim.UnitResult
	for p := range P {
		for r := range R {
			twin := func(m, d int) float64 {
				return 1000*float64(m+1) + 10*float64(d) + 0.5*float64(p) + 0.25*float64(r*r%5)
			}
			u := &sim.UnitResult{UnitID: sim.UnitID{Point: p, Replicate: r}}
			wk := func(f func(m, d int) float64) func(m, d int) float64 {
				return func(m, d int) float64 {
					if m == 1 && d == 0 {
						return math.NaN()
					}
					return 3*f(m, d) + 1
				}
			}
			u.Twin = sim.Tables{Daily: table(days, daily, twin), Weekly: table(weeks, []string{"wau", "orders"}, wk(twin))}
			for l := range L {
				shock := func(m, d int) float64 { return twin(m, d) + float64((m-1)*(d+1)*(r+1)*(l+1)) }
				u.Shocks = append(u.Shocks, sim.Tables{Daily: table(days, daily, shock), Weekly: table(weeks, []string{"wau", "orders"}, wk(shock))})
			}
			us = append(us, u)
		}
	}
	return us
}

func multiBatch(P, L, R int) Batch {
	b := testRun()
	b.Replicates = R
	b.Arms = nil
	for p := range P {
		for l := range L {
			b.Arms = append(b.Arms, Arm{Point: p, LeverSet: l, Name: fmt.Sprintf("p%d-l%d", p, l)})
		}
	}
	return b
}

// reference writes the batch in one go, units in order.
func reference(t *testing.T, b Batch, units []*sim.UnitResult) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "ref")
	if err := Write(dir, b, units, Hooks{}); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestUnitFileRoundTrip(t *testing.T) {
	u := multiUnits(2, 3, 2)[3]
	edgy := edgy(1)[0] // −0, ±Inf, NaN payloads, quarterly and distributions tables
	v := &sim.UnitResult{UnitID: sim.UnitID{Point: 7, Replicate: 123456}, Twin: edgy.Twin, Shocks: []sim.Tables{edgy.Shock}}
	for _, x := range []*sim.UnitResult{u, v} {
		data, _, err := encodeUnit(x)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), unitName(x.UnitID))
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if id, ok := parseUnitName(filepath.Base(path)); !ok || id != x.UnitID {
			t.Errorf("parseUnitName(%s) = %v, %v", filepath.Base(path), id, ok)
		}
		if err := checkUnit(path, x.UnitID); err != nil {
			t.Fatal(err)
		}
		f, err := openUnit(path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if f.hdr.Point != x.Point || f.hdr.Replicate != x.Replicate || f.hdr.Shocks != len(x.Shocks) {
			t.Errorf("header %+v", f.hdr)
		}
		for k, want := range append([]sim.Tables{x.Twin}, x.Shocks...) {
			got, err := f.tables(k)
			if err != nil {
				t.Fatal(err)
			}
			for ti, name := range sim.TableNames {
				if d := sameTable(want.Table(ti), got.Table(ti), false); d != "" && len(want.Table(ti).Metrics) > 0 {
					t.Errorf("run %d %s: %s", k, name, d)
				}
			}
		}
		f.Close()
		// Determinism: encoding twice gives the same bytes.
		if again, _, _ := encodeUnit(x); !bytes.Equal(again, data) {
			t.Error("encodeUnit is not deterministic")
		}
	}
	if _, ok := parseUnitName("p0001-r000002.bin" + tmpMark + "3"); ok {
		t.Error("a temporary name parses as a unit")
	}
}

func TestUnitFileCorruption(t *testing.T) {
	u := multiUnits(1, 2, 1)[0]
	data, _, err := encodeUnit(u)
	if err != nil {
		t.Fatal(err)
	}
	hl := int(data[12]) | int(data[13])<<8
	for _, tc := range []struct {
		name   string
		change func([]byte) []byte
		want   string
	}{
		{"intact", func(b []byte) []byte { return b }, ""},
		{"value flipped", func(b []byte) []byte { b[len(b)-100] ^= 1; return b }, "checksum mismatch"},
		{"trailer flipped", func(b []byte) []byte { b[len(b)-1] ^= 0x80; return b }, "checksum mismatch"},
		{"header flipped", func(b []byte) []byte { b[unitPrefix+hl-5] ^= 0x01; return b }, ""}, // any error
		{"truncated", func(b []byte) []byte { return b[:len(b)-8] }, "truncated"},
		{"truncated to the prefix", func(b []byte) []byte { return b[:10] }, "truncated"},
		{"empty", func(b []byte) []byte { return nil }, "truncated"},
		{"magic", func(b []byte) []byte { b[0] = 'X'; return b }, "not a ripple unit file"},
		{"version", func(b []byte) []byte { b[8] = 9; return b }, "format version 9"},
	} {
		path := filepath.Join(t.TempDir(), unitName(u.UnitID))
		if err := os.WriteFile(path, tc.change(slices.Clone(data)), 0o644); err != nil {
			t.Fatal(err)
		}
		err := checkUnit(path, u.UnitID)
		switch {
		case tc.name == "intact":
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
		case err == nil:
			t.Errorf("%s: no error", tc.name)
		case !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path):
			t.Errorf("%s: error %q, want it to name %s and say %q", tc.name, err, path, tc.want)
		}
	}
	path := filepath.Join(t.TempDir(), unitName(sim.UnitID{Point: 0, Replicate: 5}))
	os.WriteFile(path, data, 0o644)
	if err := checkUnit(path, sim.UnitID{Point: 0, Replicate: 5}); err == nil || !strings.Contains(err.Error(), "holds point 0, replicate 0") {
		t.Errorf("a unit under another name: %v", err)
	}
}

func TestPutRejects(t *testing.T) {
	b := multiBatch(2, 2, 2)
	s, err := Open(filepath.Join(t.TempDir(), "out"), b, false)
	if err != nil {
		t.Fatal(err)
	}
	u := multiUnits(2, 2, 2)
	bad := *u[0]
	bad.Shocks = bad.Shocks[:1]
	other := *u[0]
	other.Replicate = 2
	layout := *u[1]
	layout.Shocks = slices.Clone(layout.Shocks)
	layout.Shocks[1].Daily.Metrics = []string{"x"}
	dates := *multiUnits(1, 2, 3)[1] // replicate 1 of point 0 with another horizon
	for _, tb := range append([]*sim.Tables{&dates.Twin}, &dates.Shocks[0], &dates.Shocks[1]) {
		tb.Daily = table(tb.Daily.Dates[:2], tb.Daily.Metrics, func(m, d int) float64 { return 1 })
	}
	for _, tc := range []struct {
		u    *sim.UnitResult
		want string
	}{
		{&bad, "1 shock runs, the arms need 2"},
		{&other, "not in this batch"},
		{&layout, "lever set 1 shock daily table has other dates or metrics"},
		{u[0], ""},
		{&dates, "point 0, replicate 1: other dates or metrics than the point's other units"},
	} {
		if tc.want == "" {
			if err := s.Put(tc.u); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := s.Put(tc.u); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Put: %v, want %q", err, tc.want)
		}
	}
	if done, total := s.Count(); done != 1 || total != 4 || s.Complete() {
		t.Errorf("Count = %d, %d", done, total)
	}
	if err := s.Finish(Hooks{}); err == nil || !strings.Contains(err.Error(), "3 of 4 units missing") {
		t.Errorf("Finish with no units: %v", err)
	}
}

func TestBatchChecks(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*Batch)
		want   string
	}{
		{"no arms", func(b *Batch) { b.Arms = nil }, "no lever sets"},
		{"no reference", func(b *Batch) { b.Arms = b.Arms[1:] }, "point 0 has no arm for its reference"},
		{"twice", func(b *Batch) { b.Arms = append(b.Arms, b.Arms[0]) }, "given twice"},
		{"table", func(b *Batch) { b.Tables = []string{"hourly"} }, `unknown table "hourly"`},
		{"order", func(b *Batch) { b.Tables = []string{"weekly", "daily"} }, "in the order"},
		{"replicates", func(b *Batch) { b.Replicates = 0 }, "need at least 1"},
		{"shard", func(b *Batch) { b.Shard = Shard{3, 3} }, "shard 3 of 3"},
		{"format", func(b *Batch) { b.Format = "xlsx" }, "xlsx"},
	} {
		b := multiBatch(1, 2, 2)
		tc.change(&b)
		parent := t.TempDir()
		if _, err := Open(filepath.Join(parent, "out"), b, false); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
		if entries, _ := os.ReadDir(parent); len(entries) > 0 {
			t.Errorf("%s: left %v", tc.name, entries)
		}
	}
}

func TestShuffledPutIdentical(t *testing.T) {
	b := multiBatch(2, 3, 5)
	units := multiUnits(2, 3, 5)
	ref := reference(t, b, units)
	for seed := range uint64(3) {
		shuffled := slices.Clone(units)
		rand.New(rand.NewPCG(seed, 1)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		dir := filepath.Join(t.TempDir(), "out")
		s, err := Open(dir, b, false)
		if err != nil {
			t.Fatal(err)
		}
		// Put concurrently, as RunUnits' done does.
		var wg sync.WaitGroup
		errs := make([]error, len(shuffled))
		for i, u := range shuffled {
			wg.Go(func() { errs[i] = s.Put(u) })
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
		if err := s.Finish(Hooks{}); err != nil {
			t.Fatal(err)
		}
		if d := diffOutputs(t, ref, dir); d != nil {
			t.Errorf("seed %d: shuffled Put differs from in-order Write in %v", seed, d)
		}
	}
}

// TestResume interrupts a batch after some units, damages the staging
// directory as a kill -9 might, and resumes it.
func TestResume(t *testing.T) {
	for _, format := range Formats {
		b := multiBatch(2, 2, 4)
		b.Format = format
		units := multiUnits(2, 2, 4)
		ref := reference(t, b, units)
		parent := t.TempDir()
		dir := filepath.Join(parent, "out")
		s, err := Open(dir, b, false)
		if err != nil {
			t.Fatal(err)
		}
		for _, i := range []int{0, 2, 3, 5, 6} {
			if err := s.Put(units[i]); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		m, err := readManifest(dir + ".partial")
		if err != nil || m.Complete || m.Units != 5 || m.WallSeconds <= 0 {
			t.Fatalf("staging manifest: %+v, %v", m, err)
		}
		udir := filepath.Join(dir+".partial", unitsDir)
		// A temporary file of a unit being written, and a damaged unit.
		os.WriteFile(filepath.Join(udir, unitName(units[1].UnitID)+tmpMark+"7"), []byte("half"), 0o644)
		damaged := filepath.Join(udir, unitName(units[3].UnitID))
		data, _ := os.ReadFile(damaged)
		data[len(data)/2] ^= 4
		os.WriteFile(damaged, data, 0o644)
		truncated := filepath.Join(udir, unitName(units[6].UnitID))
		os.Truncate(truncated, 100)
		topTmp := filepath.Join(dir+".partial", "manifest.json"+tmpMark+"9")
		os.WriteFile(topTmp, []byte("{"), 0o644)
		notes := filepath.Join(dir+".partial", "notes.txt")
		os.WriteFile(notes, []byte("x"), 0o644)

		// Without -resume: refused, with the counts.
		_, err = Open(dir, b, false)
		want := filepath.Clean(dir) + ".partial holds an interrupted run (5 of 8 units done); run the same command with -resume to finish it, or remove " + dir + ".partial to start over"
		if err == nil || err.Error() != want {
			t.Errorf("Open without resume: %v\nwant %s", err, want)
		}
		r, err := Open(dir, b, true)
		if err != nil {
			t.Fatal(err)
		}
		if done, total := r.Count(); done != 3 || total != 8 {
			t.Errorf("after resume: %d of %d units, want 3 of 8", done, total)
		}
		for i, u := range units {
			if want := i == 0 || i == 2 || i == 5; r.Has(u.UnitID) != want {
				t.Errorf("Has(%v) = %v", u.UnitID, !want)
			}
		}
		if _, err := os.Stat(topTmp); err == nil {
			t.Errorf("resume left %s", topTmp)
		}
		entries, _ := os.ReadDir(udir)
		for _, e := range entries {
			if strings.Contains(e.Name(), tmpMark) {
				t.Errorf("resume left the temporary %s", e.Name())
			}
		}
		for _, u := range units {
			if !r.Has(u.UnitID) {
				if err := r.Put(u); err != nil {
					t.Fatal(err)
				}
			}
		}
		if !r.Complete() {
			t.Fatal("not complete after every Put")
		}
		if err := r.Finish(Hooks{}); err != nil {
			t.Fatal(err)
		}
		if d := diffOutputs(t, ref, dir); d != nil {
			t.Errorf("%s: resumed output differs in %v", format, d)
		}
		if l := leftovers(t, parent); len(l) > 0 {
			t.Errorf("left behind %v", l)
		}

		// Resuming a finished output is a no-op.
		before, _ := os.ReadFile(filepath.Join(dir, "manifest.json"))
		again, err := Open(dir, b, true)
		if err != nil {
			t.Fatal(err)
		}
		if !again.Complete() || !again.Has(units[0].UnitID) {
			t.Error("a finished output does not count as complete")
		}
		called := false
		if err := again.Finish(Hooks{Each: func(int, *sim.Result) { called = true }}); err != nil || called {
			t.Errorf("Finish of a finished output: %v, Each called %v", err, called)
		}
		after, _ := os.ReadFile(filepath.Join(dir, "manifest.json"))
		if !bytes.Equal(before, after) {
			t.Error("Finish of a finished output rewrote it")
		}
		if _, err := os.Stat(dir + ".partial"); err == nil {
			t.Error("resuming a finished output created a staging directory")
		}
	}
}

func TestResumeFresh(t *testing.T) {
	b := multiBatch(1, 2, 2)
	dir := filepath.Join(t.TempDir(), "out")
	s, err := Open(dir, b, true)
	if err != nil {
		t.Fatal(err)
	}
	if done, total := s.Count(); done != 0 || total != 2 || s.Complete() {
		t.Errorf("fresh resume: %d of %d, complete %v", done, total, s.Complete())
	}
	if m, err := readManifest(dir + ".partial"); err != nil || m.Complete || m.Units != 0 {
		t.Errorf("fresh staging manifest %+v, %v", m, err)
	}
	// A finished output of another batch is not resumed: it is replaced.
	other := filepath.Join(t.TempDir(), "other")
	if err := Write(other, multiBatch(1, 1, 1), multiUnits(1, 1, 1), Hooks{}); err != nil {
		t.Fatal(err)
	}
	s, err = Open(other, b, true)
	if err != nil || s.Complete() {
		t.Fatalf("resume over another batch's output: %v, complete %v", err, s.Complete())
	}
	for _, u := range multiUnits(1, 2, 2) {
		s.Put(u)
	}
	if err := s.Finish(Hooks{}); err != nil {
		t.Fatal(err)
	}
	if m, _ := readManifest(other); len(m.LeverSets) != 2 {
		t.Errorf("lever sets %v after replacing", m.LeverSets)
	}
}

func TestResumeMismatch(t *testing.T) {
	b := multiBatch(2, 2, 3)
	dir := filepath.Join(t.TempDir(), "out")
	s, err := Open(dir, b, false)
	if err != nil {
		t.Fatal(err)
	}
	s.Put(multiUnits(2, 2, 3)[0])
	s.Close()
	for _, tc := range []struct {
		name   string
		change func(*Batch)
		want   string
	}{
		{"seed", func(b *Batch) { b.Seed = 2 }, "another seed;"},
		{"replicates", func(b *Batch) { b.Replicates = 4 }, "another replicates;"},
		{"scenario", func(b *Batch) { b.ScenarioTOML = []byte("name = \"other\"\n") }, "another scenario;"},
		{"experiment", func(b *Batch) { b.Experiment = []byte("[sweep]\n") }, "another experiment;"},
		{"arms", func(b *Batch) { b.Arms[1].Name = "renamed" }, "another lever sets;"},
		{"format", func(b *Batch) { b.Format = FormatParquet }, "another format;"},
		{"tables", func(b *Batch) { b.Tables = []string{"daily"} }, "another tables;"},
		{"shard", func(b *Batch) { b.Shard = Shard{0, 2} }, "another shard;"},
		{"version", func(b *Batch) { b.Version = "v2" }, "another ripple version;"},
		{"two", func(b *Batch) { b.Seed, b.Version = 2, "v2" }, "another ripple version, seed;"},
	} {
		c := b
		c.Arms = slices.Clone(b.Arms)
		tc.change(&c)
		_, err := Open(dir, c, true)
		if err == nil || !strings.Contains(err.Error(), "cannot resume "+dir+".partial: it holds a run with "+tc.want) ||
			!strings.Contains(err.Error(), "remove "+dir+".partial to start over") {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	// Workers and agents do not matter.
	c := b
	c.Workers = 7
	if _, err := Open(dir, c, true); err != nil {
		t.Errorf("resume with other workers: %v", err)
	}
	// A staging directory that is not ours is never touched.
	foreign := filepath.Join(t.TempDir(), "x")
	os.MkdirAll(foreign+".partial", 0o755)
	os.WriteFile(filepath.Join(foreign+".partial", "keep"), []byte("k"), 0o644)
	for _, resume := range []bool{false, true} {
		if _, err := Open(foreign, b, resume); err == nil || !strings.Contains(err.Error(), "is not a ripple staging directory") {
			t.Errorf("foreign staging directory, resume %v: %v", resume, err)
		}
	}
	if _, err := os.Stat(filepath.Join(foreign+".partial", "keep")); err != nil {
		t.Error(err)
	}
}

func TestShardsMerge(t *testing.T) {
	for _, format := range Formats {
		b := multiBatch(2, 2, 4)
		b.Format = format
		units := multiUnits(2, 2, 4)
		ref := reference(t, b, units)
		parent := t.TempDir()
		var shards []string
		for i := range 3 {
			sb := b
			sb.Shard = Shard{i, 3}
			sb.Workers = i + 1
			dir := filepath.Join(parent, fmt.Sprintf("shard%d", i))
			s, err := Open(dir, sb, false)
			if err != nil {
				t.Fatal(err)
			}
			want := sim.Shard((&sim.Design{Replicates: 4, Points: make([]sim.Point, 2)}).Units(), i, 3)
			if _, total := s.Count(); total != len(want) {
				t.Errorf("shard %d: %d units, want %d", i, total, len(want))
			}
			for _, u := range units {
				if slices.Contains(want, u.UnitID) {
					if err := s.Put(u); err != nil {
						t.Fatal(err)
					}
				} else if err := s.Put(u); err == nil || !strings.Contains(err.Error(), "not in this batch shard") {
					t.Errorf("shard %d accepted unit %v: %v", i, u.UnitID, err)
				}
			}
			if err := s.Finish(Hooks{}); err == nil || !strings.Contains(err.Error(), "use FinishShard") {
				t.Errorf("Finish of a shard: %v", err)
			}
			if err := s.FinishShard(); err != nil {
				t.Fatal(err)
			}
			m, err := readManifest(dir)
			if err != nil || !m.Complete || m.Shard != fmt.Sprintf("%d/3", i) || m.Units != len(want) {
				t.Fatalf("shard manifest %+v, %v", m, err)
			}
			shards = append(shards, dir)
		}
		out := filepath.Join(parent, "merged")
		slices.Reverse(shards) // any order
		if err := Merge(out, shards, Hooks{}, 2); err != nil {
			t.Fatal(err)
		}
		if d := diffOutputs(t, ref, out); d != nil {
			t.Errorf("%s: merged output differs from one run in %v", format, d)
		}
		if _, err := os.Stat(out + ".partial"); err == nil {
			t.Error("Merge left its staging directory")
		}
		m, _ := readManifest(out)
		if m.Workers != 2 || m.Shard != "" || !m.Complete {
			t.Errorf("merged manifest: workers %d, shard %q, complete %v", m.Workers, m.Shard, m.Complete)
		}
	}
}

func TestMergeErrors(t *testing.T) {
	b := multiBatch(1, 2, 5)
	units := multiUnits(1, 2, 5)
	parent := t.TempDir()
	var shards []string
	for i := range 3 {
		sb := b
		sb.Shard = Shard{i, 3}
		dir := filepath.Join(parent, fmt.Sprintf("shard%d", i))
		s, err := Open(dir, sb, false)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range units {
			if u.Replicate%3 == i {
				if err := s.Put(u); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := s.FinishShard(); err != nil {
			t.Fatal(err)
		}
		shards = append(shards, dir)
	}
	out := filepath.Join(parent, "merged")
	unit := func(shard int, id sim.UnitID) string { return filepath.Join(shards[shard], unitsDir, unitName(id)) }
	if err := Merge(out, shards[:2], Hooks{}, 1); err == nil || !strings.Contains(err.Error(), "missing shard 2 of 3") {
		t.Errorf("missing shard: %v", err)
	}
	if err := Merge(out, []string{shards[0], shards[0], shards[1]}, Hooks{}, 1); err == nil || !strings.Contains(err.Error(), "shard 0 of 3 given twice") {
		t.Errorf("shard given twice: %v", err)
	}
	// A damaged and a missing unit file are named.
	damaged := unit(1, sim.UnitID{Point: 0, Replicate: 4})
	data, _ := os.ReadFile(damaged)
	data[len(data)-40] ^= 1
	os.WriteFile(damaged, data, 0o644)
	missing := unit(2, sim.UnitID{Point: 0, Replicate: 2})
	os.Rename(missing, missing+".away")
	err := Merge(out, shards, Hooks{}, 1)
	if err == nil || !strings.Contains(err.Error(), "point 0, replicate 4: damaged "+damaged) ||
		!strings.Contains(err.Error(), "point 0, replicate 2: missing "+missing) || !strings.Contains(err.Error(), "2 unit files") {
		t.Errorf("damaged and missing units: %v", err)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a failed Merge wrote its output")
	}
	if _, err := os.Stat(out + ".partial"); err == nil {
		t.Error("a failed check left a staging directory")
	}
	// Shards of another batch, and a whole batch given as a shard.
	other := b
	other.Seed = 9
	other.Shard = Shard{2, 3}
	od := filepath.Join(parent, "other")
	s, _ := Open(od, other, false)
	for _, u := range units {
		if u.Replicate%3 == 2 {
			s.Put(u)
		}
	}
	if err := s.FinishShard(); err != nil {
		t.Fatal(err)
	}
	if err := Merge(out, []string{shards[0], shards[1], od}, Hooks{}, 1); err == nil || !strings.Contains(err.Error(), "shards of different batches (they differ in seed)") {
		t.Errorf("other batch: %v", err)
	}
	whole := reference(t, b, units)
	if err := Merge(out, []string{whole}, Hooks{}, 1); err == nil || !strings.Contains(err.Error(), "is not a shard output") {
		t.Errorf("whole batch as a shard: %v", err)
	}
}

func TestSummaryBlockwise(t *testing.T) {
	b := multiBatch(2, 2, 6)
	units := multiUnits(2, 2, 6)
	ref := reference(t, b, units)
	old := summaryBudget
	t.Cleanup(func() { summaryBudget = old })
	// 6 replicates × 3 days × 16 bytes = 288 bytes a daily metric.
	for _, budget := range []int64{1, 300, 600, 1000} {
		summaryBudget = budget
		dir := filepath.Join(t.TempDir(), "out")
		if err := Write(dir, b, units, Hooks{}); err != nil {
			t.Fatal(err)
		}
		if d := diffOutputs(t, ref, dir); d != nil {
			t.Errorf("budget %d: differs from one pass in %v", budget, d)
		}
	}
}

// TestAssembled checks the hooks: Each in output order, the case summary,
// and the policy effects against the twin and against the case.
func TestAssembled(t *testing.T) {
	const P, L, R = 2, 3, 4
	b := multiBatch(P, L, R)
	units := multiUnits(P, L, R)
	var order []string
	var got *Assembled
	h := Hooks{
		Each: func(arm int, r *sim.Result) { order = append(order, fmt.Sprintf("%d/%d", arm, r.Replicate)) },
		Extras: func(a *Assembled) ([]Extra, error) {
			got = a
			return []Extra{{Name: "figures/n.txt", Write: func(w io.Writer) error {
				_, err := fmt.Fprintln(w, len(a.Policy))
				return err
			}}}, nil
		},
	}
	dir := filepath.Join(t.TempDir(), "out")
	if err := Write(dir, b, units, h); err != nil {
		t.Fatal(err)
	}
	var want []string
	for a := range P * L {
		for r := range R {
			want = append(want, fmt.Sprintf("%d/%d", a, r))
		}
	}
	if !slices.Equal(order, want) {
		t.Errorf("Each order %v, want %v", order, want)
	}
	if got.Manifest.Units != P*R || len(got.Manifest.LeverSets) != P*L || !got.Manifest.Complete {
		t.Errorf("Assembled manifest %+v", got.Manifest)
	}
	// Case: Summarize of arm 0's results; Policy as Policy gives it.
	var res []sim.Result
	for _, u := range units[:R] {
		res = append(res, u.Result(0))
	}
	for ai := range []int{0, 1, 2} {
		var arm []sim.Result
		for _, u := range units[:R] {
			arm = append(arm, u.Result(ai))
		}
		if g, w := fmt.Sprint(got.Policy[ai]), fmt.Sprint(Policy(arm)); g != w {
			t.Errorf("arm %d: policy %s, want %s", ai, g, w)
		}
	}
	sum := Summarize(res)
	for ti, ts := range sum.tables() {
		gs := got.Case.tables()[ti]
		if gs.Name != ts.Name || !slices.Equal(gs.Metrics, ts.Metrics) || len(gs.Dates) != len(ts.Dates) {
			t.Fatalf("case %s: layout differs", ts.Name)
		}
		for v := range ts.Stats {
			for m := range ts.Stats[v] {
				for d := range ts.Stats[v][m] {
					x, y := ts.Stats[v][m][d], gs.Stats[v][m][d]
					if fmt.Sprint(x) != fmt.Sprint(y) {
						t.Errorf("case %s %v %s %d: %+v, want %+v", ts.Name, Variant(v), ts.Metrics[m], d, y, x)
					}
				}
			}
		}
	}
	// Mean over r of 6(m−1)(r+1)(l+1) is 15(m−1)(l+1); against the case 15(m−1)l.
	metric := map[string]int{"forgone_orders": 0, "forgone_gmv": 1, "exits": 2, "net_profit": 3}
	for ai, arm := range b.Arms {
		if len(got.Policy[ai]) != 5 {
			t.Fatalf("arm %d: %d policy rows", ai, len(got.Policy[ai]))
		}
		if arm.LeverSet == 0 && got.VsCase[ai] != nil || arm.LeverSet > 0 && len(got.VsCase[ai]) != 5 {
			t.Errorf("arm %d: vs case %v", ai, got.VsCase[ai])
		}
		for i, row := range got.Policy[ai] {
			m, ok := metric[row.Name]
			if !ok {
				continue
			}
			sign := row.Sign
			if w := sign * 15 * float64((m-1)*(arm.LeverSet+1)); math.Abs(row.Mean-w) > 1e-9 || row.N != R {
				t.Errorf("arm %d %s vs twin: mean %v, want %v", ai, row.Name, row.Mean, w)
			}
			if arm.LeverSet > 0 {
				c := got.VsCase[ai][i]
				if w := sign * 15 * float64((m-1)*arm.LeverSet); math.Abs(c.Mean-w) > 1e-9 || c.N != R || c.Name != row.Name {
					t.Errorf("arm %d %s vs case: mean %v, want %v", ai, c.Name, c.Mean, w)
				}
			}
		}
	}
	// The same numbers in policy.csv and effects.csv.
	pol := readCSV(t, filepath.Join(dir, "policy.csv"))
	if len(pol) != 1+P*L*5+P*(L-1)*5 {
		t.Errorf("policy.csv has %d rows", len(pol))
	}
	// p1-l2 exits against the case: 12(r+1), mean 30.
	if !slices.ContainsFunc(pol, func(r []string) bool {
		return slices.Equal(r[:8], []string{"test", "p1-l2", "case", "merchants", "exits", "merchants", "4", "30"})
	}) {
		t.Errorf("policy.csv lacks the p1-l2 exits row against the case:\n%q", pol)
	}
	eff := readCSV(t, filepath.Join(dir, "effects.csv"))
	if len(eff) != 1+P*L*R*5+P*(L-1)*R*5 {
		t.Errorf("effects.csv has %d rows", len(eff))
	}
	// Replicate 3 of p0-l1: exits 6·1·4·1 = 24 vs case, 48 vs twin.
	for _, row := range [][]string{
		{"test", "p0-l1", "3", "twin", "merchants", "exits", "merchants", "48"},
		{"test", "p0-l1", "3", "case", "merchants", "exits", "merchants", "24"},
		{"test", "p0-l0", "0", "twin", "consumers", "forgone_orders", "orders", "6"},
	} {
		if !slices.ContainsFunc(eff, func(r []string) bool { return slices.Equal(r, row) }) {
			t.Errorf("effects.csv lacks %q", row)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "figures", "n.txt")); string(b) != "6\n" {
		t.Errorf("figures/n.txt = %q", b)
	}
}

func TestTablesSubset(t *testing.T) {
	b := testRun()
	b.Tables = []string{"daily", "monthly"}
	res := synthetic(3)
	dir := filepath.Join(t.TempDir(), "out")
	if err := writeResults(dir, b, res); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := []string{"daily.csv", "effects.csv", "manifest.json", "monthly.csv", "policy.csv", unitsDir, "summary.csv"}
	if !slices.Equal(names, want) {
		t.Errorf("files %v, want %v", names, want)
	}
	for _, r := range readCSV(t, filepath.Join(dir, "summary.csv"))[1:] {
		if r[2] != "daily" && r[2] != "monthly" {
			t.Fatalf("summary.csv has a %s row", r[2])
		}
	}
	got, m, err := ReadResults(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(m.Tables, b.Tables) || len(got) != 3 {
		t.Fatalf("manifest tables %v, %d results", m.Tables, len(got))
	}
	if d := sameTable(&res[1].Twin.Monthly, &got[1].Twin.Monthly, true); d != "" {
		t.Error(d)
	}
	if len(got[1].Twin.Weekly.Metrics) != 0 {
		t.Error("an unwritten table read back")
	}
	// The unit files keep every table.
	var all []sim.Result
	if err := Write(filepath.Join(t.TempDir(), "all"), testRun(), unitsOf(res), Hooks{Each: func(_ int, r *sim.Result) { all = append(all, *r) }}); err != nil {
		t.Fatal(err)
	}
	if len(all[0].Twin.Weekly.Metrics) != 1 {
		t.Error("Each does not see every table")
	}
}

// TestParquetReadBack: a multi-table Parquet batch reads back as its CSV twin.
func TestParquetReadBack(t *testing.T) {
	withRowGroups(t, 11)
	res := edgy(3)
	var got [2][]sim.Result
	for i, format := range Formats {
		b := testRun()
		b.Format = format
		dir := filepath.Join(t.TempDir(), "out")
		if err := writeResults(dir, b, res); err != nil {
			t.Fatal(err)
		}
		r, m, err := ReadResults(dir)
		if err != nil || m.Format != format {
			t.Fatalf("%s: %v, format %q", format, err, m.Format)
		}
		got[i] = r
	}
	for i := range res {
		for ti, name := range sim.TableNames {
			for _, pair := range [][2]*sim.Tables{{&got[0][i].Shock, &got[1][i].Shock}, {&got[0][i].Twin, &got[1][i].Twin}} {
				if d := sameTable(pair[0].Table(ti), pair[1].Table(ti), true); d != "" {
					t.Errorf("replicate %d %s: CSV and Parquet differ: %s", i, name, d)
				}
			}
		}
	}
	dir := filepath.Join(t.TempDir(), "multi")
	if err := Write(dir, multiBatch(1, 2, 2), multiUnits(1, 2, 2), Hooks{}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := ReadResults(dir); err == nil || !strings.Contains(err.Error(), "2 lever sets") {
		t.Errorf("ReadResults of two lever sets: %v", err)
	}
}

// failOn makes createFile fail writes to files whose name starts with
// prefix, after limit bytes.
func failOn(t *testing.T, prefix string, limit int) {
	old := createFile
	t.Cleanup(func() { createFile = old })
	createFile = func(path string) (outFile, error) {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return nil, err
		}
		if strings.HasPrefix(filepath.Base(path), prefix) {
			return &fullFile{File: f, limit: limit}, nil
		}
		return f, nil
	}
}

// noCompleteOutput checks that a failed write left dir absent and the
// staging directory with an incomplete manifest and no temporary files.
func noCompleteOutput(t *testing.T, dir string) {
	t.Helper()
	if _, err := os.Stat(dir); err == nil {
		t.Errorf("%s exists after a failed write", dir)
	}
	m, err := readManifest(dir + ".partial")
	if err != nil || m.Complete {
		t.Errorf("staging manifest: %+v, %v", m, err)
	}
	filepath.WalkDir(dir+".partial", func(path string, d fs.DirEntry, err error) error {
		if err == nil && strings.Contains(d.Name(), tmpMark) {
			t.Errorf("left the temporary %s", path)
		}
		return nil
	})
}

func TestFullDisk(t *testing.T) {
	const advice = ": no space left on device; check free space and permissions, or choose another output directory"
	b := multiBatch(1, 2, 3)
	units := multiUnits(1, 2, 3)
	for _, limit := range []int{0, 100} {
		// Put.
		dir := filepath.Join(t.TempDir(), "out")
		s, err := Open(dir, b, false)
		if err != nil {
			t.Fatal(err)
		}
		s.Put(units[0])
		failOn(t, "p0000-r000001.bin", limit)
		err = s.Put(units[1])
		if want := "cannot write " + filepath.Join(dir+".partial", unitsDir, "p0000-r000001.bin") + advice; err == nil || err.Error() != want {
			t.Errorf("Put on a full disk: %v\nwant %s", err, want)
		}
		if s.Has(units[1].UnitID) {
			t.Error("a failed Put counts")
		}
		s.Close()
		noCompleteOutput(t, dir)
		if _, err := os.Stat(filepath.Join(dir+".partial", unitsDir, "p0000-r000001.bin")); err == nil {
			t.Error("a failed Put left its unit file")
		}
		// Finish, failing on each output file in turn.
		for _, name := range []string{"daily.csv", "weekly.csv", "policy.csv", "effects.csv", "summary.csv", "manifest.json", "figures/a.txt"} {
			failOn(t, "none", 0)
			dir := filepath.Join(t.TempDir(), "out")
			s, err := Open(dir, b, false)
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range units {
				if err := s.Put(u); err != nil {
					t.Fatal(err)
				}
			}
			failOn(t, filepath.Base(name), limit)
			err = s.Finish(Hooks{Extras: func(*Assembled) ([]Extra, error) {
				return []Extra{{Name: "figures/a.txt", Write: func(w io.Writer) error { _, err := w.Write(make([]byte, 1<<17)); return err }}}, nil
			}})
			if want := "cannot write " + filepath.Join(dir+".partial", name) + advice; err == nil || err.Error() != want {
				t.Errorf("Finish failing on %s: %v\nwant %s", name, err, want)
			}
			noCompleteOutput(t, dir)
			if _, err := os.Stat(filepath.Join(dir+".partial", name)); err == nil && name != "manifest.json" {
				t.Errorf("a failed Finish left %s", name)
			}
			// With space again, the same store finishes.
			failOn(t, "none", 0)
			if err := s.Finish(Hooks{}); err != nil {
				t.Errorf("Finish after freeing space: %v", err)
			}
		}
	}
}

// TestManifestJSON pins the manifest's field names.
func TestManifestJSON(t *testing.T) {
	b := multiBatch(1, 2, 1)
	b.Experiment = []byte("[sweep]\n")
	b.Shard = Shard{1, 4}
	js, err := json.Marshal(ManifestOf(&b))
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"complete":false`, `"shard":"1/4"`, `"lever_sets":["p0-l0","p0-l1"]`, `"units":0`,
		`"experiment_toml":"[sweep]\n"`, `"arms":[{"point":0,"lever_set":0,"name":"p0-l0"},{"point":0,"lever_set":1,"name":"p0-l1"}]`,
		`"tables":["daily","weekly","monthly","quarterly","distributions"]`, `"ripple_version":"test"`, `"scenario_toml"`} {
		if !strings.Contains(string(js), key) {
			t.Errorf("manifest JSON lacks %s:\n%s", key, js)
		}
	}
	dir := filepath.Join(t.TempDir(), "out")
	b.Shard = Shard{}
	if err := Write(dir, b, multiUnits(1, 2, 1), Hooks{}); err != nil {
		t.Fatal(err)
	}
	if m, err := ReadManifest(dir); err != nil || m.Experiment != "[sweep]\n" || !m.Complete {
		t.Errorf("ReadManifest: %+v, %v", m, err)
	}
	if _, err := ReadManifest(t.TempDir()); err == nil || !strings.Contains(err.Error(), "no manifest.json") {
		t.Errorf("ReadManifest of an empty directory: %v", err)
	}
	b.Experiment = nil
	js, _ = json.Marshal(ManifestOf(&b))
	if strings.Contains(string(js), "experiment_toml") {
		t.Error("experiment_toml written for a plain run")
	}
}
