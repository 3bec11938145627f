//! `format-json` (id `json`): the plan JSON of `refine check` plus topic, backend, guide,
//! findings and scores, described by a JSON Schema (`refine schema`).

use refine_plugin::{Format, FormatError, Pack, PluginInfo, Rendered};

pub use refine_plugin::{PackDocument, SCHEMA_ID};

/// The JSON Schema of [`PackDocument`], pretty-printed.
pub fn schema() -> String {
    let schema = schemars::schema_for!(PackDocument);
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
        let json = serde_json::to_string_pretty(&PackDocument::from(pack))
            .map_err(|e| FormatError::Failed(format!("encoding the pack as JSON: {e}")))?;
        Ok(Rendered {
            bytes: (json + "\n").into_bytes(),
            media_type: String::from("application/json"),
            extension: String::from("json"),
        })
    }
}
