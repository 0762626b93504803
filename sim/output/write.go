package output

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/ripple-sim/ripple/sim"
)

// Run describes a batch for the manifest and the key columns of the long
// tables, and chooses their format.
type Run struct {
	Scenario     string // scenario name
	LeverSet     string // lever-set name, e.g. "case"
	Format       string // format of the long tables: FormatCSV (or "") or FormatParquet
	ScenarioTOML []byte // the complete resolved scenario
	Seed         uint64
	Replicates   int
	Workers      int
	Agents       Agents
	Start        time.Time     // when the batch started
	Wall         time.Duration // wall time of the simulation
	Version      string        // ripple version; "" means Version()
	Extra        []Extra       // further files, such as figures, written before the manifest
}

// Extra is a further file of an output directory: a path relative to it (it
// may name a subdirectory, such as "figures/dau.png") and its writer. Extras
// are written into the temporary directory with the tables and listed in the
// manifest, so they are replaced atomically with everything else.
type Extra struct {
	Name  string
	Write func(io.Writer) error
}

// Agents are the agent counts of a run and the real counts they represent.
type Agents struct {
	Consumers     int     `json:"consumers"`
	RealConsumers float64 `json:"real_consumers"`
}

// File is a written file's name, size and SHA-256 in the manifest.
type File struct {
	Name   string `json:"name"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// Manifest is the content of manifest.json.
type Manifest struct {
	Ripple       string  `json:"ripple_version"`
	Go           string  `json:"go_version"`
	GOOS         string  `json:"goos"`
	GOARCH       string  `json:"goarch"`
	Scenario     string  `json:"scenario"`
	LeverSet     string  `json:"lever_set"`
	Format       string  `json:"format"` // of the long tables: csv or parquet
	Seed         uint64  `json:"seed"`
	Replicates   int     `json:"replicates"`
	Workers      int     `json:"workers"`
	Agents       Agents  `json:"agents"`
	StartTime    string  `json:"start_time"` // RFC 3339
	WallSeconds  float64 `json:"wall_seconds"`
	Files        []File  `json:"files"`
	ScenarioTOML string  `json:"scenario_toml"`
}

// FilesFor returns the files Write writes in a format (see Run.Format), in
// manifest order: a long table per sim.TableNames (daily.csv, ... or
// daily.parquet, ...), then policy.csv, summary.csv and, last, manifest.json.
// It returns nil for an unknown format.
func FilesFor(format string) []string {
	ext := ".csv"
	switch format {
	case "", FormatCSV:
	case FormatParquet:
		ext = ".parquet"
	default:
		return nil
	}
	var fs []string
	for _, name := range sim.TableNames {
		fs = append(fs, name+ext)
	}
	return append(fs, "policy.csv", "summary.csv", "manifest.json")
}

// Files are the files Write writes in the default format, CSV.
var Files = FilesFor(FormatCSV)

// Version returns ripple's version: the VCS revision the binary was built
// from (with "-modified" for a dirty tree), the module version, or "devel".
func Version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	var rev, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = "-modified"
			}
		}
	}
	switch {
	case rev != "":
		return rev + modified
	case bi.Main.Version != "" && bi.Main.Version != "(devel)":
		return bi.Main.Version
	}
	return "devel"
}

// Write writes the results of a batch into dir (see FilesFor): a long table
// per sim.TableNames (tidy long form, with the shock, twin and effect of every
// replicate; daily.csv, weekly.csv, ... or, when run.Format is FormatParquet,
// daily.parquet, weekly.parquet, ...), policy.csv (cumulative effects by
// group, see Policy), summary.csv (across replicates) and manifest.json.
//
// Parquet tables have the CSV's columns and row order, typed (see the package
// documentation); they are zstd-compressed and streamed in row groups of
// bounded size.
//
// The files are written into a temporary directory next to dir, which then
// replaces dir. On error nothing is left behind and an existing dir is
// untouched. dir must be absent, empty, or an earlier output (it holds a
// manifest.json); its parent is created if needed.
func Write(dir string, run Run, results []sim.Result) (err error) {
	if err := CheckFormat(run.Format); err != nil {
		return err
	}
	if run.Format == "" {
		run.Format = FormatCSV
	}
	files := FilesFor(run.Format)
	if err := checkLayout(results); err != nil {
		return err
	}
	dir, err = filepath.Abs(dir)
	if err != nil {
		return err
	}
	if err := checkTarget(dir); err != nil {
		return err
	}
	tmp, err := makeTemp(dir)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()

	sum := Summarize(results)
	var writers []func(io.Writer) error
	long := writeLong
	if run.Format == FormatParquet {
		long = writeLongParquet
	}
	for ti := range sim.TableNames {
		writers = append(writers, func(w io.Writer) error { return long(w, ti, &run, results) })
	}
	policy := Policy(results)
	writers = append(writers,
		func(w io.Writer) error { return writePolicy(w, &run, policy) },
		func(w io.Writer) error { return writeSummary(w, &sum) })
	m := ManifestOf(&run)
	for i, write := range writers {
		f, err := writeFile(tmp, files[i], write)
		if err != nil {
			return writeErr(dir, err)
		}
		m.Files = append(m.Files, f)
	}
	for _, x := range run.Extra {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(tmp, x.Name)), 0o755); err != nil {
			return writeErr(dir, err)
		}
		f, err := writeFile(tmp, x.Name, x.Write)
		if err != nil {
			return writeErr(dir, err)
		}
		m.Files = append(m.Files, f)
	}
	js, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("manifest: %v", err)
	}
	if _, err := writeFile(tmp, "manifest.json", func(w io.Writer) error {
		_, err := w.Write(append(js, '\n'))
		return err
	}); err != nil {
		return writeErr(dir, err)
	}
	if err := syncDir(tmp); err != nil {
		return writeErr(dir, err)
	}
	return replace(tmp, dir)
}

// ManifestOf returns the manifest of a run, without its file list.
func ManifestOf(run *Run) Manifest {
	v := run.Version
	if v == "" {
		v = Version()
	}
	return Manifest{
		Ripple: v, Go: runtime.Version(), GOOS: runtime.GOOS, GOARCH: runtime.GOARCH,
		Scenario: run.Scenario, LeverSet: run.LeverSet, Format: run.Format, Seed: run.Seed,
		Replicates: run.Replicates, Workers: run.Workers, Agents: run.Agents,
		StartTime: run.Start.Format(time.RFC3339), WallSeconds: run.Wall.Seconds(),
		Files:        []File{},
		ScenarioTOML: string(run.ScenarioTOML),
	}
}

// Check reports whether Write could write dir, without writing anything:
// dir must be absent, empty or an earlier output, and a directory must be
// creatable next to it. Call it before a long run.
func Check(dir string) error {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	if err := checkTarget(dir); err != nil {
		return err
	}
	tmp, err := makeTemp(dir)
	if err != nil {
		return err
	}
	return os.Remove(tmp)
}

// checkTarget refuses to replace anything but an empty directory or an
// earlier output, so that a mistyped dir never deletes other files.
func checkTarget(dir string) error {
	fi, err := os.Lstat(dir)
	if err != nil {
		return nil // absent, or makeTemp will report why it is unusable
	}
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		return fmt.Errorf("%s is a symbolic link; give the directory it points to", dir)
	case !fi.IsDir():
		return fmt.Errorf("%s exists and is not a directory; choose another output directory", dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("cannot read %s: %v", dir, err)
	}
	if len(entries) == 0 {
		return nil
	}
	if _, err := os.Stat(filepath.Join(dir, "manifest.json")); err != nil {
		return fmt.Errorf("%s exists and is not a ripple output (no manifest.json); remove it or choose another output directory", dir)
	}
	return nil
}

// makeTemp creates the parent of dir if needed and a fresh temporary
// directory in it.
func makeTemp(dir string) (string, error) {
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", fmt.Errorf("cannot create %s: %v; make sure %s is a writable directory, or choose another output directory", dir, err, parent)
	}
	tmp, err := os.MkdirTemp(parent, ".ripple-tmp-*")
	if err != nil {
		return "", fmt.Errorf("cannot create %s: %v; make sure %s is a writable directory, or choose another output directory", dir, err, parent)
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("cannot create %s: %v", dir, err)
	}
	return tmp, nil
}

func writeErr(dir string, err error) error {
	return fmt.Errorf("cannot write %s: %v; check free space and permissions, or choose another output directory", dir, err)
}

// writeFile creates name in dir, writes it through a buffer, syncs it, and
// returns its size and SHA-256. Errors name the file.
func writeFile(dir, name string, write func(io.Writer) error) (File, error) {
	path := filepath.Join(dir, name)
	f, err := createFile(path)
	if err != nil {
		return File{}, err
	}
	h := sha256.New()
	cw := &countWriter{w: io.MultiWriter(f, h)}
	bw := bufio.NewWriterSize(cw, 1<<16)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		if pe := (*fs.PathError)(nil); !errors.As(err, &pe) {
			err = fmt.Errorf("%s: %w", path, err)
		}
		return File{}, err
	}
	return File{Name: name, Bytes: cw.n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// outFile is the part of *os.File that writeFile uses.
type outFile interface {
	io.Writer
	Sync() error
	Close() error
}

// createFile creates a new file for writeFile; tests replace it to simulate
// a full disk.
var createFile = func(path string) (outFile, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, err
	}
	return f, nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// replace moves the complete tmp into place as dir. An existing dir is moved
// aside first and removed last; if the final rename fails it is put back.
func replace(tmp, dir string) error {
	old := ""
	if _, err := os.Lstat(dir); err == nil {
		old = tmp + ".old"
		if err := os.Rename(dir, old); err != nil {
			return fmt.Errorf("cannot replace %s: %v; check permissions, or choose another output directory", dir, err)
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		if old != "" {
			os.Rename(old, dir)
		}
		return fmt.Errorf("cannot move the new output into %s: %v; check permissions, or choose another output directory", dir, err)
	}
	syncDir(filepath.Dir(dir)) // best effort: the data is complete either way
	if old != "" {
		if err := os.RemoveAll(old); err != nil {
			return fmt.Errorf("wrote %s, but could not remove the previous output moved to %s: %v; delete it by hand", dir, old, err)
		}
	}
	return nil
}

// syncDir flushes a directory's entries to disk.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
