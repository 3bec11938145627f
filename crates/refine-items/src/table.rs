//! CSV exports: the separator told from the header (`,`, `;` or tab, as spreadsheet locales
//! write them), repeated columns kept (Jira writes `Labels` once per label), errors with lines.

use crate::ItemsError;

/// The separator of a header line: the one of `,` `;` tab that occurs most outside quotes.
fn delimiter(header: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for c in header.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => counts[0] += 1,
            ';' if !quoted => counts[1] += 1,
            '\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], 2 - i)).unwrap_or(0);
    [b',', b';', b'\t'][best]
}

/// The cells of a header line, unquoted and trimmed.
pub(crate) fn header_cells(line: &str) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(delimiter(line))
        .from_reader(line.as_bytes());
    reader
        .records()
        .next()
        .and_then(Result::ok)
        .map(|r| r.iter().map(|c| c.trim().to_string()).collect())
        .unwrap_or_default()
}

/// A CSV export: its header and rows, each with its first line in the file.
pub(crate) struct Table {
    pub(crate) headers: Vec<String>,
    pub(crate) rows: Vec<(usize, csv::StringRecord)>,
}

impl Table {
    pub(crate) fn read(text: &str, origin: &str) -> Result<Table, ItemsError> {
        // Line numbers from the csv reader run one short after CR LF line ends: read LF only.
        let text = text.replace("\r\n", "\n");
        let header_line = text.lines().next().unwrap_or("");
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter(header_line))
            .from_reader(text.as_bytes());
        let error = |e: csv::Error| {
            let line = e.position().map_or(1, |p| p.line() as usize);
            let message = match e.kind() {
                csv::ErrorKind::UnequalLengths {
                    expected_len, len, ..
                } => format!(
                    "this row has {len} fields where the header has {expected_len} (a cut or hand-edited export?)"
                ),
                csv::ErrorKind::Utf8 { .. } => {
                    String::from("not UTF-8 text; export again as CSV (UTF-8)")
                }
                _ => e.to_string(),
            };
            ItemsError::Csv {
                origin: origin.to_string(),
                line,
                message,
            }
        };
        let headers = reader
            .headers()
            .map_err(error)?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(error)?;
            let line = record.position().map_or(0, |p| p.line() as usize);
            if record.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            rows.push((line, record));
        }
        Ok(Table { headers, rows })
    }

    /// The indexes of the columns `matches` accepts (by lower-case header), in order.
    pub(crate) fn columns(&self, matches: impl Fn(&str) -> bool) -> Vec<usize> {
        self.headers
            .iter()
            .enumerate()
            .filter(|(_, h)| matches(&h.to_lowercase()))
            .map(|(i, _)| i)
            .collect()
    }

    /// The one column named `name` (any case), or an error naming the columns there are.
    pub(crate) fn required(
        &self,
        name: &str,
        origin: &str,
        export: &str,
    ) -> Result<usize, ItemsError> {
        self.columns(|h| h == name.to_lowercase())
            .first()
            .copied()
            .ok_or_else(|| ItemsError::Csv {
                origin: origin.to_string(),
                line: 1,
                message: format!(
                    "no `{name}` column in this {export} export; its columns are: {}",
                    self.headers.join(", ")
                ),
            })
    }
}

/// The non-empty cells of `columns` in `record`.
pub(crate) fn cells(record: &csv::StringRecord, columns: &[usize]) -> Vec<String> {
    columns
        .iter()
        .filter_map(|&i| record.get(i))
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_separator_is_told_from_the_header() {
        assert_eq!(delimiter("Summary,Issue key,Labels"), b',');
        assert_eq!(delimiter("Summary;Issue key;\"Labels, all\""), b';');
        assert_eq!(delimiter("ID\tTitle\tTeam"), b'\t');
        assert_eq!(header_cells("\"ID\";\"Title\""), ["ID", "Title"]);
    }
}
