//! The session plan: what a reply says, typed. Its JSON shape is a documented, stable contract
//! (see `README.md`, "JSON output").

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
    /// The lines written under the item (sub-bullets, notes, prompts), without markup; left
    /// out of the JSON when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<String>,
}

/// A session plan: the four sections of a reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
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
}
