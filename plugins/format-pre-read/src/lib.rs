//! `format-pre-read` (ids `pre-read` and `pre-read-html`): what the team reads before the
//! session, as the guide asks ("distribute selected items to the team 24 hours before"). Written
//! for the team, not the product manager: the item and an excerpt of its notes, what the notes
//! tell and what they leave open, the questions to think about, and how to prepare (the guide's
//! preparation for team members). Markdown, or one standalone HTML page (text escaped by
//! MiniJinja's HTML auto-escaping).

use minijinja::{Environment, context};
use refine_plugin::{Format, FormatError, Pack, PluginInfo, Rendered};
use serde::Serialize;

const TEMPLATE: &str = include_str!("../assets/pre-read.html.j2");
/// The most characters of the item's notes the pre-read quotes.
pub const EXCERPT_CHARS: usize = 900;

/// The Markdown pre-read.
#[derive(Debug, Clone, Copy, Default)]
pub struct PreReadFormat;

/// The HTML pre-read.
#[derive(Debug, Clone, Copy, Default)]
pub struct PreReadHtmlFormat;

/// The pre-read's content, once, for both renderings.
#[derive(Debug, Serialize)]
struct PreRead {
    topic: String,
    link: Option<String>,
    when: String,
    purpose: &'static str,
    kind: Option<String>,
    excerpt: Option<String>,
    no_notes: &'static str,
    known: Vec<String>,
    nothing_known: &'static str,
    open: Vec<String>,
    questions: Vec<String>,
    prepare: Vec<String>,
    /// With several backlog items: each item, in the session's order.
    items: Vec<PreReadItem>,
    /// With several backlog items: those deferred to the next session.
    deferred: Vec<String>,
}

/// One backlog item of a pre-read on several items.
#[derive(Debug, Serialize)]
struct PreReadItem {
    heading: String,
    link: Option<String>,
    kind: Option<String>,
    minutes: Option<String>,
    excerpt: Option<String>,
    known: Vec<String>,
    open: Vec<String>,
    questions: Vec<String>,
}

/// `notes` cut to [`EXCERPT_CHARS`], with " …" when cut.
fn excerpt_of(notes: Option<&str>) -> Option<String> {
    notes.map(str::trim).filter(|n| !n.is_empty()).map(|notes| {
        let cut: String = notes.chars().take(EXCERPT_CHARS).collect();
        if notes.chars().count() > EXCERPT_CHARS {
            format!("{} …", cut.trim_end())
        } else {
            cut
        }
    })
}

impl PreRead {
    fn of(pack: &Pack) -> PreRead {
        let meta = &pack.meta;
        let when = match &meta.start {
            Some(start) => format!(
                "Refinement session on {}, {} minutes",
                start.local.format("%A %-d %B %Y at %H:%M"),
                meta.session_minutes
            ),
            None => format!(
                "Our next refinement session, {} minutes",
                meta.session_minutes
            ),
        };
        let excerpt = excerpt_of(meta.context.as_deref());
        let items = pack
            .items()
            .into_iter()
            .map(|item| PreReadItem {
                heading: format!("{}. {}", item.number, item.label()),
                link: item.url.clone(),
                kind: item
                    .kind
                    .as_ref()
                    .map(|k| format!("Read as a {} item.", k.name)),
                minutes: item.minutes.map(|m| format!("About {m} in the session.")),
                excerpt: excerpt_of(item.excerpt.as_deref()),
                known: item.brief.known.clone(),
                open: item.brief.open.clone(),
                questions: item.discussion_questions.clone(),
            })
            .collect();
        let deferred = pack
            .plan
            .deferred
            .iter()
            .map(|d| match &d.key {
                Some(key) => format!("{key} {}", d.title),
                None => d.title.clone(),
            })
            .collect();
        let prepare = if meta.team_preparation.is_empty() {
            vec![
                String::from(
                    "Read the item and note what you know first-hand and what you only assume.",
                ),
                String::from("Bring the questions you would ask the people it affects."),
            ]
        } else {
            meta.team_preparation.clone()
        };
        PreRead {
            topic: meta.topic.clone(),
            link: meta.source.as_ref().and_then(|s| s.url.clone()),
            when,
            purpose: "Please read this before we meet. The session is for understanding the problem together: not for choosing a solution, and not for estimating.",
            kind: meta
                .kind
                .as_ref()
                .map(|k| format!("Read as a {} item.", k.name)),
            excerpt,
            no_notes: "The item has no description yet: what you know about it is welcome in the session.",
            known: meta.brief.known.clone(),
            nothing_known: "The item's description does not tell us yet who it affects, how much, or when.",
            open: meta.brief.open.clone(),
            questions: pack.plan.discussion_questions.clone(),
            prepare,
            items,
            deferred,
        }
    }

    fn markdown(&self) -> String {
        if !self.items.is_empty() {
            return self.markdown_items();
        }
        let mut out = format!(
            "# Pre-read: {}\n\n_{}_\n\n{}\n\n## The item\n\n",
            self.topic, self.when, self.purpose
        );
        if let Some(link) = &self.link {
            out.push_str(&format!("<{}>\n\n", link.replace('>', "%3E")));
        }
        if let Some(kind) = &self.kind {
            out.push_str(kind);
            out.push_str("\n\n");
        }
        match &self.excerpt {
            Some(excerpt) => {
                for line in excerpt.lines() {
                    out.push_str(if line.trim().is_empty() { ">" } else { "> " });
                    out.push_str(line);
                    out.push('\n');
                }
                out.push('\n');
            }
            None => {
                out.push_str(self.no_notes);
                out.push_str("\n\n");
            }
        }
        out.push_str("## What we know\n\n");
        if self.known.is_empty() {
            out.push_str(self.nothing_known);
            out.push('\n');
        }
        for k in &self.known {
            out.push_str(&format!("- {k}\n"));
        }
        out.push_str("\n## What we don't know yet\n\n");
        for o in &self.open {
            out.push_str(&format!("- {o}\n"));
        }
        out.push_str("\n## Questions to think about\n\n");
        for (i, q) in self.questions.iter().enumerate() {
            out.push_str(&format!("{}. {q}\n", i + 1));
        }
        out.push_str("\n## How to prepare\n\n");
        for p in &self.prepare {
            out.push_str(&format!("- {p}\n"));
        }
        out
    }

    /// The Markdown pre-read of a session on several items: each item in its own section.
    fn markdown_items(&self) -> String {
        let mut out = format!(
            "# Pre-read: {}\n\n_{}_\n\n{}\n",
            self.topic, self.when, self.purpose
        );
        for item in &self.items {
            out.push_str(&format!("\n## {}\n\n", item.heading));
            if let Some(link) = &item.link {
                out.push_str(&format!("<{}>\n\n", link.replace('>', "%3E")));
            }
            let line: Vec<&str> = [item.kind.as_deref(), item.minutes.as_deref()]
                .into_iter()
                .flatten()
                .collect();
            if !line.is_empty() {
                out.push_str(&line.join(" "));
                out.push_str("\n\n");
            }
            match &item.excerpt {
                Some(excerpt) => {
                    for line in excerpt.lines() {
                        out.push_str(if line.trim().is_empty() { ">" } else { "> " });
                        out.push_str(line);
                        out.push('\n');
                    }
                }
                None => out.push_str(self.no_notes),
            }
            out.push_str("\n\n### What we know\n\n");
            if item.known.is_empty() {
                out.push_str(self.nothing_known);
                out.push('\n');
            }
            for k in &item.known {
                out.push_str(&format!("- {k}\n"));
            }
            out.push_str("\n### What we don't know yet\n\n");
            for o in &item.open {
                out.push_str(&format!("- {o}\n"));
            }
            out.push_str("\n### Questions to think about\n\n");
            for (i, q) in item.questions.iter().enumerate() {
                out.push_str(&format!("{}. {q}\n", i + 1));
            }
        }
        if !self.deferred.is_empty() {
            out.push_str("\n## Not in this session\n\nThese wait for the next session; no need to prepare them yet:\n\n");
            for d in &self.deferred {
                out.push_str(&format!("- {d}\n"));
            }
        }
        out.push_str("\n## How to prepare\n\n");
        for p in &self.prepare {
            out.push_str(&format!("- {p}\n"));
        }
        out
    }

    fn html(&self) -> Result<String, FormatError> {
        let mut env = Environment::new();
        env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
        env.add_template("pre-read.html", TEMPLATE)
            .map_err(|e| FormatError::Failed(e.to_string()))?;
        env.get_template("pre-read.html")
            .and_then(|t| {
                t.render(context! { r => minijinja::Value::from(minijinja::value::Serde(self)) })
            })
            .map_err(|e| FormatError::Failed(e.to_string()))
    }
}

impl Format for PreReadFormat {
    fn info(&self) -> PluginInfo {
        PluginInfo {
            id: String::from("pre-read"),
            version: env!("CARGO_PKG_VERSION").to_string(),
            description: String::from(
                "What the team reads before the session: the item, what is known and open, questions (Markdown)",
            ),
        }
    }

    fn render(&self, pack: &Pack) -> Result<Rendered, FormatError> {
        Ok(Rendered {
            bytes: PreRead::of(pack).markdown().into_bytes(),
            media_type: String::from("text/markdown; charset=utf-8"),
            extension: String::from("md"),
        })
    }
}

impl Format for PreReadHtmlFormat {
    fn info(&self) -> PluginInfo {
        PluginInfo {
            id: String::from("pre-read-html"),
            version: env!("CARGO_PKG_VERSION").to_string(),
            description: String::from("The team's pre-read as one standalone HTML page"),
        }
    }

    fn render(&self, pack: &Pack) -> Result<Rendered, FormatError> {
        Ok(Rendered {
            bytes: PreRead::of(pack).html()?.into_bytes(),
            media_type: String::from("text/html; charset=utf-8"),
            extension: String::from("html"),
        })
    }
}
