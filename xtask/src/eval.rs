//! `cargo xtask eval [ARGS]`: the evaluation harness, `refine-eval run ARGS`, built in release.
//! Everything after `eval` goes to `refine-eval run` (see `cargo xtask eval --help`).

use crate::cargo;

pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let mut all = vec![
        "run",
        "--release",
        "--quiet",
        "--package",
        "refine-eval",
        "--",
        "run",
    ];
    all.extend(args.iter().map(String::as_str));
    cargo(&all, &[])
}
