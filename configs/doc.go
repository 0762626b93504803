// Package configs reads and writes ripple's scenario files: TOML documents
// that declare a sim.Scenario's dates, parameters, policy levers, seasonality
// and event schedule. Parse and Load decode a file strictly (every key is
// optional and takes sim.DefaultScenario's value when left out, but unknown
// keys, wrong types and invalid values are errors) and report every problem of
// a file at once, one line each naming the file, line, key, value and what is
// allowed. Encode writes a resolved scenario back as a complete, commented
// file that parses to the same value, and the embedded presets (Presets,
// Preset, PresetTOML) start with MODEL.md's kr_coupang_2025. One table of
// parameter specs drives decoding, validation and encoding; package sim never
// sees TOML.
//
// Experiment files (ParseExperiment, LoadExperiment; embedded ones in
// Experiments and ExperimentText, starting with experiments/sanction_ladder.toml,
// which documents the format) name a base scenario, replicates and seed, and
// vary scenario keys with a factorial [grid] and a Latin hypercube [sample].
// Keys under levers. make lever sets sharing one no-breach twin per parameter
// point; the others make parameter points. The result is a sim.Design, every
// scenario of it validated like a scenario file.
package configs
