//! `--topics` takes a tracker's export, so a prompt engineer evaluates on their own backlog.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use refine_eval::record::{CaseRecord, read_records};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn each_item_of_an_export_is_a_case_with_its_body_as_context() {
    let out = std::env::temp_dir().join(format!("refine-eval-exports-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    for (export, cases, id) in [
        ("fixtures/items/github-rest-issues.json", 11, "423"),
        ("fixtures/items/jira-export.csv", 3, "fin-207"),
        ("fixtures/items/linear-export.csv", 3, "eng-341"),
        ("fixtures/items/backlog.md", 3, "proj-12"),
    ] {
        let run_id = id.to_string();
        let o = Command::new(env!("CARGO_BIN_EXE_refine-eval"))
            .args([
                "run", "--topics", export, "--plain", "--run-id", &run_id, "--out",
            ])
            .arg(&out)
            .current_dir(root())
            .stdin(Stdio::null())
            .output()
            .expect("refine-eval runs");
        assert!(
            o.status.success(),
            "{export}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let mut records: Vec<CaseRecord> = Vec::new();
        read_records(
            &out.join(&run_id).join("results.jsonl"),
            |r| records.push(r),
            |line| panic!("line {line}"),
        )
        .expect("results");
        assert_eq!(records.len(), cases, "{export}");
        let case = records
            .iter()
            .find(|r| r.topic_id == id)
            .unwrap_or_else(|| panic!("{export}: no topic `{id}`"));
        assert!(case.error.is_none(), "{export}: {:?}", case.error);
        // The run keeps each item's body as its context: the settings hold it.
        let settings =
            std::fs::read_to_string(out.join(&run_id).join("run.json")).expect("run.json");
        assert!(settings.contains("\"context\": \""), "{export}");
    }
    let bad = Command::new(env!("CARGO_BIN_EXE_refine-eval"))
        .args([
            "run",
            "--topics",
            "fixtures/items/broken-short-row.csv",
            "--out",
        ])
        .arg(&out)
        .current_dir(root())
        .output()
        .expect("refine-eval runs");
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("broken-short-row.csv:3:"));
    let _ = std::fs::remove_dir_all(out);
}
