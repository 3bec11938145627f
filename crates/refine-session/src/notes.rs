//! The notes of a session, as the guide's follow-up asks for them: per item its outcome,
//! decisions with their rationale, open questions, parked items and action items; the time
//! used per phase against the plan; the retrospective's feedback.

use chrono::{DateTime, FixedOffset, NaiveDate};
use refine_plugin::Pack;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::clock::{Standing, Step};
use crate::event::{Entry, Event, Outcome};
use crate::journal::{Header, retro_headings};

/// The version tag of the notes' JSON shape; bumped on any incompatible change.
pub const NOTES_SCHEMA: &str = "refine.session_notes/1";

/// The JSON Schema of [`Notes`], pretty-printed (`refine schema notes`).
pub fn schema() -> String {
    serde_json::to_string_pretty(&schemars::schema_for!(Notes)).unwrap_or_default() + "\n"
}

/// A session's notes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Notes {
    /// [`NOTES_SCHEMA`].
    pub schema: String,
    /// The session topic.
    pub topic: String,
    /// When the journal was started.
    pub created: DateTime<FixedOffset>,
    /// When the first step started, if one did.
    pub started: Option<DateTime<FixedOffset>>,
    /// When the last event happened, if any did.
    pub last_event: Option<DateTime<FixedOffset>>,
    /// Who took part.
    pub attendees: Vec<String>,
    /// Minutes planned and used per agenda phase, in the agenda's order.
    pub time: Vec<PhaseTime>,
    /// Each backlog item (the topic as item 1 in a single-topic session).
    pub items: Vec<ItemNotes>,
    /// What was captured outside any item (in a session on several items: outside their slots).
    pub general: Captured,
    /// The retrospective's feedback, by the guide's headings (unheaded feedback last).
    pub retro: Vec<RetroNotes>,
}

/// One agenda phase's time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PhaseTime {
    /// The agenda item's title.
    pub title: String,
    /// The guide phase's slug, when known.
    pub phase: Option<String>,
    /// The minutes planned.
    pub planned_minutes: u32,
    /// The minutes used (pauses left out), to a tenth.
    pub used_minutes: f64,
    /// Whether any of its steps ran.
    pub ran: bool,
}

impl PhaseTime {
    /// Minutes over the plan (negative when short).
    pub fn over(&self) -> f64 {
        self.used_minutes - f64::from(self.planned_minutes)
    }
}

/// What was captured about one item, or outside items.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Captured {
    /// Decisions, each with its rationale.
    pub decisions: Vec<Decision>,
    /// Open questions.
    pub questions: Vec<String>,
    /// Parked items.
    pub parked: Vec<String>,
    /// Action items.
    pub actions: Vec<Action>,
}

impl Captured {
    /// Whether nothing was captured.
    pub fn is_empty(&self) -> bool {
        self.decisions.is_empty()
            && self.questions.is_empty()
            && self.parked.is_empty()
            && self.actions.is_empty()
    }
}

/// A decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Decision {
    /// What was decided.
    pub text: String,
    /// Why, when said.
    pub why: Option<String>,
}

/// An action item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Action {
    /// What.
    pub text: String,
    /// Who.
    pub owner: String,
    /// By when, when said.
    pub due: Option<NaiveDate>,
}

/// One backlog item's notes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ItemNotes {
    /// Its number in the session.
    pub number: usize,
    /// Its title.
    pub title: String,
    /// The tracker's key, when known.
    pub key: Option<String>,
    /// Its link, when known.
    pub url: Option<String>,
    /// What became of it (the last outcome recorded), or none when none was.
    pub outcome: Option<Outcome>,
    /// The word on the outcome.
    pub outcome_note: Option<String>,
    /// Whether its slot (or, for a single topic, any step) ran.
    pub discussed: bool,
    /// What was captured about it.
    #[serde(flatten)]
    pub captured: Captured,
}

/// The retrospective's feedback under one heading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RetroNotes {
    /// The guide's heading, or none for feedback given without one.
    pub heading: Option<String>,
    /// The feedback.
    pub notes: Vec<String>,
}

impl Notes {
    /// The notes of the session of `header` after `entries`. Time runs until the last event.
    pub fn new(header: &Header, pack: &Pack, steps: &[Step], entries: &[Entry]) -> Notes {
        let last_event = entries.last().map(|e| e.at);
        let standing = Standing::at(steps.len(), entries, last_event.unwrap_or(header.created));
        let started = entries
            .iter()
            .find(|e| matches!(e.event, Event::Started { .. }))
            .map(|e| e.at);
        // Agenda phases: the steps of one agenda item taken together.
        let mut time: Vec<PhaseTime> = Vec::new();
        for (i, step) in steps.iter().enumerate() {
            let used = standing.used[i];
            let ran = used > 0
                || entries
                    .iter()
                    .any(|e| e.event == Event::Started { step: i });
            match time.last_mut() {
                Some(last) if step.item.is_some() && last.title == step.agenda_title => {
                    last.planned_minutes += step.minutes;
                    last.used_minutes += used as f64 / 60.0;
                    last.ran |= ran;
                }
                _ => time.push(PhaseTime {
                    title: step.agenda_title.clone(),
                    phase: step.phase.clone(),
                    planned_minutes: step.minutes,
                    used_minutes: used as f64 / 60.0,
                    ran,
                }),
            }
        }
        for t in &mut time {
            t.used_minutes = (t.used_minutes * 10.0).round() / 10.0;
        }
        let several = !pack.plan.items.is_empty();
        let mut items: Vec<ItemNotes> = if several {
            pack.items()
                .into_iter()
                .map(|i| ItemNotes {
                    number: i.number,
                    title: i.title,
                    key: i.key,
                    url: i.url,
                    outcome: None,
                    outcome_note: None,
                    discussed: false,
                    captured: Captured::default(),
                })
                .collect()
        } else {
            vec![ItemNotes {
                number: 1,
                title: pack.meta.topic.clone(),
                key: pack.meta.source.as_ref().and_then(|s| s.key.clone()),
                url: pack.meta.source.as_ref().and_then(|s| s.url.clone()),
                outcome: None,
                outcome_note: None,
                discussed: standing.begun,
                captured: Captured::default(),
            }]
        };
        for (i, step) in steps.iter().enumerate() {
            if let Some(n) = step.item
                && standing.used[i] > 0
                && let Some(item) = items.iter_mut().find(|x| x.number == n)
            {
                item.discussed = true;
            }
        }
        let mut general = Captured::default();
        let mut attendees: Vec<String> = Vec::new();
        let headings = retro_headings(pack);
        let mut retro: Vec<RetroNotes> = headings
            .iter()
            .map(|h| RetroNotes {
                heading: Some(h.clone()),
                notes: Vec::new(),
            })
            .collect();
        let mut unheaded = Vec::new();
        for entry in entries {
            let slot: Option<usize> = match &entry.event {
                Event::Decision { item, .. }
                | Event::Parked { item, .. }
                | Event::Question { item, .. }
                | Event::Action { item, .. } => match item {
                    Some(n) => Some(*n),
                    None if !several => Some(1),
                    None => None,
                },
                _ => None,
            };
            let captured: &mut Captured =
                match slot.and_then(|n| items.iter_mut().find(|i| i.number == n)) {
                    Some(item) => &mut item.captured,
                    None => &mut general,
                };
            match &entry.event {
                Event::Decision { text, why, .. } => captured.decisions.push(Decision {
                    text: text.clone(),
                    why: why.clone(),
                }),
                Event::Parked { text, .. } => captured.parked.push(text.clone()),
                Event::Question { text, .. } => captured.questions.push(text.clone()),
                Event::Action {
                    text, owner, due, ..
                } => captured.actions.push(Action {
                    text: text.clone(),
                    owner: owner.clone(),
                    due: *due,
                }),
                Event::Outcome {
                    item,
                    outcome,
                    note,
                } => {
                    if let Some(x) = items.iter_mut().find(|i| i.number == *item) {
                        x.outcome = Some(*outcome);
                        x.outcome_note = note.clone();
                    }
                }
                Event::Retro { heading, text } => match heading
                    .as_ref()
                    .and_then(|h| retro.iter_mut().find(|r| r.heading.as_ref() == Some(h)))
                {
                    Some(r) => r.notes.push(text.clone()),
                    None => unheaded.push(text.clone()),
                },
                Event::Attendee { name } => {
                    if !attendees.contains(name) {
                        attendees.push(name.clone());
                    }
                }
                Event::Started { .. } | Event::Ended { .. } | Event::Paused | Event::Resumed => {}
            }
        }
        retro.retain(|r| !r.notes.is_empty());
        if !unheaded.is_empty() {
            retro.push(RetroNotes {
                heading: None,
                notes: unheaded,
            });
        }
        Notes {
            schema: NOTES_SCHEMA.to_string(),
            topic: pack.meta.topic.clone(),
            created: header.created,
            started,
            last_event,
            attendees,
            time,
            items,
            general,
            retro,
        }
    }

    /// Every action item, with the item it belongs to (none for general ones).
    pub fn actions(&self) -> Vec<(Option<&ItemNotes>, &Action)> {
        let mut out: Vec<(Option<&ItemNotes>, &Action)> = Vec::new();
        for item in &self.items {
            out.extend(item.captured.actions.iter().map(|a| (Some(item), a)));
        }
        out.extend(self.general.actions.iter().map(|a| (None, a)));
        out
    }
}
