//! Plugins through the C ABI, with real shared libraries the tests compile with the system C
//! compiler: the C example works end to end, the header matches the Rust definitions, and every
//! broken library is refused with an error naming the file and what to rebuild against, while
//! the host keeps working.

use std::path::{Path, PathBuf};
use std::process::Command;

use refine_core::{Guide, SessionRequest, Topic};
use refine_host::{PrepInput, Registry, prepare};
use refine_plugin::{Options, Pack};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn include() -> PathBuf {
    root().join("crates/refine-plugin-abi/include")
}

fn temp() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("refine-plugin-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Compiles C source into a shared library with the flags docs/plugins.md gives authors.
fn compile(name: &str, source: &str) -> PathBuf {
    let dir = temp();
    let c = dir.join(format!("{name}.c"));
    std::fs::write(&c, source).expect("write source");
    let lib = dir.join(format!("lib{name}.so"));
    let out = Command::new("cc")
        .args(["-std=c99", "-Wall", "-Werror", "-fPIC", "-shared", "-I"])
        .arg(include())
        .arg("-o")
        .arg(&lib)
        .arg(&c)
        .output()
        .expect("a C compiler");
    assert!(
        out.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    lib
}

fn pack() -> Pack {
    let request =
        SessionRequest::new(Topic::new("Reduce checkout abandonment on mobile").expect("topic"));
    let guide = Guide::builtin();
    let registry = Registry::builtin();
    let backend = registry.backend("offline").expect("offline");
    let options = Options::new();
    prepare(
        backend,
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
    .expect("pack")
}

fn no_config(_: &str) -> String {
    String::from("{}")
}

#[test]
fn the_c_example_renders_a_pack() {
    let source = std::fs::read_to_string(root().join("plugins/examples/format-c/outline.c"))
        .expect("example");
    let lib = compile("outline", &source);
    let mut registry = Registry::builtin();
    registry.load_library(&lib, &no_config).expect("loads");
    let format = registry.format("outline").expect("registered");
    assert_eq!(
        registry
            .origin("outline")
            .map(|(p, abi)| (p.to_path_buf(), abi.to_string())),
        Some((lib.clone(), String::from("1.1")))
    );
    let pack = pack();
    let rendered = format.render(&pack).expect("renders");
    let text = String::from_utf8(rendered.bytes).expect("UTF-8");
    assert!(text.starts_with("REFINEMENT SESSION: Reduce checkout abandonment on mobile\n\nAGENDA\n  - Context Setting (20 min)\n"), "{text}");
    for question in &pack.plan.discussion_questions {
        assert!(text.contains(&format!("  ? {question}\n")), "{text}");
    }
    assert_eq!(rendered.media_type, "text/plain; charset=utf-8");
    assert_eq!(rendered.extension, "txt");
    // Loading the same library again would register the id twice.
    let again = registry
        .load_library(&lib, &no_config)
        .expect_err("duplicate");
    assert!(
        again
            .to_string()
            .contains("plugin id `outline` is already taken by"),
        "{again}"
    );
}

#[test]
fn the_header_matches_the_rust_definitions() {
    use refine_plugin_abi::*;
    let probe = r#"
#include <stdio.h>
#include <stddef.h>
#include "refine_plugin.h"
int main(void) {
    printf("%zu %zu %zu %zu %zu\n", sizeof(rf_str), sizeof(rf_host), sizeof(rf_plugin), sizeof(rf_library), offsetof(rf_library, plugins));
    printf("%zu %zu %zu %zu\n", offsetof(rf_plugin, call), offsetof(rf_host, count), offsetof(rf_host, get_json), offsetof(rf_library, init));
    printf("%u %u %u %d %d %d %u %u\n", RF_MAGIC, RF_ABI_MAJOR, RF_ABI_MINOR, RF_OK, RF_ERROR, RF_CANCELLED, RF_KIND_BACKEND, RF_KIND_FORMAT);
    return 0;
}
"#;
    let dir = temp();
    std::fs::write(dir.join("probe.c"), probe).expect("write");
    let exe = dir.join("probe");
    let status = Command::new("cc")
        .args(["-std=c99", "-Wall", "-Werror", "-I"])
        .arg(include())
        .arg("-o")
        .arg(&exe)
        .arg(dir.join("probe.c"))
        .status()
        .expect("cc");
    assert!(status.success());
    let out =
        String::from_utf8(Command::new(&exe).output().expect("probe runs").stdout).expect("UTF-8");
    let expected = format!(
        "{} {} {} {} {}\n{} {} {} {}\n{} {} {} {} {} {} {} {}\n",
        size_of::<RfStr>(),
        size_of::<RfHost>(),
        size_of::<RfPlugin>(),
        size_of::<RfLibrary>(),
        std::mem::offset_of!(RfLibrary, plugins),
        std::mem::offset_of!(RfPlugin, call),
        std::mem::offset_of!(RfHost, count),
        std::mem::offset_of!(RfHost, get_json),
        std::mem::offset_of!(RfLibrary, init),
        RF_MAGIC,
        RF_ABI_MAJOR,
        RF_ABI_MINOR,
        RF_OK,
        RF_ERROR,
        RF_CANCELLED,
        RF_KIND_BACKEND,
        RF_KIND_FORMAT
    );
    assert_eq!(out, expected);
}

/// A library whose one plugin is `plugin` (a C initialiser) and whose rf_library is `library`.
fn library(name: &str, call_body: &str, plugins: &str, library: &str) -> PathBuf {
    let source = format!(
        r#"#include <stdlib.h>
#include <string.h>
#include "refine_plugin.h"
static int32_t call(const rf_host *host, rf_call *c, rf_str input, rf_str config) {{
    (void)input; (void)config; {call_body}
}}
static int32_t abort_init(const rf_host *host) {{ (void)host; abort(); }}
static const rf_plugin PLUGINS[] = {{ {plugins} }};
static const rf_library LIBRARY = {{ {library} }};
const rf_library *refine_plugin_entry(void) {{ (void)abort_init; (void)call; return &LIBRARY; }}
"#
    );
    compile(name, &source)
}

const GOOD_PLUGIN: &str = r#"{ sizeof(rf_plugin), RF_KIND_FORMAT, RF_STR("fmt"), RF_STR("1"), RF_STR("d"), RF_STR("text/plain"), RF_STR("txt"), call }"#;
const GOOD_LIBRARY: &str =
    "RF_MAGIC, RF_ABI_MAJOR, RF_ABI_MINOR, sizeof(rf_library), 1, PLUGINS, NULL";
const WRITES_OK: &str = r#"host->write(c, "ok", 2); return RF_OK;"#;

fn load_error(lib: &Path) -> String {
    let mut registry = Registry::builtin();
    let err = registry
        .load_library(lib, &no_config)
        .expect_err("refused")
        .to_string();
    // The host keeps working: the built-ins are still there and usable.
    assert!(
        registry
            .format("markdown")
            .expect("markdown")
            .render(&pack())
            .is_ok()
    );
    assert!(
        err.starts_with(&format!("plugin {}: ", lib.display())),
        "{err}"
    );
    err
}

#[test]
fn broken_libraries_are_refused_before_anything_is_called() {
    let cases: Vec<(&str, PathBuf, &str)> = vec![
        (
            "no entry",
            compile("noentry", "int not_a_plugin(void) { return 1; }\n"),
            "not a refine plugin: it exports no refine_plugin_entry",
        ),
        (
            "bad magic",
            library(
                "badmagic",
                WRITES_OK,
                GOOD_PLUGIN,
                "0xDEADBEEF, RF_ABI_MAJOR, RF_ABI_MINOR, sizeof(rf_library), 1, PLUGINS, NULL",
            ),
            "bad magic 0xdeadbeef",
        ),
        // An ABI-mismatch library whose init aborts: the test process survives only if the host
        // refuses it before calling in.
        (
            "major too new",
            library(
                "major",
                WRITES_OK,
                GOOD_PLUGIN,
                "RF_MAGIC, 9, 0, sizeof(rf_library), 1, PLUGINS, abort_init",
            ),
            "built against ABI 9.0, this refine speaks 1.x",
        ),
        (
            "major too old",
            library(
                "old",
                WRITES_OK,
                GOOD_PLUGIN,
                "RF_MAGIC, 0, 3, sizeof(rf_library), 1, PLUGINS, abort_init",
            ),
            "built against ABI 0.3",
        ),
        (
            "minor too new",
            library(
                "minor",
                WRITES_OK,
                GOOD_PLUGIN,
                "RF_MAGIC, RF_ABI_MAJOR, 7, sizeof(rf_library), 1, PLUGINS, abort_init",
            ),
            "newer than this refine's 1.1",
        ),
        (
            "short library",
            library(
                "short",
                WRITES_OK,
                GOOD_PLUGIN,
                "RF_MAGIC, RF_ABI_MAJOR, RF_ABI_MINOR, 12, 1, PLUGINS, abort_init",
            ),
            "rf_library is 12 bytes",
        ),
        (
            "short plugin",
            library(
                "shortplugin",
                WRITES_OK,
                r#"{ 8, RF_KIND_FORMAT, RF_STR("fmt"), RF_STR("1"), RF_STR("d"), RF_STR("t"), RF_STR("t"), call }"#,
                GOOD_LIBRARY,
            ),
            "rf_plugin is 8 bytes",
        ),
        (
            "duplicate id",
            library(
                "dup",
                WRITES_OK,
                &format!("{GOOD_PLUGIN}, {GOOD_PLUGIN}"),
                "RF_MAGIC, RF_ABI_MAJOR, RF_ABI_MINOR, sizeof(rf_library), 2, PLUGINS, NULL",
            ),
            "plugin id `fmt` appears twice",
        ),
        (
            "null call",
            library(
                "nullcall",
                WRITES_OK,
                r#"{ sizeof(rf_plugin), RF_KIND_FORMAT, RF_STR("fmt"), RF_STR("1"), RF_STR("d"), RF_STR("t"), RF_STR("t"), NULL }"#,
                GOOD_LIBRARY,
            ),
            "its call function is NULL",
        ),
        (
            "bad id",
            library(
                "badid",
                WRITES_OK,
                r#"{ sizeof(rf_plugin), RF_KIND_FORMAT, RF_STR("Fancy Format"), RF_STR("1"), RF_STR("d"), RF_STR("t"), RF_STR("t"), call }"#,
                GOOD_LIBRARY,
            ),
            "id `Fancy Format` must be [a-z0-9_-]{1,64}",
        ),
        (
            "bad kind",
            library(
                "badkind",
                WRITES_OK,
                r#"{ sizeof(rf_plugin), 7, RF_STR("fmt"), RF_STR("1"), RF_STR("d"), RF_STR("t"), RF_STR("t"), call }"#,
                GOOD_LIBRARY,
            ),
            "unknown kind 7",
        ),
        (
            "not UTF-8",
            library(
                "notutf8",
                WRITES_OK,
                r#"{ sizeof(rf_plugin), RF_KIND_FORMAT, RF_STR("fmt"), RF_STR("1"), RF_STR("caf\xe9"), RF_STR("t"), RF_STR("t"), call }"#,
                GOOD_LIBRARY,
            ),
            "description: a string is not UTF-8",
        ),
    ];
    for (what, lib, expected) in cases {
        let err = load_error(&lib);
        assert!(err.contains(expected), "{what}: {err}");
        if !what.starts_with("no entry") {
            assert!(
                err.contains("rebuild it against refine_plugin.h ABI 1.1")
                    || err.contains(
                        "update refine, or rebuild the plugin against refine_plugin.h ABI 1.1"
                    ),
                "{what}: {err}"
            );
        }
    }
    let missing = load_error(Path::new("/no/such/libplugin.so"));
    assert!(missing.contains("cannot load"), "{missing}");
}

#[test]
fn a_plugin_that_reports_an_error_or_writes_garbage_is_a_clear_error() {
    let failing = library(
        "failing",
        r#"const char *m = "the template is missing"; host->set_error(c, m, strlen(m)); return RF_ERROR;"#,
        GOOD_PLUGIN,
        GOOD_LIBRARY,
    );
    let mut registry = Registry::builtin();
    registry.load_library(&failing, &no_config).expect("loads");
    let err = registry
        .format("fmt")
        .expect("fmt")
        .render(&pack())
        .expect_err("fails")
        .to_string();
    assert!(
        err.contains("the template is missing") && err.contains(&failing.display().to_string()),
        "{err}"
    );
    // Still usable after a failed call.
    assert!(
        registry
            .format("fmt")
            .expect("fmt")
            .render(&pack())
            .is_err()
    );
    assert!(
        registry
            .format("markdown")
            .expect("markdown")
            .render(&pack())
            .is_ok()
    );

    let silent = library("silent", "return 42;", GOOD_PLUGIN, GOOD_LIBRARY);
    let mut registry = Registry::builtin();
    registry.load_library(&silent, &no_config).expect("loads");
    let err = registry
        .format("fmt")
        .expect("fmt")
        .render(&pack())
        .expect_err("fails")
        .to_string();
    assert!(
        err.contains("failed with status 42 and no message"),
        "{err}"
    );

    let backend = library(
        "garbage",
        r#"host->write(c, "\xff\xfe", 2); return RF_OK;"#,
        r#"{ sizeof(rf_plugin), RF_KIND_BACKEND, RF_STR("junk"), RF_STR("1"), RF_STR("d"), RF_STR(""), RF_STR(""), call }"#,
        GOOD_LIBRARY,
    );
    let mut registry = Registry::builtin();
    registry.load_library(&backend, &no_config).expect("loads");
    let request = SessionRequest::new(Topic::new("x").expect("topic"));
    let guide = Guide::builtin();
    let options = Options::new();
    let err = prepare(
        registry.backend("junk").expect("junk"),
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
    .expect_err("invalid UTF-8 reply")
    .to_string();
    assert!(err.contains("the reply is not UTF-8"), "{err}");
}

/// A first-party plugin library, built by cargo into a target folder of its own: building it in
/// the main one while `cargo test` runs would rebuild shared dependencies under the feet of the
/// test binaries and doctests that are linked against them.
fn cargo_library(package: &str, file: &str) -> PathBuf {
    let target = root().join("target/plugin-libs");
    let status = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--package", package])
        .env("CARGO_TARGET_DIR", &target)
        .current_dir(root())
        .status()
        .expect("cargo");
    assert!(status.success(), "building {package}");
    target.join("debug").join(file)
}

#[test]
fn a_first_party_cdylib_renders_byte_identical_to_the_built_in() {
    let lib = cargo_library("format-markdown", "libformat_markdown.so");
    let (report, plugins) = refine_host::loader::load(&lib, &no_config).expect("loads");
    assert_eq!(report.plugins.len(), 1);
    let Some(refine_host::loader::LoadedPlugin::Format(loaded)) = plugins.into_iter().next() else {
        panic!("a format")
    };
    let builtin = Registry::builtin();
    let pack = pack();
    let through_abi = loaded.render(&pack).expect("renders");
    let direct = builtin
        .format("markdown")
        .expect("markdown")
        .render(&pack)
        .expect("renders");
    assert_eq!(through_abi.bytes, direct.bytes);
    assert_eq!(
        (through_abi.media_type, through_abi.extension),
        (direct.media_type, direct.extension)
    );
}

#[test]
fn a_rust_backend_plugin_streams_cancels_and_survives_a_panic() {
    let lib = cargo_library("backend-rust-example", "libbackend_rust_example.so");
    let mut registry = Registry::builtin();
    registry.load_library(&lib, &no_config).expect("loads");
    let backend = registry.backend("echo").expect("echo");
    let request =
        SessionRequest::new(Topic::new("Reduce checkout abandonment on mobile").expect("topic"));
    let guide = Guide::builtin();
    let generate = |options: &Options, on_text: Option<&refine_plugin::OnText<'_>>| {
        backend.generate(&refine_plugin::BackendInput {
            prompt: "P",
            request: &request,
            guide: &guide,
            options,
            on_text,
        })
    };

    let pieces = std::sync::Mutex::new(Vec::new());
    let collect = |p: &str| {
        pieces.lock().expect("lock").push(p.to_string());
        true
    };
    let reply = generate(&Options::new(), Some(&collect)).expect("answers");
    assert!(
        pieces.lock().expect("lock").len() > 10,
        "streamed a line at a time"
    );
    assert_eq!(pieces.lock().expect("lock").concat(), reply.text);
    let report = refine_core::analyze(&reply.text, &guide, &request);
    assert_eq!(report.findings, vec![]);

    let stop = |_: &str| false;
    let err = generate(&Options::new(), Some(&stop))
        .expect_err("cancelled")
        .to_string();
    assert!(err.contains("cancelled"), "{err}");

    let mut panic = Options::new();
    panic.insert("panic".into(), true.into());
    let err = generate(&panic, None).expect_err("panics").to_string();
    assert!(err.contains("the plugin panicked: asked to panic"), "{err}");
    let err = generate(&Options::new(), None)
        .expect_err("poisoned")
        .to_string();
    assert!(err.contains("refuses further calls"), "{err}");
    // The host and its built-ins go on.
    assert!(
        registry
            .format("markdown")
            .expect("markdown")
            .render(&pack())
            .is_ok()
    );
}

#[test]
fn a_backend_plugin_is_given_the_items_and_answers_one_block_each() {
    let lib = cargo_library("backend-rust-example", "libbackend_rust_example.so");
    let mut registry = Registry::builtin();
    registry.load_library(&lib, &no_config).expect("loads");
    let backend = registry.backend("echo").expect("echo");
    let item = |key: &str, title: &str| {
        refine_core::SessionItem::new(title)
            .expect("title")
            .with_key(Some(key))
            .with_url(Some(&format!("https://example.com/{key}")))
    };
    let request = SessionRequest::for_items(
        vec![
            item("A-1", "Refunds take two weeks"),
            item("A-2", "Invoices miss the PO number"),
        ],
        vec![item("A-3", "Dark mode")],
    )
    .expect("request");
    let guide = Guide::builtin();
    let options = Options::new();
    let pack = refine_host::prepare(
        backend,
        refine_host::PrepInput {
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
    assert_eq!(pack.meta.findings, vec![], "the plugin read the items");
    let items = pack.items();
    assert_eq!(items.len(), 2);
    assert_eq!(items[1].url.as_deref(), Some("https://example.com/A-2"));
    assert!(items[1].discussion_questions[0].contains("Invoices miss the PO number"));
    assert_eq!(pack.plan.deferred[0].key.as_deref(), Some("A-3"));
}

#[test]
fn the_plugins_config_table_reaches_it_as_json() {
    let lib = library(
        "echoconfig",
        "host->write(c, config.ptr, config.len); return RF_OK;",
        GOOD_PLUGIN,
        GOOD_LIBRARY,
    );
    let mut registry = Registry::builtin();
    let config_for = |id: &str| {
        if id == "fmt" {
            String::from(r#"{"width":80,"style":"dense"}"#)
        } else {
            String::from("{}")
        }
    };
    registry.load_library(&lib, &config_for).expect("loads");
    let out = registry
        .format("fmt")
        .expect("fmt")
        .render(&pack())
        .expect("renders");
    assert_eq!(
        String::from_utf8(out.bytes).expect("UTF-8"),
        r#"{"width":80,"style":"dense"}"#
    );
}

#[test]
fn the_c_plugins_in_the_docs_compile_and_work() {
    let docs = std::fs::read_to_string(root().join("docs/plugins.md")).expect("docs/plugins.md");
    let blocks: Vec<&str> = docs
        .split("```c\n")
        .skip(1)
        .map(|rest| rest.split("```").next().expect("closed"))
        .collect();
    assert_eq!(blocks.len(), 2, "the format and the backend skeletons");
    let mut registry = Registry::builtin();
    for (i, block) in blocks.iter().enumerate() {
        let lib = compile(&format!("docs_example_{i}"), block);
        registry.load_library(&lib, &no_config).expect("loads");
    }
    let out = registry
        .format("topic-only")
        .expect("registered")
        .render(&pack())
        .expect("renders");
    assert_eq!(
        String::from_utf8(out.bytes).expect("UTF-8"),
        "Topic: Reduce checkout abandonment on mobile\n"
    );
    // The backend skeleton's reply is read whole: every section found, no error findings.
    let request =
        SessionRequest::new(Topic::new("Reduce checkout abandonment on mobile").expect("topic"));
    let guide = Guide::builtin();
    let pack = prepare(
        registry.backend("skeleton").expect("registered"),
        PrepInput {
            request: &request,
            guide: &guide,
            options: &Options::new(),
            start: None,
            on_text: None,
            repair: 1,
            template: None,
        },
    )
    .expect("a pack");
    assert_eq!(pack.plan.agenda.len(), 4);
    assert_eq!(pack.plan.discussion_questions.len(), 3);
    let errors: Vec<_> = pack
        .meta
        .findings
        .iter()
        .filter(|f| f.code.severity() == refine_core::Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert!(
        pack.plan
            .closing_statement
            .as_deref()
            .is_some_and(|c| c.contains("guide's timing")),
        "minutes were null: get_json told null apart"
    );
    // The docs name exactly the tags the contracts define.
    for contract in &refine_core::contract::SECTIONS {
        assert!(
            docs.contains(&format!("`<{0}>` ... `</{0}>`", contract.tag)),
            "{}",
            contract.tag
        );
    }
}

#[test]
fn abi_1_0_libraries_still_load_and_1_1_tells_null_apart_and_lets_init_say_why() {
    // A library built against 1.0 (before get_json) loads and works unchanged.
    let old = library(
        "old10",
        WRITES_OK,
        GOOD_PLUGIN,
        "RF_MAGIC, RF_ABI_MAJOR, 0, sizeof(rf_library), 1, PLUGINS, NULL",
    );
    let mut registry = Registry::builtin();
    registry
        .load_library(&old, &no_config)
        .expect("a 1.0 library loads");
    assert_eq!(registry.origin("fmt").map(|(_, abi)| abi), Some("1.0"));
    let out = registry
        .format("fmt")
        .expect("fmt")
        .render(&pack())
        .expect("renders");
    assert_eq!(out.bytes, b"ok");

    // get reads a string as its text; get_json quotes it, so the string "null" and JSON null
    // differ.
    let reads = library(
        "getjson",
        r#"rf_str a, b, none;
    if (host->abi_minor < 1) return RF_ERROR;
    if (host->get(c, "/topic", &a) != RF_OK || host->get_json(c, "/topic", &b) != RF_OK) return RF_ERROR;
    host->write(c, a.ptr, a.len); host->write(c, "|", 1); host->write(c, b.ptr, b.len);
    host->write(c, "|", 1);
    if (host->get_json(c, "/no/such/value", &none) == RF_ERROR) host->write(c, "absent", 6);
    return RF_OK;"#,
        GOOD_PLUGIN,
        GOOD_LIBRARY,
    );
    let mut registry = Registry::builtin();
    registry.load_library(&reads, &no_config).expect("loads");
    let mut pack = pack();
    pack.meta.topic = String::from("null");
    let out = registry
        .format("fmt")
        .expect("fmt")
        .render(&pack)
        .expect("renders");
    assert_eq!(
        String::from_utf8(out.bytes).expect("UTF-8"),
        "null|\"null\"|absent"
    );

    // init says why it fails, and the message reaches the user.
    let source = format!(
        r#"#include <string.h>
#include "refine_plugin.h"
static int32_t call(const rf_host *host, rf_call *c, rf_str input, rf_str config) {{
    (void)host; (void)c; (void)input; (void)config; return RF_OK;
}}
static int32_t init(const rf_host *host) {{
    const char *why = "no licence file in ~/.config/acme";
    host->set_error(NULL, why, strlen(why));
    return RF_ERROR;
}}
static const rf_plugin PLUGINS[] = {{ {GOOD_PLUGIN} }};
static const rf_library LIBRARY = {{ RF_MAGIC, RF_ABI_MAJOR, RF_ABI_MINOR, sizeof(rf_library), 1, PLUGINS, init }};
const rf_library *refine_plugin_entry(void) {{ return &LIBRARY; }}
"#
    );
    let failing = compile("initmessage", &source);
    let err = Registry::builtin()
        .load_library(&failing, &no_config)
        .expect_err("init fails")
        .to_string();
    assert!(
        err.contains("init failed: no licence file in ~/.config/acme"),
        "{err}"
    );
}

#[test]
fn a_library_claiming_a_built_in_id_is_refused_before_its_init_runs() {
    // Its init aborts: had it run, this test process would be gone.
    let lib = library(
        "claims_markdown",
        WRITES_OK,
        r#"{ sizeof(rf_plugin), RF_KIND_FORMAT, RF_STR("markdown"), RF_STR("1"), RF_STR("d"), RF_STR("text/plain"), RF_STR("txt"), call }"#,
        "RF_MAGIC, RF_ABI_MAJOR, RF_ABI_MINOR, sizeof(rf_library), 1, PLUGINS, abort_init",
    );
    let err = load_error(&lib);
    assert!(
        err.contains("plugin id `markdown` is already taken by a built-in plugin"),
        "{err}"
    );
}
