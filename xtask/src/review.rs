//! `cargo xtask review`: runs the tests and reviews changed insta snapshots interactively,
//! installing `cargo-insta` first when it is missing.

use std::process::{Command, Stdio};

use crate::cargo;

pub(crate) fn run() -> Result<(), String> {
    let installed = Command::new("cargo")
        .args(["insta", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !installed {
        cargo(&["install", "cargo-insta", "--locked"], &[])?;
    }
    cargo(
        &[
            "insta",
            "test",
            "--workspace",
            "--unreferenced",
            "reject",
            "--review",
        ],
        &[],
    )
}
