//! `cargo xtask bench`: the criterion benchmarks. Timings live here, never in tests.

use crate::cargo;

pub(crate) fn run(extra: &[String]) -> Result<(), String> {
    let mut args = vec!["bench", "--workspace"];
    if !extra.is_empty() {
        args.push("--");
        args.extend(extra.iter().map(String::as_str));
    }
    cargo(&args, &[])
}
