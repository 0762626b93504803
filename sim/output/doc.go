// Package output writes batches of ripple results to disk: tidy long tables
// (daily, weekly, monthly, quarterly, distributions) with the shock run, its
// no-breach twin and their paired effect per replicate and lever set; the
// policy summary (cumulative effects by group, against the twin and against
// the point's case); the per-replicate effects behind it; a summary across
// replicates (mean, standard error, quantiles); and a manifest that records
// the resolved scenario, the experiment, seed, versions, the format, and the
// size and checksum of every file.
//
// # Batches, staging, resume, shards
//
// A batch streams to disk. Open prepares the staging directory DIR.partial
// next to the output directory DIR; every finished unit (a parameter point
// and a replicate: its twin and a shock run per lever set) is written there
// by Put as one unit file, replicates/p%04d-r%06d.bin, atomically
// (temporary file, fsync, rename), so a unit file is there whole or not at
// all. After a kill -9, Open with resume keeps the intact unit files, drops
// temporary and damaged ones, and the run goes on with the missing units.
// Finish assembles the output files from the unit files, one unit at a time
// (memory does not grow with the replicate count; see Finish), writes the
// manifest complete and renames DIR.partial into DIR. A shard (Batch.Shard)
// holds every n-th unit (sim.Shard); FinishShard renames it into its DIR
// unassembled, and Merge assembles the shards' unit files into one output,
// byte-identical to a one-machine run. DIR.partial belongs to ripple:
// Finish removes anything in it but the unit files and the manifest.
//
// Every file of a finished output (the manifest but for its times and
// workers) is byte-identical for the same batch, whatever the number of
// workers, the order units were put in, whether the batch was resumed, or
// merged from shards. Each file is written under a temporary name and
// renamed, and the directory is replaced as a whole: readers see either the
// complete previous output or the complete new one.
//
// # Unit files
//
// A unit file is, in order:
//
//	magic      8 bytes  "RIPUNIT\x00"
//	version    uint32 little-endian, 1
//	hlen       uint32 little-endian, the header's length in bytes
//	header     hlen bytes of JSON: {"point":P,"replicate":R,"shocks":L,
//	           "tables":[{"name":"daily","dates":["2025-11-29",...],
//	           "metrics":["dau",...]}, ...]}, every table of
//	           sim.TableNames in that order (empty ones too); no timestamps
//	           or anything else machine-dependent
//	values     float64 little-endian (NaN payloads kept), for run k in
//	           [twin, lever set 0 shock, ..., lever set L-1 shock], table by
//	           table, metric-major: Values[m][d] at cell m*len(dates)+d, so
//	           that a range of metrics of one run and table is one
//	           contiguous read
//	checksum   32 bytes, SHA-256 of everything before it
//
// The file's size must be 16 + hlen + 8 x (1+L) x cells + 32, where cells
// sums len(dates) x len(metrics) over the tables. Readers check the magic,
// version, header and size always, and the checksum when asked (on resume
// and Merge). Every unit of a parameter point has the same dates and
// metrics.
//
// # Formats of the long tables
//
// The long tables are CSV (daily.csv, ...) by default, or Parquet
// (daily.parquet, ...) when Batch.Format is FormatParquet; policy.csv,
// effects.csv and summary.csv are CSV in both formats (see FilesFor). A
// Parquet table has the CSV's columns, in the same order, and its rows, in
// the same order, typed so that pandas, Polars, R arrow and DuckDB read it
// as is:
//
//	scenario, lever_set, variant, metric  string (UTF-8), dictionary-encoded
//	replicate                             INT32
//	date                                  INT32, DATE logical type (days since 1970-01-01)
//	value                                 DOUBLE; NaN stays NaN (bit for bit)
//
// All columns are required (no nulls). Pages are zstd-compressed version 1
// data pages with statistics, in row groups of at most 262,144 rows; rows are
// streamed, so writing holds one row group's compressed pages, not the table.
// The files carry no timestamps: identical results give identical bytes with
// the same version of the Parquet library (github.com/parquet-go/parquet-go,
// named in the files' created_by).
//
// # Tables
//
//	daily.csv ...  scenario,lever_set,replicate,variant,date,metric,value
//	               rows by lever set (arm), replicate, variant (shock, twin,
//	               effect), date, metric
//	policy.csv     scenario,lever_set,versus,group,metric,unit,n,mean,se,ci_lo,ci_hi,p5,p50,p95
//	               per arm: versus=twin rows (Sign x horizon sum of shock -
//	               twin), then, for lever sets other than a point's first,
//	               versus=case rows (Sign x horizon sum of shock - the
//	               point's lever set 0 shock), across replicates
//	effects.csv    scenario,lever_set,replicate,versus,group,metric,unit,value
//	               the per-replicate values behind policy.csv
//	summary.csv    scenario,lever_set,table,variant,date,metric,n,mean,se,p5,p25,p50,p75,p95
//	               per arm and written table, across replicates
package output
