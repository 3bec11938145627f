//! `refine-plugin`: the SDK for backends and formats.
//!
//! A [`Backend`] turns a rendered prompt (and the structured inputs behind it) into tagged reply
//! text; every backend answers in the same four tags, so one parser and one linter judge them all.
//! A [`Format`] turns a [`Pack`] (the parsed plan and its metadata) into bytes with a media type.
//! First-party plugins implement these traits directly; the run-time C ABI wraps the same
//! contracts.

pub mod cancel;
mod document;
pub mod ffi;
mod invitation;
mod start;

use std::collections::BTreeMap;

use refine_core::{Finding, Guide, Minutes, Scores, SessionPlan, SessionRequest};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use document::{PackDocument, SCHEMA_ID, SCHEMA_ID_SINGLE};
pub use invitation::{Invitation, Person, PersonError};

pub use start::{SessionStart, StartError};

/// Options given to a plugin: `key=value` pairs from the command line or a config table.
pub type Options = BTreeMap<String, serde_json::Value>;

/// What a plugin says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PluginInfo {
    /// The id users name it by: `[a-z0-9_-]{1,64}`.
    pub id: String,
    /// The plugin's own version.
    pub version: String,
    /// One line for `refine backends` / `refine formats`.
    pub description: String,
}

/// A sink for streamed reply text: answers `false` to cancel the request.
pub type OnText<'a> = dyn Fn(&str) -> bool + Sync + 'a;

/// Everything a backend gets for one call.
#[derive(Clone, Copy)]
pub struct BackendInput<'a> {
    /// The rendered prompt, exactly as `refine prompt` prints it.
    pub prompt: &'a str,
    /// The topic, context notes and session length behind the prompt.
    pub request: &'a SessionRequest,
    /// The guide the prompt carries.
    pub guide: &'a Guide,
    /// Backend options.
    pub options: &'a Options,
    /// Told each piece of reply text as it arrives, when the backend streams; answers `false`
    /// to cancel the request (the user pressed Ctrl-C).
    pub on_text: Option<&'a OnText<'a>>,
}

impl std::fmt::Debug for BackendInput<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BackendInput")
            .field("prompt", &self.prompt)
            .field("request", &self.request)
            .field("options", &self.options)
            .field("streams", &self.on_text.is_some())
            .finish_non_exhaustive()
    }
}

/// What is known about how a reply was made.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ReplyMeta {
    /// The model that wrote the reply, when there is one.
    pub model: Option<String>,
    /// Wall time of the call in milliseconds, when measured.
    pub latency_ms: Option<u64>,
    /// Prompt tokens, when the backend reports them.
    pub input_tokens: Option<u64>,
    /// Reply tokens, when the backend reports them.
    pub output_tokens: Option<u64>,
    /// Milliseconds until the first reply text arrived, when streamed.
    #[serde(default)]
    pub first_token_ms: Option<u64>,
    /// How the reply's shape was forced, when it was: `json_schema`, `grammar`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub structured: Option<String>,
    /// What the user should know about how the reply was made (a server that refused the
    /// structured-output field and was asked again without it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// A backend's answer: tagged reply text and how it was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackendReply {
    /// The reply, with the four tagged sections.
    pub text: String,
    /// How it was made.
    pub meta: ReplyMeta,
}

/// Why a backend could not answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BackendError {
    /// The request or an option cannot be served (a usage or input error).
    #[error("{0}")]
    Input(String),
    /// The backend could not be reached or failed (network, server, timeout).
    #[error("{0}")]
    Unavailable(String),
}

/// A source of replies: an LLM, or the offline planner.
pub trait Backend: Send + Sync {
    /// Id, version and description.
    fn info(&self) -> PluginInfo;
    /// Answers one prompt with tagged reply text.
    fn generate(&self, input: &BackendInput<'_>) -> Result<BackendReply, BackendError>;
    /// Whether answers are computed locally and deterministically, so caching or recording them
    /// would only cost disk.
    fn is_local(&self) -> bool {
        false
    }
    /// Whether `generate` reads [`BackendInput::prompt`]. One that plans from the request and
    /// the guide alone (the offline planner, a replay) is sent an empty prompt when the prompt
    /// is the built-in one, which is then not rendered.
    fn reads_prompt(&self) -> bool {
        true
    }
}

/// What kind of backlog item the topic is (bug, feature, migration, ...), and the words that
/// decided it, so a reader can see why the pack asks what it asks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ItemKind {
    /// The kind: `feature`, `bug`, `performance`, `ux`, `compliance`, `migration`,
    /// `integration`, `tech-debt` or `research`.
    pub name: String,
    /// The signals that decided it, as people read them: `“crash” in the title`.
    pub because: Vec<String>,
}

impl ItemKind {
    /// One line for people: `bug (“crash” in the title, “error” in the notes)`.
    pub fn describe(&self) -> String {
        if self.because.is_empty() {
            self.name.clone()
        } else {
            format!("{} ({})", self.name, self.because.join(", "))
        }
    }
}

/// Where an item came from: its key in the tracker and its link.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ItemSource {
    /// `#412`, `PROJ-42`.
    pub key: Option<String>,
    /// The item's page.
    pub url: Option<String>,
}

/// What the item's notes tell the team before the session, and what they leave open.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ItemBrief {
    /// What the notes tell: `Who it affects: “…”`.
    #[serde(default)]
    pub known: Vec<String>,
    /// What they do not tell yet.
    #[serde(default)]
    pub open: Vec<String>,
}

impl ItemBrief {
    /// Nothing known and nothing open: no brief was made.
    pub fn is_empty(&self) -> bool {
        self.known.is_empty() && self.open.is_empty()
    }
}

/// What the host read of one backlog item of a session on several items, beside the plan's
/// block for it (joined by `number`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ItemNotes {
    /// The item's 1-based place in the request.
    pub number: usize,
    /// What kind of item it is, and why.
    #[serde(default)]
    pub kind: Option<ItemKind>,
    /// The start of its description, for the pre-read.
    #[serde(default)]
    pub excerpt: Option<String>,
    /// What its description tells and leaves open.
    #[serde(default, skip_serializing_if = "ItemBrief::is_empty")]
    pub brief: ItemBrief,
}

/// One backlog item of a session on several items, as formats show it: the plan's block joined
/// with what the host read of the item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PackItem {
    /// Its 1-based place in the request.
    pub number: usize,
    /// The tracker's key, when known.
    pub key: Option<String>,
    /// The item's title.
    pub title: String,
    /// The item's link, when known.
    pub url: Option<String>,
    /// What kind of item it is, and why.
    pub kind: Option<ItemKind>,
    /// Its slot's timebox, as the reply gives it.
    pub minutes: Option<Minutes>,
    /// Key points drawn from its description.
    pub key_points: Vec<String>,
    /// Problem-space questions about it.
    pub discussion_questions: Vec<String>,
    /// What would tell it is understood.
    pub success_criteria: Vec<String>,
    /// The start of its description.
    pub excerpt: Option<String>,
    /// What its description tells and leaves open.
    #[serde(default, skip_serializing_if = "ItemBrief::is_empty")]
    pub brief: ItemBrief,
}

impl PackItem {
    /// The item as named in a list: key and title.
    pub fn label(&self) -> String {
        match &self.key {
            Some(key) => format!("{key} {}", self.title),
            None => self.title.clone(),
        }
    }
}

/// One reply of a preparation that asked for a repair: what was wrong with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Attempt {
    /// Its error findings' codes, in order.
    pub errors: Vec<refine_core::Code>,
    /// How many findings of any severity it had.
    pub findings: usize,
    /// Its scores.
    pub scores: Scores,
}

impl Attempt {
    /// The attempt a report stands for.
    pub fn of(report: &refine_core::Report) -> Attempt {
        Attempt {
            errors: report
                .findings
                .iter()
                .filter(|f| f.severity == refine_core::Severity::Error)
                .map(|f| f.code)
                .collect(),
            findings: report.findings.len(),
            scores: report.scores,
        }
    }
}

/// Everything a format knows besides the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PackMeta {
    /// The session topic.
    pub topic: String,
    /// The context notes, when given.
    pub context: Option<String>,
    /// What kind of item the topic is, when known.
    #[serde(default)]
    pub kind: Option<ItemKind>,
    /// What the notes tell the team and what they leave open, for the pre-read.
    #[serde(default, skip_serializing_if = "ItemBrief::is_empty")]
    pub brief: ItemBrief,
    /// The tracker item the topic came from (`refine prep --items`), when it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<ItemSource>,
    /// The guide's title.
    pub guide: String,
    /// The requested session length, or the agenda's total when none was requested.
    pub session_minutes: u32,
    /// When the session starts, when known.
    pub start: Option<SessionStart>,
    /// The backend id.
    pub backend: String,
    /// How the reply was made.
    pub reply: ReplyMeta,
    /// What the linter found in the reply.
    pub findings: Vec<Finding>,
    /// The linter's scores.
    pub scores: Scores,
    /// Things the pack must tell its reader, such as phases shortened to fit the session length.
    pub notes: Vec<String>,
    /// The guide's preparation steps, for the pre-read.
    pub preparation: Vec<String>,
    /// The guide's preparation for team members (a group whose heading names the team), for
    /// the pre-read the team receives.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub team_preparation: Vec<String>,
    /// The guide's discussion-management practices, for facilitation.
    pub practices: Vec<String>,
    /// What each guide phase covers (its bullets), by phase slug.
    pub phase_focus: BTreeMap<String, Vec<String>>,
    /// Who the invitation is from and for, when the user said (`--organizer`, `--attendee`).
    #[serde(default, skip_serializing_if = "Invitation::is_empty")]
    pub invitation: Invitation,
    /// When the first reply broke the contract and a corrected one was asked for (`--repair`):
    /// every reply in order, the kept one included; empty otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attempts: Vec<Attempt>,
    /// With several backlog items: the slug of the guide phase that holds their slots.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_phase: Option<String>,
    /// With several backlog items: what the host read of each (kind, excerpt, brief).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub item_notes: Vec<ItemNotes>,
}

/// A session pack: the plan and its metadata, what formats render.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Pack {
    /// The plan, parsed from the backend's reply.
    pub plan: SessionPlan,
    /// Everything else.
    pub meta: PackMeta,
}

/// One agenda item placed on the session's clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    /// Minutes from the session start when the item begins.
    pub start: u32,
    /// Its length in minutes (the longer end of a range; 0 when untimed).
    pub minutes: u32,
    /// The item's title.
    pub title: String,
    /// The guide phase slug, when it maps to one.
    pub phase: Option<String>,
}

impl Pack {
    /// The backlog items of a session on several items, in order: each plan block joined with
    /// what the host read of the item. Empty for a single-topic pack.
    pub fn items(&self) -> Vec<PackItem> {
        self.plan
            .items
            .iter()
            .map(|item| {
                let notes = self
                    .meta
                    .item_notes
                    .iter()
                    .find(|n| n.number == item.number);
                PackItem {
                    number: item.number,
                    key: item.key.clone(),
                    title: item.title.clone(),
                    url: item.url.clone(),
                    kind: notes.and_then(|n| n.kind.clone()),
                    minutes: item.minutes,
                    key_points: item.key_points.clone(),
                    discussion_questions: item.discussion_questions.clone(),
                    success_criteria: item.success_criteria.clone(),
                    excerpt: notes.and_then(|n| n.excerpt.clone()),
                    brief: notes.map(|n| n.brief.clone()).unwrap_or_default(),
                }
            })
            .collect()
    }

    /// A pack with nothing in it (and a start, so every format can render it): for learning a
    /// format's media type and extension.
    pub fn empty() -> Pack {
        Pack {
            plan: SessionPlan {
                topic: String::new(),
                agenda: Vec::new(),
                key_points: Vec::new(),
                discussion_questions: Vec::new(),
                closing_statement: None,
                ..SessionPlan::default()
            },
            meta: PackMeta {
                topic: String::from("-"),
                context: None,
                kind: None,
                brief: ItemBrief::default(),
                source: None,
                guide: String::new(),
                session_minutes: 0,
                start: SessionStart::parse("2000-01-01 00:00", None).ok(),
                backend: String::new(),
                reply: ReplyMeta::default(),
                findings: Vec::new(),
                scores: Scores {
                    structure: 0.0,
                    adherence: 0.0,
                    overall: 0.0,
                },
                notes: Vec::new(),
                preparation: Vec::new(),
                team_preparation: Vec::new(),
                practices: Vec::new(),
                phase_focus: BTreeMap::new(),
                invitation: Invitation::default(),
                attempts: Vec::new(),
                item_phase: None,
                item_notes: Vec::new(),
            },
        }
    }

    /// The agenda on a clock: each item starts where the previous one ends. A range such as
    /// 15-20 minutes takes its upper end, so the schedule never runs short.
    pub fn timeline(&self) -> Vec<Slot> {
        let mut at = 0u32;
        self.plan
            .agenda
            .iter()
            .map(|item| {
                let minutes = item.minutes.map_or(0, |m: Minutes| m.max);
                let slot = Slot {
                    start: at,
                    minutes,
                    title: item.title.clone(),
                    phase: item.phase.clone(),
                };
                at = at.saturating_add(minutes);
                slot
            })
            .collect()
    }

    /// The backlog items' slots on the session's clock: laid one after another from the start
    /// of the agenda item of the phase that holds them ([`PackMeta::item_phase`]), each its
    /// timebox's upper end long (an untimed item takes an equal share of what is left). Slots
    /// that run past that agenda item show the overrun. Empty for a single-topic pack.
    pub fn item_timeline(&self) -> Vec<Slot> {
        let Some(phase) = &self.meta.item_phase else {
            return Vec::new();
        };
        let timeline = self.timeline();
        let Some(holder) = timeline.iter().find(|s| s.phase.as_ref() == Some(phase)) else {
            return Vec::new();
        };
        let timed: u32 = self
            .plan
            .items
            .iter()
            .filter_map(|i| i.minutes)
            .map(|m| m.max)
            .sum();
        let untimed = self
            .plan
            .items
            .iter()
            .filter(|i| i.minutes.is_none())
            .count() as u32;
        let share = holder.minutes.saturating_sub(timed) / untimed.max(1);
        let mut at = holder.start;
        self.plan
            .items
            .iter()
            .map(|item| {
                let minutes = item.minutes.map_or(share, |m| m.max);
                let slot = Slot {
                    start: at,
                    minutes,
                    title: match &item.key {
                        Some(key) => format!("{key} {}", item.title),
                        None => item.title.clone(),
                    },
                    phase: Some(phase.clone()),
                };
                at = at.saturating_add(minutes);
                slot
            })
            .collect()
    }

    /// What the agenda item at `index` covers, from its guide phase's bullets.
    pub fn focus(&self, index: usize) -> &[String] {
        self.plan
            .agenda
            .get(index)
            .and_then(|item| item.phase.as_ref())
            .and_then(|slug| self.meta.phase_focus.get(slug))
            .map_or(&[], Vec::as_slice)
    }

    /// The time `offset` minutes into the session: wall-clock `HH:MM` when the start is known,
    /// else elapsed `h:mm`.
    pub fn clock_at(&self, offset: u32) -> String {
        match &self.meta.start {
            Some(start) => start.local_at(offset).format("%H:%M").to_string(),
            None => clock(offset),
        }
    }

    /// What the reply wrote on and under the agenda item at `index` beyond its guide phase's
    /// bullets and the guide's practices: its line's detail first, then the topic, what the
    /// notes say, prompts for the phase.
    pub fn item_details(&self, index: usize) -> Vec<&str> {
        let Some(item) = self.plan.agenda.get(index) else {
            return Vec::new();
        };
        let focus = self.focus(index);
        item.detail
            .iter()
            .chain(&item.details)
            .map(String::as_str)
            .filter(|d| {
                !d.ends_with(':')
                    && !focus.iter().any(|f| f == d)
                    && !self
                        .meta
                        .practices
                        .iter()
                        .any(|p| d.contains(p.trim_end_matches(['.', ';'])))
            })
            .collect()
    }

    /// How an agenda item's length reads in a table: `15`, `15-20`, or `untimed`.
    pub fn minutes_text(item: &refine_core::AgendaItem) -> String {
        item.minutes
            .map_or_else(|| String::from("untimed"), Minutes::amount)
    }

    /// The schedule's total length in minutes.
    pub fn total_minutes(&self) -> u32 {
        self.timeline().last().map_or(0, |s| s.start + s.minutes)
    }
}

/// A rendered pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// Its media type, e.g. `text/markdown; charset=utf-8`.
    pub media_type: String,
    /// The usual file extension, without the dot.
    pub extension: String,
}

/// Why a format could not render a pack.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    /// The format needs input the user did not give (e.g. `--start` for a calendar).
    #[error("{0}")]
    Input(String),
    /// Rendering failed.
    #[error("{0}")]
    Failed(String),
}

/// An output format.
pub trait Format: Send + Sync {
    /// Id, version and description.
    fn info(&self) -> PluginInfo;
    /// Renders a pack.
    fn render(&self, pack: &Pack) -> Result<Rendered, FormatError>;
}

/// `h:mm` for a number of minutes from the session start, e.g. `1:05`.
pub fn clock(minutes: u32) -> String {
    format!("{}:{:02}", minutes / 60, minutes % 60)
}
