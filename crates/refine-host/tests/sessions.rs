//! Packs of a session on several backlog items, through the offline backend and every format:
//! each item has its slot, its own questions and its link; the deferred items are named; the
//! JSON is `refine.session_pack/2` and follows `refine schema`; the tagged text parses back to
//! the same items; the calendar is read back by an independent parser.

use std::io::BufReader;

use refine_core::schedule::fit_items;
use refine_core::{Guide, SessionItem, SessionRequest, analyze};
use refine_host::{PrepInput, Registry, prepare};
use refine_plugin::{Options, Pack, SessionStart};

/// A backlog the project's fixtures do not hold: (key, title, body, link).
const BACKLOG: &[(&str, &str, &str)] = &[
    (
        "OPS-31",
        "Nightly backup job overruns into business hours",
        "The Postgres backup started at 01:00 now ends after 09:30 on Mondays. Customers in APAC see timeouts while it runs. Storage grew 3x since March.",
    ),
    (
        "OPS-35",
        "On-call engineers get paged for disk alerts that resolve themselves",
        "42 of 60 pages last month were disk-usage alerts that cleared within ten minutes. Two engineers asked to leave the rotation.",
    ),
    (
        "OPS-40",
        "Staging environment drifts from production",
        "Terraform state for staging was last applied in June. Release 7.2 passed staging and failed in production because of a missing queue.",
    ),
];

fn items(n: usize) -> Vec<SessionItem> {
    (0..n)
        .map(|i| {
            let (key, title, body) = BACKLOG[i % BACKLOG.len()];
            let key = format!(
                "{key}{}",
                if i < BACKLOG.len() {
                    String::new()
                } else {
                    format!("-{i}")
                }
            );
            SessionItem::new(&format!(
                "{title}{}",
                if i < BACKLOG.len() {
                    String::new()
                } else {
                    format!(" ({i})")
                }
            ))
            .expect("title")
            .with_key(Some(&key))
            .with_url(Some(&format!("https://tracker.example.com/browse/{key}")))
            .with_notes(body)
            .expect("notes")
        })
        .collect()
}

fn pack(n: usize, minutes: u32, max: Option<usize>) -> Pack {
    let guide = Guide::builtin();
    let mut all = items(n);
    let fit = fit_items(&guide, Some(minutes), all.len(), max).expect("fits");
    let deferred = all.split_off(fit.taken);
    let request = SessionRequest::for_items(all, deferred)
        .expect("request")
        .with_minutes(minutes)
        .expect("minutes");
    let registry = Registry::builtin();
    let options = Options::new();
    let start = SessionStart::parse("2026-12-01 10:00", Some("Europe/Berlin")).expect("start");
    prepare(
        registry.backend("offline").expect("offline"),
        PrepInput {
            request: &request,
            guide: &guide,
            options: &options,
            start: Some(&start),
            on_text: None,
            repair: 1,
            template: None,
        },
    )
    .expect("pack")
}

fn render(format: &str, pack: &Pack) -> String {
    let rendered = Registry::builtin()
        .format(format)
        .expect("format")
        .render(pack)
        .expect("render");
    String::from_utf8(rendered.bytes).expect("UTF-8")
}

#[test]
fn each_item_gets_a_slot_its_own_questions_and_its_link_in_every_format() {
    let pack = pack(3, 90, None);
    assert!(pack.meta.findings.is_empty(), "{:#?}", pack.meta.findings);
    assert_eq!(pack.plan.items.len(), 3);
    let slots: u32 = pack
        .plan
        .items
        .iter()
        .filter_map(|i| i.minutes)
        .map(|m| m.max)
        .sum();
    assert_eq!(slots, 40, "the items share the exploration phase");
    for (item, (key, _, body)) in pack.plan.items.iter().zip(BACKLOG) {
        assert_eq!(item.key.as_deref(), Some(*key));
        assert!((3..=5).contains(&item.discussion_questions.len()));
        // Each item's questions draw on its own body, not on another item's.
        let own = refine_core::text::terms(body);
        let using = item
            .discussion_questions
            .iter()
            .filter(|q| refine_core::text::terms_meet(&refine_core::text::terms(q), &own))
            .count();
        assert!(using >= 2, "{key}: {:#?}", item.discussion_questions);
    }
    for format in [
        "markdown",
        "html",
        "pre-read",
        "pre-read-html",
        "ics",
        "tagged",
    ] {
        let text = render(format, &pack)
            .replace("\r\n ", "")
            .replace("&#x2f;", "/");
        for (key, title, _) in BACKLOG {
            assert!(text.contains(title), "{format} lacks {title}");
            if format != "tagged" {
                assert!(
                    text.contains(&format!("https://tracker.example.com/browse/{key}")),
                    "{format} lacks the link of {key}"
                );
            }
        }
        insta::assert_snapshot!(format!("items-{format}"), text);
    }
}

#[test]
fn items_that_do_not_fit_are_deferred_and_named() {
    let pack = pack(12, 60, None);
    assert_eq!(pack.plan.items.len(), 5);
    assert_eq!(pack.plan.deferred.len(), 7);
    assert!(pack.meta.findings.is_empty(), "{:#?}", pack.meta.findings);
    let note = pack.meta.notes.join("\n");
    assert!(note.contains("5 of 12 items fit this session"), "{note}");
    for format in ["markdown", "html", "pre-read", "ics"] {
        let text = render(format, &pack).replace("\r\n ", "");
        assert!(
            text.contains("OPS-40-11"),
            "{format} does not name the last deferred item"
        );
    }
    // --max-items keeps fewer.
    let pack = pack_max(2);
    assert_eq!(pack.plan.items.len(), 2);
    assert!(pack.meta.notes.join(" ").contains("as --max-items asked"));
}

fn pack_max(max: usize) -> Pack {
    pack(6, 90, Some(max))
}

#[test]
fn the_json_is_version_2_follows_its_schema_and_reads_back() {
    let pack = pack(3, 90, None);
    let text = render("json", &pack);
    let json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let schema: serde_json::Value =
        serde_json::from_str(&format_json::schema()).expect("schema JSON");
    let validator = jsonschema::validator_for(&schema).expect("valid schema");
    let errors: Vec<String> = validator
        .iter_errors(&json)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(json["schema"], "refine.session_pack/2");
    let items = json["items"].as_array().expect("items");
    assert_eq!(items.len(), 3);
    for field in [
        "key",
        "url",
        "title",
        "kind",
        "minutes",
        "key_points",
        "discussion_questions",
    ] {
        assert!(!items[0][field].is_null(), "items[0].{field}");
    }
    assert_eq!(items[2]["url"], "https://tracker.example.com/browse/OPS-40");
    let doc: refine_plugin::PackDocument = serde_json::from_value(json).expect("reads back");
    assert_eq!(Pack::from(doc), pack);
}

#[test]
fn the_tagged_text_parses_back_to_the_same_items() {
    let pack = pack(3, 90, None);
    let text = render("tagged", &pack);
    let guide = Guide::builtin();
    let request = SessionRequest::for_items(items(3), Vec::new())
        .expect("request")
        .with_minutes(90)
        .expect("minutes");
    let report = analyze(&text, &guide, &request);
    assert_eq!(report.findings, vec![], "{text}");
    let strip = |p: &Pack| {
        p.plan
            .items
            .iter()
            .map(|i| (i.number, i.minutes, i.discussion_questions.clone()))
            .collect::<Vec<_>>()
    };
    let back: Vec<_> = report
        .plan
        .items
        .iter()
        .map(|i| (i.number, i.minutes, i.discussion_questions.clone()))
        .collect();
    assert_eq!(back, strip(&pack));
}

#[test]
fn the_calendar_is_one_invitation_with_each_item_and_its_link() {
    let pack = pack(3, 90, None);
    let text = render("ics", &pack);
    let calendar = ical::IcalParser::new(BufReader::new(text.as_bytes()))
        .next()
        .expect("a calendar")
        .expect("valid");
    assert_eq!(calendar.events.len(), 2, "the session and its pre-read");
    let description = |i: usize| {
        calendar.events[i]
            .properties
            .iter()
            .find(|p| p.name == "DESCRIPTION")
            .and_then(|p| p.value.clone())
            .unwrap_or_default()
    };
    for i in 0..2 {
        for (key, _, _) in BACKLOG {
            assert!(description(i).contains(&format!("https://tracker.example.com/browse/{key}")));
        }
    }
    assert!(
        description(0).contains("Item 2 at 10:34"),
        "{}",
        description(0)
    );
}
