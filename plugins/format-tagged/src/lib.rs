//! `format-tagged` (id `tagged`): exactly the four tagged sections the seed prompt asks an LLM
//! for, written from the plan. Parsing the output again gives the same plan.

use std::fmt::Write as _;

use refine_core::contract::{
    AGENDA, CLOSING_STATEMENT, DISCUSSION_QUESTIONS, ITEM, KEY_POINTS, SUCCESS_CRITERIA,
};
use refine_core::parse::defuse_section_tags;
use refine_plugin::{Format, FormatError, Pack, PluginInfo, Rendered};

/// The tagged format.
#[derive(Debug, Clone, Copy, Default)]
pub struct TaggedFormat;

impl Format for TaggedFormat {
    fn info(&self) -> PluginInfo {
        PluginInfo {
            id: String::from("tagged"),
            version: env!("CARGO_PKG_VERSION").to_string(),
            description: String::from("The four tagged sections of the seed prompt's contract"),
        }
    }

    fn render(&self, pack: &Pack) -> Result<Rendered, FormatError> {
        Ok(Rendered {
            bytes: tagged(pack).into_bytes(),
            media_type: String::from("text/plain; charset=utf-8"),
            extension: String::from("txt"),
        })
    }
}

/// The pack's plan as tagged text.
pub fn tagged(pack: &Pack) -> String {
    let plan = &pack.plan;
    let mut out = String::new();
    let _ = writeln!(out, "<{}>", AGENDA.tag);
    for (i, item) in plan.agenda.iter().enumerate() {
        let title = defuse_section_tags(&item.title);
        match item.minutes {
            Some(m) => {
                let _ = writeln!(out, "{}. {title} ({m})", i + 1);
            }
            None => {
                let _ = writeln!(out, "{}. {title}", i + 1);
            }
        }
        for detail in &item.details {
            let _ = writeln!(out, "   - {}", defuse_section_tags(detail));
        }
    }
    let _ = writeln!(out, "</{}>\n\n<{}>", AGENDA.tag, KEY_POINTS.tag);
    for point in &plan.key_points {
        let _ = writeln!(out, "- {}", defuse_section_tags(point));
    }
    let _ = writeln!(out, "</{}>\n", KEY_POINTS.tag);
    if plan.items.is_empty() {
        list(
            &mut out,
            DISCUSSION_QUESTIONS.tag,
            &plan.discussion_questions,
            true,
        );
        let _ = writeln!(out);
    }
    for item in &plan.items {
        let _ = writeln!(out, "<{} number=\"{}\">", ITEM.tag, item.number);
        let name = match &item.key {
            Some(key) => format!("{key} {}", item.title),
            None => item.title.clone(),
        };
        match item.minutes {
            Some(m) => {
                let _ = writeln!(out, "{} ({m})", defuse_section_tags(&name));
            }
            None => {
                let _ = writeln!(out, "{}", defuse_section_tags(&name));
            }
        }
        list(&mut out, KEY_POINTS.tag, &item.key_points, false);
        list(
            &mut out,
            DISCUSSION_QUESTIONS.tag,
            &item.discussion_questions,
            true,
        );
        list(
            &mut out,
            SUCCESS_CRITERIA.tag,
            &item.success_criteria,
            false,
        );
        let _ = writeln!(out, "</{}>\n", ITEM.tag);
    }
    let _ = writeln!(out, "<{}>", CLOSING_STATEMENT.tag);
    if let Some(closing) = &plan.closing_statement {
        let _ = writeln!(out, "{}", defuse_section_tags(closing));
    }
    let _ = writeln!(out, "</{}>", CLOSING_STATEMENT.tag);
    out
}

/// One list section: numbered or bulleted lines between its tags.
fn list(out: &mut String, tag: &str, lines: &[String], numbered: bool) {
    let _ = writeln!(out, "<{tag}>");
    for (i, line) in lines.iter().enumerate() {
        let text = defuse_section_tags(line);
        let _ = if numbered {
            writeln!(out, "{}. {text}", i + 1)
        } else {
            writeln!(out, "- {text}")
        };
    }
    let _ = writeln!(out, "</{tag}>");
}
