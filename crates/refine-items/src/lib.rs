//! Backlog items as trackers export them: a GitHub issue list (`gh issue list --json …` or the
//! REST issues array), Jira (REST search or issue JSON, with ADF or wiki-markup descriptions, and
//! the CSV export), Linear's CSV export, and a plain Markdown list. The format is told from the
//! content, or forced. No I/O: the caller reads the file and names it for errors.
//!
//! Estimates and story points are read (so a user can see they were) but kept apart: the guide
//! warns against estimating in refinement, and no pack shows them.

mod adf;
mod github;
mod jira;
mod linear;
mod markdown;
mod table;

use std::fmt;

/// The largest items file read, in bytes.
pub const ITEMS_MAX_BYTES: usize = 16 << 20;

/// One backlog item.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Item {
    /// The tracker's key: `#123`, `PROJ-42`, `ENG-7`; none for a plain list item without one.
    pub key: Option<String>,
    /// The title (summary).
    pub title: String,
    /// A link to the item, when the export has one.
    pub url: Option<String>,
    /// The body as Markdown text, when there is one.
    pub description: Option<String>,
    /// Labels, in the export's order.
    pub labels: Vec<String>,
    /// Acceptance criteria, when a field holds them.
    pub acceptance_criteria: Option<String>,
    /// An estimate or story points, when the export has one: read, never packed.
    pub estimate: Option<String>,
    /// Where the item stands in the file: the 1-based record (CSV row, JSON array index + 1,
    /// list item) for messages.
    pub record: usize,
}

impl Item {
    /// The item as one of a session's items: title, key, link and notes, each checked.
    pub fn session_item(&self) -> Result<refine_core::SessionItem, refine_core::RequestError> {
        let mut item = refine_core::SessionItem::new(&self.title)?
            .with_key(self.key.as_deref())
            .with_url(self.url.as_deref());
        if let Some(notes) = self.notes() {
            item = item.with_notes(&notes)?;
        }
        Ok(item)
    }

    /// A label for messages: the key, else the item's place in the file.
    pub fn label(&self) -> String {
        self.key
            .clone()
            .unwrap_or_else(|| format!("#{} in the file", self.record))
    }

    /// The item's notes for a session: its description and acceptance criteria.
    pub fn notes(&self) -> Option<String> {
        match (&self.description, &self.acceptance_criteria) {
            (None, None) => None,
            (Some(d), None) => Some(d.clone()),
            (None, Some(ac)) => Some(format!("Acceptance criteria:\n{ac}")),
            (Some(d), Some(ac)) => Some(format!("{d}\n\nAcceptance criteria:\n{ac}")),
        }
    }
}

/// The export formats read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemsFormat {
    /// `gh issue list --json …` output or the REST `GET /repos/{owner}/{repo}/issues` array.
    Github,
    /// Jira's REST search (`{"issues": [...]}`) or a single issue (`{"key", "fields"}`).
    JiraJson,
    /// Jira's CSV export.
    JiraCsv,
    /// Linear's CSV export.
    LinearCsv,
    /// Any other CSV with a title column (`Title`, `Summary`, `Name`), such as a GitHub Projects
    /// or spreadsheet export.
    Csv,
    /// A Markdown list: `- title` with indented notes under it.
    Markdown,
}

impl ItemsFormat {
    /// Every format with its name for `--items-format`.
    pub const ALL: [(ItemsFormat, &'static str); 6] = [
        (ItemsFormat::Github, "github"),
        (ItemsFormat::JiraJson, "jira-json"),
        (ItemsFormat::JiraCsv, "jira-csv"),
        (ItemsFormat::LinearCsv, "linear-csv"),
        (ItemsFormat::Csv, "csv"),
        (ItemsFormat::Markdown, "markdown"),
    ];

    /// The name for `--items-format`.
    pub fn name(self) -> &'static str {
        ItemsFormat::ALL
            .iter()
            .find(|(f, _)| *f == self)
            .map_or("markdown", |(_, n)| n)
    }
}

impl fmt::Display for ItemsFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for ItemsFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ItemsFormat::ALL
            .iter()
            .find(|(_, n)| *n == s)
            .map(|(f, _)| *f)
            .ok_or_else(|| {
                let names: Vec<&str> = ItemsFormat::ALL.iter().map(|(_, n)| *n).collect();
                format!("unknown items format `{s}`; one of: {}", names.join(", "))
            })
    }
}

/// Why an export cannot be read. Each names the file and, where there is one, the line or
/// record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ItemsError {
    /// The file is empty or only white space.
    #[error("{origin}: the file is empty; export some items first")]
    Empty {
        /// The file.
        origin: String,
    },
    /// Larger than [`ITEMS_MAX_BYTES`].
    #[error(
        "{origin}: {bytes} bytes, over the limit of {ITEMS_MAX_BYTES} bytes (16 MiB) for an items file"
    )]
    TooLarge {
        /// The file.
        origin: String,
        /// Its size.
        bytes: usize,
    },
    /// The content is none of the formats.
    #[error(
        "{origin}: cannot tell what export this is; expected a GitHub issue list (JSON), Jira JSON or CSV, a Linear CSV, a CSV with a Title column, or a Markdown list (`- title` lines); name it with --items-format"
    )]
    Unknown {
        /// The file.
        origin: String,
    },
    /// JSON that does not parse.
    #[error("{origin}:{line}:{column}: {message}")]
    Json {
        /// The file.
        origin: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// CSV that does not read, or a record that does not fit the header.
    #[error("{origin}:{line}: {message}")]
    Csv {
        /// The file.
        origin: String,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A record (JSON element, CSV row, list item) that is not an item.
    #[error("{origin}: item {record}: {message}")]
    Record {
        /// The file.
        origin: String,
        /// 1-based record.
        record: usize,
        /// What is wrong.
        message: String,
    },
    /// Read, but holding no item.
    #[error("{origin}: no items in it{why}")]
    NoItems {
        /// The file.
        origin: String,
        /// Why, when known (", only pull requests").
        why: String,
    },
}

/// Tells the format from the content, or `None`.
pub fn detect(text: &str) -> Option<ItemsFormat> {
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if text.starts_with('{') || text.starts_with('[') {
        // Jira's issues carry `fields` (a search result holds `issues`); GitHub's, a `title`.
        let head: String = text.chars().take(4096).collect();
        return Some(
            if head.contains("\"fields\"") || head.contains("\"issues\"") {
                ItemsFormat::JiraJson
            } else {
                ItemsFormat::Github
            },
        );
    }
    let header = text.lines().next().unwrap_or("");
    let cells = table::header_cells(header);
    let has = |name: &str| cells.iter().any(|c| c.eq_ignore_ascii_case(name));
    if has("Issue key") || (has("Summary") && (has("Issue id") || has("Issue Type"))) {
        return Some(ItemsFormat::JiraCsv);
    }
    if has("ID") && has("Title") && (has("Team") || has("Status")) {
        return Some(ItemsFormat::LinearCsv);
    }
    if cells.len() > 1 && linear::TITLE.iter().any(|t| has(t)) {
        return Some(ItemsFormat::Csv);
    }
    if markdown::has_items(text) {
        return Some(ItemsFormat::Markdown);
    }
    None
}

/// Reads the items of an export named `origin` (for messages), in the file's order.
pub fn read(
    text: &str,
    format: Option<ItemsFormat>,
    origin: &str,
) -> Result<Vec<Item>, ItemsError> {
    if text.len() > ITEMS_MAX_BYTES {
        return Err(ItemsError::TooLarge {
            origin: origin.to_string(),
            bytes: text.len(),
        });
    }
    let text = text.trim_start_matches('\u{feff}');
    if text.trim().is_empty() {
        return Err(ItemsError::Empty {
            origin: origin.to_string(),
        });
    }
    let format = match format.or_else(|| detect(text)) {
        Some(format) => format,
        None => {
            return Err(ItemsError::Unknown {
                origin: origin.to_string(),
            });
        }
    };
    let items = match format {
        ItemsFormat::Github => github::read(text, origin)?,
        ItemsFormat::JiraJson => jira::read_json(text, origin)?,
        ItemsFormat::JiraCsv => jira::read_csv(text, origin)?,
        ItemsFormat::LinearCsv => linear::read(text, origin, "Linear CSV")?,
        ItemsFormat::Csv => linear::read(text, origin, "CSV")?,
        ItemsFormat::Markdown => markdown::read(text),
    };
    if items.is_empty() {
        return Err(ItemsError::NoItems {
            origin: origin.to_string(),
            why: String::new(),
        });
    }
    // A link is a web page: anything else (javascript:, file:) from an export is dropped, as
    // packs put links into HTML.
    let mut items = items;
    for item in &mut items {
        item.url = item.url.take().filter(|u| {
            let lower = u.to_ascii_lowercase();
            (lower.starts_with("https://") || lower.starts_with("http://"))
                && !u.contains(char::is_whitespace)
        });
    }
    Ok(items)
}

/// A JSON parse error with its place.
pub(crate) fn json_error(origin: &str, e: &serde_json::Error) -> ItemsError {
    let full = e.to_string();
    // serde_json says "... at line L column C"; the place is given once, in front.
    let what = full.split(" at line ").next().unwrap_or(&full);
    let message = match e.classify() {
        serde_json::error::Category::Eof => {
            format!("the JSON ends too soon (a truncated export?): {what}")
        }
        _ => what.to_string(),
    };
    ItemsError::Json {
        origin: origin.to_string(),
        line: e.line(),
        column: e.column(),
        message,
    }
}

/// A value as trimmed text, `None` when empty.
pub(crate) fn text_of(value: &str) -> Option<String> {
    let t = value.trim();
    (!t.is_empty()).then(|| t.replace("\r\n", "\n"))
}
