//! Project automation, following the cargo-xtask convention: `cargo xtask <task>`.
//!
//! Tasks: `ci` (everything CI checks), `bench` (benchmark JSON lines and a table), `examples`
//! (run every example and compare its output), `stress` (the randomized stress test), `loom`
//! (model-check the core), `bless` (rewrite trybuild snapshots), `tidy` (repository hygiene),
//! `help`.

#![allow(clippy::print_stdout, clippy::print_stderr, reason = "a command-line tool")]

mod bench;
mod ci;
mod examples;
mod loom;
mod stress;
mod tidy;
mod util;

use std::process::ExitCode;

const HELP: &str = "\
usage: cargo xtask <task> [args]

tasks:
  ci [--no-tests]    fmt --check, clippy -D warnings, doc (warnings denied), tidy, examples,
                     loom, 60 s of stress (and 30 s on the pool), the test targets with
                     PYKKA_RUNTIME=pool, then the
                     tests (`cargo test --workspace`) unless --no-tests
  bench [ARGS]       run pykka-bench in release (ARGS: --target S --reps R WORKLOAD...)
                     and print its JSON lines and a table
  examples           run every example and compare stdout with examples/NAME.stdout
  loom               model-check the core with loom (--cfg loom, target/loom)
  stress [ARGS]      run the randomized stress test pykka-stress in release
                     (ARGS: --seconds N (default 10) --seed S --pool (on the pooled runtime))
  bless              rewrite the trybuild .stderr snapshots (TRYBUILD=overwrite)
  tidy               repository hygiene checks
  help               this text
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let task = args.first().map_or("help", String::as_str);
    let rest = args.get(1..).unwrap_or_default();
    let result = match task {
        "ci" => ci::run(rest),
        "bench" => bench::run(rest),
        "examples" => examples::run(),
        "loom" => loom::run_models(),
        "stress" => stress::run(rest),
        "bless" => util::run(
            util::cargo()
                .args(["test", "-p", "pykka-tests", "--test", "compiletest"])
                .env("TRYBUILD", "overwrite"),
        )
        .and_then(|()| util::run(std::process::Command::new("git").args(["status", "--short", "tests/ui"]))),
        "tidy" => tidy::run(),
        "help" | "--help" | "-h" => {
            print!("{HELP}");
            Ok(())
        }
        other => Err(format!("unknown task `{other}`\n\n{HELP}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask {task}: {e}");
            ExitCode::FAILURE
        }
    }
}
