//! Plugins that crash, hang, ignore a cancel or print garbage, compiled by the test from
//! `tests/plugins/faults.c` into a real shared library: `refine` survives each with a clear
//! error and the documented exit status (3 for a backend, 2 for a format, 130 on Ctrl-C).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const TOPIC: &str = "Reduce checkout abandonment on mobile";

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("refine-faults-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// The fault library, compiled once per test run with the flags docs/plugins.md gives.
fn library() -> &'static Path {
    static LIB: OnceLock<PathBuf> = OnceLock::new();
    LIB.get_or_init(|| {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
        let lib = temp("lib").join("libfaults.so");
        let out = Command::new("cc")
            .args(["-std=c99", "-Wall", "-Werror", "-fPIC", "-shared", "-I"])
            .arg(manifest.join("../refine-plugin-abi/include"))
            .arg("-o")
            .arg(&lib)
            .arg(manifest.join("tests/plugins/faults.c"))
            .output()
            .expect("a C compiler");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        lib
    })
}

fn command(args: &[&str], dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_refine"));
    command
        .args(args)
        .arg("--plugin")
        .arg(library())
        .env("REFINE_FAULT_DIR", dir)
        .env("XDG_CONFIG_HOME", dir.join("no-config"))
        .env("XDG_DATA_HOME", dir.join("no-data"))
        .env_remove("REFINE_PLUGIN_PATH")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

fn prep(args: &[&str]) -> Output {
    let dir = temp("prep");
    let mut all = vec!["prep", TOPIC];
    all.extend_from_slice(args);
    command(&all, &dir).output().expect("refine runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn a_crashing_backend_is_exit_3_naming_the_plugin_and_the_signal() {
    for (backend, what) in [
        ("segv", "killed by SIGSEGV (segmentation fault)"),
        ("abort", "killed by SIGABRT (abort)"),
        ("quit", "its process exited with status 7"),
        ("flood", "it wrote more than 1048576 bytes"),
    ] {
        let o = prep(&["--backend", backend]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(3), "{backend}: {err}");
        assert!(
            err.contains(&format!("plugin {backend} (")),
            "{backend}: {err}"
        );
        assert!(err.contains(what), "{backend}: {err}");
        assert!(o.stdout.is_empty(), "{backend}");
    }
}

#[test]
fn a_crashing_format_is_exit_2_and_the_backend_is_not_blamed() {
    let o = prep(&["--format", "format-segv"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("format `format-segv`"), "{err}");
    assert!(err.contains("SIGSEGV"), "{err}");
}

#[test]
fn a_hung_backend_is_killed_at_its_deadline() {
    let started = Instant::now();
    let o = prep(&["--backend", "hang", "--plugin-timeout", "1"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert!(err.contains("no answer within 1 s"), "{err}");
    // Not a timing assertion on speed: only that the hang did not run on for its minute.
    assert!(started.elapsed() < Duration::from_secs(30));
    // The deadline can come from the plugin's table too.
    let dir = temp("table");
    let config = dir.join("config.toml");
    std::fs::write(&config, "[plugins.hang]\ntimeout = 1\n").expect("config");
    let o = command(
        &[
            "prep",
            TOPIC,
            "--backend",
            "hang",
            "--config",
            config.to_str().expect("path"),
        ],
        &dir,
    )
    .output()
    .expect("refine runs");
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("no answer within 1 s"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn prints_to_stdout_do_not_corrupt_the_reply() {
    let o = prep(&["--backend", "chatty", "--format", "json"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let pack: serde_json::Value = serde_json::from_slice(&o.stdout).expect("the pack is JSON");
    assert_eq!(pack["plan"]["agenda"].as_array().map(Vec::len), Some(4));
    // What the plugin printed went to stderr.
    assert!(err.contains("garbage a careless plugin prints"), "{err}");
}

/// Starts `refine`, waits until the plugin's call runs, sends Ctrl-C (SIGINT) to refine only.
fn interrupted(args: &[&str], dir: &Path) -> (Output, Duration) {
    let child: Child = command(args, dir).spawn().expect("refine runs");
    let marker = dir.join("started");
    let waiting = Instant::now();
    while !marker.exists() {
        assert!(
            waiting.elapsed() < Duration::from_secs(60),
            "the plugin never started"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let sent = Instant::now();
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let output = child.wait_with_output().expect("refine ends");
    (output, sent.elapsed())
}

#[test]
fn ctrl_c_reaches_a_plugin_that_polls_and_kills_one_that_does_not() {
    // A plugin polling is_cancelled sees the cancel while it waits, long before its minute;
    // nothing is written to -o.
    let dir = temp("polite");
    let out = dir.join("pack.md");
    let out_arg = out.to_str().expect("path");
    let (o, took) = interrupted(&["prep", TOPIC, "--backend", "polite", "-o", out_arg], &dir);
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    assert!(stderr(&o).contains("cancelled"), "{}", stderr(&o));
    assert!(took < Duration::from_secs(30), "{took:?}");
    assert!(!out.exists());
    // One that ignores it is killed after the grace period.
    let dir = temp("stubborn");
    let (o, _) = interrupted(&["prep", TOPIC, "--backend", "stubborn"], &dir);
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    // A format call is told too, and the pack is not written, not even in part.
    let dir = temp("format");
    let out = dir.join("out").join("pack.txt");
    std::fs::create_dir_all(out.parent().expect("dir")).expect("dir");
    let out_arg = out.to_str().expect("path");
    let (o, _) = interrupted(
        &["prep", TOPIC, "--format", "format-slow", "-o", out_arg],
        &dir,
    );
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    let written: Vec<_> = std::fs::read_dir(out.parent().expect("dir"))
        .expect("dir")
        .collect();
    assert!(written.is_empty(), "{written:?}");
}

#[test]
fn in_process_loading_stays_available_for_trusted_plugins() {
    let o = prep(&["--backend", "chatty", "--plugin-isolation", "none"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // In process, the plugin's print lands on refine's own stdout: isolation is what keeps it out.
    assert!(String::from_utf8_lossy(&o.stdout).contains("garbage a careless plugin prints"));
}

#[test]
fn listings_name_loaded_plugins_and_path_problems_are_warned() {
    let dir = temp("list");
    let o = command(&["backends"], &dir).output().expect("refine runs");
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("offline"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.contains("segv") && l.contains(&library().display().to_string())),
        "{text}"
    );
    let o = command(&["formats"], &dir).output().expect("refine runs");
    assert!(String::from_utf8_lossy(&o.stdout).contains("format-slow"));
    // A bare file name is the file in the current folder, as the user sees it.
    let o = Command::new(env!("CARGO_BIN_EXE_refine"))
        .args(["backends", "--plugin", "libfaults.so"])
        .current_dir(library().parent().expect("dir"))
        .env("XDG_CONFIG_HOME", dir.join("no-config"))
        .env("XDG_DATA_HOME", dir.join("no-data"))
        .env_remove("REFINE_PLUGIN_PATH")
        .output()
        .expect("refine runs");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("stubborn"));
    // A missing REFINE_PLUGIN_PATH entry is a warning, not silence.
    let o = command(&["backends"], &dir)
        .env("REFINE_PLUGIN_PATH", dir.join("nowhere"))
        .output()
        .expect("refine runs");
    assert!(
        stderr(&o).contains("REFINE_PLUGIN_PATH entry"),
        "{}",
        stderr(&o)
    );
}
