//! `format-json` (id `json`): the plan JSON of `refine check` plus topic, backend, guide,
//! findings and scores, described by a JSON Schema (`refine schema`).

use refine_core::{Finding, Scores, SessionPlan};
use refine_plugin::{Format, FormatError, Pack, PluginInfo, Rendered, ReplyMeta, SessionStart};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The version tag of the document shape; bumped on any incompatible change.
pub const SCHEMA_ID: &str = "refine.session_pack/1";

/// The JSON document the format writes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct JsonPack {
    /// Always `refine.session_pack/1`.
    pub schema: String,
    /// The session topic.
    pub topic: String,
    /// The context notes, when given.
    pub context: Option<String>,
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
}

impl From<&Pack> for JsonPack {
    fn from(pack: &Pack) -> Self {
        let meta = &pack.meta;
        JsonPack {
            schema: SCHEMA_ID.to_string(),
            topic: meta.topic.clone(),
            context: meta.context.clone(),
            backend: meta.backend.clone(),
            reply: meta.reply.clone(),
            guide: meta.guide.clone(),
            session_minutes: meta.session_minutes,
            start: meta.start.clone(),
            notes: meta.notes.clone(),
            plan: pack.plan.clone(),
            findings: meta.findings.clone(),
            scores: meta.scores,
        }
    }
}

/// The JSON Schema of [`JsonPack`], pretty-printed.
pub fn schema() -> String {
    let schema = schemars::schema_for!(JsonPack);
    serde_json::to_string_pretty(&schema).unwrap_or_default() + "\n"
}

/// The JSON format.
#[derive(Debug, Clone, Copy, Default)]
pub struct JsonFormat;

impl Format for JsonFormat {
    fn info(&self) -> PluginInfo {
        PluginInfo {
            id: String::from("json"),
            version: env!("CARGO_PKG_VERSION").to_string(),
            description: String::from("JSON: plan, findings and scores (schema: refine schema)"),
        }
    }

    fn render(&self, pack: &Pack) -> Result<Rendered, FormatError> {
        let json = serde_json::to_string_pretty(&JsonPack::from(pack))
            .map_err(|e| FormatError::Failed(format!("encoding the pack as JSON: {e}")))?;
        Ok(Rendered {
            bytes: (json + "\n").into_bytes(),
            media_type: String::from("application/json"),
            extension: String::from("json"),
        })
    }
}
