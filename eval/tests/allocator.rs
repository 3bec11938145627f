//! The harness binary runs on jemalloc with the options `src/main.rs` gives it: read back from
//! the running binary, as a wrong symbol name would be silently ignored.

#![cfg(not(target_env = "msvc"))]

use std::process::Command;

/// jemalloc's statistics, printed at exit, name its version and every option in force.
fn allocator_statistics() -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_refine-eval"))
        .arg("--version")
        .env("_RJEM_MALLOC_CONF", "stats_print:true")
        .output()
        .expect("refine-eval runs");
    assert!(output.status.success(), "{output:?}");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn the_harness_runs_on_jemalloc_returning_freed_pages_at_once() {
    let stats = allocator_statistics();
    assert!(
        stats.contains("jemalloc statistics"),
        "no jemalloc statistics: the harness is not on jemalloc\n{stats}"
    );
    for option in ["opt.dirty_decay_ms: 0 ", "opt.muzzy_decay_ms: 0 "] {
        assert!(
            stats.contains(option),
            "`{option}` is not in force: jemalloc did not read the harness's options\n{stats}"
        );
    }
}
