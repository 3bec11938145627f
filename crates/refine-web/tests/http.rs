//! The real server on loopback, as a browser and as an attacker would talk to it: prepare from
//! a topic and from an export, download every format, run a session, read the notes; refused
//! cross-site posts, forms without the token, oversized bodies, unknown ids and visitors
//! without the access token.

mod common;

use common::{csrf, get, post_form, post_multipart, serve};

#[test]
fn a_session_from_topic_to_notes() {
    let s = serve("flow", None);
    let home = get(&format!("{}/", s.url));
    assert_eq!(home.status, 200);
    assert!(home.body.contains("<label for=\"topic\">Topic</label>"));
    let token = csrf(&home.body);
    let made = post_multipart(
        &format!("{}/prepare", s.url),
        &s.url,
        &[
            ("csrf", &token),
            ("topic", "Invoices <script>alert(1)</script> arrive twice"),
            (
                "context",
                "Finance sees duplicate invoices for about 3% of orders since the March release.",
            ),
            ("minutes", "60"),
            ("backend", "offline"),
            ("start", "2026-12-01T10:00"),
        ],
        &[],
    );
    assert_eq!(made.status, 303, "{}", made.body);
    let pack_url = format!("{}{}", s.url, made.location.expect("a location"));
    let pack = get(&pack_url);
    assert_eq!(pack.status, 200);
    // Everything the user typed is escaped.
    assert!(
        pack.body
            .contains("Invoices &lt;script&gt;alert(1)&lt;&#x2f;script&gt; arrive twice"),
        "{}",
        pack.body
    );
    assert!(!pack.body.contains("<script>alert"));
    for format in ["markdown", "html", "json", "ics", "pre-read", "tagged"] {
        let d = get(&format!("{pack_url}/download/{format}"));
        assert_eq!(d.status, 200, "{format}: {}", d.body);
        let disposition = d
            .headers
            .get("content-disposition")
            .and_then(|h| h.to_str().ok())
            .unwrap_or("");
        assert!(
            disposition.starts_with("attachment; filename=\"refine-"),
            "{disposition}"
        );
    }
    let ics = get(&format!("{pack_url}/download/ics"));
    assert!(
        ics.body.contains("BEGIN:VEVENT") && ics.body.contains("DTSTART:20261201T100000"),
        "{}",
        ics.body
    );
    let view = get(&format!("{pack_url}/view"));
    assert!(view.body.contains("Agenda"), "the pack renders");

    // Run: start, a decision and an action item, next step, notes.
    let run_url = format!("{pack_url}/run");
    let run = get(&run_url);
    assert!(run.body.contains("Start the session"));
    let token = csrf(&run.body);
    let started = post_form(
        &format!("{pack_url}/clock"),
        &s.url,
        &[("csrf", &token), ("action", "next")],
    );
    assert_eq!(started.status, 303);
    let run = get(&run_url);
    assert!(
        run.body.contains("aria-current=\"step\">Context Setting"),
        "{}",
        run.body
    );
    let saved = post_form(
        &format!("{pack_url}/event"),
        &s.url,
        &[
            ("csrf", &token),
            ("kind", "decision"),
            ("text", "Deduplicate by order id"),
            ("why", "the id is unique"),
        ],
    );
    assert_eq!(saved.status, 303);
    assert!(
        saved
            .location
            .as_deref()
            .is_some_and(|l| l.contains("saved=decision"))
    );
    post_form(
        &format!("{pack_url}/event"),
        &s.url,
        &[
            ("csrf", &token),
            ("kind", "action"),
            ("text", "Pull the March invoices"),
            ("owner", "Kim"),
            ("due", "2026-12-04"),
        ],
    );
    // An action without an owner is refused with the reason, and nothing is written.
    let refused = post_form(
        &format!("{pack_url}/event"),
        &s.url,
        &[
            ("csrf", &token),
            ("kind", "action"),
            ("text", "Someone should look"),
            ("owner", ""),
        ],
    );
    let back = get(&format!(
        "{}{}",
        s.url,
        refused.location.expect("back to the run page")
    ));
    assert!(
        back.body.contains("an action item needs an owner"),
        "{}",
        back.body
    );
    let notes = get(&format!("{pack_url}/notes/download/markdown"));
    assert!(
        notes
            .body
            .contains("- Deduplicate by order id — because the id is unique"),
        "{}",
        notes.body
    );
    assert!(
        notes
            .body
            .contains("| Pull the March invoices | Kim | 2026-12-04 |"),
        "{}",
        notes.body
    );
    assert!(!notes.body.contains("Someone should look"));
    let page = get(&format!("{pack_url}/notes"));
    assert!(page.body.contains("href=\"/?carry="), "the carry-over link");
    // The journal is the one `refine run` reads, beside the pack.
    let id = pack_url.rsplit('/').next().expect("id");
    assert!(s.data.join(format!("{id}.journal.jsonl")).exists());
    assert!(s.data.join(format!("{id}.json")).exists());

    // The next session, carried over: the open action is in its review slot.
    let home = get(&format!("{}/?carry={id}", s.url));
    assert!(home.body.contains("Carrying over from"), "{}", home.body);
    let next = post_multipart(
        &format!("{}/prepare", s.url),
        &s.url,
        &[
            ("csrf", &token),
            ("topic", "Invoices arrive twice"),
            ("carry", id),
        ],
        &[],
    );
    assert_eq!(next.status, 303, "{}", next.body);
    let md = get(&format!(
        "{}{}/download/markdown",
        s.url,
        next.location.expect("location")
    ));
    assert!(
        md.body
            .contains("Action: Pull the March invoices (Kim, due 2026-12-04)"),
        "{}",
        md.body
    );
}

#[test]
fn an_uploaded_export_becomes_a_session_on_its_items() {
    let s = serve("export", None);
    let token = csrf(&get(&format!("{}/", s.url)).body);
    let export = r#"[{"number": 7, "title": "Search ignores accents", "body": "Users typing 'cafe' do not find 'café'. Support gets 20 tickets a week.", "url": "https://github.com/acme/app/issues/7", "labels": []},
{"number": 9, "title": "Dark mode for reports", "body": "Analysts work at night and the white report pages glare.", "url": "https://github.com/acme/app/issues/9", "labels": []}]"#;
    let made = post_multipart(
        &format!("{}/prepare", s.url),
        &s.url,
        &[("csrf", &token), ("minutes", "60")],
        &[("items_file", "issues.json", export)],
    );
    assert_eq!(made.status, 303, "{}", made.body);
    let md = get(&format!(
        "{}{}/download/markdown",
        s.url,
        made.location.expect("location")
    ));
    assert!(
        md.body.contains("Search ignores accents") && md.body.contains("Dark mode for reports"),
        "{}",
        md.body
    );
    assert!(md.body.contains("https://github.com/acme/app/issues/7"));
    // A broken export is named, and the form keeps what was typed.
    let bad = post_multipart(
        &format!("{}/prepare", s.url),
        &s.url,
        &[("csrf", &token), ("topic", "kept topic"), ("minutes", "60")],
        &[("items_file", "broken.json", "[{\"number\": 1,")],
    );
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("role=\"alert\""), "{}", bad.body);
    assert!(
        bad.body.contains("Items:") && bad.body.contains("broken.json"),
        "{}",
        bad.body
    );
    assert!(bad.body.contains("value=\"kept topic\""));
}

#[test]
fn forms_from_elsewhere_and_without_the_token_are_refused() {
    let s = serve("csrf", None);
    let token = csrf(&get(&format!("{}/", s.url)).body);
    // Another origin, even with the right token.
    let cross = post_multipart(
        &format!("{}/prepare", s.url),
        "https://evil.example",
        &[("csrf", &token), ("topic", "x")],
        &[],
    );
    assert_eq!(cross.status, 403, "{}", cross.body);
    // The right origin without the token, or with a wrong one.
    for given in ["", "00000000000000000000000000000000"] {
        let missing = post_multipart(
            &format!("{}/prepare", s.url),
            &s.url,
            &[("csrf", given), ("topic", "x")],
            &[],
        );
        assert_eq!(missing.status, 403, "{}", missing.body);
        assert!(missing.body.contains("security token"));
    }
    assert!(
        std::fs::read_dir(&s.data).expect("data").next().is_none(),
        "nothing was made"
    );
    // A body over the limit.
    let big = "x".repeat(refine_web::BODY_LIMIT + 1);
    let over = post_multipart(
        &format!("{}/prepare", s.url),
        &s.url,
        &[("csrf", &token), ("context", &big)],
        &[],
    );
    assert!(over.status == 413 || over.status == 400, "{}", over.status);
    // Ids are the server's: nothing else names a file.
    for path in [
        "/s/..%2F..%2Fetc%2Fpasswd",
        "/s/0123456789abcdef",
        "/s/0123456789abcdef/download/json",
        "/assets/..%2FCargo.toml",
    ] {
        assert_eq!(get(&format!("{}{path}", s.url)).status, 404, "{path}");
    }
    let pages = get(&format!("{}/", s.url));
    let csp = pages
        .headers
        .get("content-security-policy")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    assert!(csp.contains("default-src 'self'"), "{csp}");
}

#[test]
fn an_access_token_keeps_strangers_out() {
    let secret = "a-long-secret-token-1234";
    let s = serve("token", Some(secret));
    assert_eq!(get(&format!("{}/", s.url)).status, 401);
    assert_eq!(get(&format!("{}/?token=wrong", s.url)).status, 401);
    let first = get(&format!("{}/?token={secret}", s.url));
    assert_eq!(first.status, 303, "the token moves into a cookie");
    let cookie = first
        .headers
        .get("set-cookie")
        .and_then(|h| h.to_str().ok())
        .expect("cookie")
        .to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let with_cookie = common::agent()
        .get(&format!("{}/", s.url))
        .header("cookie", cookie.split(';').next().expect("pair"))
        .call()
        .expect("GET");
    assert_eq!(with_cookie.status().as_u16(), 200);
}
