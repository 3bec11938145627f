//! `cargo xtask bench`: the criterion benchmarks, then a timed eval run of 200 topics on the
//! offline backend with its wall time and peak memory (via `/usr/bin/time -v` when present).
//! Timings live here, never in tests.

use std::process::Command;

use crate::{cargo, root};

pub(crate) fn run(extra: &[String]) -> Result<(), String> {
    let mut args = vec!["bench", "--workspace"];
    if !extra.is_empty() {
        args.push("--");
        args.extend(extra.iter().map(String::as_str));
    }
    cargo(&args, &[])?;
    eval_200()
}

/// 200 topics (the fixtures, repeated under new ids) on the offline backend, two workers.
fn eval_200() -> Result<(), String> {
    let dir = root().join("target/bench-eval");
    let _ = std::fs::remove_dir_all(&dir);
    let topics = dir.join("topics");
    std::fs::create_dir_all(&topics).map_err(|e| format!("creating {}: {e}", topics.display()))?;
    let mut fixtures: Vec<_> = std::fs::read_dir(root().join("fixtures/topics"))
        .map_err(|e| format!("reading fixtures/topics: {e}"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    fixtures.sort();
    for i in 0..200 {
        let source = &fixtures[i % fixtures.len()];
        let text =
            std::fs::read_to_string(source).map_err(|e| format!("{}: {e}", source.display()))?;
        let text = text.replacen("id = \"", &format!("id = \"b{i:03}-"), 1);
        std::fs::write(topics.join(format!("b{i:03}.toml")), text).map_err(|e| e.to_string())?;
    }
    cargo(
        &["build", "--release", "--quiet", "--package", "refine-eval"],
        &[],
    )?;
    let binary = root().join("target/release/refine-eval");
    let out = dir.join("runs");
    let eval_args = [
        "run",
        "--topics",
        &topics.to_string_lossy(),
        "-j",
        "2",
        "--out",
        &out.to_string_lossy(),
        "--run-id",
        "bench",
        "--plain",
    ]
    .map(str::to_string);
    let time = std::path::Path::new("/usr/bin/time");
    let started = std::time::Instant::now();
    let output = if time.exists() {
        Command::new(time)
            .arg("-v")
            .arg(&binary)
            .args(&eval_args)
            .output()
    } else {
        Command::new(&binary).args(&eval_args).output()
    }
    .map_err(|e| format!("running {}: {e}", binary.display()))?;
    let wall = started.elapsed();
    if !output.status.success() {
        return Err(format!(
            "the timed eval run failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let peak = stderr
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })
        .map_or_else(
            || String::from("unknown (no /usr/bin/time)"),
            |kb| {
                format!(
                    "{:.1} MiB",
                    kb.trim().parse::<f64>().unwrap_or(0.0) / 1024.0
                )
            },
        );
    println!(
        "eval of 200 topics on offline, -j 2 (cases, parse, lint, JSONL, reports): wall {:.0} ms, peak memory {peak}",
        wall.as_secs_f64() * 1000.0
    );
    Ok(())
}
