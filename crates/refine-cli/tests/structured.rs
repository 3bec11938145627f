//! `refine prep` against an OpenAI-style server on loopback: the structured-output request, a
//! reply that breaks the contract repaired with exactly one more request (`--repair`), and a
//! server that refuses `response_format` asked once more without it, with a warning.

mod common;

use std::process::{Command, Output};

use common::{completion, serve};

const TOPIC: &str = "Drivers cannot see the delivery window in the route app";

fn prep(url: &str, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_refine"))
        .args([
            "prep",
            TOPIC,
            "--backend",
            "openai",
            "--base-url",
            url,
            "--model",
            "m",
        ])
        .args(extra)
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("refine-structured-no-config"),
        )
        .env_remove("REFINE_PLUGIN_PATH")
        .env_remove("OPENAI_API_KEY")
        .output()
        .expect("refine runs")
}

/// A good tagged reply for the topic: the offline planner's.
fn good_reply() -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_refine"))
        .args(["prep", TOPIC, "--format", "tagged"])
        .output()
        .expect("refine runs");
    String::from_utf8(o.stdout).expect("UTF-8")
}

#[test]
fn a_reply_that_breaks_the_contract_is_repaired_with_exactly_one_more_request() {
    let good = good_reply();
    let broken = good[..good.find("<closing_statement>").expect("closing")].to_string();
    let server = serve(vec![completion(&broken), completion(&good)]);
    // The server answers in tags, not JSON: read as it is, with a warning.
    let o = prep(&server.url, &["--format", "json"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    let seen = server.seen.lock().expect("lock").clone();
    assert_eq!(seen.len(), 2, "exactly one more request");
    assert_eq!(seen[0]["response_format"]["json_schema"]["strict"], true);
    let follow_up = seen[1]["messages"][0]["content"].as_str().expect("prompt");
    assert!(
        follow_up.contains("[section-missing] no ‹closing_statement› section"),
        "{follow_up}"
    );
    assert!(follow_up.contains("<previous_reply>"));
    assert!(
        stderr
            .contains("note: the reply broke the contract (section-missing); asked 1 more time(s)"),
        "{stderr}"
    );
    let pack: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(pack["findings"], serde_json::json!([]));
    assert_eq!(pack["attempts"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        pack["attempts"][0]["errors"],
        serde_json::json!(["section-missing"])
    );

    // --repair 0: one request, and the broken reply's findings stand.
    let server = serve(vec![completion(&broken)]);
    let o = prep(&server.url, &["--repair", "0", "--structured", "off"]);
    assert!(o.status.success());
    let seen = server.seen.lock().expect("lock").clone();
    assert_eq!(seen.len(), 1);
    assert!(seen[0].get("response_format").is_none(), "--structured off");
    assert!(String::from_utf8_lossy(&o.stderr).contains("[section-missing]"));
}

#[test]
fn a_server_that_refuses_response_format_is_asked_again_without_it_and_says_so() {
    let good = good_reply();
    let refusal = (
        400,
        String::from(r#"{"error":{"message":"response_format is not supported by this model"}}"#),
    );
    let server = serve(vec![refusal, completion(&good)]);
    let o = prep(&server.url, &[]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(
        stderr.contains("warning: backend `openai`: the server refused `response_format`"),
        "{stderr}"
    );
    let seen = server.seen.lock().expect("lock").clone();
    assert_eq!(seen.len(), 2);
    assert!(seen[1].get("response_format").is_none());
    // --structured on: the refusal is an error (exit 2: the request was refused as invalid).
    let server = serve(vec![(400, String::from(r#"{"error":{"message":"no"}}"#))]);
    let o = prep(&server.url, &["--structured", "on"]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(server.seen.lock().expect("lock").len(), 1);
}
