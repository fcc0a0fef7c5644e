//! `cargo xtask examples`: runs each example and compares its stdout with `NAME.stdout`.
//!
//! URNs (`urn:uuid:` and 36 hex digits or dashes) are masked as `urn:uuid:<URN>` first.

use std::fs;

use crate::util::{cargo, output, project_root};

/// Every example with an expected-output file, by name.
pub(crate) fn names() -> Result<Vec<String>, String> {
    let dir = project_root().join("examples");
    let mut names: Vec<String> = fs::read_dir(&dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .filter_map(|e| {
            e.file_name()
                .to_str()
                .and_then(|n| n.strip_suffix(".stdout"))
                .map(str::to_owned)
        })
        .collect();
    names.sort();
    Ok(names)
}

pub(crate) fn run() -> Result<(), String> {
    crate::util::run(cargo().args(["build", "-q", "-p", "examples", "--examples"]))?;
    let mut failed = Vec::new();
    for name in names()? {
        let expected_path = project_root().join("examples").join(format!("{name}.stdout"));
        let expected =
            fs::read_to_string(&expected_path).map_err(|e| format!("cannot read {}: {e}", expected_path.display()))?;
        let actual = mask_urns(&output(cargo().args([
            "run",
            "-q",
            "-p",
            "examples",
            "--example",
            &name,
        ]))?);
        if actual == expected {
            println!("example {name}: ok");
        } else {
            println!("example {name}: OUTPUT DIFFERS\n--- expected\n{expected}--- actual\n{actual}---");
            failed.push(name);
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("examples with unexpected output: {}", failed.join(", ")))
    }
}

/// Replaces every `urn:uuid:<36 chars of hex and dashes>` with `urn:uuid:<URN>`.
pub(crate) fn mask_urns(text: &str) -> String {
    const PREFIX: &str = "urn:uuid:";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(PREFIX) {
        out.push_str(&rest[..i + PREFIX.len()]);
        let after = &rest[i + PREFIX.len()..];
        let id_len = after
            .bytes()
            .take(36)
            .take_while(|b| b.is_ascii_hexdigit() || *b == b'-')
            .count();
        if id_len == 36 {
            out.push_str("<URN>");
            rest = &after[36..];
        } else {
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::mask_urns;

    #[test]
    fn masks_urns_only() {
        let text = "A (urn:uuid:0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9) urn:uuid:short";
        assert_eq!(mask_urns(text), "A (urn:uuid:<URN>) urn:uuid:short");
    }
}
