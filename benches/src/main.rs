//! `pykka-bench`: the shared actor workloads on pykka-rs.
//!
//! ```text
//! pykka-bench [--runtime thread|pool] [--target SECONDS] [--reps R] [--actors K] [WORKLOAD ...]
//! ```
//!
//! Prints one JSON line per workload (all of them if none is named), in the schema of the
//! shared anchors (`bench/run_all.sh --extra pykka-rs=…/pykka-bench`), with system
//! `pykka-rs`. `--runtime` picks what drives the actors: `thread` (one OS thread per actor,
//! the default unless `PYKKA_RUNTIME=pool` is set) or `pool` (`pykka::Pool::global()`; its
//! lines also carry `"runtime": "pool"`).
//! `--actors K` (default 10,000) is read by `many_actors` only. A `--bench` argument, which
//! `cargo bench` passes, is ignored.
//!
//! The same file is the root of the `actors` bench target (`cargo bench -p benches`), which
//! includes it as a module and calls [`cli`].

mod common;
mod runtime;
mod workloads;

use common::{Config, MANY_ACTORS};
use runtime::Runtime;
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

/// The K of `many_actors` in a smoke run (`cargo test --benches`) without `--actors`.
const SMOKE_ACTORS: usize = 1000;

/// Parses `--runtime thread|pool --target S --reps R --actors K WORKLOAD...`; an error is the
/// reason for the usage message.
fn parse(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        config: Config {
            system: SYSTEM,
            target: 1.5,
            reps: 5,
            actors: MANY_ACTORS,
            runtime: Runtime::default_for_process(),
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
            "--actors" => {
                options.config.actors = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .filter(|k: &usize| *k > 0)
                    .ok_or("--actors needs a positive integer")?;
            }
            "--runtime" => {
                let name = args.next().ok_or("--runtime needs `thread` or `pool`")?;
                options.config.runtime = Runtime::parse(&name)?;
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
        "usage: pykka-bench [--runtime thread|pool] [--target SECONDS] [--reps R] [--actors K] [WORKLOAD ...]\nworkloads: {}",
        WORKLOADS.join(" ")
    );
    std::process::exit(2);
}

/// Parses the process arguments and runs the workloads they name.
///
/// With `smoke_unless_bench` (the `actors` bench target), a run without `--bench` is
/// `cargo test --benches` checking that the target works: every workload then runs once,
/// briefly (`many_actors` with 1000 actors), unless `--target`/`--reps`/`--actors` say
/// otherwise.
pub(crate) fn cli(smoke_unless_bench: bool) {
    let explicit = std::env::args().any(|a| a == "--target" || a == "--reps");
    let explicit_actors = std::env::args().any(|a| a == "--actors");
    let mut options = parse(std::env::args().skip(1)).unwrap_or_else(|reason| usage(&reason));
    if smoke_unless_bench && !options.bench_flag {
        if !explicit {
            options.config.target = 0.01;
            options.config.reps = 1;
        }
        if !explicit_actors {
            options.config.actors = SMOKE_ACTORS;
        }
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
