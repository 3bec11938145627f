//! Linear's CSV export: `ID`, `Team`, `Title`, `Description` (Markdown), `Estimate`, `Labels`
//! (comma-separated in one cell), and more columns read by no one here. Any other tracker's CSV
//! with a title column reads the same way, its columns found by their usual names (`Summary`,
//! `Name`; `Key`, `Number`; `Body`, `Details`; `Link`; `Tags`; `Story Points`).

use crate::table::Table;
use crate::{Item, ItemsError, text_of};

/// The usual names of each column, in order of preference (lower case).
pub(crate) const TITLE: &[&str] = &["title", "summary", "name", "subject"];
const KEY: &[&str] = &["id", "key", "issue key", "number", "issue", "ticket"];
const DESCRIPTION: &[&str] = &["description", "body", "details", "notes"];
const URL: &[&str] = &["url", "link", "issue url"];
const LABELS: &[&str] = &["labels", "tags", "label"];
const ESTIMATE: &[&str] = &["estimate", "story points", "points", "story point estimate"];

/// The first column named by one of `names`.
fn column(table: &Table, names: &[&str]) -> Option<usize> {
    names
        .iter()
        .find_map(|name| table.columns(|h| h == *name).first().copied())
}

pub(crate) fn read(text: &str, origin: &str, export: &str) -> Result<Vec<Item>, ItemsError> {
    let table = Table::read(text, origin)?;
    let title = match column(&table, TITLE) {
        Some(title) => title,
        None => table.required("Title", origin, export)?,
    };
    let id = column(&table, KEY);
    let description = column(&table, DESCRIPTION);
    let labels = column(&table, LABELS);
    let estimate = column(&table, ESTIMATE);
    let url = column(&table, URL);
    let mut items = Vec::new();
    for (record, (line, row)) in table.rows.iter().enumerate() {
        let cell = |column: Option<usize>| column.and_then(|c| row.get(c)).and_then(text_of);
        let title = cell(Some(title)).ok_or_else(|| ItemsError::Csv {
            origin: origin.to_string(),
            line: *line,
            message: String::from("the Title is empty"),
        })?;
        items.push(Item {
            key: cell(id),
            title,
            url: cell(url),
            description: cell(description),
            labels: cell(labels)
                .map(|l| {
                    l.split(',')
                        .map(str::trim)
                        .filter(|l| !l.is_empty())
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default(),
            acceptance_criteria: None,
            estimate: cell(estimate),
            record: record + 1,
        });
    }
    Ok(items)
}
