//! `cargo xtask tidy`: repository hygiene, also run as a `#[test]` by `cargo test`.
//!
//! Every `.rs` file starts with a `//!` line and has no trailing whitespace; tests are never
//! ignored and never expect a panic; every example has its expected output; `.ci/run` runs
//! README's test command and runs the test suite only once; `pykka/README.md` is the root README.

use std::fs;
use std::path::{Path, PathBuf};

use crate::util::project_root;

pub(crate) fn run() -> Result<(), String> {
    let problems = check(&project_root());
    if problems.is_empty() {
        println!("tidy: ok");
        Ok(())
    } else {
        Err(format!(
            "tidy found {} problem(s):\n{}",
            problems.len(),
            problems.join("\n")
        ))
    }
}

fn check(root: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let mut files = Vec::new();
    for dir in [
        "pykka-core",
        "pykka-macros",
        "pykka",
        "examples",
        "tests/it",
        "benches",
        "xtask",
    ] {
        rust_files(&root.join(dir), &mut files);
    }
    for file in &files {
        let Ok(text) = fs::read_to_string(file) else { continue };
        let shown = file.strip_prefix(root).unwrap_or(file).display();
        if !text.starts_with("//!") {
            problems.push(format!("{shown}: does not start with a `//!` summary line"));
        }
        if text.lines().any(|l| l.ends_with(' ') || l.ends_with('\t')) {
            problems.push(format!("{shown}: trailing whitespace"));
        }
        let banned = [
            concat!("#[", "ignore"),
            concat!("#[", "should_panic"),
            concat!("dbg", "!("),
        ];
        for b in banned {
            if text.contains(b) {
                problems.push(format!("{shown}: contains `{b}`"));
            }
        }
    }
    let examples = root.join("examples");
    if let Ok(entries) = fs::read_dir(&examples) {
        for e in entries.filter_map(Result::ok) {
            let path = e.path();
            if path.extension().is_some_and(|x| x == "rs") {
                let stdout = path.with_extension("stdout");
                if !stdout.exists() {
                    problems.push(format!(
                        "examples/{}: no expected output {}",
                        e.file_name().to_string_lossy(),
                        stdout.display()
                    ));
                }
            }
        }
    }
    problems.extend(check_test_command(root));
    match fs::read_link(root.join("pykka/README.md")) {
        Ok(target) if target == Path::new("../README.md") => {}
        _ => problems.push("pykka/README.md: must be a symlink to ../README.md".into()),
    }
    problems
}

/// README's test command (the first `cargo test` line) must be what `.ci/run` runs, and
/// `.ci/run` must not run the tests again through `cargo xtask ci`.
fn check_test_command(root: &Path) -> Vec<String> {
    let readme = fs::read_to_string(root.join("README.md")).unwrap_or_default();
    let ci = fs::read_to_string(root.join(".ci/run")).unwrap_or_default();
    check_ci_script(&readme, &ci)
}

fn check_ci_script(readme: &str, ci: &str) -> Vec<String> {
    let Some(command) = readme
        .lines()
        .find(|l| l.starts_with("cargo test"))
        .map(|l| l.split('#').next().unwrap_or(l).trim().to_string())
    else {
        return vec!["README.md: no `cargo test` command".into()];
    };
    let mut problems = Vec::new();
    if !ci.lines().any(|l| l.trim() == command) {
        problems.push(format!(".ci/run: does not run README's test command `{command}`"));
    }
    let commands = ci.lines().map(|l| l.split('#').next().unwrap_or(l).trim());
    for line in commands.filter(|l| l.starts_with("cargo xtask ci")) {
        if !line.split_whitespace().any(|arg| arg == "--no-tests") {
            problems.push(format!(
                ".ci/run: `{line}` runs the test suite a second time (add `--no-tests`)"
            ));
        }
    }
    problems
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for e in entries.filter_map(Result::ok) {
        let path = e.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "target") {
                rust_files(&path, out);
            }
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn repository_is_tidy() {
        let problems = super::check(&crate::util::project_root());
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    const README: &str = "# x\n\n```sh\ncargo test --workspace # all tests\n```\n";

    #[test]
    fn ci_script_that_runs_the_tests_twice_is_reported() {
        let ci = "set -e\ncargo test --workspace\ncargo xtask ci\n";
        assert_eq!(
            super::check_ci_script(README, ci),
            [".ci/run: `cargo xtask ci` runs the test suite a second time (add `--no-tests`)"]
        );
    }

    #[test]
    fn ci_script_must_run_the_readme_test_command() {
        let ci = "cargo xtask ci --no-tests\n";
        assert_eq!(
            super::check_ci_script(README, ci),
            [".ci/run: does not run README's test command `cargo test --workspace`"]
        );
        let ci = "cargo test --workspace\ncargo xtask ci --no-tests # the rest\n";
        assert!(super::check_ci_script(README, ci).is_empty());
    }
}
