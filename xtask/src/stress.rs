//! `cargo xtask stress`: runs the randomized stress test `pykka-stress` in release.

use crate::util::{cargo, run as run_cmd};

/// Runs `pykka-stress` with `args` (`--seconds N`, `--seed S`, and `--pool`, which runs it
/// with `PYKKA_RUNTIME=pool`; see `tests/stress/main.rs`).
pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let pool = args.iter().any(|a| a == "--pool");
    let args: Vec<&String> = args.iter().filter(|a| *a != "--pool").collect();
    let mut cmd = cargo();
    if pool {
        cmd.env("PYKKA_RUNTIME", "pool");
    }
    cmd.args([
        "run",
        "-q",
        "--release",
        "-p",
        "pykka-tests",
        "--bin",
        "pykka-stress",
        "--",
    ]);
    cmd.args(args);
    run_cmd(&mut cmd)
}
