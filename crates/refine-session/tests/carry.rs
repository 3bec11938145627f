//! Carry-over: what an earlier session leaves to the next — its open actions and parked items,
//! its unfinished items, and its retrospective applied within the guide's ranges.

use std::path::PathBuf;

use chrono::{DateTime, Duration, FixedOffset};
use refine_core::Guide;
use refine_core::schedule::allocate;
use refine_plugin::{Pack, PackDocument};
use refine_session::carry::{CarryOver, Earlier};
use refine_session::{Event, Journal, Notes};

fn fixture(name: &str) -> Pack {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/packs")
        .join(name);
    let doc: PackDocument =
        serde_json::from_str(&std::fs::read_to_string(path).expect("pack")).expect("a pack");
    Pack::from(doc)
}

fn at(minute: i64) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-11-18T10:00:00+01:00").expect("time")
        + Duration::minutes(minute)
}

/// A session of the team-calendars pack whose steps took `minutes` each, with `extra` events
/// during the second step.
fn earlier(name: &str, minutes: [i64; 4], extra: Vec<Event>) -> Earlier {
    let dir = std::env::temp_dir().join(format!("refine-carry-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let mut j = Journal::create(&dir.join("j.jsonl"), &fixture("team-calendars.json"), at(0))
        .expect("journal");
    let mut now = 0;
    for (step, m) in minutes.iter().enumerate() {
        j.append(Event::Started { step }, at(now)).expect("append");
        if step == 1 {
            for e in &extra {
                j.append(e.clone(), at(now + 1)).expect("append");
            }
        }
        now += m;
        j.append(Event::Ended { step }, at(now)).expect("append");
    }
    let notes = Notes::new(&j.header, &j.pack, &j.steps, &j.entries);
    let _ = std::fs::remove_dir_all(&dir);
    Earlier {
        notes,
        pack: j.pack.clone(),
    }
}

#[test]
fn an_overrun_phase_gets_more_of_its_range_and_never_more() {
    let guide = Guide::builtin();
    // Planned 20/45/20/10; the problem space took 57 minutes.
    let carry = CarryOver::from_sessions(&[earlier("over", [18, 57, 15, 10], Vec::new())]);
    // In a 90-minute session the problem space would get 40 of its 40-45 minutes.
    let total = 90;
    let before = allocate(&guide, total).expect("fits");
    let (adjusted, changes) = carry.adjust(&guide, total);
    let after = allocate(&adjusted, total).expect("fits");
    let problem = guide
        .phases
        .iter()
        .position(|p| p.slug == "problem-space-exploration")
        .expect("phase");
    assert!(after[problem] > before[problem], "{before:?} -> {after:?}");
    assert_eq!(
        after.iter().sum::<u32>(),
        total,
        "the session keeps its length"
    );
    for (i, phase) in guide.phases.iter().enumerate() {
        assert!(
            phase.minutes.min <= after[i] && after[i] <= phase.minutes.max,
            "{} got {} outside {:?}",
            phase.name,
            after[i],
            phase.minutes
        );
    }
    let change = changes
        .iter()
        .find(|c| c.name == "Problem Space Exploration")
        .expect("a change");
    assert!(change.why.contains("overran by 12 minutes"), "{change:?}");
    // The guide's own text says the new range, so a model reads it too.
    let line = adjusted
        .markdown
        .lines()
        .nth(guide.phases[problem].line - 1)
        .expect("line");
    assert!(
        line.contains(&format!("{}-45", adjusted.phases[problem].minutes.min)),
        "{line}"
    );

    // A session on time changes nothing; nor does a phase already at its most.
    let on_time = CarryOver::from_sessions(&[earlier("on-time", [20, 45, 20, 10], Vec::new())]);
    let (same, changes) = on_time.adjust(&guide, total);
    assert!(changes.is_empty(), "{changes:?}");
    assert_eq!(allocate(&same, total).expect("fits"), before);
}

#[test]
fn the_retrospective_saying_a_phase_ran_short_gives_it_more() {
    let guide = Guide::builtin();
    let retro = Event::Retro {
        heading: Some("Time management".into()),
        text: "Success criteria definition felt rushed".into(),
    };
    let carry = CarryOver::from_sessions(&[earlier("retro", [15, 40, 20, 10], vec![retro])]);
    let total = 90;
    let before = allocate(&guide, total).expect("fits");
    let (adjusted, changes) = carry.adjust(&guide, total);
    let after = allocate(&adjusted, total).expect("fits");
    let success = guide
        .phases
        .iter()
        .position(|p| p.slug == "success-criteria-definition")
        .expect("phase");
    assert!(
        after[success] > before[success],
        "{before:?} -> {after:?} {changes:?}"
    );
    assert!(changes.iter().any(|c| c.why.contains("felt rushed")));
    // A note that does not name the phase, or does not say it ran short, is no signal.
    for text in [
        "We were rushed overall",
        "Success criteria definition went well",
    ] {
        let retro = Event::Retro {
            heading: None,
            text: text.into(),
        };
        let carry = CarryOver::from_sessions(&[earlier("quiet", [15, 40, 20, 10], vec![retro])]);
        assert!(carry.adjust(&guide, total).1.is_empty(), "{text}");
    }
}

#[test]
fn open_items_are_reviewed_and_unfinished_items_come_back() {
    let events = vec![
        Event::Action {
            text: "Ask legal about absence data".into(),
            owner: "Dana".into(),
            due: None,
            item: None,
        },
        Event::Parked {
            text: "Mobile sync".into(),
            item: None,
        },
        Event::Question {
            text: "Who owns the team list?".into(),
            item: None,
        },
    ];
    let carry = CarryOver::from_sessions(&[earlier("open", [20, 45, 20, 10], events)]);
    assert_eq!(carry.review_minutes(), 5);
    assert_eq!(carry.unfinished.len(), 1, "no outcome was recorded");
    assert_eq!(carry.unfinished[0].title, "Team calendars");
    let mut pack = fixture("team-calendars.json");
    let minutes = pack.meta.session_minutes;
    carry.apply(&mut pack, &[]);
    let review = &pack.plan.agenda[0];
    assert_eq!(review.minutes.map(|m| m.max), Some(5));
    assert!(
        review
            .details
            .contains(&"Action: Ask legal about absence data (Dana)".to_string())
    );
    assert!(review.details.contains(&"Parked: Mobile sync".to_string()));
    assert_eq!(pack.meta.session_minutes, minutes + 5);
    let said = pack.meta.notes.last().expect("a note");
    assert!(
        said.contains("1 action item, 1 open question, 1 parked item"),
        "{said}"
    );
    assert!(
        said.contains("Team calendars (discussed without an outcome)"),
        "{said}"
    );
    // An item with an outcome is finished; a session with nothing open has no review.
    let done = Event::Outcome {
        item: 1,
        outcome: refine_session::Outcome::Ready,
        note: None,
    };
    let carry = CarryOver::from_sessions(&[earlier("done", [20, 45, 20, 10], vec![done])]);
    assert!(carry.unfinished.is_empty());
    assert_eq!(carry.review_minutes(), 0);
}
