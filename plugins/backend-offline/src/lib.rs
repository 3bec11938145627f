//! `backend-offline` (id `offline`): the default backend. A deterministic planner that writes a
//! tagged reply from the guide and the topic, with no network and no key: the agenda fits the
//! guide's phases to the session length, key points are chosen from the guide for the topic,
//! questions name the topic's subject and follow the guide's exploration bullets, and the closing
//! names the guide's next steps. The same input always gives the same bytes.

mod bank;
mod content;
mod guide_lines;
mod items;
mod placeholders;

use std::fmt::Write as _;

use refine_core::contract::{AGENDA, CLOSING_STATEMENT, DISCUSSION_QUESTIONS, KEY_POINTS};
use refine_core::{Guide, SessionRequest};
use refine_plugin::{Backend, BackendError, BackendInput, BackendReply, PluginInfo, ReplyMeta};

pub use refine_topic::TopicKind;

/// The offline planner.
#[derive(Debug, Clone, Copy, Default)]
pub struct OfflineBackend;

impl Backend for OfflineBackend {
    fn info(&self) -> PluginInfo {
        PluginInfo {
            id: String::from("offline"),
            version: env!("CARGO_PKG_VERSION").to_string(),
            description: String::from(
                "Deterministic planner from the guide and the topic; no network, no key (default)",
            ),
        }
    }

    fn is_local(&self) -> bool {
        true
    }

    fn reads_prompt(&self) -> bool {
        false
    }

    fn generate(&self, input: &BackendInput<'_>) -> Result<BackendReply, BackendError> {
        // `structured` is accepted and changes nothing: the planner's reply always has the
        // contract's shape.
        if let Some(key) = input.options.keys().find(|k| k.as_str() != "structured") {
            return Err(BackendError::Input(format!(
                "the offline backend takes no options but structured (got `{key}`)"
            )));
        }
        let text = plan_reply(input.request, input.guide)?;
        Ok(BackendReply {
            text,
            meta: ReplyMeta {
                model: Some(String::from("offline-planner")),
                ..ReplyMeta::default()
            },
        })
    }
}

/// Writes the tagged reply for `request` with `guide`.
pub fn plan_reply(request: &SessionRequest, guide: &Guide) -> Result<String, BackendError> {
    if !request.items().is_empty() {
        return items::plan_items_reply(request, guide);
    }
    let topic = request.topic().as_str();
    let reading = refine_topic::read(topic, request.context());
    let voice = content::Voice::new(&reading, request.context());
    let total = request.minutes().unwrap_or_else(|| guide.natural_minutes());
    let minutes = refine_core::schedule::allocate(guide, total)
        .map_err(|short| BackendError::Input(short.to_string()))?;

    let mut out = String::new();
    let _ = writeln!(out, "<{}>", AGENDA.tag);
    let _ = writeln!(out, "**Agenda: {total} minutes**\n");
    // Everything read from the guide alone is read once per guide and thread.
    let lines = guide_lines::lines_of(guide);
    for (i, (phase, m)) in lines.phases.iter().zip(&minutes).enumerate() {
        out.push_str(&lines.practices[i]);
        let _ = writeln!(out, "{}. **{}** ({m} min)", i + 1, phase.name);
        if i == 0
            && let Some(line) = content::notes_line(&voice)
        {
            let _ = writeln!(out, "   - From the notes: {line}");
        }
        for text in &phase.bullets {
            let _ = writeln!(out, "   - {text}");
        }
        if phase.slug == lines.exploration {
            let _ = writeln!(out, "   - Work through the discussion questions below");
        }
        if Some(&phase.slug) == lines.success.as_ref() {
            for prompt in content::success_prompts(&voice) {
                let _ = writeln!(out, "   - {prompt}");
            }
        }
    }
    out.push_str(&lines.practices[lines.phases.len()]);
    let _ = writeln!(out, "</{}>\n", AGENDA.tag);

    let _ = writeln!(out, "<{}>", KEY_POINTS.tag);
    for point in content::key_points(&voice, &lines) {
        let _ = writeln!(out, "- {point}");
    }
    let _ = writeln!(out, "</{}>\n", KEY_POINTS.tag);

    let _ = writeln!(out, "<{}>", DISCUSSION_QUESTIONS.tag);
    for (i, q) in content::questions(&voice, &lines).iter().enumerate() {
        let _ = writeln!(out, "{}. {q}", i + 1);
    }
    let _ = writeln!(out, "</{}>\n", DISCUSSION_QUESTIONS.tag);

    let _ = writeln!(out, "<{}>", CLOSING_STATEMENT.tag);
    let _ = writeln!(out, "{}", content::closing(&voice, &lines));
    let _ = writeln!(out, "</{}>", CLOSING_STATEMENT.tag);
    Ok(out)
}
