//! What a journal records: the session's events, each with its clock time.

use chrono::{DateTime, FixedOffset, NaiveDate};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The version tag of the journal's shape, in its first line; bumped on any incompatible change.
pub const JOURNAL_SCHEMA: &str = "refine.session_journal/1";

/// The JSON Schema of one event line of a journal, pretty-printed (`refine schema
/// journal-event`).
pub fn schema() -> String {
    serde_json::to_string_pretty(&schemars::schema_for!(Entry)).unwrap_or_default() + "\n"
}

/// What happened to a backlog item in the session.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Understood well enough to be worked on.
    Ready,
    /// Needs a deep-dive before it is.
    DeepDive,
    /// Too big: to be split into smaller items.
    Split,
    /// Not worth doing (now).
    Dropped,
}

impl Outcome {
    /// Every outcome, in the order they are offered.
    pub const ALL: [Outcome; 4] = [
        Outcome::Ready,
        Outcome::DeepDive,
        Outcome::Split,
        Outcome::Dropped,
    ];

    /// The outcome's name in the journal and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Ready => "ready",
            Outcome::DeepDive => "deep-dive",
            Outcome::Split => "split",
            Outcome::Dropped => "dropped",
        }
    }

    /// How the notes say it.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Ready => "Ready",
            Outcome::DeepDive => "Needs a deep-dive",
            Outcome::Split => "To be split",
            Outcome::Dropped => "Dropped",
        }
    }
}

impl std::str::FromStr for Outcome {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Outcome::ALL
            .into_iter()
            .find(|o| o.name() == s.trim())
            .ok_or_else(|| {
                format!(
                    "unknown outcome `{s}` (known: {})",
                    Outcome::ALL.map(Outcome::name).join(", ")
                )
            })
    }
}

/// One thing that happened in the session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Event {
    /// A step of the agenda (a phase, or a backlog item's slot) started.
    Started {
        /// Its index in the session's steps.
        step: usize,
    },
    /// A step ended.
    Ended {
        /// Its index in the session's steps.
        step: usize,
    },
    /// The clock stopped.
    Paused,
    /// The clock runs again.
    Resumed,
    /// A decision and why it was taken.
    Decision {
        /// What was decided.
        text: String,
        /// Why.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        why: Option<String>,
        /// The backlog item it is about, when the session has several.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        item: Option<usize>,
    },
    /// A tangent parked for later.
    Parked {
        /// What was parked.
        text: String,
        /// The backlog item it came up in.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        item: Option<usize>,
    },
    /// A question the session could not answer.
    Question {
        /// The question.
        text: String,
        /// The backlog item it is about.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        item: Option<usize>,
    },
    /// Something someone will do.
    Action {
        /// What.
        text: String,
        /// Who.
        owner: String,
        /// By when.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        due: Option<NaiveDate>,
        /// The backlog item it is about.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        item: Option<usize>,
    },
    /// What became of a backlog item (of the topic, in a single-topic session: item 1).
    Outcome {
        /// The item's number.
        item: usize,
        /// What became of it.
        outcome: Outcome,
        /// A word on it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// Feedback from the retrospective.
    Retro {
        /// The guide's retrospective heading it answers, when it does.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        heading: Option<String>,
        /// The feedback.
        text: String,
    },
    /// Someone who took part.
    Attendee {
        /// Their name.
        name: String,
    },
}

impl Event {
    /// The event's kind, as written in the journal.
    pub fn kind(&self) -> &'static str {
        match self {
            Event::Started { .. } => "started",
            Event::Ended { .. } => "ended",
            Event::Paused => "paused",
            Event::Resumed => "resumed",
            Event::Decision { .. } => "decision",
            Event::Parked { .. } => "parked",
            Event::Question { .. } => "question",
            Event::Action { .. } => "action",
            Event::Outcome { .. } => "outcome",
            Event::Retro { .. } => "retro",
            Event::Attendee { .. } => "attendee",
        }
    }

    /// The event in one line, as the views list what was captured.
    pub fn describe(&self) -> String {
        match self {
            Event::Decision { text, why, .. } => match why {
                Some(why) => format!("Decision: {text} — because {why}"),
                None => format!("Decision: {text}"),
            },
            Event::Parked { text, .. } => format!("Parked: {text}"),
            Event::Question { text, .. } => format!("Open question: {text}"),
            Event::Action {
                text, owner, due, ..
            } => match due {
                Some(d) => format!("Action: {text} ({owner}, due {d})"),
                None => format!("Action: {text} ({owner})"),
            },
            Event::Outcome { item, outcome, .. } => {
                format!("Outcome of item {item}: {}", outcome.label())
            }
            Event::Retro { heading, text } => match heading {
                Some(h) => format!("Retro, {h}: {text}"),
                None => format!("Retro: {text}"),
            },
            Event::Attendee { name } => format!("Attendee: {name}"),
            other => other.kind().to_string(),
        }
    }

    /// The kinds a person captures (the clock's events are the view's).
    pub const CAPTURED: [&'static str; 7] = [
        "decision", "parked", "question", "action", "outcome", "retro", "attendee",
    ];
}

/// One line of the journal after the first: an event and when it happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Entry {
    /// When it happened, with the recorder's UTC offset.
    pub at: DateTime<FixedOffset>,
    /// What happened.
    #[serde(flatten)]
    pub event: Event,
}
