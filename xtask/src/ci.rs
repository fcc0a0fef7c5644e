//! `cargo xtask ci`: the whole gate, fail-fast, with the test summary last.

use crate::util::cargo;
use crate::util::run as sh;

/// Runs every check CI runs, in fail-fast order.
pub(crate) fn run() -> Result<(), String> {
    sh(cargo().args(["fmt", "--all", "--check"]))?;
    sh(cargo().args(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]))?;
    sh(cargo()
        .args(["doc", "--workspace", "--no-deps"])
        .env("RUSTDOCFLAGS", "-D warnings"))?;
    crate::tidy::run()?;
    crate::examples::run()?;
    sh(cargo().args(["test", "--workspace"]))
}
