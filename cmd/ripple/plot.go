package main

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/ripple-sim/ripple/configs"
	"github.com/ripple-sim/ripple/sim/output"
)

// cmdPlot redraws an output's figures and report from its replicate files,
// without simulating.
func cmdPlot(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("plot")
	h := help{usage: "ripple plot DIR", about: `Redraws the figures and report.html of an output directory written by
'ripple run', 'ripple sweep' or 'ripple merge' from its replicate files and
manifest.json, without simulating again. The directory is rebuilt
atomically; its tables come out byte-identical.`, example: "ripple plot ripple-out"}
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
	m, err := output.ReadManifest(dir)
	if err != nil {
		return fail(stderr, "ripple plot", err)
	}
	d, err := digestOf(dir, &m, true)
	if err != nil {
		return fail(stderr, "ripple plot", err)
	}
	if err := output.Redraw(dir, d.hooks()); err != nil {
		return fail(stderr, "ripple plot", err)
	}
	fmt.Fprintf(stdout, "Drew report.html and %d figures (PNG, SVG) in %s.\n", d.files/2, filepath.Join(dir, "figures"))
	return 0
}

// digestOf returns the digest for re-assembling the output in dir (merge,
// plot): its scenario and, for a sweep, its experiment come from the
// manifest.
func digestOf(dir string, m *output.Manifest, figures bool) (*digest, error) {
	where := filepath.Join(dir, "manifest.json")
	sc, err := configs.Parse(where, []byte(m.ScenarioTOML))
	if err != nil {
		return nil, fmt.Errorf("the manifest's scenario: %w", err)
	}
	var exp *configs.Experiment
	if m.Experiment != "" {
		e, err := configs.ParseExperimentBase(where, []byte(m.Experiment), sc)
		if err != nil {
			return nil, fmt.Errorf("the manifest's experiment: %w", err)
		}
		e.Seed, e.Replicates = m.Seed, m.Replicates // as run, with any command-line overrides
		exp = &e
	}
	return newDigest(&sc, exp, figures), nil
}
