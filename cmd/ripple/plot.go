package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/ripple-sim/ripple/configs"
	"github.com/ripple-sim/ripple/sim/output"
)

// cmdPlot redraws a run's figures from its output files, without simulating.
func cmdPlot(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("plot")
	h := help{usage: "ripple plot DIR", about: `Redraws the figures of an output directory written by 'ripple run' from its
summary.csv, policy.csv and manifest.json, without simulating again, and
replaces its figures/ directory.`, example: "ripple plot ripple-out"}
	if ok, code := parse(fs, h, args, stdout, stderr); !ok {
		return code
	}
	switch {
	case fs.NArg() == 0:
		return usageErr(stderr, "plot", "missing output directory")
	case fs.NArg() > 1:
		return usageErr(stderr, "plot", fmt.Sprintf("unexpected argument %q", fs.Arg(1)))
	}
	dir := fs.Arg(0)
	var m output.Manifest
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err == nil {
		err = json.Unmarshal(b, &m)
	}
	if err != nil {
		return fail(stderr, "ripple plot: "+dir+" is not a ripple output directory", err)
	}
	sc, err := configs.Parse(filepath.Join(dir, "manifest.json"), []byte(m.ScenarioTOML))
	if err != nil {
		return fail(stderr, "ripple plot: the manifest's scenario", err)
	}
	sum, err := readWith(filepath.Join(dir, "summary.csv"), output.ReadSummary)
	if err != nil {
		return fail(stderr, "ripple plot", err)
	}
	policy, err := readWith(filepath.Join(dir, "policy.csv"), output.ReadPolicy)
	if err != nil {
		return fail(stderr, "ripple plot", err)
	}
	extras := figureSet(sc, m.Seed, m.Replicates, sum, policy)
	tmp, err := os.MkdirTemp(dir, ".figures-*")
	if err != nil {
		return fail(stderr, "ripple plot: cannot write into "+dir, err)
	}
	defer os.RemoveAll(tmp)
	for _, x := range extras {
		name := filepath.Join(tmp, filepath.Base(x.Name))
		f, err := os.Create(name)
		if err == nil {
			err = x.Write(f)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			return fail(stderr, "ripple plot", err)
		}
	}
	figs := filepath.Join(dir, "figures")
	if err := os.RemoveAll(figs); err != nil {
		return fail(stderr, "ripple plot", err)
	}
	if err := os.Rename(tmp, figs); err != nil {
		return fail(stderr, "ripple plot", err)
	}
	fmt.Fprintf(stdout, "Drew %d figures (PNG, SVG) in %s.\n", len(extras)/2, figs)
	return 0
}

// readWith opens a file and parses it.
func readWith[T any](path string, parse func(io.Reader) (T, error)) (T, error) {
	f, err := os.Open(path)
	if err != nil {
		var zero T
		return zero, err
	}
	defer f.Close()
	return parse(f)
}
