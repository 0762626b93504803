package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/ripple-sim/ripple/configs"
	"github.com/ripple-sim/ripple/sim/output"
	"github.com/ripple-sim/ripple/targets"
)

// cmdPlot redraws a run's figures and report from its output files, without
// simulating.
func cmdPlot(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("plot")
	h := help{usage: "ripple plot DIR", about: `Redraws the figures and report.html of an output directory written by
'ripple run' from its tables and manifest.json, without simulating again,
and replaces its figures/ directory and report.html.`, example: "ripple plot ripple-out"}
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
	results, m, err := output.ReadResults(dir)
	if err != nil {
		return fail(stderr, "ripple plot: "+dir+" is not a readable ripple output directory", err)
	}
	sc, err := configs.Parse(filepath.Join(dir, "manifest.json"), []byte(m.ScenarioTOML))
	if err != nil {
		return fail(stderr, "ripple plot: the manifest's scenario", err)
	}
	files, err := extras(sc, m, output.Summarize(results), output.Policy(results), targets.Evaluate(results, &sc), nil, nil)
	if err != nil {
		return fail(stderr, "ripple plot", err)
	}
	// Draw into a temporary directory, then swap figures/ and report.html in.
	tmp, err := os.MkdirTemp(dir, ".figures-*")
	if err != nil {
		return fail(stderr, "ripple plot: cannot write into "+dir, err)
	}
	defer os.RemoveAll(tmp)
	if err := os.Mkdir(filepath.Join(tmp, "figures"), 0o755); err != nil {
		return fail(stderr, "ripple plot", err)
	}
	for _, x := range files {
		f, err := os.Create(filepath.Join(tmp, x.Name))
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
	for _, name := range []string{"figures", "report.html"} {
		if err := os.Rename(filepath.Join(tmp, name), filepath.Join(dir, name)); err != nil {
			return fail(stderr, "ripple plot", err)
		}
	}
	fmt.Fprintf(stdout, "Drew report.html and %d figures (PNG, SVG) in %s.\n", (len(files)-1)/2, figs)
	return 0
}
