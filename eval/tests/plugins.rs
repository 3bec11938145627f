//! The harness with run-time plugins, as a third party evaluates the backend they wrote: loaded
//! with `--plugin`, named by id in `--backend` with options, through a config file's named
//! backend; a plugin that crashes or hangs fails its own cases and the run goes on.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use refine_eval::record::{CaseRecord, read_records};

fn results(results: &Path) -> Vec<CaseRecord> {
    let mut all = Vec::new();
    read_records(results, |r| all.push(r), |line| panic!("bad line {line}")).expect("results");
    all
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn temp(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("refine-eval-plugins-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp");
    dir
}

/// The fault library of the CLI tests, compiled here.
fn faults(dir: &Path) -> PathBuf {
    let lib = dir.join("libfaults.so");
    let out = Command::new("cc")
        .args(["-std=c99", "-Wall", "-Werror", "-fPIC", "-shared", "-I"])
        .arg(root().join("crates/refine-plugin-abi/include"))
        .arg("-o")
        .arg(&lib)
        .arg(root().join("crates/refine-cli/tests/plugins/faults.c"))
        .output()
        .expect("a C compiler");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    lib
}

fn eval(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_refine-eval"))
        .args(args)
        .current_dir(root())
        .env("XDG_CONFIG_HOME", dir.join("no-config"))
        .env("XDG_DATA_HOME", dir.join("no-data"))
        .env("REFINE_FAULT_DIR", dir)
        .env_remove("REFINE_PLUGIN_PATH")
        .stdin(Stdio::null())
        .output()
        .expect("refine-eval runs")
}

#[test]
fn crashing_and_hanging_plugins_fail_their_cases_and_the_run_goes_on() {
    let dir = temp("faults");
    let lib = faults(&dir);
    let config = dir.join("config.toml");
    // A named backend through the config file: the plugin `chatty` under another name.
    std::fs::write(&config, "[backends.careless]\nplugin = \"chatty\"\n").expect("config");
    let out = dir.join("runs");
    let o = eval(
        &[
            "run",
            "--topics",
            "fixtures/topics",
            "--partition",
            "1/13",
            "--backend",
            "offline",
            "--backend",
            "segv",
            "--backend",
            "abort",
            "--backend",
            "hang",
            "--backend",
            "careless",
            "--plugin",
            lib.to_str().expect("path"),
            "--plugin-timeout",
            "1",
            "--config",
            config.to_str().expect("path"),
            "--out",
            out.to_str().expect("path"),
            "--run-id",
            "r",
            "--plain",
            "-j",
            "2",
        ],
        &dir,
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    let records = results(&out.join("r").join("results.jsonl"));
    let topics = records.iter().filter(|r| r.backend == "offline").count();
    assert!(topics >= 5, "{topics}");
    assert_eq!(records.len(), 5 * topics, "every case once");
    for record in &records {
        let error = record.error.as_deref().unwrap_or("");
        match record.backend.as_str() {
            "offline" | "careless" => {
                assert!(record.error.is_none(), "{}: {error}", record.case_id);
                assert!(record.reply.is_some());
            }
            "segv" => assert!(error.contains("SIGSEGV"), "{error}"),
            "abort" => assert!(error.contains("SIGABRT"), "{error}"),
            "hang" => assert!(error.contains("no answer within 1 s"), "{error}"),
            other => panic!("unexpected backend {other}"),
        }
    }
    // The plugin files are kept: a resume loads them again and has nothing left to run.
    let o = eval(
        &[
            "run",
            "--resume",
            "r",
            "--out",
            out.to_str().expect("path"),
            "--config",
            config.to_str().expect("path"),
            "--plain",
        ],
        &dir,
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let again = results(&out.join("r").join("results.jsonl"));
    assert_eq!(again.len(), records.len());
    let _ = std::fs::remove_dir_all(dir);
}
