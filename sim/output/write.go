package output

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync/atomic"

	"github.com/ripple-sim/ripple/sim"
)

// Extra is a further file of an output directory: a path relative to it (it
// may name a subdirectory, such as "figures/dau.png") and its writer. Extras
// are written into the staging directory with the tables and listed in the
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

// Manifest is the content of manifest.json. A staging directory's manifest
// has Complete false and Units the units present; a finished output's has
// Complete true, Units the units of the batch (or shard), and Files every
// file but manifest.json and the unit files (which carry their own
// checksums).
type Manifest struct {
	Ripple       string   `json:"ripple_version"`
	Go           string   `json:"go_version"`
	GOOS         string   `json:"goos"`
	GOARCH       string   `json:"goarch"`
	Scenario     string   `json:"scenario"`
	LeverSets    []string `json:"lever_sets"` // the arms' names, in output order
	Arms         []Arm    `json:"arms"`
	Format       string   `json:"format"` // of the long tables: csv or parquet
	Tables       []string `json:"tables"` // the long tables written
	Seed         uint64   `json:"seed"`
	Replicates   int      `json:"replicates"`
	Shard        string   `json:"shard"` // "" for a whole batch, else "i/n"
	Units        int      `json:"units"`
	Complete     bool     `json:"complete"`
	Workers      int      `json:"workers"`
	Agents       Agents   `json:"agents"`
	StartTime    string   `json:"start_time"` // RFC 3339
	WallSeconds  float64  `json:"wall_seconds"`
	Files        []File   `json:"files"`
	ScenarioTOML string   `json:"scenario_toml"`
	Experiment   string   `json:"experiment_toml,omitempty"` // the experiment file of a sweep
}

// FilesFor returns the files a finished output holds in a format (see
// Batch.Format) when it writes every table, in manifest order: a long table
// per sim.TableNames (daily.csv, ... or daily.parquet, ...), then policy.csv,
// effects.csv, summary.csv and, last, manifest.json. The unit files under
// replicates/ are not listed. It returns nil for an unknown format.
func FilesFor(format string) []string { return filesOf(format, sim.TableNames) }

// filesOf is FilesFor for the long tables named.
func filesOf(format string, tables []string) []string {
	ext := ".csv"
	switch format {
	case "", FormatCSV:
	case FormatParquet:
		ext = ".parquet"
	default:
		return nil
	}
	var fs []string
	for _, name := range tables {
		fs = append(fs, name+ext)
	}
	return append(fs, "policy.csv", "effects.csv", "summary.csv", "manifest.json")
}

// Files are the files of an output in the default format, CSV.
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

// fileErr is the message for a failed write of path.
func fileErr(path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return fmt.Errorf("cannot write %s: %v; check free space and permissions, or choose another output directory", path, err)
}

// outWriter writes a file through a temporary name in the same directory:
// commit syncs it and renames it into place, abort removes it.
type outWriter struct {
	*bufio.Writer
	path, tmp string
	f         outFile
	h         hash.Hash
	cw        *countWriter
}

var tmpSeq atomic.Int64

// tmpMark is in the name of every temporary file.
const tmpMark = ".tmp-"

// create starts the file name (slash-separated, relative to dir).
func create(dir, name string) (*outWriter, error) {
	path := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fileErr(path, err)
	}
	tmp := fmt.Sprintf("%s%s%d", path, tmpMark, tmpSeq.Add(1))
	f, err := createFile(tmp)
	if err != nil {
		return nil, fileErr(path, err)
	}
	o := &outWriter{path: path, tmp: tmp, f: f, h: sha256.New()}
	o.cw = &countWriter{w: io.MultiWriter(f, o.h)}
	o.Writer = bufio.NewWriterSize(o.cw, 1<<16)
	return o, nil
}

// commit finishes the file and returns its manifest entry.
func (o *outWriter) commit(name string) (File, error) {
	err := o.Flush()
	if err == nil {
		err = o.f.Sync()
	}
	if cerr := o.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(o.tmp, o.path)
	}
	if err != nil {
		os.Remove(o.tmp)
		return File{}, fileErr(o.path, err)
	}
	return File{Name: name, Bytes: o.cw.n, SHA256: hex.EncodeToString(o.h.Sum(nil))}, nil
}

// abort removes the unfinished file.
func (o *outWriter) abort() {
	o.f.Close()
	os.Remove(o.tmp)
}

// writeFile writes name (slash-separated, relative to dir) with write,
// atomically, and returns its size and SHA-256. Errors name the file.
func writeFile(dir, name string, write func(io.Writer) error) (File, error) {
	o, err := create(dir, name)
	if err != nil {
		return File{}, err
	}
	if err := write(o); err != nil {
		o.abort()
		return File{}, fileErr(o.path, err)
	}
	return o.commit(name)
}

// writeBytes writes data to path atomically (temporary file, sync, rename,
// sync of the directory).
func writeBytes(path string, data []byte) error {
	dir, name := filepath.Split(path)
	o, err := create(dir, name)
	if err != nil {
		return err
	}
	if _, err := o.Write(data); err != nil {
		o.abort()
		return fileErr(path, err)
	}
	if _, err := o.commit(name); err != nil {
		return err
	}
	if err := syncDir(dir); err != nil {
		return fileErr(path, err)
	}
	return nil
}

// outFile is the part of *os.File that an outWriter uses.
type outFile interface {
	io.Writer
	Sync() error
	Close() error
}

// createFile creates a new (temporary) file for an outWriter; tests replace it to simulate
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
