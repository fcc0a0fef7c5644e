//! `cargo xtask bench`: runs `pykka-bench` in release, prints its JSON lines and a table.

use crate::util::{cargo, output};

pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let mut cmd = cargo();
    cmd.args(["run", "-q", "--release", "-p", "benches", "--bin", "pykka-bench", "--"]);
    if args.is_empty() {
        cmd.args(["--target", "1", "--reps", "3"]);
    } else {
        cmd.args(args);
    }
    let out = output(&mut cmd)?;
    print!("{out}");
    println!();
    println!("| workload | value | unit | p50 µs | p99 µs |");
    println!("|---|---|---|---|---|");
    for line in out.lines().filter(|l| l.starts_with('{')) {
        let field = |k: &str| json_field(line, k).unwrap_or_else(|| "-".into());
        println!(
            "| {} | {} | {} | {} | {} |",
            field("workload"),
            short(&field("value")),
            field("unit"),
            short(&field("p50_us")),
            short(&field("p99_us"))
        );
    }
    Ok(())
}

/// The raw text of `"key": value` in a flat JSON object (strings without their quotes).
fn json_field(line: &str, key: &str) -> Option<String> {
    let start = line.find(&format!("\"{key}\":"))? + key.len() + 3;
    let rest = line[start..].trim_start();
    if let Some(s) = rest.strip_prefix('"') {
        return s.find('"').map(|end| s[..end].to_string());
    }
    let end = rest.find([',', '}']).unwrap_or(rest.len());
    Some(rest[..end].trim().to_string())
}

/// Rounds a number to 3 significant-ish digits for the table.
fn short(v: &str) -> String {
    match v.parse::<f64>() {
        Ok(x) if x >= 1e6 => format!("{:.2}M", x / 1e6),
        Ok(x) if x >= 1e3 => format!("{:.1}k", x / 1e3),
        Ok(x) => format!("{x:.3}"),
        Err(_) => v.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::json_field;

    #[test]
    fn reads_flat_json_fields() {
        let line = r#"{"system": "pykka-rs", "workload": "fanout", "value": 12.5, "unit": "msgs/s"}"#;
        assert_eq!(json_field(line, "workload").as_deref(), Some("fanout"));
        assert_eq!(json_field(line, "value").as_deref(), Some("12.5"));
        assert_eq!(json_field(line, "p50_us"), None);
    }
}
