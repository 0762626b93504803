package output

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/ripple-sim/ripple/sim"
)

// Arm is one lever set of a batch at a parameter point: one value of the
// lever_set column.
type Arm struct {
	Point    int    `json:"point"`     // index in the sim.Design
	LeverSet int    `json:"lever_set"` // index in the point; 0 is the point's reference (case)
	Name     string `json:"name"`      // the lever_set column of every table
}

// Shard is slice Index of Count of a batch's units (sim.Shard); the zero
// value is the whole batch.
type Shard struct{ Index, Count int }

func (s Shard) String() string {
	if s.Count == 0 {
		return ""
	}
	return fmt.Sprintf("%d/%d", s.Index, s.Count)
}

// Batch describes a batch output: what manifest.json records and the
// tables' key columns.
type Batch struct {
	Scenario     string   // scenario column
	Format       string   // FormatCSV ("" too) or FormatParquet, of the long tables
	ScenarioTOML []byte   // the resolved base scenario
	Experiment   []byte   // the experiment file of a sweep, or nil for a plain run
	Seed         uint64   //
	Replicates   int      //
	Arms         []Arm    // in output order, point by point; every point needs its lever set 0
	Tables       []string // long tables to write, a subset of sim.TableNames in that order; nil = all
	Shard        Shard    //
	Workers      int      //
	Agents       Agents   //
	Version      string   // "" = Version()
}

// Hooks let the caller see the assembled batch.
type Hooks struct {
	// Each is called for every (arm, replicate) in output order, while the
	// long tables are written; may be nil.
	Each func(arm int, r *sim.Result)
	// Extras returns further files (figures, report.html), written before
	// the manifest; may be nil.
	Extras func(a *Assembled) ([]Extra, error)
}

// Assembled is what Hooks.Extras sees.
type Assembled struct {
	Manifest Manifest      // without its file list
	Case     Summary       // Summarize-equivalent of arm 0 (all tables), for figures
	Policy   [][]PolicyRow // per arm: cumulative effects vs the twin (as Policy gives)
	VsCase   [][]PolicyRow // per arm: cumulative effects vs the point's lever set 0 (nil for LeverSet 0 arms)
}

// summaryBudget bounds the bytes of values Finish holds at once to compute
// summary.csv: it reads the unit files in blocks of metrics that fit. A
// variable so that tests can shrink it.
var summaryBudget int64 = 64 << 20

// normalize fills in defaults and checks b.
func (b *Batch) normalize() error {
	if err := CheckFormat(b.Format); err != nil {
		return err
	}
	if b.Format == "" {
		b.Format = FormatCSV
	}
	if b.Version == "" {
		b.Version = Version()
	}
	if b.Tables == nil {
		b.Tables = slices.Clone(sim.TableNames)
	}
	last := -1
	for _, t := range b.Tables {
		i := slices.Index(sim.TableNames, t)
		if i < 0 {
			return fmt.Errorf("unknown table %q; tables are %s", t, strings.Join(sim.TableNames, ", "))
		}
		if i <= last {
			return fmt.Errorf("tables %s: give each table once, in the order %s", strings.Join(b.Tables, ", "), strings.Join(sim.TableNames, ", "))
		}
		last = i
	}
	if b.Replicates < 1 {
		return fmt.Errorf("replicates: %d: need at least 1", b.Replicates)
	}
	if len(b.Arms) == 0 {
		return fmt.Errorf("batch has no lever sets (arms)")
	}
	seen := map[[2]int]bool{}
	ref := map[int]bool{}
	for _, a := range b.Arms {
		if a.Point < 0 || a.LeverSet < 0 {
			return fmt.Errorf("arm %s: point %d, lever set %d", a.Name, a.Point, a.LeverSet)
		}
		if seen[[2]int{a.Point, a.LeverSet}] {
			return fmt.Errorf("arm %s: point %d, lever set %d is given twice", a.Name, a.Point, a.LeverSet)
		}
		seen[[2]int{a.Point, a.LeverSet}] = true
		ref[a.Point] = ref[a.Point] || a.LeverSet == 0
	}
	for p, ok := range ref {
		if !ok {
			return fmt.Errorf("point %d has no arm for its reference lever set 0", p)
		}
	}
	if s := b.Shard; s.Count < 0 || s.Count > 0 && (s.Index < 0 || s.Index >= s.Count) {
		return fmt.Errorf("shard %d of %d: need 0 <= index < count", s.Index, s.Count)
	}
	return nil
}

// points returns the distinct points of the arms, ascending.
func (b *Batch) points() []int {
	var ps []int
	for _, a := range b.Arms {
		if !slices.Contains(ps, a.Point) {
			ps = append(ps, a.Point)
		}
	}
	slices.Sort(ps)
	return ps
}

// units returns the units of the batch, or of its shard.
func (b *Batch) units() []sim.UnitID {
	var all []sim.UnitID
	for _, p := range b.points() {
		for r := range b.Replicates {
			all = append(all, sim.UnitID{Point: p, Replicate: r})
		}
	}
	if b.Shard.Count > 0 {
		return sim.Shard(all, b.Shard.Index, b.Shard.Count)
	}
	return all
}

// ManifestOf returns the manifest of a batch, without its file list, times,
// units and completeness.
func ManifestOf(b *Batch) Manifest {
	v := b.Version
	if v == "" {
		v = Version()
	}
	format := b.Format
	if format == "" {
		format = FormatCSV
	}
	tables := b.Tables
	if tables == nil {
		tables = sim.TableNames
	}
	m := Manifest{
		Ripple: v, Go: runtime.Version(), GOOS: runtime.GOOS, GOARCH: runtime.GOARCH,
		Scenario: b.Scenario, Arms: slices.Clone(b.Arms), Format: format, Tables: slices.Clone(tables),
		Seed: b.Seed, Replicates: b.Replicates, Shard: b.Shard.String(), Workers: b.Workers, Agents: b.Agents,
		Files: []File{}, ScenarioTOML: string(b.ScenarioTOML), Experiment: string(b.Experiment),
	}
	for _, a := range b.Arms {
		m.LeverSets = append(m.LeverSets, a.Name)
	}
	return m
}

// differs names the fields in which two manifests describe different
// outputs; with build, also those of the build (Go version, OS, arch) and
// the agents.
func differs(a, b *Manifest, build bool) []string {
	var d []string
	add := func(ok bool, name string) {
		if !ok {
			d = append(d, name)
		}
	}
	add(a.Ripple == b.Ripple, "ripple version")
	add(a.Scenario == b.Scenario, "scenario name")
	add(a.ScenarioTOML == b.ScenarioTOML, "scenario")
	add(a.Experiment == b.Experiment, "experiment")
	add(a.Seed == b.Seed, "seed")
	add(a.Replicates == b.Replicates, "replicates")
	add(slices.Equal(a.Arms, b.Arms), "lever sets")
	add(a.Format == b.Format, "format")
	add(slices.Equal(a.Tables, b.Tables), "tables")
	if build {
		add(a.Go == b.Go && a.GOOS == b.GOOS && a.GOARCH == b.GOARCH, "build (Go version, OS or architecture)")
		add(a.Agents == b.Agents, "agents")
	} else {
		add(a.Shard == b.Shard, "shard")
	}
	return d
}

// batchOf inverts ManifestOf.
func batchOf(m *Manifest) Batch {
	b := Batch{
		Scenario: m.Scenario, Format: m.Format, ScenarioTOML: []byte(m.ScenarioTOML), Seed: m.Seed,
		Replicates: m.Replicates, Arms: slices.Clone(m.Arms), Tables: slices.Clone(m.Tables),
		Workers: m.Workers, Agents: m.Agents, Version: m.Ripple,
	}
	if m.Experiment != "" {
		b.Experiment = []byte(m.Experiment)
	}
	return b
}

// ReadManifest reads the manifest.json of an output, shard or staging
// directory.
func ReadManifest(dir string) (Manifest, error) {
	m, err := readManifest(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return Manifest{}, fmt.Errorf("%s is not a ripple output directory (no manifest.json)", dir)
		}
		return Manifest{}, err
	}
	return *m, nil
}

func readManifest(dir string) (*Manifest, error) {
	data, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %v", filepath.Join(dir, "manifest.json"), err)
	}
	return &m, nil
}

// A Store is a batch output being written: unit files accumulate in the
// staging directory DIR.partial, and Finish (or FinishShard) turns it into
// the finished output DIR.
type Store struct {
	dir, stage string // absolute
	show       string // the staging directory as the caller named it
	b          Batch
	units      []sim.UnitID
	want       map[sim.UnitID]bool
	need       map[int]int // per point: shock runs a unit needs

	mu       sync.Mutex
	have     map[sim.UnitID]bool
	layouts  map[int][]tableLayout // per point: the first Put unit's
	finished bool                  // dir holds the finished output

	start  time.Time
	before time.Duration // wall time of earlier sessions
	opened time.Time
	ended  time.Duration // the simulation's wall time, once Finish starts
}

// Staging returns the staging directory, DIR.partial, as given to Open.
func (s *Store) Staging() string { return s.show }

// Open prepares the staging directory DIR.partial (a sibling of dir) for a
// batch. dir itself must be absent, empty, or an earlier ripple output (it
// has a manifest.json), which Finish replaces.
//
// If DIR.partial exists it holds an interrupted run: without resume Open
// refuses; with resume the run's manifest must describe the same batch (the
// error names what differs), leftover temporary files are removed and so
// are unit files that fail verification, and the rest count as done. With
// resume and no DIR.partial but dir holding the finished output of the same
// batch, the Store is Complete and Finish leaves dir as it is. Otherwise Open
// starts afresh.
func Open(dir string, b Batch, resume bool) (*Store, error) {
	if err := b.normalize(); err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if err := checkTarget(abs); err != nil {
		return nil, err
	}
	s := &Store{dir: abs, stage: abs + ".partial", show: filepath.Clean(dir) + ".partial", b: b,
		units: b.units(), want: map[sim.UnitID]bool{}, need: map[int]int{}, have: map[sim.UnitID]bool{}, layouts: map[int][]tableLayout{},
		start: time.Now(), opened: time.Now()}
	for _, id := range s.units {
		s.want[id] = true
	}
	for _, a := range b.Arms {
		s.need[a.Point] = max(s.need[a.Point], a.LeverSet+1)
	}
	want := ManifestOf(&s.b)
	fi, err := os.Lstat(s.stage)
	switch {
	case err == nil:
		if fi.Mode()&fs.ModeSymlink != 0 || !fi.IsDir() {
			return nil, fmt.Errorf("%s exists and is not a ripple staging directory; remove it or choose another output directory", s.show)
		}
		m, err := readManifest(s.stage)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("%s exists and is not a ripple staging directory (no manifest.json); remove it or choose another output directory", s.show)
			}
			return nil, fmt.Errorf("%v; remove %s to start over", err, s.show)
		}
		if !resume {
			done, total := countUnits(s.stage), totalOf(m)
			what := "replicates"
			if mb := batchOf(m); len(mb.points()) > 1 {
				what = "units"
			}
			return nil, fmt.Errorf("%s holds an interrupted run (%d of %d %s done); run the same command with -resume to finish it, or remove %s to start over",
				s.show, done, total, what, s.show)
		}
		if d := differs(m, &want, false); len(d) > 0 {
			return nil, fmt.Errorf("cannot resume %s: it holds a run with another %s; run the same command as before, or remove %s to start over",
				s.show, strings.Join(d, ", "), s.show)
		}
		if t, err := time.Parse(time.RFC3339, m.StartTime); err == nil {
			s.start = t
		}
		s.before = time.Duration(m.WallSeconds * float64(time.Second))
		if err := s.scan(); err != nil {
			return nil, err
		}
		return s, nil
	case errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR):
		// Absent (or its parent is not a directory: creating it says so).
	default:
		return nil, fmt.Errorf("cannot use %s: %v", s.show, err)
	}
	if resume {
		if m, err := readManifest(abs); err == nil && m.Complete && len(differs(m, &want, false)) == 0 {
			s.finished = true
			return s, nil
		}
	}
	// The staging directory is built under a temporary name and renamed into
	// place with its manifest, so that a DIR.partial always has one.
	tmp, err := makeTemp(s.stage)
	if err != nil {
		return nil, err
	}
	final := s.stage
	s.stage = tmp
	if err := os.Mkdir(filepath.Join(tmp, unitsDir), 0o755); err != nil {
		os.RemoveAll(tmp)
		return nil, fileErr(filepath.Join(tmp, unitsDir), err)
	}
	if err := s.writeManifest(false, nil); err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	s.stage = final
	if err := os.Rename(tmp, final); err != nil {
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("cannot create %s: %v; make sure %s is a writable directory, or choose another output directory", s.show, err, filepath.Dir(final))
	}
	return s, nil
}

// totalOf returns the units of the batch (or shard) a manifest describes.
func totalOf(m *Manifest) int {
	b := batchOf(m)
	n := len(b.points()) * b.Replicates
	var sh Shard
	if _, err := fmt.Sscanf(m.Shard, "%d/%d", &sh.Index, &sh.Count); err == nil && sh.Count > 0 {
		n = len(sim.Shard(make([]sim.UnitID, n), sh.Index, sh.Count))
	}
	return n
}

// countUnits counts the unit files in a staging directory, unverified.
func countUnits(stage string) int {
	entries, _ := os.ReadDir(filepath.Join(stage, unitsDir))
	n := 0
	for _, e := range entries {
		if _, ok := parseUnitName(e.Name()); ok {
			n++
		}
	}
	return n
}

// scan removes temporary files and unit files that fail verification from
// the staging directory and records the others.
func (s *Store) scan() error {
	top, err := os.ReadDir(s.stage)
	if err != nil {
		return fmt.Errorf("cannot read %s: %v", s.show, err)
	}
	for _, e := range top {
		if strings.Contains(e.Name(), tmpMark) {
			if err := os.RemoveAll(filepath.Join(s.stage, e.Name())); err != nil {
				return fmt.Errorf("cannot remove the leftover %s: %v", filepath.Join(s.stage, e.Name()), err)
			}
		}
	}
	udir := filepath.Join(s.stage, unitsDir)
	if err := os.MkdirAll(udir, 0o755); err != nil {
		return fileErr(udir, err)
	}
	entries, err := os.ReadDir(udir)
	if err != nil {
		return fmt.Errorf("cannot read %s: %v", udir, err)
	}
	var g errgroup.Group
	g.SetLimit(max(1, s.b.Workers, runtime.GOMAXPROCS(0)))
	for _, e := range entries {
		path := filepath.Join(udir, e.Name())
		if strings.Contains(e.Name(), tmpMark) {
			if err := os.Remove(path); err != nil {
				return fmt.Errorf("cannot remove the leftover %s: %v", path, err)
			}
			continue
		}
		id, ok := parseUnitName(e.Name())
		if !ok || !s.want[id] {
			continue
		}
		g.Go(func() error {
			if checkUnit(path, id) != nil {
				if err := os.Remove(path); err != nil {
					return fmt.Errorf("cannot remove the damaged %s: %v", path, err)
				}
				return nil
			}
			s.mu.Lock()
			s.have[id] = true
			s.mu.Unlock()
			return nil
		})
	}
	return g.Wait()
}

// Has reports whether a complete unit file of id is there.
func (s *Store) Has(id sim.UnitID) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.finished && s.want[id] || s.have[id]
}

// Count returns the units present and the units of this batch (or shard).
func (s *Store) Count() (done, total int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.finished {
		return len(s.units), len(s.units)
	}
	return len(s.have), len(s.units)
}

// Complete reports whether every unit of the batch (or shard) is present,
// or dir already holds the finished output.
func (s *Store) Complete() bool {
	done, total := s.Count()
	return done == total
}

// Put writes one unit file atomically (temporary file, sync, rename). It is
// safe for concurrent use.
func (s *Store) Put(u *sim.UnitResult) error {
	s.mu.Lock()
	finished := s.finished
	s.mu.Unlock()
	if finished {
		return fmt.Errorf("%s is finished; nothing more to put", s.dir)
	}
	if !s.want[u.UnitID] {
		return fmt.Errorf("unit (point %d, replicate %d) is not in this batch%s", u.Point, u.Replicate, s.shardNote())
	}
	if n := s.need[u.Point]; len(u.Shocks) < n {
		return fmt.Errorf("point %d, replicate %d: %d shock runs, the arms need %d", u.Point, u.Replicate, len(u.Shocks), n)
	}
	data, hdr, err := encodeUnit(u)
	if err != nil {
		return err
	}
	s.mu.Lock()
	lay, ok := s.layouts[u.Point]
	if !ok {
		s.layouts[u.Point] = hdr.Tables
	}
	s.mu.Unlock()
	if ok && !slices.EqualFunc(lay, hdr.Tables, tableLayout.equal) {
		return fmt.Errorf("point %d, replicate %d: other dates or metrics than the point's other units", u.Point, u.Replicate)
	}
	if err := writeBytes(filepath.Join(s.stage, unitsDir, unitName(u.UnitID)), data); err != nil {
		return err
	}
	s.mu.Lock()
	s.have[u.UnitID] = true
	s.mu.Unlock()
	return nil
}

func (s *Store) shardNote() string {
	if s.b.Shard.Count == 0 {
		return ""
	}
	return " shard " + s.b.Shard.String()
}

// wall is the wall time of the simulation: of every session so far, up to
// the start of Finish (so the manifest the Extras see is the final one).
func (s *Store) wall() time.Duration {
	if s.ended > 0 {
		return s.ended
	}
	return s.before + time.Since(s.opened)
}

// manifest returns the staging or final manifest.
func (s *Store) manifest(complete bool) Manifest {
	m := ManifestOf(&s.b)
	m.StartTime = s.start.Format(time.RFC3339)
	m.WallSeconds = s.wall().Seconds()
	m.Complete = complete
	m.Units, _ = s.Count()
	return m
}

// writeManifest writes manifest.json into the staging directory atomically.
func (s *Store) writeManifest(complete bool, files []File) error {
	m := s.manifest(complete)
	if files != nil {
		m.Files = files
	}
	return writeManifestFile(s.stage, &m)
}

func writeManifestFile(dir string, m *Manifest) error {
	js, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("manifest: %v", err)
	}
	return writeBytes(filepath.Join(dir, "manifest.json"), append(js, '\n'))
}

// Close, after an interruption, leaves the staging directory with its
// manifest marked incomplete: accurate counts and the wall time so far.
func (s *Store) Close() error {
	s.mu.Lock()
	finished := s.finished
	s.mu.Unlock()
	if finished {
		return nil
	}
	if _, err := os.Stat(s.stage); err != nil {
		return nil // removed (Write's cleanup)
	}
	return s.writeManifest(false, nil)
}

// FinishShard finishes a shard batch: the manifest complete with its shard,
// then the staging directory renamed into dir. Merge assembles the shards.
func (s *Store) FinishShard() error {
	if s.finished {
		return nil
	}
	if s.b.Shard.Count == 0 {
		return fmt.Errorf("%s is a whole batch, not a shard; use Finish", s.dir)
	}
	if done, total := s.Count(); done < total {
		return fmt.Errorf("shard %s: %d of %d units missing in %s; run them (with -resume) before finishing", s.b.Shard, total-done, total, s.show)
	}
	if err := s.writeManifest(true, []File{}); err != nil {
		return err
	}
	if err := syncDir(s.stage); err != nil {
		return fileErr(s.stage, err)
	}
	if err := replace(s.stage, s.dir); err != nil {
		return err
	}
	s.mu.Lock()
	s.finished = true
	s.mu.Unlock()
	return nil
}

// Finish finishes a whole batch: it assembles every output file into the
// staging directory (the long tables of b.Tables, policy.csv, effects.csv,
// summary.csv, then the Extras), writes the manifest complete, and replaces
// dir with the staging directory. Every unit must be present.
//
// The files depend only on the batch and its unit files: not on the number
// of workers, the order of Put, resumption, or sharding and Merge.
//
// Memory does not grow with the replicate count beyond a few numbers per
// replicate: the long tables take one pass over the units, one unit's twin
// and one lever set's shock in flight (plus a Parquet row group per table);
// summary.csv holds at most summaryBudget bytes of values (blocks of metrics
// across replicates) plus the summary of one arm (and arm 0's, for Extras);
// the policy summary holds 2 numbers per arm, replicate and policy metric.
func (s *Store) Finish(h Hooks) error {
	if s.finished {
		return nil
	}
	if s.b.Shard.Count > 0 {
		return fmt.Errorf("shard %s: use FinishShard, then Merge the shards", s.b.Shard)
	}
	if done, total := s.Count(); done < total {
		return fmt.Errorf("%d of %d units missing in %s; run them (with -resume) before finishing", total-done, total, s.show)
	}
	s.ended = s.wall()
	if err := s.clean(); err != nil {
		return err
	}
	files, err := s.assemble(h)
	if err != nil {
		return err
	}
	if err := s.writeManifest(true, files); err != nil {
		return err
	}
	if err := syncDir(s.stage); err != nil {
		return fileErr(s.stage, err)
	}
	if err := replace(s.stage, s.dir); err != nil {
		s.writeManifest(false, nil) // best effort: the staging directory stays resumable
		return err
	}
	s.mu.Lock()
	s.finished = true
	s.mu.Unlock()
	return nil
}

// clean removes what an earlier, interrupted Finish left in the staging
// directory: everything but the unit files and the manifest.
func (s *Store) clean() error {
	entries, err := os.ReadDir(s.stage)
	if err != nil {
		return fmt.Errorf("cannot read %s: %v", s.show, err)
	}
	for _, e := range entries {
		if e.Name() == unitsDir || e.Name() == "manifest.json" {
			continue
		}
		if err := os.RemoveAll(filepath.Join(s.stage, e.Name())); err != nil {
			return fmt.Errorf("cannot remove %s: %v", filepath.Join(s.stage, e.Name()), err)
		}
	}
	return nil
}

func (s *Store) unitPath(id sim.UnitID) string {
	return filepath.Join(s.stage, unitsDir, unitName(id))
}

// armSums are one arm's per-replicate policy sums: shock[r][k] and
// twin[r][k] for policy metric rows[k].
type armSums struct {
	rows        []PolicyMetric
	shock, twin [][]float64
}

// assemble writes every output file but the manifest into the staging
// directory and returns their manifest entries.
func (s *Store) assemble(h Hooks) (files []File, err error) {
	b := &s.b
	lays := map[int]*layout{}
	for _, p := range b.points() {
		u, err := openUnit(s.unitPath(sim.UnitID{Point: p}), nil)
		if err != nil {
			return nil, err
		}
		lays[p] = u.lay
		u.Close()
	}

	// Pass 1: the long tables, Each, and the policy sums.
	var outs []*outWriter
	defer func() {
		if err != nil {
			for _, o := range outs {
				o.abort()
			}
		}
	}()
	names := filesOf(b.Format, b.Tables)
	var sinks []longSink
	for i, t := range b.Tables {
		o, err := create(s.stage, names[i])
		if err != nil {
			return nil, err
		}
		outs = append(outs, o)
		ti := slices.Index(sim.TableNames, t)
		if b.Format == FormatParquet {
			sinks = append(sinks, newParquetLong(o, ti, b.Scenario))
		} else {
			sinks = append(sinks, newCSVLong(o, ti, b.Scenario))
		}
	}
	sums := make([]armSums, len(b.Arms))
	for ai, arm := range b.Arms {
		lay := lays[arm.Point]
		as := &sums[ai]
		dates := lay.dates[0]
		if len(dates) > 0 {
			for _, pm := range PolicyMetrics {
				if allIn(pm.Sources, lay.tables[0].Metrics) {
					as.rows = append(as.rows, pm)
				}
			}
		}
		for r := range b.Replicates {
			id := sim.UnitID{Point: arm.Point, Replicate: r}
			res, err := s.readResult(id, lay, arm.LeverSet)
			if err != nil {
				return nil, err
			}
			for i, sk := range sinks {
				if err := sk.add(arm.Name, &res); err != nil {
					return nil, fileErr(outs[i].path, err)
				}
			}
			sh, tw := make([]float64, len(as.rows)), make([]float64, len(as.rows))
			one := []sim.Result{res}
			for k, pm := range as.rows {
				w, _ := SumDaily(one, dates[0], dates[len(dates)-1], pm.Sources...)
				sh[k], tw[k] = w.Sums[Shock][0], w.Sums[Twin][0]
			}
			as.shock, as.twin = append(as.shock, sh), append(as.twin, tw)
			if h.Each != nil {
				h.Each(ai, &res)
			}
		}
	}
	for i, sk := range sinks {
		if err := sk.close(); err != nil {
			return nil, fileErr(outs[i].path, err)
		}
		f, err := outs[i].commit(names[i])
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	outs = outs[:0]

	// The policy summary and the effects behind it.
	a := &Assembled{Policy: make([][]PolicyRow, len(b.Arms)), VsCase: make([][]PolicyRow, len(b.Arms))}
	ref := func(arm Arm) int {
		for i, x := range b.Arms {
			if x.Point == arm.Point && x.LeverSet == 0 {
				return i
			}
		}
		panic("no reference arm") // normalize makes sure there is one
	}
	effects := func(ai int, versus Variant, k int) []float64 {
		as := &sums[ai]
		xs := make([]float64, b.Replicates)
		for r := range xs {
			x := as.shock[r][k] - as.twin[r][k]
			if versus != Twin {
				x = as.shock[r][k] - sums[ref(b.Arms[ai])].shock[r][k]
			}
			xs[r] = as.rows[k].Sign*x + 0 // + 0 turns −0 into 0
		}
		return xs
	}
	for ai, arm := range b.Arms {
		for k, pm := range sums[ai].rows {
			a.Policy[ai] = append(a.Policy[ai], PolicyRow{pm, Describe(effects(ai, Twin, k))})
			if arm.LeverSet > 0 {
				a.VsCase[ai] = append(a.VsCase[ai], PolicyRow{pm, Describe(effects(ai, Shock, k))})
			}
		}
	}
	f, err := writeFile(s.stage, "policy.csv", func(w io.Writer) error {
		cw := csv.NewWriter(w)
		cw.Write(policyHeader)
		for ai, arm := range b.Arms {
			if err := writePolicyRows(cw, b.Scenario, arm.Name, "twin", a.Policy[ai]); err != nil {
				return err
			}
			if err := writePolicyRows(cw, b.Scenario, arm.Name, "case", a.VsCase[ai]); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	})
	if err != nil {
		return nil, err
	}
	files = append(files, f)
	f, err = writeFile(s.stage, "effects.csv", func(w io.Writer) error {
		cw := csv.NewWriter(w)
		cw.Write([]string{"scenario", "lever_set", "replicate", "versus", "group", "metric", "unit", "value"})
		for ai, arm := range b.Arms {
			as := &sums[ai]
			var cols [][2][]float64 // per policy metric: vs twin, vs case
			for k := range as.rows {
				c := [2][]float64{effects(ai, Twin, k)}
				if arm.LeverSet > 0 {
					c[1] = effects(ai, Shock, k)
				}
				cols = append(cols, c)
			}
			for r := range b.Replicates {
				rep := strconv.Itoa(r)
				for vi, versus := range []string{"twin", "case"} {
					if vi == 1 && arm.LeverSet == 0 {
						continue
					}
					for k, pm := range as.rows {
						if err := cw.Write([]string{b.Scenario, arm.Name, rep, versus, pm.Group, pm.Name, pm.Unit, formatFloat(cols[k][vi][r])}); err != nil {
							return err
						}
					}
				}
			}
		}
		cw.Flush()
		return cw.Error()
	})
	if err != nil {
		return nil, err
	}
	files = append(files, f)

	// summary.csv, blockwise across replicates.
	f, err = writeFile(s.stage, "summary.csv", func(w io.Writer) error {
		cw := csv.NewWriter(w)
		cw.Write(summaryHeader)
		tq := make([]float64, b.Replicates+1)
		for ai, arm := range b.Arms {
			for ti, name := range sim.TableNames {
				written := slices.Contains(b.Tables, name)
				if !written && ai != 0 {
					continue
				}
				ts, err := s.summarizeTable(arm, lays[arm.Point], ti, tq)
				if err != nil {
					return err
				}
				if ai == 0 {
					*a.Case.tables()[ti] = ts
				}
				if written {
					if err := writeSummaryTable(cw, b.Scenario, arm.Name, &ts); err != nil {
						return err
					}
				}
			}
		}
		cw.Flush()
		return cw.Error()
	})
	if err != nil {
		return nil, err
	}
	files = append(files, f)

	if h.Extras != nil {
		a.Manifest = s.manifest(true)
		a.Manifest.Units = len(s.units)
		extras, err := h.Extras(a)
		if err != nil {
			return nil, err
		}
		for _, x := range extras {
			f, err := writeFile(s.stage, x.Name, x.Write)
			if err != nil {
				return nil, err
			}
			files = append(files, f)
		}
	}
	return files, nil
}

func allIn(xs, set []string) bool {
	for _, x := range xs {
		if !slices.Contains(set, x) {
			return false
		}
	}
	return true
}

// readResult reads a unit's twin and lever set l's shock.
func (s *Store) readResult(id sim.UnitID, lay *layout, l int) (sim.Result, error) {
	return readResult(s.unitPath(id), id, lay, l)
}

// readResult reads the twin and lever set l's shock of the unit file at path,
// which must hold id; lay nil takes the file's own layout.
func readResult(path string, id sim.UnitID, lay *layout, l int) (sim.Result, error) {
	res := sim.Result{Replicate: id.Replicate}
	u, err := openUnit(path, lay)
	if err != nil {
		return res, err
	}
	defer u.Close()
	if u.hdr.Point != id.Point || u.hdr.Replicate != id.Replicate {
		return res, fmt.Errorf("%s: holds point %d, replicate %d", u.path, u.hdr.Point, u.hdr.Replicate)
	}
	if l >= u.hdr.Shocks {
		return res, fmt.Errorf("%s: %d shock runs, lever set %d is missing", u.path, u.hdr.Shocks, l)
	}
	if res.Twin, err = u.tables(0); err != nil {
		return res, err
	}
	res.Shock, err = u.tables(1 + l)
	return res, err
}

// Replay reads a finished output's unit files and calls fn for every (arm,
// replicate) in output order, with the tables Finish's Hooks.Each saw, and
// returns the manifest. It writes nothing; `ripple check-targets` uses it.
func Replay(dir string, fn func(arm int, r *sim.Result)) (Manifest, error) {
	m, err := ReadManifest(dir)
	if err != nil {
		return m, err
	}
	if !m.Complete || m.Shard != "" {
		return m, fmt.Errorf("%s is not a finished output (finish it with -resume, or merge its shards)", dir)
	}
	b := batchOf(&m)
	if err := b.normalize(); err != nil {
		return m, fmt.Errorf("%s: manifest.json: %v", dir, err)
	}
	for ai, arm := range b.Arms {
		for r := range b.Replicates {
			id := sim.UnitID{Point: arm.Point, Replicate: r}
			res, err := readResult(filepath.Join(dir, unitsDir, unitName(id)), id, nil, arm.LeverSet)
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					return m, fmt.Errorf("%s: the unit file of point %d, replicate %d is missing from %s/", dir, id.Point, id.Replicate, unitsDir)
				}
				return m, err
			}
			fn(ai, &res)
		}
	}
	return m, nil
}

// summarizeTable describes table ti of an arm across replicates, as
// Summarize does, reading the unit files in blocks of metrics so that the
// values held stay under summaryBudget.
func (s *Store) summarizeTable(arm Arm, lay *layout, ti int, tq []float64) (TableSummary, error) {
	tl := &lay.tables[ti]
	nd, nm, R := len(tl.Dates), len(tl.Metrics), s.b.Replicates
	ts := TableSummary{Name: tl.Name, Dates: slices.Clone(lay.dates[ti]), Metrics: slices.Clone(tl.Metrics)}
	for v := range ts.Stats {
		ts.Stats[v] = make([][]Stat, nm)
	}
	if nm == 0 {
		return ts, nil
	}
	mb := nm
	if per := int64(16) * int64(R) * int64(max(nd, 1)); int64(nm)*per > summaryBudget {
		mb = max(1, int(summaryBudget/per))
	}
	buf := make([]float64, 2*R*mb*nd)
	raw := make([]byte, 8*mb*nd)
	xs := make([]float64, 0, R)
	for m0 := 0; m0 < nm; m0 += mb {
		m1 := min(nm, m0+mb)
		k := (m1 - m0) * nd
		for r := range R {
			if err := s.readBlock(sim.UnitID{Point: arm.Point, Replicate: r}, lay, arm.LeverSet, ti, m0, m1,
				buf[2*r*k:(2*r+1)*k], buf[(2*r+1)*k:(2*r+2)*k], raw); err != nil {
				return ts, err
			}
		}
		for m := m0; m < m1; m++ {
			for v := range ts.Stats {
				row := make([]Stat, nd)
				for d := range row {
					xs = xs[:0]
					for r := range R {
						i := (m-m0)*nd + d
						sh, tw := buf[2*r*k+i], buf[(2*r+1)*k+i]
						x := sh - tw
						switch Variant(v) {
						case Shock:
							x = sh
						case Twin:
							x = tw
						}
						if !math.IsNaN(x) {
							xs = append(xs, x)
						}
					}
					row[d] = describe(xs, tq)
				}
				ts.Stats[v][m] = row
			}
		}
	}
	return ts, nil
}

// readBlock reads metrics m0..m1 of table ti of a unit's lever set l shock
// and twin: one contiguous read each.
func (s *Store) readBlock(id sim.UnitID, lay *layout, l, ti, m0, m1 int, shock, twin []float64, raw []byte) error {
	path := s.unitPath(id)
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	hl, err := readPrefix(path, f, fi.Size())
	if err != nil {
		return err
	}
	data := unitPrefix + hl
	if fi.Size() < data+8*int64(lay.runCells)*int64(2+l)+unitTrailer {
		return fmt.Errorf("%s: truncated unit file", path)
	}
	cell := lay.tableOff[ti] + m0*len(lay.tables[ti].Dates)
	if err := readValues(f, data, lay, 0, cell, twin, raw); err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	if err := readValues(f, data, lay, 1+l, cell, shock, raw); err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	return nil
}

// Write writes a whole batch from units in memory: Open (no resume), Put
// each, Finish. On error it removes its staging directory.
func Write(dir string, b Batch, units []*sim.UnitResult, h Hooks) error {
	s, err := Open(dir, b, false)
	if err != nil {
		return err
	}
	for _, u := range units {
		if err = s.Put(u); err != nil {
			break
		}
	}
	if err == nil {
		err = s.Finish(h)
	}
	if err != nil {
		os.RemoveAll(s.stage)
	}
	return err
}

// Merge assembles the finished shard outputs of one batch into dir, as
// Finish does: the result is byte-identical to a one-machine run of the
// batch, but for the manifest's times and workers. Every shard 0..n-1 must
// be given once, and every unit file must be present and intact. The units
// are hard-linked (or copied) into DIR.partial; an interrupted Merge resumes.
func Merge(dir string, shards []string, h Hooks, workers int) error {
	if len(shards) == 0 {
		return fmt.Errorf("no shards to merge")
	}
	var first *Manifest
	byIndex := map[int]string{}
	n := 0
	start := time.Time{}
	var wall time.Duration
	for _, sd := range shards {
		m, err := readManifest(sd)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("%s is not a ripple output (no manifest.json)", sd)
			}
			return err
		}
		var sh Shard
		if _, err := fmt.Sscanf(m.Shard, "%d/%d", &sh.Index, &sh.Count); err != nil || sh.Count < 1 || sh.Index < 0 || sh.Index >= sh.Count {
			return fmt.Errorf("%s is not a shard output (its manifest has shard %q)", sd, m.Shard)
		}
		if !m.Complete {
			return fmt.Errorf("%s: shard %s is not finished; finish it with -resume first", sd, m.Shard)
		}
		if first == nil {
			first, n = m, sh.Count
		} else if d := differs(first, m, true); len(d) > 0 {
			return fmt.Errorf("%s and %s are shards of different batches (they differ in %s)", shards[0], sd, strings.Join(d, ", "))
		} else if sh.Count != n {
			return fmt.Errorf("%s is shard %s, %s of %d shards", sd, m.Shard, shards[0], n)
		}
		if prev, ok := byIndex[sh.Index]; ok {
			return fmt.Errorf("shard %d of %d given twice: %s and %s", sh.Index, n, prev, sd)
		}
		byIndex[sh.Index] = sd
		if t, err := time.Parse(time.RFC3339, m.StartTime); err == nil && (start.IsZero() || t.Before(start)) {
			start = t
		}
		wall += time.Duration(m.WallSeconds * float64(time.Second))
	}
	var missing []string
	for i := range n {
		if _, ok := byIndex[i]; !ok {
			missing = append(missing, strconv.Itoa(i))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("missing shard %s of %d; give every shard's output directory", strings.Join(missing, ", "), n)
	}
	b := batchOf(first)
	b.Workers = workers
	if err := b.normalize(); err != nil {
		return err
	}

	// Every unit of every shard, present and intact.
	type src struct {
		id   sim.UnitID
		path string
	}
	var srcs []src
	for i := range n {
		sb := b
		sb.Shard = Shard{i, n}
		for _, id := range sb.units() {
			srcs = append(srcs, src{id, filepath.Join(byIndex[i], unitsDir, unitName(id))})
		}
	}
	bad := make([]string, len(srcs))
	var g errgroup.Group
	g.SetLimit(max(1, workers, runtime.GOMAXPROCS(0)))
	for i, x := range srcs {
		g.Go(func() error {
			if err := checkUnit(x.path, x.id); err != nil {
				what := "damaged"
				if errors.Is(err, fs.ErrNotExist) {
					what = "missing"
				}
				bad[i] = fmt.Sprintf("point %d, replicate %d: %s %s", x.id.Point, x.id.Replicate, what, x.path)
			}
			return nil
		})
	}
	g.Wait()
	bad = slices.DeleteFunc(bad, func(s string) bool { return s == "" })
	if len(bad) > 0 {
		more := ""
		if len(bad) > 10 {
			more = fmt.Sprintf("; and %d more", len(bad)-10)
			bad = bad[:10]
		}
		return fmt.Errorf("cannot merge: %d unit files missing or damaged: %s%s; rerun those shards with -resume", len(bad), strings.Join(bad, "; "), more)
	}

	s, err := Open(dir, b, true)
	if err != nil {
		return err
	}
	if s.finished {
		return nil
	}
	s.start, s.before = start, s.before+wall
	sort.Slice(srcs, func(i, j int) bool {
		a, c := srcs[i].id, srcs[j].id
		return a.Point < c.Point || a.Point == c.Point && a.Replicate < c.Replicate
	})
	for _, x := range srcs {
		if s.Has(x.id) {
			continue
		}
		dst := s.unitPath(x.id)
		if err := os.Link(x.path, dst); err != nil {
			data, err := os.ReadFile(x.path)
			if err != nil {
				return err
			}
			if err := writeBytes(dst, data); err != nil {
				return err
			}
		}
		s.mu.Lock()
		s.have[x.id] = true
		s.mu.Unlock()
	}
	if err := syncDir(filepath.Join(s.stage, unitsDir)); err != nil {
		return fileErr(filepath.Join(s.stage, unitsDir), err)
	}
	if err := s.Finish(h); err != nil {
		s.Close()
		return err
	}
	return nil
}

// Redraw rebuilds a finished output from its own unit files, as Finish
// does, with new hooks: the tables come out byte-identical and the Extras
// (figures, report) are drawn anew. The manifest keeps the output's start
// and wall time. `ripple plot` uses it.
func Redraw(dir string, h Hooks) error {
	m, err := ReadManifest(dir)
	if err != nil {
		return err
	}
	if !m.Complete || m.Shard != "" {
		return fmt.Errorf("%s is not a finished output (finish it with -resume, or merge its shards)", dir)
	}
	b := batchOf(&m)
	if err := b.normalize(); err != nil {
		return err
	}
	s, err := Open(dir, b, false)
	if err != nil {
		return err
	}
	if t, err := time.Parse(time.RFC3339, m.StartTime); err == nil {
		s.start = t
	}
	for _, id := range b.units() {
		src, dst := filepath.Join(dir, unitsDir, unitName(id)), s.unitPath(id)
		if err := checkUnit(src, id); err != nil {
			os.RemoveAll(s.stage)
			return fmt.Errorf("%s: unit file of point %d, replicate %d: %v", dir, id.Point, id.Replicate, err)
		}
		if err := os.Link(src, dst); err != nil {
			data, err := os.ReadFile(src)
			if err == nil {
				err = writeBytes(dst, data)
			}
			if err != nil {
				os.RemoveAll(s.stage)
				return err
			}
		}
		s.have[id] = true
	}
	s.ended = max(time.Duration(m.WallSeconds*float64(time.Second)), 1)
	if err := s.Finish(h); err != nil {
		os.RemoveAll(s.stage)
		return err
	}
	return nil
}
