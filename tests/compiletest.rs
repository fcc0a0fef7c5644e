//! Compile-fail tests: every diagnostic of `#[actor]`/`#[traversable]` and every misuse the
//! type system must reject, each with its `.stderr` snapshot.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/fail/**/*.rs");
    t.pass("ui/pass/*.rs");
}
