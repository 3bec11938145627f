//! `refine prep|prompt|check --items FILE` with several items, tried as a new user would on
//! exports the project has never seen: six GitHub issues into 90 minutes, twelve Markdown items
//! into 60 minutes, a Jira CSV; the same session served by the offline, replay and OpenAI-style
//! HTTP backends (a server on loopback); a reply missing an item's block fails `refine check`.

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn refine(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_refine"))
        .args(args)
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("refine-sessions-no-config"),
        )
        .env_remove("REFINE_PLUGIN_PATH")
        .env_remove("OPENAI_API_KEY")
        .output()
        .expect("refine runs")
}

fn ok(o: &Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("refine-sessions-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// Six issues as `gh issue list --json number,title,body,labels,url` prints them.
fn six_issues(dir: &Path) -> PathBuf {
    let issues = [
        (
            1201,
            "Team invites expire before new members open them",
            "Invite links expire after 24 hours. 38% of invites sent on Fridays are opened after the weekend, when the link is dead. Admins resend them by hand.",
        ),
        (
            1202,
            "Bulk archive times out for projects with many tasks",
            "Archiving a project with more than 5,000 tasks fails with a gateway timeout after 60 seconds. Three enterprise customers hit it during their year-end clean-up.",
        ),
        (
            1203,
            "Calendar sync duplicates recurring meetings",
            "Since the Google Calendar API change in October, weekly meetings appear twice in the timeline. Support logged 57 tickets; sales demos look broken.",
        ),
        (
            1204,
            "Guests can see private channel names in search",
            "A guest account found the names of private channels through the search suggestions. Security rated it medium. Legal asks whether customers must be told.",
        ),
        (
            1205,
            "Mobile timer drifts when the phone sleeps",
            "Field technicians log time with the mobile timer. After the phone locks for 20 minutes the timer is off by several minutes, and payroll disputes follow.",
        ),
        (
            1206,
            "Export to PDF cuts off wide tables",
            "Reports with more than eight columns lose the right-hand columns in PDF. Finance teams print these monthly for their auditors.",
        ),
    ];
    let json: Vec<serde_json::Value> = issues
        .iter()
        .map(|(n, title, body)| {
            serde_json::json!({
                "number": n,
                "title": title,
                "body": body,
                "labels": [{"name": "needs-refinement"}],
                "url": format!("https://github.com/northwind/app/issues/{n}"),
            })
        })
        .collect();
    let path = dir.join("issues.json");
    std::fs::write(&path, serde_json::to_string_pretty(&json).expect("json")).expect("write");
    path
}

#[test]
fn six_github_issues_into_90_minutes_get_a_slot_each_with_their_own_questions_and_links() {
    let dir = scratch("six");
    let path = six_issues(&dir);
    let path = path.to_str().expect("path");
    let pack: serde_json::Value = serde_json::from_str(&ok(&refine(&[
        "prep",
        "--items",
        path,
        "--minutes",
        "90",
        "--format",
        "json",
    ])))
    .expect("JSON pack");
    assert_eq!(pack["schema"], "refine.session_pack/2");
    assert_eq!(pack["findings"], serde_json::json!([]), "a clean pack");
    let items = pack["items"].as_array().expect("items");
    assert_eq!(items.len(), 6);
    let issues: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("json");
    let mut total = 0;
    for (item, issue) in items.iter().zip(&issues) {
        assert_eq!(item["url"], issue["url"]);
        assert_eq!(item["key"], format!("#{}", issue["number"]));
        total += item["minutes"]["max"].as_u64().expect("a timebox");
        // The questions draw on this issue's body: at least two use its own words.
        let body = issue["body"].as_str().expect("body").to_lowercase();
        let own: Vec<&str> = body
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.len() > 5)
            .collect();
        let questions = item["discussion_questions"].as_array().expect("questions");
        assert!((3..=5).contains(&questions.len()));
        let using = questions
            .iter()
            .filter(|q| {
                let q = q.as_str().unwrap_or_default().to_lowercase();
                own.iter().any(|w| q.contains(w))
            })
            .count();
        assert!(using >= 2, "{}: {questions:#?}", item["title"]);
    }
    let exploration = pack["plan"]["agenda"][1]["minutes"]["max"]
        .as_u64()
        .expect("phase");
    assert_eq!(total, exploration, "the slots fill the exploration phase");
    assert!(pack["plan"]["deferred"].is_null(), "nothing deferred");
    // The Markdown pack shows each item as a section with its link.
    let md = ok(&refine(&["prep", "--items", path, "--minutes", "90"]));
    for issue in &issues {
        assert!(md.contains(issue["url"].as_str().expect("url")));
    }
    assert_eq!(md.matches("\n### ").count(), 6, "{md}");
}

#[test]
fn twelve_items_into_60_minutes_say_which_are_deferred() {
    let dir = scratch("twelve");
    let mut list = String::new();
    for i in 1..=12 {
        list.push_str(&format!(
            "- WEB-{i}: Checkout step {i} loses the entered address\n  Reported by {i} customers last week after the address form change.\n"
        ));
    }
    let path = dir.join("backlog.md");
    std::fs::write(&path, list).expect("write");
    let path = path.to_str().expect("path");
    let o = refine(&["prep", "--items", path, "--minutes", "60"]);
    let md = ok(&o);
    assert!(md.contains("5 of 12 items fit this session"), "{md}");
    assert!(md.contains("## Deferred to the next session"), "{md}");
    for i in 6..=12 {
        assert!(
            md.contains(&format!("WEB-{i} Checkout step {i}")),
            "WEB-{i} deferred: {md}"
        );
    }
    // --max-items chooses fewer.
    let pack: serde_json::Value = serde_json::from_str(&ok(&refine(&[
        "prep",
        "--items",
        path,
        "--minutes",
        "60",
        "--max-items",
        "3",
        "--format",
        "json",
    ])))
    .expect("JSON");
    assert_eq!(pack["items"].as_array().map(Vec::len), Some(3));
    assert_eq!(pack["plan"]["deferred"].as_array().map(Vec::len), Some(9));
    let o = refine(&["prep", "--items", path, "--max-items", "0"]);
    assert_eq!(o.status.code(), Some(2));
    let o = refine(&["prep", "--items", path, "--minutes", "2"]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot hold the guide's 4 phases"));
}

#[test]
fn a_jira_csv_works_the_same() {
    let dir = scratch("jira");
    let csv = "Summary,Issue key,Issue Type,Status,Description,Labels,Labels\n\
        Payment retries charge customers twice,PAY-88,Bug,Open,\"Retries after a gateway timeout create a second charge.\n\nFinance refunded 140 double charges in November.\",payments,refinement\n\
        Merchants want payout reports per store,PAY-91,Story,Open,\"Chains with many stores reconcile payouts by hand. Two of our largest merchants asked for it.\",payouts,\n\
        Card form rejects valid Amex numbers,PAY-93,Bug,Open,\"Amex cards with 15 digits fail the client-side check on Safari only.\",,\n";
    let path = dir.join("jira.csv");
    std::fs::write(&path, csv).expect("write");
    let path = path.to_str().expect("path");
    let pack: serde_json::Value = serde_json::from_str(&ok(&refine(&[
        "prep",
        "--items",
        path,
        "--minutes",
        "90",
        "--format",
        "json",
        "--item-url",
        "https://northwind.atlassian.net/browse/{key}",
    ])))
    .expect("JSON");
    assert_eq!(pack["findings"], serde_json::json!([]));
    let items = pack["items"].as_array().expect("items");
    assert_eq!(items.len(), 3);
    assert_eq!(items[0]["key"], "PAY-88");
    assert!(items[0]["kind"]["name"].is_string());
    assert_eq!(
        items[2]["url"],
        "https://northwind.atlassian.net/browse/PAY-93"
    );
    assert!(
        items[0]["discussion_questions"]
            .as_array()
            .expect("questions")
            .iter()
            .any(|q| q.as_str().unwrap_or_default().contains("gateway timeout")),
        "{:#?}",
        items[0]
    );
    let o = refine(&["prep", "--items", path, "--item-url", "ftp://x/{key}"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn the_prompt_states_the_items_and_check_reads_their_blocks() {
    let dir = scratch("check");
    let path = six_issues(&dir);
    let path = path.to_str().expect("path");
    let prompt = ok(&refine(&["prompt", "--items", path, "--minutes", "90"]));
    assert_eq!(prompt.matches("<backlog_item number=").count(), 6);
    assert!(prompt.contains("item 1 7 minutes"), "{prompt}");
    assert!(prompt.contains("<item number=\"N\">"));
    // A reply in the contract passes `refine check`; without item 4's block it fails.
    let reply = ok(&refine(&[
        "prep",
        "--items",
        path,
        "--minutes",
        "90",
        "--format",
        "tagged",
    ]));
    let file = dir.join("reply.md");
    std::fs::write(&file, &reply).expect("write");
    let file = file.to_str().expect("path");
    ok(&refine(&[
        "check",
        file,
        "--items",
        path,
        "--minutes",
        "90",
    ]));
    let start = reply.find("<item number=\"4\">").expect("block 4");
    let end = start + reply[start..].find("</item>").expect("end") + "</item>".len();
    let mut broken = reply.clone();
    broken.replace_range(start..end, "");
    std::fs::write(dir.join("broken.md"), broken).expect("write");
    let broken = dir.join("broken.md");
    let o = refine(&[
        "check",
        broken.to_str().expect("path"),
        "--items",
        path,
        "--minutes",
        "90",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stdout).contains("item-missing"));
}

#[test]
fn replay_and_an_http_backend_serve_the_same_session() {
    let dir = scratch("serve");
    let path = six_issues(&dir);
    let path = path.to_str().expect("path");
    let reply = ok(&refine(&[
        "prep",
        "--items",
        path,
        "--minutes",
        "90",
        "--format",
        "tagged",
    ]));
    let offline: serde_json::Value = serde_json::from_str(&ok(&refine(&[
        "prep",
        "--items",
        path,
        "--minutes",
        "90",
        "--format",
        "json",
    ])))
    .expect("JSON");
    // Replay: a recording for the session's topic.
    let recordings = dir.join("recorded");
    std::fs::create_dir_all(&recordings).expect("dir");
    let topic = offline["topic"].as_str().expect("topic");
    std::fs::write(
        recordings.join("six.md"),
        format!("+++\ntopic = {topic:?}\n+++\n{reply}"),
    )
    .expect("write");
    let dir_option = format!("dir={}", recordings.display());
    let replayed: serde_json::Value = serde_json::from_str(&ok(&refine(&[
        "prep",
        "--items",
        path,
        "--minutes",
        "90",
        "--format",
        "json",
        "--backend",
        "replay",
        "--option",
        &dir_option,
    ])))
    .expect("JSON");
    assert_eq!(replayed["items"], offline["items"]);
    // An OpenAI-style server on loopback that answers with the reply, once it has seen the
    // items in the prompt.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/v1", listener.local_addr().expect("addr"));
    let answer = reply.clone();
    let server = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().expect("a request");
        let mut request = Vec::new();
        let mut buf = [0u8; 65536];
        loop {
            let n = stream.read(&mut buf).expect("read");
            request.extend_from_slice(&buf[..n]);
            let text = String::from_utf8_lossy(&request);
            if let Some(head) = text.find("\r\n\r\n") {
                let length: usize = text[..head]
                    .lines()
                    .find_map(|l| {
                        l.to_lowercase()
                            .strip_prefix("content-length:")
                            .map(|v| v.trim().parse().unwrap_or(0))
                    })
                    .unwrap_or(0);
                if request.len() >= head + 4 + length {
                    break;
                }
            }
            if n == 0 {
                break;
            }
        }
        let body = serde_json::json!({
            "choices": [{"message": {"role": "assistant", "content": answer}, "finish_reason": "stop"}],
            "model": "loopback",
        })
        .to_string();
        let _ = write!(
            stream,
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        String::from_utf8_lossy(&request).into_owned()
    });
    let served: serde_json::Value = serde_json::from_str(&ok(&refine(&[
        "prep",
        "--items",
        path,
        "--minutes",
        "90",
        "--format",
        "json",
        "--backend",
        "openai",
        "--base-url",
        &url,
        "--model",
        "m",
    ])))
    .expect("JSON");
    let seen = server.join().expect("server");
    assert!(
        seen.contains("backlog_item number=\\\"6\\\""),
        "the prompt carried the items"
    );
    assert_eq!(served["items"], offline["items"]);
    assert_eq!(served["findings"], serde_json::json!([]));
}

#[test]
fn packs_from_each_fixture_export_are_snapshotted() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/items");
    let mut names: Vec<String> = std::fs::read_dir(&fixtures)
        .expect("fixtures/items")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| !n.starts_with("broken-"))
        .collect();
    names.sort();
    assert!(names.len() >= 6, "{names:?}");
    for name in names {
        let path = fixtures.join(&name);
        let pack = ok(&refine(&[
            "prep",
            "--items",
            path.to_str().expect("path"),
            "--minutes",
            "90",
            "--start",
            "2026-12-07 14:00",
        ]));
        insta::assert_snapshot!(format!("pack-{name}"), pack);
    }
}
