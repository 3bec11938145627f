//! `format-ics` (id `ics`): an RFC 5545 calendar with the session as a VEVENT from `--start`
//! (agenda and questions in its description) and, 24 hours earlier, a short VEVENT for sharing
//! the pre-read, as the guide asks. A zoned start is written in UTC; without a zone the times
//! float (the reader's local wall-clock time). UID and DTSTAMP derive from the input, so the same
//! pack always gives the same bytes.

use std::fmt::Write as _;

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use icalendar::{Calendar, CalendarDateTime, Component, Event, EventLike};
use refine_plugin::{Format, FormatError, Pack, PluginInfo, Rendered, SessionStart, clock};

/// How long before the session the pre-read goes out, in hours.
pub const PRE_READ_HOURS: i64 = 24;
/// How long the pre-read entry lasts, in minutes.
const PRE_READ_MINUTES: i64 = 15;

/// The calendar format.
#[derive(Debug, Clone, Copy, Default)]
pub struct IcsFormat;

impl Format for IcsFormat {
    fn info(&self) -> PluginInfo {
        PluginInfo {
            id: String::from("ics"),
            version: env!("CARGO_PKG_VERSION").to_string(),
            description: String::from(
                "Calendar invite (RFC 5545) with a pre-read entry 24 h before; needs --start",
            ),
        }
    }

    fn render(&self, pack: &Pack) -> Result<Rendered, FormatError> {
        let start = pack.meta.start.as_ref().ok_or_else(|| {
            FormatError::Input(String::from(
                "the ics format needs the session start: add --start 'YYYY-MM-DD HH:MM' (and --tz ZONE, e.g. --tz Europe/Berlin)",
            ))
        })?;
        Ok(Rendered {
            bytes: calendar(pack, start).into_bytes(),
            media_type: String::from("text/calendar; charset=utf-8"),
            extension: String::from("ics"),
        })
    }
}

/// A point in time as the calendar writes it: UTC when the zone is known, floating otherwise.
fn when(start: &SessionStart, offset: TimeDelta) -> CalendarDateTime {
    match start.utc {
        Some(utc) => CalendarDateTime::Utc(utc + offset),
        None => CalendarDateTime::Floating(start.local + offset),
    }
}

/// A stable identifier for an entry of this pack: start, topic slug and part.
fn uid(pack: &Pack, start: &SessionStart, part: &str) -> String {
    let slug: String = refine_core::text::slug(&pack.meta.topic)
        .chars()
        .take(48)
        .collect();
    format!(
        "{}-{slug}-{part}@refine",
        start.local.format("%Y%m%dT%H%M%S")
    )
}

/// DTSTAMP must be a UTC instant; the session's own start keeps output reproducible.
fn stamp(start: &SessionStart) -> DateTime<Utc> {
    start.utc.unwrap_or_else(|| naive_as_utc(start.local))
}

fn naive_as_utc(local: NaiveDateTime) -> DateTime<Utc> {
    DateTime::from_naive_utc_and_offset(local, Utc)
}

/// The session's description: agenda with times, then the questions.
fn description(pack: &Pack, start: &SessionStart) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Refinement session on: {}", pack.meta.topic);
    let _ = writeln!(out, "Guide: {}\n\nAgenda", pack.meta.guide);
    for slot in pack.timeline() {
        let at = start.local_at(slot.start).format("%H:%M");
        let until = start.local_at(slot.start + slot.minutes).format("%H:%M");
        let _ = writeln!(
            out,
            "- {at}-{until} ({}) {}",
            clock(slot.minutes),
            slot.title
        );
    }
    let _ = writeln!(out, "\nDiscussion questions");
    for (i, q) in pack.plan.discussion_questions.iter().enumerate() {
        let _ = writeln!(out, "{}. {q}", i + 1);
    }
    if let Some(closing) = &pack.plan.closing_statement {
        let _ = writeln!(out, "\nClosing\n{closing}");
    }
    out
}

/// The pack as an RFC 5545 calendar with two events.
pub fn calendar(pack: &Pack, start: &SessionStart) -> String {
    let total = TimeDelta::minutes(i64::from(
        pack.total_minutes().max(pack.meta.session_minutes),
    ));
    let topic = &pack.meta.topic;
    let session = Event::new()
        .uid(&uid(pack, start, "session"))
        .timestamp(stamp(start))
        .summary(&format!("Refinement: {topic}"))
        .description(&description(pack, start))
        .starts(when(start, TimeDelta::zero()))
        .ends(when(start, total))
        .done();
    let mut pre_read_text = format!(
        "Share the material for the refinement session on \"{topic}\" with the team now, {PRE_READ_HOURS} hours ahead, so everyone can review it and note questions.\n"
    );
    for step in &pack.meta.preparation {
        let _ = writeln!(pre_read_text, "- {step}");
    }
    let pre_read_start = TimeDelta::hours(-PRE_READ_HOURS);
    let pre_read = Event::new()
        .uid(&uid(pack, start, "pre-read"))
        .timestamp(stamp(start))
        .summary(&format!(
            "Pre-read: share material for refinement of {topic}"
        ))
        .description(&pre_read_text)
        .starts(when(start, pre_read_start))
        .ends(when(
            start,
            pre_read_start + TimeDelta::minutes(PRE_READ_MINUTES),
        ))
        .done();
    let mut cal = Calendar::new();
    cal.name(&format!("Refinement: {topic}"));
    cal.push(session);
    cal.push(pre_read);
    cal.done().to_string()
}
