//! Project automation, run as `cargo xtask <task>`. One module per task; std only, so it builds
//! in seconds.

mod bench;
mod ci;
mod eval;
mod model_server;
mod review;

use std::process::{Command, ExitCode};

const USAGE: &str = "\
usage: cargo xtask <task> [args...]

tasks:
  ci       the CI gates: cargo fmt --check, cargo clippy -D warnings, cargo test --workspace
  eval     run the evaluation harness: refine-eval run [--backend ID[:k=v,...]]... [--topics DIR|FILE]
           [-j N] [--repeat N] [--partition K/N] [--threshold X] [--baseline FILE] [--bless]
           [--resume RUN] [--retry-errors] [--no-cache] [--record DIR]
  bench    [--no-criterion] [--sizes 200,2000,20000] [--peer] [-- CRITERION ARGS]
           criterion benchmarks, then timed offline evals and `refine prep`, the JS peer when
           installed (--peer installs it from npm), and a table of every performance target
  review   review changed insta snapshots (installs cargo-insta when missing)
  model-server install|start|stop|status
           a small real model (SmolLM2-135M) behind llama.cpp's server on 127.0.0.1, for the
           HTTP backends' integration tests and for use without a key
";

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let task = args.next();
    let rest: Vec<String> = args.collect();
    let result = match task.as_deref() {
        Some("ci") => ci::run(),
        Some("bench") => bench::run(&rest),
        Some("eval") => eval::run(&rest),
        Some("model-server") => model_server::task(&rest),
        Some("review") => review::run(),
        Some("-h" | "--help" | "help") => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(format!("unknown task `{other}`\n\n{USAGE}")),
        None => Err(USAGE.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::from(2)
        }
    }
}

/// Runs `cargo` with `args` from the workspace root, echoing the command; fails on a non-zero exit.
fn cargo(args: &[&str], env: &[(&str, &str)]) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| String::from("cargo"));
    let shown: Vec<String> = env
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .chain(std::iter::once(String::from("cargo")).chain(args.iter().map(|a| a.to_string())))
        .collect();
    eprintln!("$ {}", shown.join(" "));
    let status = Command::new(cargo)
        .args(args)
        .envs(env.iter().copied())
        .current_dir(root())
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{}` failed ({status})", shown.join(" ")))
    }
}

/// The workspace root.
fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}
