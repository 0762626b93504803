// Command ripple runs breach-shock scenarios and writes their outputs.
//
// Usage:
//
//	ripple run [flags]          run replicates of a scenario and write CSV outputs
//	ripple sweep EXPERIMENT     run a policy experiment: lever sets x parameter points x replicates
//	ripple merge -out DIR SHARD_DIR...  combine the shards of a cluster run
//	ripple calibrate [flags]    fit the free parameters to the calibration targets
//	ripple sensitivity [flags]  Morris screening of the free parameters
//	ripple check-targets DIR    check an output against the calibration targets
//	ripple presets              list the embedded scenarios
//	ripple preset show NAME     print an embedded scenario's TOML
//	ripple validate FILE        check a scenario file
//	ripple plot DIR             redraw the figures of an output directory
//	ripple version              print the version
//
// Run "ripple COMMAND -h" for a command's flags.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"github.com/ripple-sim/ripple/sim/output"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

const overview = `ripple simulates how a data-breach disclosure ripples through a platform's
consumers, with a no-breach twin on the same random numbers for every replicate.

Usage:
  ripple run [flags]          run replicates of a scenario and write tidy CSV outputs
  ripple sweep EXPERIMENT     run a policy experiment: lever sets x parameter points x replicates,
                              with effects paired against the twin and against the case
  ripple sensitivity [flags]  screen the free parameters (MODEL.md §8) with Morris elementary effects
  ripple merge -out DIR SHARD_DIR...
                              combine the shards of a cluster run (-shard I/N) into one output
  ripple presets              list the embedded scenarios
  ripple preset show NAME     print an embedded scenario's TOML (a starting point for your own)
  ripple validate FILE        check a scenario file and list every problem
  ripple plot DIR             redraw the figures of an output directory without simulating
  ripple check-targets DIR    check an output directory against the calibration targets CT-1..CT-10
  ripple calibrate [flags]    fit MODEL.md §8's free parameters to CT-1..CT-10 (writes fitted.toml)
  ripple version              print the version
  ripple help [COMMAND]       show this overview, or a command's flags

Examples:
  ripple run -replicates 16 -out runs/case
  ripple sweep -replicates 8 -out runs/ladder sanction_ladder
`

// run is the whole program: it returns the exit code (0 ok, 1 failed, 2
// usage error, 130 interrupted).
func run(args []string, stdout, stderr io.Writer) (code int) {
	defer func() {
		if os.Getenv("RIPPLE_DEBUG") != "" {
			return // let a panic print its stack trace
		}
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "ripple: internal error: %s (please report this; set RIPPLE_DEBUG=1 for a stack trace)\n", oneLine(fmt.Sprint(r)))
			code = 1
		}
	}()
	if len(args) == 0 {
		fmt.Fprint(stdout, overview)
		return 0
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "run":
		return cmdRun(rest, stdout, stderr)
	case "sweep":
		return cmdSweep(rest, stdout, stderr)
	case "sensitivity":
		return cmdSensitivity(rest, stdout, stderr)
	case "merge":
		return cmdMerge(rest, stdout, stderr)
	case "presets":
		return cmdPresets(rest, stdout, stderr)
	case "preset":
		return cmdPreset(rest, stdout, stderr)
	case "validate":
		return cmdValidate(rest, stdout, stderr)
	case "plot":
		return cmdPlot(rest, stdout, stderr)
	case "check-targets":
		return cmdCheckTargets(rest, stdout, stderr)
	case "calibrate":
		return cmdCalibrate(rest, stdout, stderr)
	case "version", "-version", "--version":
		return cmdVersion(rest, stdout, stderr)
	case "help", "-h", "-help", "--help":
		if len(rest) == 0 {
			fmt.Fprint(stdout, overview)
			return 0
		}
		if len(rest) > 1 {
			return usageErr(stderr, "help", "takes at most one command name")
		}
		if rest[0] == "help" {
			fmt.Fprint(stdout, overview)
			return 0
		}
		return run([]string{rest[0], "-h"}, stdout, stderr)
	}
	fmt.Fprintf(stderr, "ripple: unknown command %q (see 'ripple help')\n", cmd)
	return 2
}

// help is what a command's -h prints around its flags.
type help struct {
	usage   string // e.g. "ripple run [flags]"
	about   string
	example string
}

// newFlags returns a flag set that reports nothing itself: parse prints help
// and errors.
func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parse parses args. It returns ok false and the exit code when the command
// should stop: after -h (0) or a bad flag (2).
func parse(fs *flag.FlagSet, h help, args []string, stdout, stderr io.Writer) (ok bool, code int) {
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		printHelp(fs, h, stdout)
		return false, 0
	}
	if err != nil {
		return false, usageErr(stderr, fs.Name(), err.Error())
	}
	return true, 0
}

func printHelp(fs *flag.FlagSet, h help, w io.Writer) {
	fmt.Fprintf(w, "Usage: %s\n\n%s\n", h.usage, h.about)
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n > 0 {
		fmt.Fprintln(w, "\nFlags:")
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	fmt.Fprintf(w, "\nExample:\n  %s\n", h.example)
}

// usageErr prints a one-line usage error and returns exit code 2.
func usageErr(stderr io.Writer, cmd, msg string) int {
	fmt.Fprintf(stderr, "ripple %s: %s (see 'ripple %s -h')\n", cmd, oneLine(msg), cmd)
	return 2
}

// fail prints a one-line error and returns exit code 1.
func fail(stderr io.Writer, prefix string, err error) int {
	fmt.Fprintf(stderr, "%s: %s\n", prefix, oneLine(err.Error()))
	return 1
}

// oneLine joins the lines of a message with "; ".
func oneLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	return strings.Join(lines, "; ")
}

func cmdVersion(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("version")
	h := help{usage: "ripple version", about: "Prints ripple's version (the VCS revision it was built from, or \"devel\"),\nthe Go version and the platform.", example: "ripple version"}
	if ok, code := parse(fs, h, args, stdout, stderr); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return usageErr(stderr, "version", fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
	}
	fmt.Fprintf(stdout, "ripple %s (%s %s/%s)\n", output.Version(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return 0
}
