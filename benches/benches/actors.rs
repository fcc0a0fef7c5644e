//! `cargo bench -p benches`: the `pykka-bench` workloads as a bench target.
//!
//! The modules are those of the `pykka-bench` binary, included by path, so both run the very
//! same code. `cargo bench` passes `--bench`, which is ignored: every workload then runs with
//! the default target and repetitions (add `-- --target S --reps R WORKLOAD…` to choose).
//! Without `--bench` (`cargo test --benches`) each workload runs once, briefly, as a smoke
//! test.

#[path = "../src/main.rs"]
mod app;

fn main() {
    app::cli(true);
}
