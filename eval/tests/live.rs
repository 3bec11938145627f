//! The harness against a real small model on loopback (see `plugins/backend-openai/tests/live.rs`
//! for how it is started): token counts and latency are recorded, and a second identical run is
//! answered by the response cache. Without REFINE_MODEL_URL it says so and passes, except under CI.

use std::path::Path;
use std::process::Command;

use refine_eval::record::latest_records;

#[test]
fn eval_through_openai_records_tokens_latency_and_caches() {
    let url = match std::env::var("REFINE_MODEL_URL") {
        Ok(url) => url,
        Err(_) if std::env::var_os("CI").is_some() => panic!("CI must run the live tests"),
        Err(_) => {
            eprintln!(
                "no REFINE_MODEL_URL: live eval test not run (cargo xtask ci starts a server)"
            );
            return;
        }
    };
    let model = std::env::var("REFINE_MODEL_NAME").unwrap_or_else(|_| String::from("smollm2-135m"));
    let out = std::env::temp_dir().join(format!("refine-eval-live-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let spec =
        format!("openai:base_url={url},model={model},temperature=0,max_tokens=120,stream=true");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for run_id in ["first", "second"] {
        let output = Command::new(env!("CARGO_BIN_EXE_refine-eval"))
            .args([
                "run",
                "--backend",
                &spec,
                "--topics",
                "fixtures/topics/dark-mode.toml",
                "--plain",
                "--run-id",
                run_id,
            ])
            .arg("--out")
            .arg(&out)
            .current_dir(&root)
            .output()
            .expect("refine-eval runs");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let first = latest_records(&out.join("first/results.jsonl")).expect("first");
    let record = first.values().next().expect("one case");
    assert_eq!(record.error, None);
    assert!(!record.cached);
    assert!(record.latency_ms.is_some_and(|ms| ms > 0));
    assert!(
        record
            .first_token_ms
            .is_some_and(|ms| ms <= record.latency_ms.unwrap_or(0))
    );
    let tokens = record.tokens.expect("tokens recorded");
    assert!(tokens.input.is_some_and(|n| n > 500) && tokens.output.is_some_and(|n| n > 0));
    let second = latest_records(&out.join("second/results.jsonl")).expect("second");
    let again = second.values().next().expect("one case");
    assert!(again.cached, "the cache answered");
    assert_eq!(again.reply, record.reply);
    let _ = std::fs::remove_dir_all(out);
}
