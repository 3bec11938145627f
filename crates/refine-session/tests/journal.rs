//! The journal: what is appended is read back; events are checked; a torn last line, an
//! unknown event and another version are errors that name the line; several writers share a
//! session; the notes say what happened and how long each phase took.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, FixedOffset, NaiveDate};
use refine_plugin::{Pack, PackDocument};
use refine_session::{Event, Journal, JournalError, Notes, Outcome, render};

fn fixture(name: &str) -> Pack {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/packs")
        .join(name);
    let doc: PackDocument =
        serde_json::from_str(&std::fs::read_to_string(path).expect("pack")).expect("a pack");
    Pack::from(doc)
}

fn at(minute: i64) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-11-25T10:00:00+01:00").expect("time")
        + Duration::minutes(minute)
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("refine-session-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    dir.join("session.journal.jsonl")
}

/// A single-topic session run to the end, with one of every capture.
fn run_session(path: &Path) -> Journal {
    let mut j = Journal::create(path, &fixture("team-calendars.json"), at(0)).expect("create");
    let events = [
        (
            0,
            Event::Attendee {
                name: "Dana".into(),
            },
        ),
        (0, Event::Started { step: 0 }),
        (24, Event::Ended { step: 0 }),
        (24, Event::Started { step: 1 }),
        (
            30,
            Event::Decision {
                text: "Start with vacations only".into(),
                why: Some("on-call data lives in PagerDuty".into()),
                item: None,
            },
        ),
        (
            31,
            Event::Parked {
                text: "Mobile calendar sync".into(),
                item: None,
            },
        ),
        (
            32,
            Event::Question {
                text: "Who owns the team list?".into(),
                item: None,
            },
        ),
        (
            40,
            Event::Action {
                text: "Ask legal about sharing absence data".into(),
                owner: "Dana".into(),
                due: NaiveDate::from_ymd_opt(2026, 12, 5),
                item: None,
            },
        ),
        (50, Event::Paused),
        (60, Event::Resumed),
        (70, Event::Ended { step: 1 }),
        (70, Event::Started { step: 2 }),
        (88, Event::Ended { step: 2 }),
        (88, Event::Started { step: 3 }),
        (
            90,
            Event::Retro {
                heading: Some("time management".into()),
                text: "Context setting ran long".into(),
            },
        ),
        (
            91,
            Event::Outcome {
                item: 1,
                outcome: Outcome::Ready,
                note: Some("clear enough".into()),
            },
        ),
        (98, Event::Ended { step: 3 }),
    ];
    for (minute, event) in events {
        j.append(event, at(minute)).expect("append");
    }
    j
}

#[test]
fn what_is_appended_is_read_back_and_the_notes_say_it() {
    let path = scratch("notes");
    let written = run_session(&path);
    let j = Journal::open(&path).expect("open");
    assert_eq!(j.entries, written.entries);
    // The retro heading is written in the guide's own spelling.
    assert!(j.entries.iter().any(
        |e| matches!(&e.event, Event::Retro { heading: Some(h), .. } if h == "Time management")
    ));
    let notes = Notes::new(&j.header, &j.pack, &j.steps, &j.entries);
    let used: Vec<f64> = notes.time.iter().map(|t| t.used_minutes).collect();
    assert_eq!(
        used,
        vec![24.0, 36.0, 18.0, 10.0],
        "the paused ten minutes do not count"
    );
    insta::assert_snapshot!("notes_markdown", render::markdown(&notes));
    insta::assert_json_snapshot!("notes_json", serde_json::to_value(&notes).expect("json"));
    let html = render::html(&notes).expect("html");
    assert!(
        html.contains(
            "<td>Ask legal about sharing absence data</td><td>Dana</td><td>2026-12-05</td>"
        ),
        "{html}"
    );
    let _ = std::fs::remove_dir_all(path.parent().expect("dir"));
}

#[test]
fn events_are_checked_before_they_are_written() {
    let path = scratch("checked");
    let mut j = Journal::create(&path, &fixture("team-calendars.json"), at(0)).expect("create");
    let refused = [
        (
            Event::Action {
                text: "Do it".into(),
                owner: "  ".into(),
                due: None,
                item: None,
            },
            "an action item needs an owner",
        ),
        (
            Event::Decision {
                text: " ".into(),
                why: None,
                item: None,
            },
            "a decision needs a text",
        ),
        (
            Event::Started { step: 9 },
            "step 9 is not in this session (it has 4 steps)",
        ),
        (
            Event::Outcome {
                item: 2,
                outcome: Outcome::Split,
                note: None,
            },
            "item 2 is not in this session (it has 1 item)",
        ),
        (
            Event::Retro {
                heading: Some("Vibes".into()),
                text: "ok".into(),
            },
            "the guide's retrospective has no heading `Vibes`",
        ),
    ];
    for (event, why) in refused {
        let e = j.append(event, at(1)).expect_err("refused");
        assert!(matches!(e, JournalError::Invalid(_)));
        assert!(e.to_string().contains(why), "{e}");
    }
    assert!(j.entries.is_empty());
    assert_eq!(
        std::fs::read_to_string(&path)
            .expect("read")
            .lines()
            .count(),
        1,
        "nothing written"
    );
    // A journal is never overwritten.
    let e = Journal::create(&path, &fixture("team-calendars.json"), at(0)).expect_err("exists");
    assert!(matches!(e, JournalError::Exists(_)), "{e}");
    let _ = std::fs::remove_dir_all(path.parent().expect("dir"));
}

#[test]
fn bad_journals_are_errors_that_name_the_line() {
    let path = scratch("bad");
    run_session(&path);
    let good = std::fs::read_to_string(&path).expect("read");
    let check = |text: String, want: &str| {
        std::fs::write(&path, text).expect("write");
        let e = Journal::open(&path).expect_err("a bad journal");
        assert!(e.to_string().contains(want), "{e}\nwanted: {want}");
    };
    // A torn last line: the event being written when the power went.
    let torn = format!("{good}{{\"at\":\"2026-11-25T11:40:00+01:00\",\"kind\":\"deci");
    check(torn.clone(), "line 19: the last line is torn");
    // An unknown event.
    let lines: Vec<&str> = good.lines().collect();
    let mut unknown = lines.clone();
    unknown[4] = r#"{"at":"2026-11-25T10:30:00+01:00","kind":"vote","text":"yes"}"#;
    check(
        unknown.join("\n") + "\n",
        "line 5: unknown event kind: unknown variant `vote`",
    );
    // An action without an owner, written by hand.
    let mut ownerless = lines.clone();
    ownerless[8] = r#"{"at":"2026-11-25T10:40:00+01:00","kind":"action","text":"x","owner":""}"#;
    check(
        ownerless.join("\n") + "\n",
        "line 9: an action item needs an owner",
    );
    // A due date that is not a date.
    let mut baddate = lines.clone();
    baddate[8] =
        r#"{"at":"2026-11-25T10:40:00+01:00","kind":"action","text":"x","owner":"D","due":"soon"}"#;
    check(baddate.join("\n") + "\n", "line 9: not a valid event");
    // Another version.
    let other = good.replacen("refine.session_journal/1", "refine.session_journal/9", 1);
    check(
        other,
        "line 1: version `refine.session_journal/9`, but this refine reads `refine.session_journal/1`",
    );

    // Recovering sets the torn line aside, keeps every acknowledged event, and goes on.
    std::fs::write(&path, &torn).expect("write");
    let aside = Journal::recover(&path)
        .expect("recover")
        .expect("something set aside");
    assert!(
        std::fs::read_to_string(&aside)
            .expect("aside")
            .contains("\"kind\":\"deci")
    );
    let mut j = Journal::open(&path).expect("opens after recovery");
    assert_eq!(j.entries.len(), 17);
    j.append(Event::Attendee { name: "Lee".into() }, at(99))
        .expect("append");
    assert_eq!(
        Journal::recover(&path).expect("recover"),
        None,
        "nothing torn now"
    );
    let _ = std::fs::remove_dir_all(path.parent().expect("dir"));
}

#[test]
fn two_writers_share_one_session() {
    let path = scratch("shared");
    let mut terminal = Journal::create(&path, &fixture("five-items.json"), at(0)).expect("create");
    let mut browser = Journal::open(&path).expect("open");
    terminal
        .append(Event::Started { step: 1 }, at(10))
        .expect("append");
    browser
        .append(
            Event::Decision {
                text: "Fix the export first".into(),
                why: None,
                item: Some(1),
            },
            at(11),
        )
        .expect("append");
    terminal
        .append(
            Event::Parked {
                text: "Excel on Mac".into(),
                item: Some(1),
            },
            at(12),
        )
        .expect("append");
    assert_eq!(
        terminal.entries.len(),
        3,
        "the browser's decision was read first"
    );
    browser.refresh().expect("refresh");
    assert_eq!(browser.entries, terminal.entries);
    assert_eq!(
        Journal::open(&path).expect("open").entries,
        terminal.entries
    );
    // Steps of a session on several items: the item phase is one step per item.
    let titles: Vec<&str> = terminal.steps.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(titles.len(), 3 + 5, "{titles:?}");
    assert_eq!(terminal.steps[1].item, Some(1));
    assert_eq!(terminal.steps[1].agenda_title, "Problem Space Exploration");
    let _ = std::fs::remove_dir_all(path.parent().expect("dir"));
}
