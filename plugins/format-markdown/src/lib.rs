//! `format-markdown` (id `markdown`, the default): the pack as plain CommonMark with a pipe
//! table, which pastes cleanly into Confluence, Notion and GitHub.

use std::fmt::Write as _;

use refine_plugin::{Format, FormatError, Pack, PluginInfo, Rendered};

// The same format as a plugin library (target/*/libformat_markdown.so).
refine_plugin::export_plugins!(format MarkdownFormat);

/// The Markdown format.
#[derive(Debug, Clone, Copy, Default)]
pub struct MarkdownFormat;

impl Format for MarkdownFormat {
    fn info(&self) -> PluginInfo {
        PluginInfo {
            id: String::from("markdown"),
            version: env!("CARGO_PKG_VERSION").to_string(),
            description: String::from("Markdown for Confluence, Notion and GitHub (default)"),
        }
    }

    fn render(&self, pack: &Pack) -> Result<Rendered, FormatError> {
        Ok(Rendered {
            bytes: markdown(pack).into_bytes(),
            media_type: String::from("text/markdown; charset=utf-8"),
            extension: String::from("md"),
        })
    }
}

/// Escapes the characters Markdown would read as markup or HTML, so user text shows as written.
pub fn escape(text: &str) -> String {
    // Every mark is ASCII, so it is never a byte inside a longer character: the text between
    // marks is copied whole.
    let mut out = String::with_capacity(text.len() + 8);
    let mut copied = 0;
    for (at, byte) in text.bytes().enumerate() {
        let mark = matches!(
            byte,
            b'\\' | b'`' | b'*' | b'_' | b'[' | b']' | b'<' | b'>' | b'|' | b'#'
        );
        if mark || byte == b'\n' {
            out.push_str(&text[copied..at]);
            if mark {
                out.push('\\');
                out.push(char::from(byte));
            } else {
                out.push(' ');
            }
            copied = at + 1;
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// The pack as Markdown.
pub fn markdown(pack: &Pack) -> String {
    let meta = &pack.meta;
    let plan = &pack.plan;
    let mut out = String::new();
    let _ = writeln!(out, "# Refinement session: {}\n", escape(&meta.topic));
    if let Some(source) = &meta.source {
        let key = escape(source.key.as_deref().unwrap_or("item"));
        match &source.url {
            Some(url) => {
                let _ = writeln!(out, "- **Item:** [{key}](<{}>)", url.replace('>', "%3E"));
            }
            None => {
                let _ = writeln!(out, "- **Item:** {key}");
            }
        }
    }
    if let Some(kind) = &meta.kind {
        let _ = writeln!(out, "- **Kind:** {}", escape(&kind.describe()));
    }
    let _ = writeln!(out, "- **Guide:** {}", escape(&meta.guide));
    let _ = writeln!(out, "- **Length:** {} minutes", meta.session_minutes);
    if let Some(start) = &meta.start {
        let _ = writeln!(out, "- **Starts:** {}", escape(&start.describe()));
    }
    let _ = writeln!(out, "- **Prepared with:** {}", escape(&meta.backend));
    for note in &meta.notes {
        let _ = writeln!(out, "\n> **Note:** {}", escape(note));
    }

    let _ = writeln!(
        out,
        "\n## Agenda\n\n| Time | Item | Minutes | Focus |\n| --- | --- | --- | --- |"
    );
    for (i, (slot, item)) in pack.timeline().iter().zip(&plan.agenda).enumerate() {
        let at = |offset: u32| pack.clock_at(offset);
        let minutes = Pack::minutes_text(item);
        let focus: Vec<String> = pack
            .item_details(i)
            .into_iter()
            .map(|d| format!("**{}**", escape(d)))
            .chain(pack.focus(i).iter().map(|f| escape(f)))
            .collect();
        let _ = writeln!(
            out,
            "| {}–{} | {} | {minutes} | {} |",
            at(slot.start),
            at(slot.start + slot.minutes),
            escape(&item.title),
            focus.join("; ")
        );
    }
    if !meta.practices.is_empty() {
        let practices: Vec<String> = meta.practices.iter().map(|p| escape(p)).collect();
        let _ = writeln!(out, "\n*Throughout the session:* {}.", practices.join("; "));
    }

    let _ = writeln!(out, "\n## Key points\n");
    for point in &plan.key_points {
        let _ = writeln!(out, "- {}", escape(point));
    }
    let items = pack.items();
    if items.is_empty() {
        let _ = writeln!(out, "\n## Discussion questions\n");
        for (i, question) in plan.discussion_questions.iter().enumerate() {
            let _ = writeln!(out, "{}. {}", i + 1, escape(question));
        }
    } else {
        let _ = writeln!(out, "\n## Items\n");
    }
    for item in &items {
        let minutes = item.minutes.map_or_else(String::new, |m| format!(" ({m})"));
        let _ = writeln!(
            out,
            "### {}. {}{minutes}\n",
            item.number,
            escape(&item.title)
        );
        match (&item.key, &item.url) {
            (Some(key), Some(url)) => {
                let _ = writeln!(
                    out,
                    "- **Item:** [{}](<{}>)",
                    escape(key),
                    url.replace('>', "%3E")
                );
            }
            (None, Some(url)) => {
                let _ = writeln!(out, "- **Item:** <{}>", url.replace('>', "%3E"));
            }
            (Some(key), None) => {
                let _ = writeln!(out, "- **Item:** {}", escape(key));
            }
            (None, None) => {}
        }
        if let Some(kind) = &item.kind {
            let _ = writeln!(out, "- **Kind:** {}", escape(&kind.describe()));
        }
        let _ = writeln!(out, "\n**Key points**\n");
        for point in &item.key_points {
            let _ = writeln!(out, "- {}", escape(point));
        }
        let _ = writeln!(out, "\n**Discussion questions**\n");
        for (i, question) in item.discussion_questions.iter().enumerate() {
            let _ = writeln!(out, "{}. {}", i + 1, escape(question));
        }
        let _ = writeln!(out, "\n**Success criteria**\n");
        for criterion in &item.success_criteria {
            let _ = writeln!(out, "- {}", escape(criterion));
        }
        let _ = writeln!(out);
    }
    if !plan.deferred.is_empty() {
        let _ = writeln!(out, "\n## Deferred to the next session\n");
        for item in &plan.deferred {
            let name = match &item.key {
                Some(key) => format!("{key} {}", item.title),
                None => item.title.clone(),
            };
            match &item.url {
                Some(url) => {
                    let _ = writeln!(out, "- [{}](<{}>)", escape(&name), url.replace('>', "%3E"));
                }
                None => {
                    let _ = writeln!(out, "- {}", escape(&name));
                }
            }
        }
    }
    let _ = writeln!(out, "\n## Closing statement\n");
    let _ = writeln!(
        out,
        "{}",
        plan.closing_statement
            .as_deref()
            .map_or_else(String::new, escape)
    );
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    /// Character by character: each mark after a backslash, a line break as a space.
    fn escape_each_character(text: &str) -> String {
        let mut out = String::new();
        for c in text.chars() {
            if matches!(
                c,
                '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#'
            ) {
                out.push('\\');
            }
            out.push(if c == '\n' { ' ' } else { c });
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn escaping_copies_the_text_between_marks(
            tokens in proptest::collection::vec(proptest::sample::select(&[
                "a", "Reduce", " ", "\n", "\\", "`", "*", "_", "[", "]", "<", ">", "|", "#", "é",
                "決済", "—", "\r", "x_y",
            ][..]), 0..12)
        ) {
            let text = tokens.concat();
            proptest::prop_assert_eq!(escape(&text), escape_each_character(&text));
        }
    }
}
