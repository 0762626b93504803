// Package sim is ripple's engine: the scenario as plain Go values, the
// deterministic day loop over sharded agent populations, the no-breach twin on
// common random numbers, and the batch runner over replicates.
//
// Data flows one way: a Scenario (built by package configs, or by hand) goes
// into NewWorld, which builds one replicate's network and initial population;
// World.Run runs the shock and the twin and returns their daily, weekly and
// monthly tables. RunBatch does this for many replicates in parallel. Nothing
// here knows about TOML, files, plots or flags.
package sim
