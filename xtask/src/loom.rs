//! `cargo xtask loom`: model-checks the core's concurrency with loom.
//!
//! Builds pykka-core with `--cfg loom` (its `sync` shim then hands out loom's types) in its own
//! target directory, so the flag does not rebuild the normal one, and runs the `loom_*` unit
//! tests in release. `LOOM_MAX_PREEMPTIONS` bounds the interleavings explored; set it in the
//! environment to explore more.

use crate::util::{cargo, project_root, run};

/// The default preemption bound. The future models take about a second at 5 and five at 20
/// (which explores them exhaustively); the bound leaves room for bigger models.
const MAX_PREEMPTIONS: &str = "5";

pub(crate) fn run_models() -> Result<(), String> {
    let preemptions = std::env::var("LOOM_MAX_PREEMPTIONS").unwrap_or_else(|_| MAX_PREEMPTIONS.to_owned());
    run(cargo()
        .args(["test", "-p", "pykka-core", "--release", "--lib", "loom"])
        .env("RUSTFLAGS", "--cfg loom")
        .env("CARGO_TARGET_DIR", project_root().join("target").join("loom"))
        .env("LOOM_MAX_PREEMPTIONS", preemptions))
}
