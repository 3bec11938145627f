//! `refine prep --format ics --organizer … --attendee …`: a team invitation, read back by an
//! independent parser; the same session gives the same UIDs; bad addresses are refused.

use std::io::BufReader;
use std::process::{Command, Output};

const TOPIC: &str = "Reduce checkout abandonment on mobile";

fn prep(args: &[&str], epoch: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_refine"))
        .args([
            "prep",
            TOPIC,
            "--format",
            "ics",
            "--start",
            "2026-12-03 10:00",
            "--tz",
            "Europe/Berlin",
        ])
        .args(args)
        .env("SOURCE_DATE_EPOCH", epoch)
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("refine-invitation-no-config"),
        )
        .env_remove("REFINE_PLUGIN_PATH")
        .output()
        .expect("refine runs")
}

fn calendar(o: &Output) -> ical::parser::ical::component::IcalCalendar {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    ical::IcalParser::new(BufReader::new(&o.stdout[..]))
        .next()
        .expect("a calendar")
        .expect("valid")
}

fn values(event: &ical::parser::ical::component::IcalEvent, name: &str) -> Vec<String> {
    event
        .properties
        .iter()
        .filter(|p| p.name == name)
        .filter_map(|p| p.value.clone())
        .collect()
}

#[test]
fn organizer_and_attendees_make_one_invitation_that_a_rerun_updates() {
    let people = [
        "--organizer",
        "Ana Ruiz <ana@example.com>",
        "--attendee",
        "bo@example.com",
        "--attendee",
        "Chen Li <chen@example.com>",
    ];
    let first = calendar(&prep(&people, "1764500000"));
    assert!(
        first
            .properties
            .iter()
            .any(|p| p.name == "METHOD" && p.value.as_deref() == Some("REQUEST"))
    );
    let session = &first.events[0];
    assert_eq!(values(session, "ORGANIZER"), ["mailto:ana@example.com"]);
    assert_eq!(values(session, "ATTENDEE").len(), 2);
    assert_eq!(
        values(session, "DTSTAMP"),
        ["20251130T105320Z"],
        "SOURCE_DATE_EPOCH"
    );
    let pre_read = &first.events[1];
    assert_eq!(
        values(pre_read, "DTSTART"),
        ["20261202T090000Z"],
        "24 hours earlier"
    );
    assert_eq!(
        values(pre_read, "ATTENDEE").len(),
        2,
        "addressed to the attendees"
    );
    let second = calendar(&prep(&people, "1764600000"));
    for (a, b) in first.events.iter().zip(&second.events) {
        assert_eq!(
            values(a, "UID"),
            values(b, "UID"),
            "the same session, the same UID"
        );
        assert!(
            values(b, "SEQUENCE")[0].parse::<u32>().expect("n")
                > values(a, "SEQUENCE")[0].parse::<u32>().expect("n")
        );
    }
}

#[test]
fn addresses_that_would_break_the_calendar_are_refused() {
    for bad in [
        "ana",
        "ana@example.com\r\nATTENDEE:x@y.z",
        "Ana <ana@example.com",
    ] {
        let o = prep(&["--organizer", bad], "0");
        assert_eq!(o.status.code(), Some(2), "{bad}");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("is not an email address"),
            "{bad}"
        );
    }
    let o = prep(&["--attendee", "bo@example.com"], "0");
    assert_eq!(o.status.code(), Some(2), "an attendee needs an organizer");
}
