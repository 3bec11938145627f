//! A plain Markdown list: each top-level `- title` (or `1. title`) is an item; the lines
//! indented under it are its notes. A title may carry a key (`PROJ-12: …`, `#12 …`) and a link
//! (`[title](url)`, or a bare URL at its end).

use crate::{Item, text_of};

/// A list line indented at most 3: its indent, where its text starts, and the text.
fn list_line(line: &str) -> Option<(usize, usize, &str)> {
    let indent = line.len() - line.trim_start().len();
    if indent > 3 {
        return None;
    }
    let t = line.trim_start();
    for marker in ["- ", "* ", "+ "] {
        if let Some(rest) = t.strip_prefix(marker) {
            return Some((indent, indent + 2, rest));
        }
    }
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    if (1..=3).contains(&digits) {
        let rest = &t[digits..];
        if let Some(rest) = rest.strip_prefix(". ").or_else(|| rest.strip_prefix(") ")) {
            return Some((indent, indent + digits + 2, rest));
        }
    }
    None
}

pub(crate) fn has_items(text: &str) -> bool {
    text.lines()
        .any(|l| list_line(l).is_some_and(|(_, _, t)| t.chars().any(char::is_alphanumeric)))
}

pub(crate) fn read(text: &str) -> Vec<Item> {
    let mut items: Vec<(String, Vec<String>)> = Vec::new();
    let mut open = false;
    // Where the open item's text starts: a list line indented that far is nested in it.
    let mut content = 0;
    for line in text.lines() {
        let top = list_line(line).filter(|(indent, _, _)| !open || *indent < content);
        if let Some((_, starts, title)) = top {
            items.push((title.to_string(), Vec::new()));
            open = true;
            content = starts;
        } else if line.trim().is_empty() {
            if let Some((_, notes)) = items.last_mut().filter(|_| open) {
                notes.push(String::new());
            }
        } else if line.starts_with([' ', '\t']) {
            if let Some((_, notes)) = items.last_mut().filter(|_| open) {
                notes.push(line.to_string());
            }
        } else {
            // A heading or paragraph at the margin ends the item above it.
            open = false;
        }
    }
    items
        .into_iter()
        .enumerate()
        .filter_map(|(i, (title, notes))| item(&title, &notes, i + 1))
        .collect()
}

fn item(raw_title: &str, notes: &[String], record: usize) -> Option<Item> {
    let mut title = raw_title
        .trim()
        .trim_start_matches("[ ] ")
        .trim_start_matches("[x] ")
        .to_string();
    let mut url = None;
    // [text](url) anywhere: the text stays, the link is kept.
    if let (Some(open), Some(mid)) = (title.find('['), title.find("]("))
        && open < mid
        && let Some(close) = title[mid..].find(')')
    {
        let text = title[open + 1..mid].to_string();
        url = Some(title[mid + 2..mid + close].to_string());
        title.replace_range(open..mid + close + 1, &text);
    }
    if url.is_none()
        && let Some(last) = title.split_whitespace().last()
        && (last.starts_with("https://") || last.starts_with("http://"))
    {
        url = Some(last.to_string());
        title = title[..title.len() - last.len()].trim_end().to_string();
    }
    let (key, title) = split_key(&title);
    let indent = notes
        .iter()
        .filter(|n| !n.trim().is_empty())
        .map(|n| n.len() - n.trim_start().len())
        .min()
        .unwrap_or(0);
    let description: Vec<&str> = notes
        .iter()
        .map(|n| {
            if n.len() >= indent {
                &n[indent..]
            } else {
                n.trim()
            }
        })
        .collect();
    Some(Item {
        key,
        title: text_of(title)?,
        url,
        description: text_of(&description.join("\n")),
        labels: Vec::new(),
        acceptance_criteria: None,
        estimate: None,
        record,
    })
}

/// `PROJ-12: title`, `PROJ-12 title`, `#12 title` -> the key and the rest.
fn split_key(title: &str) -> (Option<String>, &str) {
    let first = title.split_whitespace().next().unwrap_or("");
    let candidate = first.trim_end_matches([':', ',']);
    let jira_like = candidate.split_once('-').is_some_and(|(p, n)| {
        !p.is_empty()
            && p.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            && p.starts_with(|c: char| c.is_ascii_uppercase())
            && !n.is_empty()
            && n.chars().all(|c| c.is_ascii_digit())
    });
    let github_like = candidate
        .strip_prefix('#')
        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
    if (jira_like || github_like) && title.len() > first.len() {
        (
            Some(candidate.to_string()),
            title[first.len()..].trim_start_matches([' ', ':', '-', '–', '—']),
        )
    } else {
        (None, title)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_with_keys_links_and_indented_notes() {
        let text = "# Backlog\n\n- PROJ-12: Export invoices as CSV\n  Finance asks every month.\n\n  - they paste into Excel\n- [Dark mode](https://example.com/i/4)\n1. #31 Slow search https://github.com/o/r/issues/31\nNot an item\n";
        let items = read(text);
        assert_eq!(items.len(), 3);
        assert_eq!(items[0].key.as_deref(), Some("PROJ-12"));
        assert_eq!(items[0].title, "Export invoices as CSV");
        assert_eq!(
            items[0].description.as_deref(),
            Some("Finance asks every month.\n\n- they paste into Excel")
        );
        assert_eq!(items[1].title, "Dark mode");
        assert_eq!(items[1].url.as_deref(), Some("https://example.com/i/4"));
        assert_eq!(items[2].key.as_deref(), Some("#31"));
        assert_eq!(items[2].title, "Slow search");
        assert_eq!(
            items[2].url.as_deref(),
            Some("https://github.com/o/r/issues/31")
        );
    }
}
