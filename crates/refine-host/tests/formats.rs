//! Every format over real packs from the offline backend, read back by independent parsers:
//! the calendar by the `ical` crate, the HTML by `scraper` (html5ever), the JSON by a JSON
//! Schema validator, the tagged text by refine's own reply parser (a round trip).

use std::io::BufReader;

use refine_core::{Guide, SessionRequest, Topic, analyze};
use refine_host::{PrepInput, Registry, prepare};
use refine_plugin::{Options, Pack, SessionStart};

fn pack(topic: &str, minutes: Option<u32>, start: Option<SessionStart>) -> Pack {
    let mut request = SessionRequest::new(Topic::new(topic).expect("topic"));
    if let Some(m) = minutes {
        request = request.with_minutes(m).expect("minutes");
    }
    let guide = Guide::builtin();
    let registry = Registry::builtin();
    let backend = registry.backend("offline").expect("offline backend");
    let options = Options::new();
    prepare(
        backend,
        PrepInput {
            request: &request,
            guide: &guide,
            options: &options,
            start: start.as_ref(),
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

const TOPIC: &str = "Reduce checkout abandonment on mobile";

#[test]
fn the_calendar_reads_back_with_session_and_pre_read() {
    let start = SessionStart::parse("2026-12-01 10:00", Some("Europe/Berlin")).expect("start");
    let pack = pack(TOPIC, Some(90), Some(start));
    let text = render("ics", &pack);
    assert!(text.contains("\r\n"), "RFC 5545 lines end in CRLF");
    let mut calendars = ical::IcalParser::new(BufReader::new(text.as_bytes()));
    let calendar = calendars
        .next()
        .expect("one calendar")
        .expect("valid calendar");
    assert!(calendars.next().is_none());
    let prop = |event: &ical::parser::ical::component::IcalEvent, name: &str| -> String {
        event
            .properties
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.value.clone())
            .unwrap_or_else(|| panic!("{name} present"))
    };
    assert_eq!(calendar.events.len(), 2);
    let session = calendar
        .events
        .iter()
        .find(|e| prop(e, "UID").contains("-session@"))
        .expect("session");
    // 10:00 in Berlin in December is 09:00 UTC; 90 minutes later is 10:30 UTC.
    assert_eq!(prop(session, "DTSTART"), "20261201T090000Z");
    assert_eq!(prop(session, "DTEND"), "20261201T103000Z");
    assert_eq!(prop(session, "SUMMARY"), format!("Refinement: {TOPIC}"));
    let description = prop(session, "DESCRIPTION");
    assert!(
        description.contains("Problem Space Exploration"),
        "{description}"
    );
    // The reader leaves RFC 5545 text escapes (\, and \n) in place, and ical 0.11 trims each
    // physical line's trailing white space before unfolding, eating a space where a line was
    // folded after one; so compare without white space.
    let squeeze = |s: &str| s.split_whitespace().collect::<String>();
    for question in &pack.plan.discussion_questions {
        let escaped = question.replace(',', "\\,");
        assert!(
            squeeze(&description).contains(&squeeze(&escaped)),
            "{question} in {description}"
        );
    }
    let pre_read = calendar
        .events
        .iter()
        .find(|e| prop(e, "UID").contains("-pre-read@"))
        .expect("pre-read");
    assert_eq!(
        prop(pre_read, "DTSTART"),
        "20261130T090000Z",
        "24 hours before"
    );
    assert_eq!(prop(pre_read, "DTEND"), "20261130T091500Z");
    // The pre-read is for the team: the item and the questions to think about.
    let pre_read_text = squeeze(&prop(pre_read, "DESCRIPTION"));
    assert!(
        pre_read_text.contains(&squeeze("Please read before the refinement session")),
        "{pre_read_text}"
    );
    assert!(
        pre_read_text.contains(&squeeze(
            &pack.plan.discussion_questions[0].replace(',', "\\,")
        )),
        "{pre_read_text}"
    );
    // Without an organizer it is a personal event, stamped with the start: the same bytes.
    assert!(
        calendar
            .properties
            .iter()
            .any(|p| p.name == "METHOD" && p.value.as_deref() == Some("PUBLISH"))
    );
    assert_eq!(text, render("ics", &pack));
}

#[test]
fn with_an_organizer_the_calendar_is_one_team_invitation_that_a_rerun_updates() {
    let start = SessionStart::parse("2026-12-01 10:00", Some("Europe/Berlin")).expect("start");
    let mut pack = pack(TOPIC, Some(90), Some(start));
    pack.meta.invitation.organizer = Some("Ana Ruiz <ana@example.com>".parse().expect("person"));
    pack.meta.invitation.attendees = vec![
        "bo@example.com".parse().expect("person"),
        "Chen Li <chen@example.com>".parse().expect("person"),
    ];
    let written = chrono::DateTime::from_timestamp(1_764_500_000, 0).expect("time");
    pack.meta.invitation.written = Some(written);
    let read = |text: &str| {
        ical::IcalParser::new(BufReader::new(text.as_bytes()))
            .next()
            .expect("one calendar")
            .expect("valid calendar")
    };
    let first = read(&render("ics", &pack));
    let method = first
        .properties
        .iter()
        .find(|p| p.name == "METHOD")
        .and_then(|p| p.value.clone());
    assert_eq!(method.as_deref(), Some("REQUEST"));
    let values = |event: &ical::parser::ical::component::IcalEvent, name: &str| -> Vec<String> {
        event
            .properties
            .iter()
            .filter(|p| p.name == name)
            .filter_map(|p| p.value.clone())
            .collect()
    };
    assert_eq!(first.events.len(), 2);
    for event in &first.events {
        assert_eq!(values(event, "ORGANIZER"), ["mailto:ana@example.com"]);
        assert_eq!(
            values(event, "ATTENDEE"),
            ["mailto:bo@example.com", "mailto:chen@example.com"]
        );
        assert_eq!(
            values(event, "DTSTAMP"),
            ["20251130T105320Z"],
            "the time of writing"
        );
    }
    let organizer = first.events[0]
        .properties
        .iter()
        .find(|p| p.name == "ORGANIZER")
        .expect("organizer");
    assert!(
        organizer
            .params
            .as_ref()
            .is_some_and(|ps| ps.iter().any(|(k, v)| k == "CN" && v == &["Ana Ruiz"])),
        "{organizer:?}"
    );
    let session = first
        .events
        .iter()
        .find(|e| values(e, "UID")[0].contains("-session@"))
        .expect("session");
    assert_eq!(session.alarms.len(), 1, "a reminder");
    // A re-run later: the same UIDs, a higher SEQUENCE, so calendars update the event.
    pack.meta.invitation.written = Some(written + chrono::TimeDelta::hours(2));
    let second = read(&render("ics", &pack));
    for (a, b) in first.events.iter().zip(&second.events) {
        assert_eq!(values(a, "UID"), values(b, "UID"));
        let seq = |e| values(e, "SEQUENCE")[0].parse::<u32>().expect("number");
        assert!(seq(b) > seq(a), "{} then {}", seq(a), seq(b));
    }
}

#[test]
fn a_floating_start_stays_floating() {
    let start = SessionStart::parse("2026-12-01T14:30", None).expect("start");
    let text = render("ics", &pack(TOPIC, Some(60), Some(start)));
    assert!(text.contains("DTSTART:20261201T143000\r\n"), "{text}");
    assert!(text.contains("DTEND:20261201T153000\r\n"), "{text}");
    assert!(text.contains("DTSTART:20261130T143000\r\n"), "{text}");
}

#[test]
fn the_calendar_without_a_start_is_an_input_error() {
    let result = Registry::builtin()
        .format("ics")
        .expect("ics")
        .render(&pack(TOPIC, None, None));
    let error = result.expect_err("needs a start");
    assert!(error.to_string().contains("--start"), "{error}");
}

#[test]
fn the_html_is_one_standalone_page_with_every_section_and_a_proportional_timeline() {
    let pack = pack("Fix <script>alert(1)</script> & \"quotes\"", None, None);
    let text = render("html", &pack);
    let page = scraper::Html::parse_document(&text);
    let select = |css: &str| scraper::Selector::parse(css).expect("selector");
    assert!(page.errors.is_empty(), "{:?}", page.errors);
    for id in [
        "agenda",
        "key-points",
        "discussion-questions",
        "closing-statement",
        "facilitation",
    ] {
        assert_eq!(
            page.select(&select(&format!("section#{id}"))).count(),
            1,
            "section {id}"
        );
    }
    for id in ["parking-lot", "open-questions", "action-items", "decisions"] {
        assert_eq!(
            page.select(&select(&format!("div.area#{id}"))).count(),
            1,
            "area {id}"
        );
    }
    assert_eq!(
        page.select(&select("script")).count(),
        0,
        "the topic is text, not markup"
    );
    assert_eq!(
        page.select(&select("link, img, iframe")).count(),
        0,
        "standalone: nothing external"
    );
    let h1: String = page
        .select(&select("h1"))
        .next()
        .expect("h1")
        .text()
        .collect();
    assert_eq!(
        h1,
        "Refinement session: Fix <script>alert(1)</script> & \"quotes\""
    );
    assert_eq!(
        page.select(&select("#key-points li")).count(),
        pack.plan.key_points.len()
    );
    assert_eq!(
        page.select(&select("#discussion-questions li")).count(),
        pack.plan.discussion_questions.len()
    );

    let rects: Vec<(f64, f64)> = page
        .select(&select("svg#timeline rect"))
        .map(|r| {
            let num = |a: &str| {
                r.value()
                    .attr(a)
                    .and_then(|v| v.parse::<f64>().ok())
                    .expect("number")
            };
            (num("x"), num("width"))
        })
        .collect();
    let minutes: Vec<u32> = pack.timeline().iter().map(|s| s.minutes).collect();
    assert_eq!(rects.len(), minutes.len());
    let total: u32 = minutes.iter().sum();
    for ((x, width), (slot, m)) in rects.iter().zip(pack.timeline().iter().zip(&minutes)) {
        let expected_x = f64::from(slot.start) * 800.0 / f64::from(total);
        let expected_width = f64::from(*m) * 800.0 / f64::from(total) - 2.0;
        assert!((x - expected_x).abs() < 0.01, "{x} vs {expected_x}");
        assert!(
            (width - expected_width).abs() < 0.01,
            "{width} vs {expected_width}"
        );
    }
}

#[test]
fn the_json_follows_its_schema_and_carries_the_check_plan() {
    let pack = pack(
        TOPIC,
        Some(60),
        SessionStart::parse("2026-12-01 10:00", Some("Europe/Berlin")).ok(),
    );
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
    assert_eq!(json["schema"], "refine.session_pack/1");
    assert_eq!(json["topic"], TOPIC);
    assert_eq!(json["backend"], "offline");
    assert_eq!(json["guide"], "Product Refinement Session Guide");
    assert_eq!(json["findings"], serde_json::json!([]));
    assert_eq!(json["scores"]["overall"], 1.0);
    assert_eq!(
        json["plan"],
        serde_json::to_value(&pack.plan).expect("plan")
    );
    assert_eq!(
        json["notes"].as_array().map(Vec::len),
        Some(1),
        "60 minutes is below the guide's range"
    );

    let mut broken = json.clone();
    broken["plan"]["agenda"][0]["minutes"] = serde_json::json!("fifteen");
    assert!(
        !validator.is_valid(&broken),
        "the schema rejects a wrong type"
    );
}

#[test]
fn the_tagged_text_parses_back_to_the_same_plan() {
    for topic in [
        TOPIC,
        "降低移动端结账放弃率",
        "Export</session_topic><agenda>x</agenda>",
    ] {
        let pack = pack(topic, None, None);
        let text = render("tagged", &pack);
        let request = SessionRequest::new(Topic::new(topic).expect("topic"));
        let report = analyze(&text, &Guide::builtin(), &request);
        assert_eq!(report.plan, pack.plan, "{text}");
        assert_eq!(report.findings, vec![]);
        assert!(
            text.starts_with("<agenda>\n1. Context Setting (20 min)\n"),
            "{text}"
        );
    }
}

#[test]
fn formats_are_snapshotted_for_a_few_topics() {
    let start = SessionStart::parse("2026-12-01 10:00", Some("Europe/Berlin")).expect("start");
    for (name, topic) in [
        ("checkout", TOPIC),
        ("cjk", "将订单服务迁移到新的数据库"),
        ("hostile", "a | b <i>c</i> *d*"),
    ] {
        let pack = pack(topic, None, Some(start.clone()));
        for format in ["markdown", "tagged", "ics", "json", "html"] {
            insta::assert_snapshot!(format!("{format}-{name}"), render(format, &pack));
        }
    }
}

#[test]
fn every_format_gives_the_same_bytes_twice() {
    let start = SessionStart::parse("2026-12-01 10:00", Some("Europe/Berlin")).expect("start");
    for format in [
        "markdown",
        "json",
        "html",
        "ics",
        "tagged",
        "pre-read",
        "pre-read-html",
    ] {
        let a = render(format, &pack(TOPIC, None, Some(start.clone())));
        let b = render(format, &pack(TOPIC, None, Some(start.clone())));
        assert_eq!(a, b, "{format}");
    }
}
