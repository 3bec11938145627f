//! GitHub: `gh issue list --json number,title,body,labels,url` and the REST issues array, where
//! pull requests carry a `pull_request` key and are left out.

use serde::Deserialize;

use crate::{Item, ItemsError, json_error, text_of};

#[derive(Deserialize)]
struct Issue {
    number: Option<u64>,
    title: Option<String>,
    body: Option<String>,
    #[serde(default)]
    labels: Vec<Label>,
    /// `gh`: the page; REST: the API address.
    url: Option<String>,
    /// REST: the page.
    html_url: Option<String>,
    pull_request: Option<serde_json::Value>,
    /// `gh pr list --json isDraft…` output has no such key; `gh search` has `isPullRequest`.
    #[serde(rename = "isPullRequest")]
    is_pull_request: Option<bool>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Label {
    Named { name: String },
    Plain(String),
}

pub(crate) fn read(text: &str, origin: &str) -> Result<Vec<Item>, ItemsError> {
    // A list, or one issue (`gh issue view N --json …`).
    let issues: Vec<serde_json::Value> =
        match serde_json::from_str(text).map_err(|e| json_error(origin, &e))? {
            serde_json::Value::Array(issues) => issues,
            one => vec![one],
        };
    let total = issues.len();
    let mut items = Vec::new();
    for (i, value) in issues.into_iter().enumerate() {
        let record = i + 1;
        let bad = |message: String| ItemsError::Record {
            origin: origin.to_string(),
            record,
            message,
        };
        let issue: Issue = serde_json::from_value(value).map_err(|e| {
            bad(format!("not a GitHub issue ({e}); export with `gh issue list --json number,title,body,labels,url`"))
        })?;
        if issue.pull_request.is_some() || issue.is_pull_request == Some(true) {
            continue;
        }
        let title = issue
            .title
            .as_deref()
            .and_then(text_of)
            .ok_or_else(|| bad(String::from("no title")))?;
        let url = issue
            .html_url
            .or(issue.url.filter(|u| !u.contains("://api.github.com/")));
        items.push(Item {
            key: issue.number.map(|n| format!("#{n}")),
            title,
            url,
            description: issue.body.as_deref().and_then(text_of),
            labels: issue
                .labels
                .into_iter()
                .map(|l| match l {
                    Label::Named { name } | Label::Plain(name) => name,
                })
                .collect(),
            acceptance_criteria: None,
            estimate: None,
            record,
        });
    }
    if items.is_empty() && total > 0 {
        return Err(ItemsError::NoItems {
            origin: origin.to_string(),
            why: format!(": its {total} entries are all pull requests"),
        });
    }
    Ok(items)
}
