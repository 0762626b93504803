// Package output writes a batch of ripple results to disk: tidy long tables
// (daily, weekly, monthly, quarterly, distributions) with the shock run, its
// no-breach twin and their paired effect per replicate; the policy summary
// (cumulative effects by group); a summary across replicates (mean, standard
// error, quantiles); and a manifest that records the resolved scenario, seed,
// versions, the format, and the size and checksum of every file. Files are
// byte-identical for identical results, and a directory is written
// atomically: readers see either the complete previous output or the complete
// new one.
//
// The long tables are CSV (daily.csv, ...) by default, or Parquet
// (daily.parquet, ...) when Run.Format is FormatParquet; policy.csv and
// summary.csv are CSV in both formats (see FilesFor). A Parquet table has the
// CSV's columns, in the same order, and its rows, in the same order, typed so
// that pandas, Polars, R arrow and DuckDB read it as is:
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
package output
