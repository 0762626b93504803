package configs

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strings"

	"github.com/ripple-sim/ripple/sim"
)

//go:embed presets/*.toml
var presetFS embed.FS

// Load reads and parses a scenario file; messages name the file as given.
func Load(path string) (sim.Scenario, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return sim.Scenario{}, fmt.Errorf("scenario file %s: no such file", path)
		}
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return sim.Scenario{}, fmt.Errorf("scenario file %s: cannot read: %v", path, err)
	}
	return Parse(path, data)
}

// Parse decodes a scenario file. Keys left out take their values from
// sim.DefaultScenario; the file starts with no events. name is used in
// messages. On any problem it returns the zero Scenario and an *Errors that
// lists every problem of the file, in file order.
func Parse(name string, data []byte) (sim.Scenario, error) {
	sc := sim.DefaultScenario()
	c := newChecker(name)
	d := decoder{c: c, src: string(data)}
	if d.decode(&sc) {
		c.fullScale(&sc)
		c.validate(&sc)
	}
	if err := c.err(); err != nil {
		return sim.Scenario{}, err
	}
	return sc, nil
}

// Presets returns the sorted names of the embedded presets.
func Presets() []string { return embedded(presetFS, "presets") }

// embedded returns the sorted names of the TOML files in an embedded directory.
func embedded(fsys embed.FS, dir string) []string {
	entries, _ := fs.ReadDir(fsys, dir)
	var names []string
	for _, e := range entries {
		if n, ok := strings.CutSuffix(e.Name(), ".toml"); ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// PresetTOML returns the embedded preset file, for `ripple preset show`.
func PresetTOML(name string) ([]byte, error) {
	data, err := presetFS.ReadFile("presets/" + name + ".toml")
	if err != nil || strings.ContainsAny(name, `/\`) {
		return nil, fmt.Errorf("unknown preset %q (known: %s)", name, strings.Join(Presets(), ", "))
	}
	return data, nil
}

// Preset parses an embedded preset.
func Preset(name string) (sim.Scenario, error) {
	data, err := PresetTOML(name)
	if err != nil {
		return sim.Scenario{}, err
	}
	return Parse(name+".toml", data)
}
