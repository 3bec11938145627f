//! The session plan: what a reply says, typed. Its JSON shape is a documented, stable contract
//! (see `README.md`, "JSON output"). A session on several backlog items adds `items` (one per
//! item the session takes) and `deferred`; both are left out of a single-topic plan, whose
//! shape is unchanged.

use serde::{Deserialize, Serialize};

use crate::timebox::Minutes;

/// One agenda item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AgendaItem {
    /// The item's title, without numbering, markup or timebox.
    pub title: String,
    /// Its timebox, when it has one.
    pub minutes: Option<Minutes>,
    /// The slug of the guide phase it maps to, when it maps to one.
    pub phase: Option<String>,
    /// What the item's own line says beyond its title and timebox ("Context Setting (15 min):
    /// the PM explains why quoting matters now" → "the PM explains why quoting matters now");
    /// left out of the JSON when there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The lines written under the item (sub-bullets, notes, prompts), without markup; left
    /// out of the JSON when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<String>,
}

/// One backlog item's part of a session: who it is (from the request) and what the reply's
/// block for it says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ItemPlan {
    /// Its 1-based place in the request.
    pub number: usize,
    /// The tracker's key, when known.
    #[serde(default)]
    pub key: Option<String>,
    /// The item's title.
    pub title: String,
    /// The item's link, when known.
    #[serde(default)]
    pub url: Option<String>,
    /// What kind of item it is (bug, feature, ...), as read by the host; `None` from the parser.
    #[serde(default)]
    pub kind: Option<String>,
    /// Its slot's timebox, as the reply gives it.
    pub minutes: Option<Minutes>,
    /// Key points drawn from the item's description.
    pub key_points: Vec<String>,
    /// Problem-space questions about the item.
    pub discussion_questions: Vec<String>,
    /// What would tell the item is understood.
    pub success_criteria: Vec<String>,
}

/// A backlog item left for the next session: it did not fit the session's length, or was
/// beyond `--max-items`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DeferredItem {
    /// Its 1-based place in the request.
    pub number: usize,
    /// The tracker's key, when known.
    #[serde(default)]
    pub key: Option<String>,
    /// The item's title.
    pub title: String,
    /// The item's link, when known.
    #[serde(default)]
    pub url: Option<String>,
}

/// A session plan: the four sections of a reply.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SessionPlan {
    /// The session topic.
    pub topic: String,
    /// The agenda, in order.
    pub agenda: Vec<AgendaItem>,
    /// Key points from the guide.
    pub key_points: Vec<String>,
    /// Problem-space discussion questions.
    pub discussion_questions: Vec<String>,
    /// The closing statement, when there is one.
    pub closing_statement: Option<String>,
    /// With several backlog items: each item's block, in the request's order. The items'
    /// questions are also in `discussion_questions`, so a reader of the single-topic shape
    /// sees them all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<ItemPlan>,
    /// With several backlog items: the ones deferred to the next session.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deferred: Vec<DeferredItem>,
}
