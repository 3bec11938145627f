//! Jira's Atlassian Document Format (a JSON tree) and wiki markup, to Markdown text.

use serde_json::Value;

/// The deepest ADF nesting walked; deeper content is read as plain text.
const MAX_DEPTH: usize = 32;

/// An ADF document as Markdown.
pub(crate) fn to_markdown(doc: &Value) -> String {
    let mut out = String::new();
    block(doc, 0, &mut out);
    tidy(&out)
}

fn children(node: &Value) -> &[Value] {
    node.get("content")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn kind(node: &Value) -> &str {
    node.get("type").and_then(Value::as_str).unwrap_or("")
}

fn attr<'a>(node: &'a Value, name: &str) -> Option<&'a Value> {
    node.get("attrs").and_then(|a| a.get(name))
}

/// Block nodes, each ending with a blank line.
fn block(node: &Value, depth: usize, out: &mut String) {
    if depth > MAX_DEPTH {
        out.push_str(&inline_text(node));
        out.push_str("\n\n");
        return;
    }
    match kind(node) {
        "doc" | "panel" | "expand" | "nestedExpand" | "layoutSection" | "layoutColumn" => {
            for child in children(node) {
                block(child, depth + 1, out);
            }
        }
        "paragraph" => {
            out.push_str(&inline(children(node)));
            out.push_str("\n\n");
        }
        "heading" => {
            let level = attr(node, "level")
                .and_then(Value::as_u64)
                .unwrap_or(2)
                .clamp(1, 6);
            out.push_str(&"#".repeat(level as usize));
            out.push(' ');
            out.push_str(&inline(children(node)));
            out.push_str("\n\n");
        }
        "bulletList" | "orderedList" | "taskList" => {
            list(node, depth, 0, out);
            out.push('\n');
        }
        "codeBlock" => {
            out.push_str("```\n");
            out.push_str(&inline(children(node)));
            out.push_str("\n```\n\n");
        }
        "blockquote" => {
            let mut inner = String::new();
            for child in children(node) {
                block(child, depth + 1, &mut inner);
            }
            for line in tidy(&inner).lines() {
                out.push_str("> ");
                out.push_str(line);
                out.push('\n');
            }
            out.push('\n');
        }
        "rule" => out.push_str("---\n\n"),
        "table" => {
            for row in children(node) {
                let cells: Vec<String> = children(row)
                    .iter()
                    .map(|cell| inline_text(cell).replace('\n', " ").trim().to_string())
                    .collect();
                out.push_str("| ");
                out.push_str(&cells.join(" | "));
                out.push_str(" |\n");
            }
            out.push('\n');
        }
        "mediaSingle" | "mediaGroup" | "media" => {}
        _ => {
            let text = inline(std::slice::from_ref(node));
            if !text.trim().is_empty() {
                out.push_str(&text);
                out.push_str("\n\n");
            }
        }
    }
}

/// A list, items indented by nesting.
fn list(node: &Value, depth: usize, indent: usize, out: &mut String) {
    let ordered = kind(node) == "orderedList";
    for (i, item) in children(node).iter().enumerate() {
        let marker = if ordered {
            format!("{}. ", i + 1)
        } else if kind(item) == "taskItem" {
            let done = attr(item, "state").and_then(Value::as_str) == Some("DONE");
            String::from(if done { "- [x] " } else { "- [ ] " })
        } else {
            String::from("- ")
        };
        out.push_str(&"  ".repeat(indent));
        out.push_str(&marker);
        let mut first = true;
        for child in children(item) {
            match kind(child) {
                "bulletList" | "orderedList" | "taskList" if depth < MAX_DEPTH => {
                    if first {
                        out.push('\n');
                    }
                    list(child, depth + 1, indent + 1, out);
                    first = false;
                }
                "paragraph" => {
                    if !first {
                        out.push_str(&"  ".repeat(indent + 1));
                    }
                    out.push_str(&inline(children(child)));
                    out.push('\n');
                    first = false;
                }
                _ => {
                    // A task item's own content is inline.
                    out.push_str(&inline(std::slice::from_ref(child)));
                    if first {
                        out.push('\n');
                    }
                    first = false;
                }
            }
        }
        if first {
            out.push('\n');
        }
    }
}

/// Inline nodes as Markdown: text with its marks, breaks, mentions, links, emoji.
fn inline(nodes: &[Value]) -> String {
    let mut out = String::new();
    for node in nodes {
        match kind(node) {
            "text" => {
                let text = node.get("text").and_then(Value::as_str).unwrap_or("");
                let marks: Vec<&str> = node
                    .get("marks")
                    .and_then(Value::as_array)
                    .map(|m| m.iter().map(kind).collect())
                    .unwrap_or_default();
                let link = node
                    .get("marks")
                    .and_then(Value::as_array)
                    .and_then(|m| m.iter().find(|m| kind(m) == "link"))
                    .and_then(|m| attr(m, "href"))
                    .and_then(Value::as_str);
                let mut piece = text.to_string();
                if marks.contains(&"code") {
                    piece = format!("`{piece}`");
                }
                if marks.contains(&"strong") {
                    piece = format!("**{piece}**");
                }
                if marks.contains(&"em") {
                    piece = format!("*{piece}*");
                }
                if let Some(href) = link {
                    piece = format!("[{piece}]({href})");
                }
                out.push_str(&piece);
            }
            "hardBreak" => out.push('\n'),
            "mention" => out.push_str(
                attr(node, "text")
                    .and_then(Value::as_str)
                    .unwrap_or("@someone"),
            ),
            "emoji" => out.push_str(
                attr(node, "text")
                    .or_else(|| attr(node, "shortName"))
                    .and_then(Value::as_str)
                    .unwrap_or(""),
            ),
            "inlineCard" | "blockCard" => {
                out.push_str(attr(node, "url").and_then(Value::as_str).unwrap_or(""));
            }
            "date" => out.push_str(
                &attr(node, "timestamp")
                    .map(|t| t.to_string())
                    .unwrap_or_default(),
            ),
            "status" => out.push_str(attr(node, "text").and_then(Value::as_str).unwrap_or("")),
            _ => out.push_str(&inline(children(node))),
        }
    }
    out
}

/// All the text under a node, as plain inline text.
fn inline_text(node: &Value) -> String {
    let mut out = String::new();
    if let Some(text) = node.get("text").and_then(Value::as_str) {
        out.push_str(text);
    }
    for child in children(node) {
        let text = inline_text(child);
        if !out.is_empty() && !text.is_empty() && !out.ends_with(char::is_whitespace) {
            out.push(' ');
        }
        out.push_str(&text);
    }
    out
}

/// No runs of blank lines, no trailing space.
fn tidy(text: &str) -> String {
    let mut out = String::new();
    let mut blank = 0;
    for line in text.lines() {
        if line.trim().is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() && blank > 0 {
            out.push('\n');
        }
        blank = 0;
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.trim_end().to_string()
}

/// Jira wiki markup (server exports and older APIs) as Markdown: headings, lists, code and
/// quote blocks, bold; the rest as written.
pub(crate) fn wiki_to_markdown(text: &str) -> String {
    let mut out = String::new();
    let mut in_code = false;
    for line in text.replace("\r\n", "\n").lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("{code") || trimmed.starts_with("{noformat") {
            out.push_str("```\n");
            in_code = !in_code;
            continue;
        }
        if in_code {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        if trimmed.starts_with("{quote}") {
            continue;
        }
        let heading = (1..=6).find(|n| trimmed.starts_with(&format!("h{n}. ")));
        if let Some(n) = heading {
            out.push_str(&"#".repeat(n));
            out.push(' ');
            out.push_str(&trimmed[4..]);
            out.push('\n');
            continue;
        }
        let bullets = trimmed
            .chars()
            .take_while(|c| *c == '*' || *c == '#')
            .count();
        if bullets > 0 && trimmed[bullets..].starts_with(' ') {
            let ordered = trimmed.starts_with('#');
            out.push_str(&"  ".repeat(bullets - 1));
            out.push_str(if ordered { "1. " } else { "- " });
            out.push_str(trimmed[bullets..].trim_start());
            out.push('\n');
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    tidy(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adf_reads_as_markdown() {
        let doc = serde_json::json!({
            "type": "doc", "version": 1,
            "content": [
                {"type": "heading", "attrs": {"level": 3}, "content": [{"type": "text", "text": "Problem"}]},
                {"type": "paragraph", "content": [
                    {"type": "text", "text": "Users on "},
                    {"type": "text", "text": "Android 14", "marks": [{"type": "strong"}]},
                    {"type": "text", "text": " are logged out"},
                    {"type": "hardBreak"},
                    {"type": "mention", "attrs": {"text": "@Dana"}},
                    {"type": "text", "text": " saw it"}
                ]},
                {"type": "bulletList", "content": [
                    {"type": "listItem", "content": [{"type": "paragraph", "content": [{"type": "text", "text": "one"}]},
                        {"type": "bulletList", "content": [{"type": "listItem", "content": [{"type": "paragraph", "content": [{"type": "text", "text": "nested"}]}]}]}]},
                    {"type": "listItem", "content": [{"type": "paragraph", "content": [{"type": "text", "text": "two"}]}]}
                ]},
                {"type": "codeBlock", "content": [{"type": "text", "text": "E/Auth: token expired"}]}
            ]
        });
        assert_eq!(
            to_markdown(&doc),
            "### Problem\n\nUsers on **Android 14** are logged out\n@Dana saw it\n\n- one\n  - nested\n- two\n\n```\nE/Auth: token expired\n```"
        );
    }

    #[test]
    fn wiki_markup_reads_as_markdown() {
        assert_eq!(
            wiki_to_markdown(
                "h2. Why\nCustomers churn.\n* a\n** b\n# first\n{code}\nx = 1\n{code}"
            ),
            "## Why\nCustomers churn.\n- a\n  - b\n1. first\n```\nx = 1\n```"
        );
    }
}
