//! Linear's CSV export: `ID`, `Team`, `Title`, `Description` (Markdown), `Estimate`, `Labels`
//! (comma-separated in one cell), and more columns read by no one here.

use crate::table::Table;
use crate::{Item, ItemsError, text_of};

pub(crate) fn read(text: &str, origin: &str) -> Result<Vec<Item>, ItemsError> {
    let table = Table::read(text, origin)?;
    let title = table.required("Title", origin, "Linear CSV")?;
    let id = table.columns(|h| h == "id").first().copied();
    let description = table.columns(|h| h == "description").first().copied();
    let labels = table.columns(|h| h == "labels").first().copied();
    let estimate = table.columns(|h| h == "estimate").first().copied();
    let url = table.columns(|h| h == "url").first().copied();
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
