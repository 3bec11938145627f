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

/// Appends `pieces` and a line break to `out`.
fn push_line(out: &mut String, pieces: &[&str]) {
    for piece in pieces {
        out.push_str(piece);
    }
    out.push('\n');
}

/// Appends a section's opening tag on a line of its own.
fn open_tag(out: &mut String, tag: &str) {
    push_line(out, &["<", tag, ">"]);
}

/// Appends a section's closing tag and a blank line.
fn close_tag(out: &mut String, tag: &str) {
    push_line(out, &["</", tag, ">\n"]);
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

    // Sized for a whole reply; its lines are pieces pushed one after another (a `writeln!` a
    // line cost some 500 instructions), numbers alone written with `write!`.
    let mut out = String::with_capacity(4096);
    open_tag(&mut out, AGENDA.tag);
    let _ = writeln!(out, "**Agenda: {total} minutes**\n");
    // Everything read from the guide alone is read once per guide and thread.
    let lines = guide_lines::lines_of(guide);
    for (i, (phase, m)) in lines.phases.iter().zip(&minutes).enumerate() {
        out.push_str(&lines.practices[i]);
        let _ = writeln!(out, "{}. **{}** ({m} min)", i + 1, phase.name);
        if i == 0
            && let Some(line) = content::notes_line(&voice)
        {
            push_line(&mut out, &["   - From the notes: ", &line]);
        }
        for text in &phase.bullets {
            push_line(&mut out, &["   - ", text]);
        }
        if phase.slug == lines.exploration {
            push_line(
                &mut out,
                &["   - Work through the discussion questions below"],
            );
        }
        if Some(&phase.slug) == lines.success.as_ref() {
            for prompt in content::success_prompts(&voice) {
                push_line(&mut out, &["   - ", &prompt]);
            }
        }
    }
    out.push_str(&lines.practices[lines.phases.len()]);
    close_tag(&mut out, AGENDA.tag);

    open_tag(&mut out, KEY_POINTS.tag);
    for point in content::key_points(&voice, &lines) {
        push_line(&mut out, &["- ", &point]);
    }
    close_tag(&mut out, KEY_POINTS.tag);

    open_tag(&mut out, DISCUSSION_QUESTIONS.tag);
    for (i, q) in content::questions(&voice, &lines).iter().enumerate() {
        let _ = write!(out, "{}. ", i + 1);
        push_line(&mut out, &[q]);
    }
    close_tag(&mut out, DISCUSSION_QUESTIONS.tag);

    open_tag(&mut out, CLOSING_STATEMENT.tag);
    push_line(&mut out, &[&content::closing(&voice, &lines)]);
    push_line(&mut out, &["</", CLOSING_STATEMENT.tag, ">"]);
    Ok(out)
}
