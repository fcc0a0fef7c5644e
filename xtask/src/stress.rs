//! `cargo xtask stress`: runs the randomized stress test `pykka-stress` in release.

use crate::util::{cargo, run as run_cmd};

/// Runs `pykka-stress` with `args` (`--seconds N`, `--seed S`; see `tests/stress/main.rs`).
pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let mut cmd = cargo();
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
