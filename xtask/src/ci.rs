//! `cargo xtask ci`: what `.ci/run` runs. The test step is the README's test command; snapshots
//! are never written here, so an unreviewed snapshot change fails.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::cargo;

pub(crate) fn run() -> Result<(), String> {
    cargo(&["fmt", "--all", "--check"], &[])?;
    let clippy = [
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ];
    cargo(&clippy, &[])?;
    // The HTTP backends' integration tests talk to a real model on loopback.
    crate::model_server::start(crate::model_server::SMALLEST_MODEL)?;
    let tested = test_workspace();
    let _ = crate::model_server::stop();
    let (passed, failed) = tested?;
    eval_against_baseline()?;
    // Last, so that CI logs end with the whole suite's count.
    println!("tests: {passed} passed, {failed} failed");
    Ok(())
}

/// The harness as prompt engineers run it, offline and replay against the committed baseline.
/// It runs the binary `cargo test --workspace` just built: `cargo run -p refine-eval` would
/// rebuild dependencies with the features of that one package.
fn eval_against_baseline() -> Result<(), String> {
    let root = crate::root();
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| root.join("target"), std::path::PathBuf::from);
    let binary = target.join("debug").join("refine-eval");
    let out = target.join("eval-ci");
    let _ = std::fs::remove_dir_all(&out);
    let out = out.to_string_lossy().into_owned();
    let args = [
        "run",
        "--backend",
        "offline",
        "--backend",
        "replay",
        "--baseline",
        "eval/baseline.json",
        "--out",
        &out,
        "--run-id",
        "ci",
        "--plain",
    ];
    eprintln!("$ {} {}", binary.display(), args.join(" "));
    let status = std::process::Command::new(&binary)
        .args(args)
        .current_dir(&root)
        .status()
        .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "the eval against eval/baseline.json failed ({status})"
        ))
    }
}

/// `cargo test --workspace`, echoed line by line; returns the summed passed and failed counts.
fn test_workspace() -> Result<(u64, u64), String> {
    eprintln!("$ INSTA_UPDATE=no REFINE_MODEL_URL=... cargo test --workspace");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| String::from("cargo"));
    let url = crate::model_server::url().ok_or("the model server is not running")?;
    let mut child = Command::new(cargo)
        .args(["test", "--workspace"])
        .env("INSTA_UPDATE", "no")
        .env("REFINE_MODEL_URL", &url)
        .env("REFINE_MODEL_NAME", crate::model_server::SMALLEST_MODEL)
        .current_dir(crate::root())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let (mut passed, mut failed) = (0u64, 0u64);
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines() {
            let line = line.map_err(|e| format!("reading cargo test output: {e}"))?;
            println!("{line}");
            if let Some(rest) = line.strip_prefix("test result: ") {
                passed += count(rest, " passed");
                failed += count(rest, " failed");
            }
        }
    }
    let status = child
        .wait()
        .map_err(|e| format!("waiting for cargo test: {e}"))?;
    if status.success() {
        Ok((passed, failed))
    } else {
        println!("tests: {passed} passed, {failed} failed");
        Err(format!("`cargo test --workspace` failed ({status})"))
    }
}

/// The number before `label` in a `test result:` line such as `ok. 3 passed; 0 failed; ...`.
fn count(result: &str, label: &str) -> u64 {
    result
        .split(';')
        .find_map(|part| {
            part.trim_end()
                .strip_suffix(label)?
                .rsplit(' ')
                .next()?
                .parse()
                .ok()
        })
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::count;

    #[test]
    fn counts_are_read_from_test_result_lines() {
        let line =
            "ok. 28 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.03s";
        assert_eq!(count(line, " passed"), 28);
        assert_eq!(count(line, " failed"), 1);
        assert_eq!(count("FAILED. 0 passed; 3 failed;", " failed"), 3);
    }
}
