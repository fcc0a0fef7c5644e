//! Compile-fail tests: every diagnostic of `#[actor]`/`#[traversable]` and every misuse the
//! type system must reject, each with its `.stderr` snapshot.
//!
//! trybuild colours its report (`test ui/fail/… ... ok`) whenever `TERM` is set and not `dumb`
//! and `NO_COLOR` is unset, even when stderr is piped: it uses termcolor's `ColorChoice::Auto`,
//! which reads those two variables and never checks for a terminal. `.ci/run` and
//! `cargo xtask ci` therefore set `NO_COLOR=1` when stderr is not a terminal; do the same when
//! you pipe this test's output yourself (`NO_COLOR=1 cargo test -p pykka-tests --test
//! compiletest 2>&1 | less`).

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/fail/**/*.rs");
    t.pass("ui/pass/*.rs");
}
