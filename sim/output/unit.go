package output

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"time"

	"github.com/ripple-sim/ripple/sim"
)

// Unit files (see the package documentation for the layout).
const (
	unitMagic   = "RIPUNIT\x00"
	unitVersion = 1
	unitPrefix  = 16 // magic, version, header length
	unitTrailer = sha256.Size
	unitsDir    = "replicates"
)

// unitHeader is the JSON header of a unit file.
type unitHeader struct {
	Point     int           `json:"point"`
	Replicate int           `json:"replicate"`
	Shocks    int           `json:"shocks"`
	Tables    []tableLayout `json:"tables"`
}

// tableLayout is the dates and metrics of one table of a unit.
type tableLayout struct {
	Name    string   `json:"name"`
	Dates   []string `json:"dates"`
	Metrics []string `json:"metrics"`
}

func (t tableLayout) equal(u tableLayout) bool {
	return t.Name == u.Name && slices.Equal(t.Dates, u.Dates) && slices.Equal(t.Metrics, u.Metrics)
}

// layout is the layout shared by every unit of a parameter point.
type layout struct {
	tables   []tableLayout
	dates    [][]time.Time
	tableOff []int // cell offset of each table within a run
	runCells int   // cells of one run (all tables)
}

func newLayout(tables []tableLayout) (*layout, error) {
	if len(tables) != len(sim.TableNames) {
		return nil, fmt.Errorf("%d tables, want %d", len(tables), len(sim.TableNames))
	}
	l := &layout{tables: tables}
	for ti, t := range tables {
		if t.Name != sim.TableNames[ti] {
			return nil, fmt.Errorf("table %d is %q, want %q", ti, t.Name, sim.TableNames[ti])
		}
		ds := make([]time.Time, len(t.Dates))
		for d, s := range t.Dates {
			var err error
			if ds[d], err = time.Parse(dateFormat, s); err != nil {
				return nil, fmt.Errorf("table %s: %v", t.Name, err)
			}
		}
		l.dates = append(l.dates, ds)
		l.tableOff = append(l.tableOff, l.runCells)
		l.runCells += len(t.Dates) * len(t.Metrics)
	}
	return l, nil
}

func (l *layout) equal(tables []tableLayout) bool {
	return slices.EqualFunc(l.tables, tables, tableLayout.equal)
}

// unitName is the file name of a unit inside replicates/.
func unitName(id sim.UnitID) string { return fmt.Sprintf("p%04d-r%06d.bin", id.Point, id.Replicate) }

// parseUnitName inverts unitName.
func parseUnitName(name string) (sim.UnitID, bool) {
	var id sim.UnitID
	if _, err := fmt.Sscanf(name, "p%04d-r%06d.bin", &id.Point, &id.Replicate); err != nil {
		return id, false
	}
	return id, unitName(id) == name
}

// encodeUnit returns the bytes of u's unit file. Every shock table must have
// the dates and metrics of the twin's, and values to match.
func encodeUnit(u *sim.UnitResult) ([]byte, *unitHeader, error) {
	if len(u.Shocks) == 0 {
		return nil, nil, fmt.Errorf("point %d, replicate %d: no shock runs", u.Point, u.Replicate)
	}
	runs := []*sim.Tables{&u.Twin}
	for l := range u.Shocks {
		runs = append(runs, &u.Shocks[l])
	}
	h := unitHeader{Point: u.Point, Replicate: u.Replicate, Shocks: len(u.Shocks)}
	cells := 0
	for ti, name := range sim.TableNames {
		ref := u.Twin.Table(ti)
		for k, run := range runs {
			t := run.Table(ti)
			what := "twin"
			if k > 0 {
				what = fmt.Sprintf("lever set %d shock", k-1)
			}
			if !slices.EqualFunc(t.Dates, ref.Dates, time.Time.Equal) || !slices.Equal(t.Metrics, ref.Metrics) {
				return nil, nil, fmt.Errorf("point %d, replicate %d: %s %s table has other dates or metrics than the twin's", u.Point, u.Replicate, what, name)
			}
			if len(t.Values) != len(t.Metrics) {
				return nil, nil, fmt.Errorf("point %d, replicate %d: %s %s table has %d series for %d metrics", u.Point, u.Replicate, what, name, len(t.Values), len(t.Metrics))
			}
			for m, col := range t.Values {
				if len(col) != len(t.Dates) {
					return nil, nil, fmt.Errorf("point %d, replicate %d: %s %s table: metric %s has %d values for %d dates",
						u.Point, u.Replicate, what, name, t.Metrics[m], len(col), len(t.Dates))
				}
			}
		}
		h.Tables = append(h.Tables, tableLayout{Name: name, Dates: formatDates(ref.Dates), Metrics: slices.Clone(ref.Metrics)})
		cells += len(ref.Dates) * len(ref.Metrics)
	}
	js, err := json.Marshal(h)
	if err != nil {
		return nil, nil, err
	}
	buf := make([]byte, 0, unitPrefix+len(js)+8*cells*len(runs)+unitTrailer)
	buf = append(buf, unitMagic...)
	buf = binary.LittleEndian.AppendUint32(buf, unitVersion)
	buf = binary.LittleEndian.AppendUint32(buf, uint32(len(js)))
	buf = append(buf, js...)
	for _, run := range runs {
		for ti := range sim.TableNames {
			for _, col := range run.Table(ti).Values {
				for _, x := range col {
					buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(x))
				}
			}
		}
	}
	sum := sha256.Sum256(buf)
	return append(buf, sum[:]...), &h, nil
}

// unitFile is an open unit file.
type unitFile struct {
	path string
	f    *os.File
	size int64
	data int64 // offset of the values
	hdr  unitHeader
	lay  *layout
}

// readPrefix reads and checks the fixed prefix and returns the header length.
func readPrefix(path string, f *os.File, size int64) (int64, error) {
	var p [unitPrefix]byte
	if _, err := f.ReadAt(p[:], 0); err != nil {
		if errors.Is(err, io.EOF) {
			return 0, fmt.Errorf("%s: truncated unit file (%d bytes)", path, size)
		}
		return 0, err
	}
	if string(p[:8]) != unitMagic {
		return 0, fmt.Errorf("%s: not a ripple unit file", path)
	}
	if v := binary.LittleEndian.Uint32(p[8:]); v != unitVersion {
		return 0, fmt.Errorf("%s: unit file format version %d; this ripple reads version %d", path, v, unitVersion)
	}
	hl := int64(binary.LittleEndian.Uint32(p[12:]))
	if unitPrefix+hl+unitTrailer > size {
		return 0, fmt.Errorf("%s: truncated unit file (%d bytes)", path, size)
	}
	return hl, nil
}

// openUnit opens a unit file and checks its prefix, header and size. With
// lay set, the header's layout must be lay; otherwise openUnit parses it.
func openUnit(path string, lay *layout) (*unitFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	u, err := readUnitHeader(path, f, lay)
	if err != nil {
		f.Close()
		return nil, err
	}
	return u, nil
}

func readUnitHeader(path string, f *os.File, lay *layout) (*unitFile, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	u := &unitFile{path: path, f: f, size: fi.Size()}
	hl, err := readPrefix(path, f, u.size)
	if err != nil {
		return nil, err
	}
	js := make([]byte, hl)
	if _, err := f.ReadAt(js, unitPrefix); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if err := json.Unmarshal(js, &u.hdr); err != nil {
		return nil, fmt.Errorf("%s: bad header: %v", path, err)
	}
	if lay == nil {
		if lay, err = newLayout(u.hdr.Tables); err != nil {
			return nil, fmt.Errorf("%s: bad header: %v", path, err)
		}
	} else if !lay.equal(u.hdr.Tables) {
		return nil, fmt.Errorf("%s: other dates or metrics than the other units of point %d", path, u.hdr.Point)
	}
	u.lay = lay
	u.data = unitPrefix + hl
	if u.hdr.Shocks < 1 {
		return nil, fmt.Errorf("%s: bad header: %d shock runs", path, u.hdr.Shocks)
	}
	if want := u.data + 8*int64(lay.runCells)*int64(1+u.hdr.Shocks) + unitTrailer; u.size != want {
		return nil, fmt.Errorf("%s: truncated or damaged unit file (%d bytes; its header describes %d)", path, u.size, want)
	}
	return u, nil
}

func (u *unitFile) Close() error { return u.f.Close() }

// verify checks the SHA-256 trailer.
func (u *unitFile) verify() error {
	h := sha256.New()
	if _, err := io.Copy(h, io.NewSectionReader(u.f, 0, u.size-unitTrailer)); err != nil {
		return fmt.Errorf("%s: %v", u.path, err)
	}
	var sum [unitTrailer]byte
	if _, err := u.f.ReadAt(sum[:], u.size-unitTrailer); err != nil {
		return fmt.Errorf("%s: %v", u.path, err)
	}
	if string(h.Sum(nil)) != string(sum[:]) {
		return fmt.Errorf("%s: checksum mismatch (the file is damaged)", u.path)
	}
	return nil
}

// readValues reads n float64s at cell offset cell of run k into dst.
func readValues(f io.ReaderAt, data int64, lay *layout, k, cell int, dst []float64, raw []byte) error {
	raw = raw[:8*len(dst)]
	if _, err := f.ReadAt(raw, data+8*(int64(k)*int64(lay.runCells)+int64(cell))); err != nil {
		return err
	}
	for i := range dst {
		dst[i] = math.Float64frombits(binary.LittleEndian.Uint64(raw[8*i:]))
	}
	return nil
}

// tables reads run k (0 the twin, 1+l lever set l's shock).
func (u *unitFile) tables(k int) (sim.Tables, error) {
	var out sim.Tables
	vals := make([]float64, u.lay.runCells)
	if err := readValues(u.f, u.data, u.lay, k, 0, vals, make([]byte, 8*len(vals))); err != nil {
		return out, fmt.Errorf("%s: %v", u.path, err)
	}
	for ti := range sim.TableNames {
		tl := &u.lay.tables[ti]
		t := out.Table(ti)
		t.Dates = slices.Clone(u.lay.dates[ti])
		t.Metrics = slices.Clone(tl.Metrics)
		nd := len(tl.Dates)
		t.Values = make([][]float64, len(tl.Metrics))
		off := u.lay.tableOff[ti]
		for m := range t.Values {
			t.Values[m] = vals[off+m*nd : off+(m+1)*nd : off+(m+1)*nd]
		}
	}
	return out, nil
}

// checkUnit opens, fully verifies and closes the unit file of id.
func checkUnit(path string, id sim.UnitID) error {
	u, err := openUnit(path, nil)
	if err != nil {
		return err
	}
	defer u.Close()
	if u.hdr.Point != id.Point || u.hdr.Replicate != id.Replicate {
		return fmt.Errorf("%s: holds point %d, replicate %d", path, u.hdr.Point, u.hdr.Replicate)
	}
	return u.verify()
}
