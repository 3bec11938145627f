//! `refine items`: what an export holds, as a user checks it before a session.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/items")
        .join(name)
}

fn refine(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_refine"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("refine runs");
    let written = child.stdin.take().expect("stdin").write_all(stdin);
    match written {
        // A refusal of the arguments comes before any input is read: refine may have closed
        // the pipe (and exited) before the test writes.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other.expect("write"),
    }
    child.wait_with_output().expect("refine ends")
}

#[test]
fn every_export_lists_its_items_with_keys_links_and_what_the_session_draws_on() {
    for (name, first_line, sample) in [
        (
            "gh-issue-list.json",
            "6 items from",
            "#412       Exported CSV opens with broken umlauts in Excel",
        ),
        (
            "github-rest-issues.json",
            "11 items from",
            "https://github.com/acme/web/issues/441",
        ),
        (
            "jira-search.json",
            "(jira-json)",
            "estimate 5 (read, left out of packs)",
        ),
        (
            "jira-export.csv",
            "3 items from",
            "FIN-207    Dunning emails are sent to cancelled accounts",
        ),
        (
            "linear-export.csv",
            "(linear-csv)",
            "labels: Feature, Mobile",
        ),
        (
            "backlog.md",
            "(markdown)",
            "https://tracker.example.com/PROJ-19",
        ),
    ] {
        let path = fixture(name);
        let o = refine(&["items", path.to_str().expect("path")], b"");
        let out = String::from_utf8_lossy(&o.stdout);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{name}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(
            out.lines().next().is_some_and(|l| l.contains(first_line)),
            "{name}: {out}"
        );
        assert!(out.contains(sample), "{name}: {out}");
    }
    // From stdin, as JSON.
    let text = std::fs::read(fixture("linear-export.csv")).expect("fixture");
    let o = refine(&["items", "-", "--format", "json"], &text);
    let items: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(items[0]["key"], "ENG-341");
}

#[test]
fn a_broken_export_is_exit_2_naming_the_file_and_line() {
    for (name, expected) in [
        (
            "broken-short-row.csv",
            "broken-short-row.csv:3: this row has 2 fields",
        ),
        ("broken-truncated.json", "the JSON ends too soon"),
        (
            "broken-not-an-export.txt",
            "cannot tell what export this is",
        ),
    ] {
        let path = fixture(name);
        let o = refine(&["items", path.to_str().expect("path")], b"");
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains(expected), "{name}: {err}");
    }
    let o = refine(&["items", "-", "--items-format", "trello"], b"x");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("one of: github, jira-json"));
}

#[test]
fn prep_takes_one_item_of_an_export_with_its_body_as_notes_and_its_link_in_the_pack() {
    let export = fixture("github-rest-issues.json");
    let path = export.to_str().expect("path");
    let o = refine(
        &[
            "prep", "--items", path, "--item", "#423", "--format", "json",
        ],
        b"",
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let pack: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(
        pack["topic"],
        "Mobile app crashes when uploading a photo larger than 20 MB"
    );
    assert_eq!(
        pack["source"]["url"],
        "https://github.com/acme/web/issues/423"
    );
    assert!(
        pack["context"]
            .as_str()
            .is_some_and(|c| c.contains("OutOfMemoryError"))
    );
    assert_eq!(pack["kind"]["name"], "bug");
    // The markdown pack links the item.
    let o = refine(&["prep", "--items", path, "--item", "423"], b"");
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("(<https://github.com/acme/web/issues/423>)")
    );
    // So does the HTML page (its href read back by html5ever would decode the escapes).
    let o = refine(
        &["prep", "--items", path, "--item", "423", "--format", "html"],
        b"",
    );
    let page = String::from_utf8_lossy(&o.stdout).replace("&#x2f;", "/");
    assert!(
        page.contains("<a href=\"https://github.com/acme/web/issues/423\">#423</a>"),
        "{page}"
    );
    // A key the export does not hold: which keys there are, exit 2.
    let o = refine(&["prep", "--items", path, "--item", "999"], b"");
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("no item with key `999`") && err.contains("#441"),
        "{err}"
    );
    // From stdin, a one-item list needs no --item.
    let o = refine(
        &["prep", "--items", "-"],
        b"- ENG-9: Offline mode for the field app\n  Technicians lose work in basements.\n",
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("- **Item:** ENG-9"));
}
