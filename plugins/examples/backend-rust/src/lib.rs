//! A template backend plugin in Rust: copy this folder, rename the crate and the id, and write
//! `generate`. Built as a `cdylib`, it is loaded by `refine` through the plugin ABI:
//!
//! ```sh
//! cargo build --release -p backend-rust-example
//! refine prep "Reduce checkout abandonment" --plugin target/release/libbackend_rust_example.so --backend echo
//! ```
//!
//! This one answers with a minimal pack naming the topic, streaming it a line at a time. The
//! option `panic=true` makes it panic, to show that a panic stays inside the plugin: refine
//! reports it as an error and keeps working.

use refine_plugin::{Backend, BackendError, BackendInput, BackendReply, PluginInfo, ReplyMeta};

/// The example backend.
#[derive(Debug, Default)]
pub struct Echo;

impl Backend for Echo {
    fn info(&self) -> PluginInfo {
        PluginInfo {
            id: String::from("echo"),
            version: env!("CARGO_PKG_VERSION").to_string(),
            description: String::from("Example Rust plugin: a minimal pack naming the topic"),
        }
    }

    fn generate(&self, input: &BackendInput<'_>) -> Result<BackendReply, BackendError> {
        if input.options.get("panic").and_then(|v| v.as_bool()) == Some(true) {
            panic!("asked to panic");
        }
        let topic = refine_core::prompt::neutralise(input.request.topic().as_str());
        let mut lines = vec![
            String::from("<agenda>"),
            String::from("1. Context Setting (20 min)"),
            String::from("2. Problem Space Exploration (45 min)"),
            String::from("3. Success Criteria Definition (20 min)"),
            String::from("4. Session Retrospective (10 min)"),
            String::from("</agenda>"),
            String::from("<key_points>"),
            String::from("- Understanding problems deeply"),
            String::from("- Defining clear success criteria"),
            String::from("- Identify affected stakeholders"),
            String::from("</key_points>"),
        ];
        // A session on several backlog items: one block per item, with its slot's timebox
        // (the multi-item contract, `refine_core::contract::ITEM`).
        let slots = refine_core::schedule::item_slots(input.guide, input.request);
        for (i, item) in input.request.items().iter().enumerate() {
            let title = refine_core::prompt::neutralise(item.title().as_str());
            let minutes = slots.as_ref().map_or(5, |s| s.minutes[i]);
            lines.extend([
                format!("<item number=\"{}\">", i + 1),
                format!("{title} ({minutes} min)"),
                String::from("<key_points>"),
                format!("- Define the core problem of “{title}”"),
                format!("- Identify who is affected by “{title}”"),
                format!("- Clarify what we assume about “{title}”"),
                String::from("</key_points>"),
                String::from("<discussion_questions>"),
                format!("1. What problem lies behind “{title}”?"),
                format!("2. Who is affected by “{title}”?"),
                format!("3. What do we assume about “{title}”?"),
                String::from("</discussion_questions>"),
                String::from("<success_criteria>"),
                format!("- We can say who “{title}” affects and how we would measure it."),
                String::from("</success_criteria>"),
                String::from("</item>"),
            ]);
        }
        if input.request.items().is_empty() {
            lines.extend([
                String::from("<discussion_questions>"),
                format!("1. What problem lies behind “{topic}”?"),
                format!("2. Who is affected by “{topic}”?"),
                format!("3. What do we assume about “{topic}”?"),
                String::from("</discussion_questions>"),
            ]);
        }
        lines.extend([
            String::from("<closing_statement>"),
            String::from(
                "Thank you for exploring the problem together. Next steps: I will share the notes and follow up on action items.",
            ),
            String::from("</closing_statement>"),
        ]);
        let mut text = String::new();
        for line in lines {
            let line = line + "\n";
            if let Some(sink) = input.on_text
                && !sink(&line)
            {
                return Err(BackendError::Unavailable(String::from("cancelled")));
            }
            text.push_str(&line);
        }
        Ok(BackendReply {
            text,
            meta: ReplyMeta {
                model: Some(String::from("echo")),
                ..ReplyMeta::default()
            },
        })
    }
}

refine_plugin::export_plugins!(backend Echo);
