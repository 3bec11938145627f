//! The session pack as a JSON document: what the `json` format writes, what `refine schema`
//! describes, and what format plugins receive through the C ABI.
//!
//! A pack on one topic is written as `refine.session_pack/1`, the shape it always had. A pack on
//! several backlog items is `refine.session_pack/2`: the same fields plus `items` (each item's
//! key, link, title, kind, timebox, key points, questions and success criteria) and the plan's
//! `items` and `deferred`. The schema `refine schema` prints describes both.

use std::collections::BTreeMap;

use refine_core::{Finding, Scores, SessionPlan};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{ItemKind, Pack, PackMeta, ReplyMeta, SessionStart};

/// The version tag of the document shape; bumped on any incompatible change. Version 2 adds
/// the items of a session on several backlog items.
pub const SCHEMA_ID: &str = "refine.session_pack/2";

/// The version tag of a single-topic document, whose shape version 2 keeps unchanged.
pub const SCHEMA_ID_SINGLE: &str = "refine.session_pack/1";

/// A session pack as one JSON document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PackDocument {
    /// `refine.session_pack/1` for a pack on one topic, `refine.session_pack/2` for a pack on
    /// several backlog items.
    pub schema: String,
    /// The session topic.
    pub topic: String,
    /// The context notes, when given.
    pub context: Option<String>,
    /// What kind of item the topic is, and the words that decided it, when known.
    #[serde(default)]
    pub kind: Option<ItemKind>,
    /// What the notes tell the team and what they leave open.
    #[serde(default, skip_serializing_if = "crate::ItemBrief::is_empty")]
    pub brief: crate::ItemBrief,
    /// The tracker item the topic came from, when it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<crate::ItemSource>,
    /// The backend id.
    pub backend: String,
    /// How the reply was made.
    pub reply: ReplyMeta,
    /// The guide's title.
    pub guide: String,
    /// The session length in minutes.
    pub session_minutes: u32,
    /// When the session starts, when known.
    pub start: Option<SessionStart>,
    /// What the pack must tell its reader.
    pub notes: Vec<String>,
    /// The plan, exactly as `refine check --format json` prints it.
    pub plan: SessionPlan,
    /// What the linter found.
    pub findings: Vec<Finding>,
    /// The linter's scores.
    pub scores: Scores,
    /// The guide's preparation steps.
    #[serde(default)]
    pub preparation: Vec<String>,
    /// The guide's preparation for team members.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub team_preparation: Vec<String>,
    /// The guide's discussion-management practices.
    #[serde(default)]
    pub practices: Vec<String>,
    /// What each guide phase covers, by phase slug.
    #[serde(default)]
    pub phase_focus: BTreeMap<String, Vec<String>>,
    /// Who the invitation is from and for, and when it was written; absent when not given.
    #[serde(default, skip_serializing_if = "crate::Invitation::is_empty")]
    pub invitation: crate::Invitation,
    /// Every reply when a corrected one was asked for, the kept one included.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attempts: Vec<crate::Attempt>,
    /// With several backlog items (version 2): the slug of the guide phase that holds their
    /// slots.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_phase: Option<String>,
    /// With several backlog items (version 2): each item the session takes, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<crate::PackItem>,
}

impl From<&Pack> for PackDocument {
    fn from(pack: &Pack) -> Self {
        let meta = &pack.meta;
        PackDocument {
            schema: if pack.plan.items.is_empty() && pack.plan.deferred.is_empty() {
                SCHEMA_ID_SINGLE
            } else {
                SCHEMA_ID
            }
            .to_string(),
            topic: meta.topic.clone(),
            context: meta.context.clone(),
            kind: meta.kind.clone(),
            brief: meta.brief.clone(),
            source: meta.source.clone(),
            backend: meta.backend.clone(),
            reply: meta.reply.clone(),
            guide: meta.guide.clone(),
            session_minutes: meta.session_minutes,
            start: meta.start.clone(),
            notes: meta.notes.clone(),
            plan: pack.plan.clone(),
            findings: meta.findings.clone(),
            scores: meta.scores,
            preparation: meta.preparation.clone(),
            team_preparation: meta.team_preparation.clone(),
            practices: meta.practices.clone(),
            phase_focus: meta.phase_focus.clone(),
            invitation: meta.invitation.clone(),
            attempts: meta.attempts.clone(),
            item_phase: meta.item_phase.clone(),
            items: pack.items(),
        }
    }
}

impl From<PackDocument> for Pack {
    fn from(doc: PackDocument) -> Self {
        Pack {
            plan: doc.plan,
            meta: PackMeta {
                topic: doc.topic,
                context: doc.context,
                kind: doc.kind,
                brief: doc.brief,
                source: doc.source,
                guide: doc.guide,
                session_minutes: doc.session_minutes,
                start: doc.start,
                backend: doc.backend,
                reply: doc.reply,
                findings: doc.findings,
                scores: doc.scores,
                notes: doc.notes,
                preparation: doc.preparation,
                team_preparation: doc.team_preparation,
                practices: doc.practices,
                phase_focus: doc.phase_focus,
                invitation: doc.invitation,
                attempts: doc.attempts,
                item_phase: doc.item_phase,
                item_notes: doc
                    .items
                    .into_iter()
                    .map(|i| crate::ItemNotes {
                        number: i.number,
                        kind: i.kind,
                        excerpt: i.excerpt,
                        brief: i.brief,
                    })
                    .collect(),
            },
        }
    }
}
