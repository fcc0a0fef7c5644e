//! `pykka-bench`: the shared actor workloads on pykka-rs.
//!
//! ```text
//! pykka-bench [--target SECONDS] [--reps R] [WORKLOAD ...]
//! ```
//!
//! Prints one JSON line per workload (all of them if none is named), in the schema of the
//! shared anchors (`bench/run_all.sh --extra pykka-rs=…/pykka-bench`), with system
//! `pykka-rs`. A `--bench` argument, which `cargo bench` passes, is ignored.
//!
//! The same file is the root of the `actors` bench target (`cargo bench -p benches`), which
//! includes it as a module and calls [`cli`].

mod common;
mod workloads;

use common::Config;
use workloads::WORKLOADS;

/// The `system` field of the JSON lines.
const SYSTEM: &str = "pykka-rs";

/// What the command line asks for.
#[derive(Debug)]
struct Options {
    config: Config,
    workloads: Vec<&'static str>,
    /// Whether `--bench` was given (by `cargo bench`).
    bench_flag: bool,
}

/// Parses `--target S --reps R WORKLOAD...`; an error is the reason for the usage message.
fn parse(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        config: Config {
            system: SYSTEM,
            target: 1.5,
            reps: 5,
        },
        workloads: Vec::new(),
        bench_flag: false,
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--target" => {
                options.config.target = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .filter(|t: &f64| *t > 0.0)
                    .ok_or("--target needs a positive number of seconds")?;
            }
            "--reps" => {
                options.config.reps = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .filter(|r: &usize| *r > 0)
                    .ok_or("--reps needs a positive integer")?;
            }
            "--bench" => options.bench_flag = true,
            "-h" | "--help" => return Err(String::new()),
            name => match WORKLOADS.iter().find(|w| **w == name) {
                Some(w) => options.workloads.push(w),
                None => return Err(format!("unknown argument or workload: {name}")),
            },
        }
    }
    if options.workloads.is_empty() {
        options.workloads = WORKLOADS.to_vec();
    }
    Ok(options)
}

/// Prints the usage (after `reason`, if any) and exits with status 2.
fn usage(reason: &str) -> ! {
    if !reason.is_empty() {
        eprintln!("pykka-bench: {reason}");
    }
    eprintln!(
        "usage: pykka-bench [--target SECONDS] [--reps R] [WORKLOAD ...]\nworkloads: {}",
        WORKLOADS.join(" ")
    );
    std::process::exit(2);
}

/// Parses the process arguments and runs the workloads they name.
///
/// With `smoke_unless_bench` (the `actors` bench target), a run without `--bench` is
/// `cargo test --benches` checking that the target works: every workload then runs once,
/// briefly, unless `--target`/`--reps` say otherwise.
pub(crate) fn cli(smoke_unless_bench: bool) {
    let explicit = std::env::args().any(|a| a == "--target" || a == "--reps");
    let mut options = parse(std::env::args().skip(1)).unwrap_or_else(|reason| usage(&reason));
    if smoke_unless_bench && !options.bench_flag && !explicit {
        options.config.target = 0.01;
        options.config.reps = 1;
    }
    for workload in &options.workloads {
        workloads::run(&options.config, workload);
    }
}

#[allow(
    dead_code,
    reason = "the `actors` bench target includes this file and has its own `main`"
)]
fn main() {
    cli(false);
}
