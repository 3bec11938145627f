//! Jira: the REST search result (`{"issues": [...]}`, with `names` when expanded), a single
//! issue (`{"key", "fields"}`), or an array of issues; and the CSV export, where a column such
//! as `Labels` repeats once per value and custom fields read `Custom field (Name)`.

use serde_json::Value;

use crate::adf::{to_markdown, wiki_to_markdown};
use crate::table::{Table, cells};
use crate::{Item, ItemsError, json_error, text_of};

/// Whether a field's display name holds acceptance criteria.
fn is_acceptance(name: &str) -> bool {
    let n = name.to_lowercase();
    n.contains("acceptance criteria") || n.contains("acceptance_criteria")
}

/// Whether a field's display name holds an estimate.
fn is_estimate(name: &str) -> bool {
    let n = name.to_lowercase();
    n.contains("story point") || n.contains("estimate") || n == "story_points"
}

/// A description or custom text field as Markdown: ADF walked, wiki markup converted.
fn rich_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => text_of(&wiki_to_markdown(s)),
        Value::Object(_) if value.get("type").is_some() => text_of(&to_markdown(value)),
        _ => None,
    }
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => text_of(s),
        Value::Number(n) => Some(n.to_string()),
        Value::Object(o) => o
            .get("value")
            .or_else(|| o.get("name"))
            .and_then(Value::as_str)
            .and_then(text_of),
        other => Some(other.to_string()),
    }
}

pub(crate) fn read_json(text: &str, origin: &str) -> Result<Vec<Item>, ItemsError> {
    let value: Value = serde_json::from_str(text).map_err(|e| json_error(origin, &e))?;
    let names = value.get("names").and_then(Value::as_object).cloned();
    let issues: Vec<Value> = match value {
        Value::Array(issues) => issues,
        Value::Object(mut o) if o.contains_key("issues") => match o.remove("issues") {
            Some(Value::Array(issues)) => issues,
            _ => {
                return Err(ItemsError::Record {
                    origin: origin.to_string(),
                    record: 1,
                    message: String::from("`issues` is not an array"),
                });
            }
        },
        Value::Object(o) if o.contains_key("fields") => vec![Value::Object(o)],
        _ => {
            return Err(ItemsError::Record {
                origin: origin.to_string(),
                record: 1,
                message: String::from(
                    "not a Jira export: expected {\"issues\": [...]} from /rest/api/3/search, or an issue with \"key\" and \"fields\"",
                ),
            });
        }
    };
    let display = |field: &str| -> String {
        names
            .as_ref()
            .and_then(|n| n.get(field))
            .and_then(Value::as_str)
            .unwrap_or(field)
            .to_string()
    };
    let mut items = Vec::new();
    for (i, issue) in issues.iter().enumerate() {
        let record = i + 1;
        let bad = |message: &str| ItemsError::Record {
            origin: origin.to_string(),
            record,
            message: message.to_string(),
        };
        let fields = issue
            .get("fields")
            .and_then(Value::as_object)
            .ok_or_else(|| bad("no `fields` object: not a Jira issue"))?;
        let key = issue.get("key").and_then(Value::as_str).and_then(text_of);
        let title = fields
            .get("summary")
            .and_then(Value::as_str)
            .and_then(text_of)
            .ok_or_else(|| bad("no `summary`"))?;
        // The page is the instance's address with /browse/KEY.
        let url = issue
            .get("self")
            .and_then(Value::as_str)
            .and_then(|s| s.find("/rest/").map(|at| &s[..at]))
            .zip(key.as_deref())
            .map(|(base, key)| format!("{base}/browse/{key}"));
        let mut acceptance = None;
        let mut estimate = None;
        for (field, value) in fields {
            let name = display(field);
            if acceptance.is_none() && is_acceptance(&name) {
                acceptance = rich_text(value);
            } else if estimate.is_none() && (is_estimate(&name) || field == "timeoriginalestimate")
            {
                estimate = scalar(value);
            }
        }
        items.push(Item {
            key,
            title,
            url,
            description: fields.get("description").and_then(rich_text),
            labels: fields
                .get("labels")
                .and_then(Value::as_array)
                .map(|l| {
                    l.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default(),
            acceptance_criteria: acceptance,
            estimate,
            record,
        });
    }
    Ok(items)
}

pub(crate) fn read_csv(text: &str, origin: &str) -> Result<Vec<Item>, ItemsError> {
    let table = Table::read(text, origin)?;
    let summary = table.required("Summary", origin, "Jira CSV")?;
    let key = table.columns(|h| h == "issue key").first().copied();
    let description = table.columns(|h| h == "description").first().copied();
    let labels = table.columns(|h| h == "labels");
    let acceptance = table.columns(is_acceptance);
    let estimate = table.columns(is_estimate);
    let mut items = Vec::new();
    for (record, (line, row)) in table.rows.iter().enumerate() {
        let title = row
            .get(summary)
            .and_then(text_of)
            .ok_or_else(|| ItemsError::Csv {
                origin: origin.to_string(),
                line: *line,
                message: String::from("the Summary is empty"),
            })?;
        items.push(Item {
            key: key.and_then(|k| row.get(k)).and_then(text_of),
            title,
            url: None,
            description: description
                .and_then(|d| row.get(d))
                .and_then(|d| text_of(&wiki_to_markdown(d))),
            labels: cells(row, &labels),
            acceptance_criteria: cells(row, &acceptance)
                .first()
                .and_then(|a| text_of(&wiki_to_markdown(a))),
            estimate: cells(row, &estimate).into_iter().next(),
            record: record + 1,
        });
    }
    Ok(items)
}
