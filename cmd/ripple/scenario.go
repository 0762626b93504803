package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/ripple-sim/ripple/configs"
	"github.com/ripple-sim/ripple/sim"
)

const defaultPreset = "kr_coupang_2025"

// scenarioFlags are -scenario FILE and -preset NAME, for the commands that
// run a scenario.
type scenarioFlags struct{ file, preset *string }

// addScenarioFlags defines them; verb says what the command does with the
// scenario ("read", "start from").
func addScenarioFlags(fs *flag.FlagSet, verb string) scenarioFlags {
	return scenarioFlags{
		file:   fs.String("scenario", "", verb+" the scenario in TOML `FILE` (default: the embedded preset "+defaultPreset+")"),
		preset: fs.String("preset", "", verb+" the embedded scenario `NAME` (see 'ripple presets')"),
	}
}

// scaleUsage documents -scale.
const scaleUsage = "population scale `S`: full runs one agent per person in every population (33.7 M\nconsumers, weights 1, float32 consumer trust; MODEL.md §1), weighted the scenario's\nagent counts (default: the scenario's population.scale)"

// setScale applies -scale to a scenario.
func setScale(sc *sim.Scenario, scale string) {
	if scale == sim.ScaleFull {
		sc.Population = sim.FullPopulation()
		return
	}
	sc.Population.Scale = scale
}

// scaleProblem says what is wrong with -scale, or "".
func scaleProblem(set map[string]bool, scale string) string {
	switch {
	case !set["scale"]:
	case scale != sim.ScaleFull && scale != sim.ScaleWeighted:
		return fmt.Sprintf("-scale %q: want full or weighted", scale)
	case scale == sim.ScaleFull && set["consumers"]:
		return "-scale full sets the consumers: drop -consumers"
	}
	return ""
}

// problem says what is wrong with the flags as given, or "".
func (f scenarioFlags) problem(set map[string]bool) string {
	switch {
	case set["scenario"] && set["preset"]:
		return "use -scenario or -preset, not both"
	case set["scenario"] && *f.file == "":
		return "-scenario needs a file name"
	}
	return ""
}

// load reads the chosen scenario: the file, the preset, or the default preset.
func (f scenarioFlags) load(cmd string, stderr io.Writer) (sim.Scenario, bool, int) {
	preset := *f.preset
	if preset == "" {
		preset = defaultPreset
	}
	return loadScenario(cmd, *f.file, preset, stderr)
}

// loadScenario reads a scenario file, or else a preset. It prints what went
// wrong and returns ok false with the exit code.
func loadScenario(cmd, file, preset string, stderr io.Writer) (sc sim.Scenario, ok bool, code int) {
	if file != "" {
		if !readable(file, stderr) {
			return sc, false, 1
		}
		sc, err := configs.Load(file)
		if err != nil {
			for _, line := range strings.Split(strings.TrimSpace(err.Error()), "\n") {
				fmt.Fprintf(stderr, "ripple %s: %s\n", cmd, line)
			}
			return sc, false, 1
		}
		return sc, true, 0
	}
	if !slices.Contains(configs.Presets(), preset) {
		return sc, false, unknownPreset(stderr, cmd, preset)
	}
	sc, err := configs.Preset(preset)
	if err != nil {
		return sc, false, fail(stderr, "ripple "+cmd+": preset "+preset, err)
	}
	return sc, true, 0
}

// readable reports whether a file can be opened, and prints why not.
func readable(file string, stderr io.Writer) bool {
	f, err := os.Open(file)
	if err != nil {
		fmt.Fprintf(stderr, "ripple: cannot read scenario: %s\n", oneLine(err.Error()))
		return false
	}
	f.Close()
	return true
}

func unknownPreset(stderr io.Writer, cmd, name string) int {
	return usageErr(stderr, cmd, fmt.Sprintf("unknown preset %q (available: %s)", name, strings.Join(configs.Presets(), ", ")))
}

func cmdPresets(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("presets")
	h := help{usage: "ripple presets", about: "Lists the scenarios built into ripple, with the first line of each description,\nand the built-in experiments. Run a scenario with 'ripple run -preset NAME', an\nexperiment with 'ripple sweep NAME'; print either with 'ripple preset show NAME'.", example: "ripple presets"}
	if ok, code := parse(fs, h, args, stdout, stderr); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return usageErr(stderr, "presets", fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	for _, name := range configs.Presets() {
		desc := ""
		if sc, err := configs.Preset(name); err != nil {
			desc = "(does not load: " + oneLine(err.Error()) + ")"
		} else {
			desc, _, _ = strings.Cut(strings.TrimSpace(sc.Description), "\n")
		}
		fmt.Fprintf(tw, "%s\t%s\n", name, desc)
	}
	tw.Flush()
	if exps := configs.Experiments(); len(exps) > 0 {
		fmt.Fprintln(stdout, "\nExperiments (ripple sweep NAME):")
		for _, name := range exps {
			fmt.Fprintf(stdout, "%s\n", name)
		}
	}
	return 0
}

func cmdPreset(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("preset show")
	h := help{usage: "ripple preset show NAME", about: "Prints the TOML of a built-in scenario exactly as embedded. Save it, edit it,\nand run it with 'ripple run -scenario FILE'. 'ripple presets' lists the names.", example: "ripple preset show " + defaultPreset + " > my.toml"}
	switch {
	case len(args) == 0:
		return usageErr(stderr, "preset", "missing subcommand: use 'ripple preset show NAME'")
	case args[0] == "-h" || args[0] == "-help" || args[0] == "--help":
		printHelp(fs, h, stdout)
		return 0
	case args[0] != "show":
		return usageErr(stderr, "preset", fmt.Sprintf("unknown subcommand %q: use 'ripple preset show NAME'", args[0]))
	}
	if ok, code := parse(fs, h, args[1:], stdout, stderr); !ok {
		return code
	}
	switch {
	case fs.NArg() == 0:
		return usageErr(stderr, "preset show", "missing preset name")
	case fs.NArg() > 1:
		return usageErr(stderr, "preset show", fmt.Sprintf("unexpected argument %q", fs.Arg(1)))
	}
	name := fs.Arg(0)
	if text, ok := configs.ExperimentText(name); ok {
		stdout.Write(text)
		return 0
	}
	if !slices.Contains(configs.Presets(), name) {
		return unknownPreset(stderr, "preset show", name)
	}
	b, err := configs.PresetTOML(name)
	if err != nil {
		return fail(stderr, "ripple preset show", err)
	}
	stdout.Write(b)
	return 0
}

func cmdValidate(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("validate")
	h := help{usage: "ripple validate FILE", about: "Reads a scenario file and reports every problem, one per line with the key,\nthe value and what is allowed. Exits 1 when the file is invalid.", example: "ripple validate my.toml"}
	if ok, code := parse(fs, h, args, stdout, stderr); !ok {
		return code
	}
	switch {
	case fs.NArg() == 0:
		return usageErr(stderr, "validate", "missing scenario file")
	case fs.NArg() > 1:
		return usageErr(stderr, "validate", fmt.Sprintf("unexpected argument %q", fs.Arg(1)))
	}
	file := fs.Arg(0)
	if !readable(file, stderr) {
		return 1
	}
	sc, err := configs.Load(file)
	if err != nil {
		fmt.Fprintln(stderr, strings.TrimSpace(err.Error()))
		return 1
	}
	// Rules that need the initial population, such as the couriers' share of
	// baseline parcels (omega_K <= 1), are checked by building replicate 0.
	if _, err := sim.NewWorld(sc, 1, 0); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", file, err)
		return 1
	}
	fmt.Fprintf(stdout, "%s: ok (%d events, %d consumers)\n", file, len(sc.Events), sc.Population.Consumers)
	return 0
}
