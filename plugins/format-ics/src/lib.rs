//! `format-ics` (id `ics`): an RFC 5545 calendar with the session as a VEVENT from `--start`
//! (agenda and questions in its description, a reminder 15 minutes before) and, 24 hours
//! earlier, a VEVENT carrying the pre-read for the team, as the guide asks. A zoned start is
//! written in UTC; without a zone the times float (the reader's local wall-clock time).
//!
//! With an organizer (`--organizer`) the calendar is a team invitation (RFC 5546
//! `METHOD:REQUEST`): ORGANIZER, an ATTENDEE per `--attendee` on both events. Without one it is a
//! personal event (`METHOD:PUBLISH`). UIDs derive from the start and the topic, so a re-run for
//! the same session updates the event instead of adding one; DTSTAMP is the time of writing
//! (`SOURCE_DATE_EPOCH` honoured) and SEQUENCE the minutes from 2020 to it, so a later re-run is
//! a newer revision. A pack without a time of writing stamps the start: the same pack, the
//! same bytes.

use std::fmt::Write as _;

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use icalendar::{Alarm, Calendar, CalendarDateTime, Component, Event, EventLike, Property};
use refine_plugin::{Format, FormatError, Pack, Person, PluginInfo, Rendered, SessionStart, clock};

/// How long before the session the pre-read goes out, in hours.
pub const PRE_READ_HOURS: i64 = 24;
/// How long the pre-read entry lasts, in minutes.
const PRE_READ_MINUTES: i64 = 15;
/// How long before the session its reminder goes off, in minutes.
const REMINDER_MINUTES: i64 = 15;
/// The most characters of the item's notes the pre-read quotes.
const EXCERPT_CHARS: usize = 600;

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

/// DTSTAMP, a UTC instant: the time of writing, or (for a pack without one) the session's own
/// start, which keeps output reproducible.
fn stamp(pack: &Pack, start: &SessionStart) -> DateTime<Utc> {
    pack.meta
        .invitation
        .written
        .unwrap_or_else(|| start.utc.unwrap_or_else(|| naive_as_utc(start.local)))
}

/// SEQUENCE: minutes from 2020 to the time of writing, so each re-run is a newer revision.
fn sequence(pack: &Pack) -> u32 {
    let since = DateTime::from_timestamp(1_577_836_800, 0).unwrap_or_default();
    pack.meta.invitation.written.map_or(0, |written| {
        u32::try_from((written - since).num_minutes().max(0)).unwrap_or(u32::MAX)
    })
}

/// ORGANIZER or ATTENDEE for `person`.
fn person(name: &str, person: &Person, attendee: bool) -> Property {
    let mut property = Property::new(name, format!("mailto:{}", person.email));
    if let Some(cn) = &person.name {
        property.add_parameter("CN", cn);
    }
    if attendee {
        property.add_parameter("ROLE", "REQ-PARTICIPANT");
        property.add_parameter("PARTSTAT", "NEEDS-ACTION");
        property.add_parameter("RSVP", "TRUE");
    }
    property.done()
}

/// The organizer and attendees on an event.
fn invite(event: &mut Event, pack: &Pack) {
    let invitation = &pack.meta.invitation;
    if let Some(organizer) = &invitation.organizer {
        event.append_property(person("ORGANIZER", organizer, false));
        for attendee in &invitation.attendees {
            event.append_multi_property(person("ATTENDEE", attendee, true));
        }
    }
}

/// The pre-read, for the team: the item and what is known of it, the questions to think about,
/// and how to prepare.
fn pre_read(pack: &Pack, start: &SessionStart) -> String {
    let mut out = String::new();
    let when = start.local.format("%A %-d %B, %H:%M");
    let items = pack.items();
    if !items.is_empty() {
        let _ = writeln!(
            out,
            "Please read before the refinement session on {when}, so we can spend it understanding the problems together. We will discuss {} items, in this order.",
            items.len()
        );
        for item in &items {
            let _ = writeln!(out, "\n{}. {}", item.number, item.label());
            if let Some(url) = &item.url {
                let _ = writeln!(out, "{url}");
            }
            if let Some(excerpt) = &item.excerpt {
                let short: String = excerpt.chars().take(EXCERPT_CHARS / 3).collect();
                let more = if excerpt.chars().count() > EXCERPT_CHARS / 3 {
                    " …"
                } else {
                    ""
                };
                let _ = writeln!(out, "{}{more}", short.trim_end());
            }
            let _ = writeln!(out, "Questions to think about:");
            for (i, q) in item.discussion_questions.iter().enumerate() {
                let _ = writeln!(out, "{}. {q}", i + 1);
            }
        }
        if !pack.plan.deferred.is_empty() {
            let _ = writeln!(out, "\nNot in this session (deferred):");
            for d in &pack.plan.deferred {
                let _ = writeln!(
                    out,
                    "- {}{}",
                    d.key.as_ref().map_or(String::new(), |k| format!("{k} ")),
                    d.title
                );
            }
        }
    } else {
        let _ = writeln!(
            out,
            "Please read before the refinement session on {when}, so we can spend it understanding the problem together.\n\nItem: {}",
            pack.meta.topic
        );
    }
    if let Some(notes) = pack
        .meta
        .context
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        let excerpt: String = notes.chars().take(EXCERPT_CHARS).collect();
        let more = if notes.chars().count() > EXCERPT_CHARS {
            " …"
        } else {
            ""
        };
        let _ = writeln!(out, "\nWhat we know so far:\n{excerpt}{more}");
    }
    if items.is_empty() {
        let _ = writeln!(out, "\nQuestions to think about:");
        for (i, q) in pack.plan.discussion_questions.iter().enumerate() {
            let _ = writeln!(out, "{}. {q}", i + 1);
        }
    }
    if pack.meta.team_preparation.is_empty() {
        let _ = writeln!(
            out,
            "\nHow to prepare: read the item, note what you know and what you only assume, and bring the questions you would ask the people it affects."
        );
    } else {
        let _ = writeln!(out, "\nHow to prepare (from our guide):");
        for step in &pack.meta.team_preparation {
            let _ = writeln!(out, "- {step}");
        }
    }
    out
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
    let items = pack.items();
    if items.is_empty() {
        let _ = writeln!(out, "\nDiscussion questions");
        for (i, q) in pack.plan.discussion_questions.iter().enumerate() {
            let _ = writeln!(out, "{}. {q}", i + 1);
        }
    }
    for (item, slot) in items.iter().zip(pack.item_timeline()) {
        let at = start.local_at(slot.start).format("%H:%M");
        let _ = writeln!(out, "\nItem {} at {at}: {}", item.number, item.label());
        if let Some(url) = &item.url {
            let _ = writeln!(out, "{url}");
        }
        for (i, q) in item.discussion_questions.iter().enumerate() {
            let _ = writeln!(out, "{}. {q}", i + 1);
        }
    }
    if !pack.plan.deferred.is_empty() {
        let _ = writeln!(out, "\nDeferred to the next session");
        for d in &pack.plan.deferred {
            let _ = writeln!(
                out,
                "- {}{}",
                d.key.as_ref().map_or(String::new(), |k| format!("{k} ")),
                d.title
            );
        }
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
    let mut session = Event::new();
    session
        .uid(&uid(pack, start, "session"))
        .timestamp(stamp(pack, start))
        .sequence(sequence(pack))
        .summary(&format!("Refinement: {topic}"))
        .description(&description(pack, start))
        .starts(when(start, TimeDelta::zero()))
        .ends(when(start, total))
        .alarm(
            // The calendar crate stamps every component and gives it a random UID: the alarm gets
            // the event's stamp and a UID of its own, so the same pack gives the same bytes.
            Alarm::display(
                &format!("Refinement in {REMINDER_MINUTES} minutes: {topic}"),
                -TimeDelta::minutes(REMINDER_MINUTES),
            )
            .timestamp(stamp(pack, start))
            .uid(&uid(pack, start, "reminder"))
            .done(),
        );
    invite(&mut session, pack);
    let pre_read_start = TimeDelta::hours(-PRE_READ_HOURS);
    let mut pre_read_event = Event::new();
    pre_read_event
        .uid(&uid(pack, start, "pre-read"))
        .timestamp(stamp(pack, start))
        .sequence(sequence(pack))
        .summary(&format!("Pre-read for refinement: {topic}"))
        .description(&pre_read(pack, start))
        .starts(when(start, pre_read_start))
        .ends(when(
            start,
            pre_read_start + TimeDelta::minutes(PRE_READ_MINUTES),
        ));
    invite(&mut pre_read_event, pack);
    let mut cal = Calendar::new();
    let method = if pack.meta.invitation.organizer.is_some() {
        "REQUEST"
    } else {
        "PUBLISH"
    };
    cal.append_property(("METHOD", method));
    cal.name(&format!("Refinement: {topic}"));
    cal.push(session.done());
    cal.push(pre_read_event.done());
    cal.done().to_string()
}
