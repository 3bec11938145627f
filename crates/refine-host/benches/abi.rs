//! The cost of a format call through the plugin ABI against the same format built in: the
//! first-party markdown format, loaded from its cdylib, renders the same pack in this process
//! and in a plugin host process (this benchmark re-executed as one).
//! Run with `cargo bench -p refine-host --bench abi` (or `cargo xtask bench`).

use std::hint::black_box;
use std::path::PathBuf;
use std::process::Command;

use criterion::Criterion;
use refine_core::{Guide, SessionRequest, Topic};
use refine_host::config::Config;
use refine_host::isolate::HostCommand;
use refine_host::loader::{LoadedPlugin, load};
use refine_host::plugin_set::{Isolation, PluginSelection};
use refine_host::{PrepInput, Registry, prepare};
use refine_plugin::Options;

fn markdown_cdylib() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    // A target folder of its own, so the benchmark's own build is left alone.
    let target = root.join("target/plugin-libs");
    let lib = target.join("release/libformat_markdown.so");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| String::from("cargo"));
    let status = Command::new(cargo)
        .args([
            "build",
            "--quiet",
            "--release",
            "--package",
            "format-markdown",
        ])
        .env("CARGO_TARGET_DIR", &target)
        .current_dir(&root)
        .status()
        .expect("cargo builds the cdylib");
    assert!(status.success());
    lib
}

fn benches(c: &mut Criterion) {
    let guide = Guide::builtin();
    let request =
        SessionRequest::new(Topic::new("Reduce checkout abandonment on mobile").expect("topic"));
    let registry = Registry::builtin();
    let options = Options::new();
    let pack = prepare(
        registry.backend("offline").expect("offline"),
        PrepInput {
            request: &request,
            guide: &guide,
            options: &options,
            start: None,
            on_text: None,
            repair: 1,
            template: None,
        },
    )
    .expect("pack");
    let builtin = registry.format("markdown").expect("markdown");
    let library = markdown_cdylib();
    let (_, plugins) = load(&library, &|_| String::from("{}")).expect("loads");
    let Some(LoadedPlugin::Format(loaded)) = plugins.into_iter().next() else {
        panic!("a format plugin")
    };
    c.bench_function("render markdown built in", |b| {
        b.iter(|| builtin.render(black_box(&pack)))
    });
    c.bench_function("render markdown through the ABI", |b| {
        b.iter(|| loaded.render(black_box(&pack)))
    });
    let mut isolated = Registry::builtin();
    isolated
        .load_library_with(
            &library,
            &Config::default(),
            &PluginSelection {
                files: Vec::new(),
                over_builtins: true,
                isolation: Isolation::Process(HostCommand::this_executable().expect("exe")),
                timeout: None,
            },
        )
        .expect("loads in a host process");
    let isolated = isolated.format("markdown").expect("markdown");
    c.bench_function("render markdown through the ABI in a host process", |b| {
        b.iter(|| isolated.render(black_box(&pack)))
    });
}

fn main() {
    // Re-executed as the plugin host of the isolated case.
    refine_host::isolate::serve_if_asked();
    let mut criterion = Criterion::default().configure_from_args();
    benches(&mut criterion);
    criterion.final_summary();
}
