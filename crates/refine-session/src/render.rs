//! The notes as Markdown (pastes into a wiki or chat), HTML (one standalone page) and JSON.

use std::fmt::Write;

use crate::notes::{Captured, ItemNotes, Notes};

/// The notes in Markdown.
pub fn markdown(notes: &Notes) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Refinement notes: {}\n", notes.topic);
    let day = notes.started.unwrap_or(notes.created);
    let _ = writeln!(out, "Session of {}.", day.format("%Y-%m-%d %H:%M"));
    if !notes.attendees.is_empty() {
        let _ = writeln!(out, "Attendees: {}.", notes.attendees.join(", "));
    }
    out.push('\n');
    let several = notes.items.len() > 1;
    for item in &notes.items {
        if several {
            let _ = writeln!(out, "## {}. {}\n", item.number, item_title(item));
        } else {
            let _ = writeln!(out, "## {}\n", item_title(item));
        }
        let _ = writeln!(out, "Outcome: {}.\n", outcome(item));
        captured(&mut out, &item.captured);
    }
    if !notes.general.is_empty() {
        out.push_str("## Across items\n\n");
        captured(&mut out, &notes.general);
    }
    let actions = notes.actions();
    if !actions.is_empty() {
        out.push_str("## Action items\n\n| Action | Owner | Due | Item |\n|---|---|---|---|\n");
        for (item, a) in actions {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                cell(&a.text),
                cell(&a.owner),
                a.due.map_or_else(|| String::from("—"), |d| d.to_string()),
                item.map_or_else(|| String::from("—"), |i| cell(&i.title))
            );
        }
        out.push('\n');
    }
    if notes.time.iter().any(|t| t.ran) {
        out.push_str("## Time\n\n| Phase | Planned | Used | Over |\n|---|---:|---:|---:|\n");
        for t in &notes.time {
            let _ = writeln!(
                out,
                "| {} | {} min | {:.1} min | {} |",
                cell(&t.title),
                t.planned_minutes,
                t.used_minutes,
                if t.ran {
                    format!("{:+.1}", t.over())
                } else {
                    String::from("not run")
                }
            );
        }
        out.push('\n');
    }
    if !notes.retro.is_empty() {
        out.push_str("## Retrospective\n\n");
        for r in &notes.retro {
            let _ = writeln!(
                out,
                "**{}**\n",
                r.heading.as_deref().unwrap_or("Other feedback")
            );
            for n in &r.notes {
                let _ = writeln!(out, "- {n}");
            }
            out.push('\n');
        }
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

fn item_title(item: &ItemNotes) -> String {
    let name = match &item.key {
        Some(key) => format!("{} ({key})", item.title),
        None => item.title.clone(),
    };
    match &item.url {
        Some(url) => format!("[{name}]({url})"),
        None => name,
    }
}

fn outcome(item: &ItemNotes) -> String {
    match (item.outcome, &item.outcome_note) {
        (Some(o), Some(note)) => format!("{} — {note}", o.label()),
        (Some(o), None) => o.label().to_string(),
        (None, _) if item.discussed => String::from("none recorded"),
        (None, _) => String::from("not reached"),
    }
}

fn captured(out: &mut String, c: &Captured) {
    if !c.decisions.is_empty() {
        out.push_str("Decisions:\n");
        for d in &c.decisions {
            match &d.why {
                Some(why) => {
                    let _ = writeln!(out, "- {} — because {why}", d.text);
                }
                None => {
                    let _ = writeln!(out, "- {}", d.text);
                }
            }
        }
        out.push('\n');
    }
    let list = |out: &mut String, title: &str, items: &[String]| {
        if !items.is_empty() {
            let _ = writeln!(out, "{title}:");
            for i in items {
                let _ = writeln!(out, "- {i}");
            }
            out.push('\n');
        }
    };
    list(out, "Open questions", &c.questions);
    list(out, "Parked", &c.parked);
    // Action items are listed once, in the table with their owners and items.
}

/// Text for a table cell: pipes escaped, on one line.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// The notes as one standalone HTML page, every text escaped.
pub fn html(notes: &Notes) -> Result<String, minijinja::Error> {
    let mut env = minijinja::Environment::new();
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
    env.add_template("notes.html", include_str!("../assets/notes.html.j2"))?;
    let actions: Vec<serde_json::Value> = notes
        .actions()
        .into_iter()
        .map(|(item, a)| {
            serde_json::json!({
                "text": a.text,
                "owner": a.owner,
                "due": a.due.map(|d| d.to_string()),
                "item": item.map(|i| i.title.clone()),
            })
        })
        .collect();
    let items: Vec<serde_json::Value> = notes
        .items
        .iter()
        .map(|i| {
            serde_json::json!({
                "number": i.number,
                "title": i.title,
                "key": i.key,
                "url": i.url.as_deref().filter(|u| u.starts_with("https://") || u.starts_with("http://")),
                "outcome": outcome(i),
                "captured": i.captured,
            })
        })
        .collect();
    let time: Vec<serde_json::Value> = notes
        .time
        .iter()
        .map(|t| {
            serde_json::json!({
                "title": t.title,
                "planned": t.planned_minutes,
                "used": format!("{:.1}", t.used_minutes),
                "over": if t.ran { format!("{:+.1}", t.over()) } else { String::from("not run") },
                "overran": t.ran && t.over() > 0.0,
            })
        })
        .collect();
    env.get_template("notes.html")?
        .render(minijinja::Value::from(minijinja::value::Serde(
            serde_json::json!({
                "topic": notes.topic,
                "day": notes.started.unwrap_or(notes.created).format("%Y-%m-%d %H:%M").to_string(),
                "attendees": notes.attendees,
                "several": notes.items.len() > 1,
                "items": items,
                "general": notes.general,
                "has_general": !notes.general.is_empty(),
                "actions": actions,
                "time": time,
                "ran": notes.time.iter().any(|t| t.ran),
                "retro": notes.retro,
            }),
        )))
}

/// The notes as pretty JSON in the [`crate::notes::NOTES_SCHEMA`] shape.
pub fn json(notes: &Notes) -> String {
    let mut out = serde_json::to_string_pretty(notes).unwrap_or_default();
    out.push('\n');
    out
}
