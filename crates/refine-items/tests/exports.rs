//! Every export in `fixtures/items` read into items (snapshots), the format told from the
//! content alone; broken exports give errors naming the file and the line.

use std::path::{Path, PathBuf};

use refine_items::{ItemsFormat, detect, read};

fn fixture(name: &str) -> (PathBuf, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/items")
        .join(name);
    let text = std::fs::read_to_string(&path).expect("fixture");
    (path, text)
}

#[test]
fn each_export_is_recognised_and_read() {
    for (name, format, count) in [
        ("gh-issue-list.json", ItemsFormat::Github, 6),
        ("github-rest-issues.json", ItemsFormat::Github, 11),
        ("jira-search.json", ItemsFormat::JiraJson, 4),
        ("jira-export.csv", ItemsFormat::JiraCsv, 3),
        ("jira-export-semicolon-bom.csv", ItemsFormat::JiraCsv, 3),
        ("linear-export.csv", ItemsFormat::LinearCsv, 3),
        ("backlog.md", ItemsFormat::Markdown, 3),
    ] {
        let (_, text) = fixture(name);
        assert_eq!(detect(&text), Some(format), "{name}");
        let items = read(&text, None, name).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(items.len(), count, "{name}");
        insta::assert_json_snapshot!(name, items);
    }
}

#[test]
fn the_semicolon_export_with_a_bom_reads_as_the_comma_one() {
    let (_, comma) = fixture("jira-export.csv");
    let (_, semicolon) = fixture("jira-export-semicolon-bom.csv");
    assert_eq!(read(&comma, None, "a"), read(&semicolon, None, "b"));
}

#[test]
fn pull_requests_are_left_out_and_estimates_are_kept_apart() {
    let (_, text) = fixture("github-rest-issues.json");
    let items = read(&text, None, "x").expect("reads");
    assert!(
        items.iter().all(|i| i.key.as_deref() != Some("#420")),
        "the PR"
    );
    assert!(items.iter().all(|i| {
        i.url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://github.com/"))
    }));
    let (_, text) = fixture("jira-search.json");
    let items = read(&text, None, "x").expect("reads");
    assert_eq!(items[0].estimate.as_deref(), Some("5"));
    // Story points never reach the notes a pack is made from.
    for item in &items {
        let notes = item.notes().unwrap_or_default();
        assert!(!notes.to_lowercase().contains("story point"), "{notes}");
    }
    assert_eq!(
        items[0].url.as_deref(),
        Some("https://acme.atlassian.net/browse/SHOP-101")
    );
    assert!(
        items[0]
            .notes()
            .is_some_and(|n| n.contains("Acceptance criteria:\n- A guest's code"))
    );
}

#[test]
fn broken_exports_name_the_file_and_the_place() {
    let cases = [
        ("broken-truncated.json", "broken-truncated.json:"),
        (
            "broken-short-row.csv",
            "broken-short-row.csv:3: this row has 2 fields where the header has 3",
        ),
        (
            "broken-not-an-export.txt",
            "cannot tell what export this is",
        ),
    ];
    for (name, expected) in cases {
        let (_, text) = fixture(name);
        let err = read(&text, None, name).expect_err(name).to_string();
        assert!(err.contains(expected), "{name}: {err}");
    }
    let (_, text) = fixture("broken-truncated.json");
    assert!(
        read(&text, None, "t")
            .expect_err("cut")
            .to_string()
            .contains("ends too soon")
    );
    assert!(
        read("  \n", None, "empty.csv")
            .expect_err("empty")
            .to_string()
            .contains("empty.csv: the file is empty")
    );
    let err = read("Owner,Body\nx,y\n", Some(ItemsFormat::LinearCsv), "lin.csv")
        .expect_err("no Title")
        .to_string();
    assert!(
        err.contains(
            "lin.csv:1: no `Title` column in this Linear CSV export; its columns are: Owner, Body"
        ),
        "{err}"
    );
    let only_prs = r#"[{"number": 1, "title": "Bump x", "pull_request": {}}]"#;
    let err = read(only_prs, None, "prs.json")
        .expect_err("only PRs")
        .to_string();
    assert!(err.contains("all pull requests"), "{err}");
    // Links are web pages only.
    let sneaky = r#"[{"number": 2, "title": "x", "html_url": "javascript:alert(1)"}]"#;
    assert_eq!(read(sneaky, None, "s.json").expect("reads")[0].url, None);
    let not_issues = r#"[{"name": "not an issue"}]"#;
    let err = read(not_issues, None, "x.json")
        .expect_err("no title")
        .to_string();
    assert!(err.contains("x.json: item 1: no title"), "{err}");
}

#[test]
fn one_github_issue_and_other_trackers_csv_read_too() {
    // `gh issue view 31 --json number,title,body,labels,url`: one object, not a list.
    let one = r#"{"body": "Search takes 4 s for big workspaces.", "labels": [{"name": "performance"}], "number": 31, "title": "Slow search", "url": "https://github.com/o/r/issues/31"}"#;
    assert_eq!(detect(one), Some(ItemsFormat::Github));
    let items = read(one, None, "one.json").expect("reads");
    assert_eq!(
        (items[0].key.as_deref(), items[0].title.as_str()),
        (Some("#31"), "Slow search")
    );
    // A GitHub Projects or spreadsheet export: a title column and the usual others.
    let sheet = "Title,URL,Assignees,Status,Body,Tags\n\"Offline mode\",https://github.com/orgs/o/projects/1?pane=issue&itemId=7,ana,Todo,\"Technicians lose work.\",\"mobile\"\n";
    assert_eq!(detect(sheet), Some(ItemsFormat::Csv));
    let items = read(sheet, None, "sheet.csv").expect("reads");
    assert_eq!(items[0].title, "Offline mode");
    assert_eq!(
        items[0].description.as_deref(),
        Some("Technicians lose work.")
    );
    assert_eq!(items[0].labels, ["mobile"]);
    assert!(items[0].url.is_some());
}
