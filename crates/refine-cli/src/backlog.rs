//! The request from a topic or from a tracker's export (`--items`): one item, the one named by
//! `--item`, or a session on several items with those that do not fit deferred.

use anyhow::{Context, Result, anyhow};
use refine_core::schedule::session_on;
use refine_core::{Guide, SessionRequest};
use refine_plugin::ItemSource;

use crate::cli::{BacklogArgs, SessionArgs};
use crate::input::{Stdin, session_request};

/// The request the command line asks for, and the tracker item it came from when it is one.
pub(crate) fn request(
    topic: Option<&str>,
    backlog: &BacklogArgs,
    session: &SessionArgs,
    guide: &Guide,
    stdin: &mut Stdin,
) -> Result<(SessionRequest, Option<ItemSource>)> {
    let Some(path) = &backlog.items else {
        let topic = stdin.text_or_stdin(topic.unwrap_or("-"), "TOPIC")?;
        return Ok((session_request(&topic, session, stdin)?, None));
    };
    let text = stdin.file_or_stdin(path, "--items")?;
    let origin = path.display().to_string();
    let mut items = refine_items::read(&text, backlog.items_format, &origin)?;
    if let Some(template) = &backlog.item_url {
        for item in &mut items {
            if let (None, Some(key)) = (&item.url, &item.key) {
                let key = key.trim_start_matches('#').replace(' ', "%20");
                item.url = Some(template.replace("{key}", &key));
            }
        }
    }
    let keys = || {
        items
            .iter()
            .filter_map(|i| i.key.as_deref())
            .take(12)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let chosen = match &backlog.item {
        Some(wanted) => {
            let norm = |k: &str| k.trim_start_matches('#').to_lowercase();
            let item = items
                .iter()
                .find(|i| i.key.as_deref().is_some_and(|k| norm(k) == norm(wanted)))
                .ok_or_else(|| {
                    anyhow!(
                        "{origin}: no item with key `{wanted}`; its keys: {}",
                        keys()
                    )
                })?;
            Some(item)
        }
        None if items.len() == 1 => items.first(),
        None => None,
    };
    if let Some(item) = chosen {
        let mut request = SessionRequest::new(
            refine_core::Topic::new(&item.title)
                .with_context(|| format!("item {}: its title", item.label()))?,
        );
        if let Some(notes) = item.notes() {
            request = request
                .with_context(&notes)
                .with_context(|| format!("item {}: its body", item.label()))?;
        }
        if let Some(minutes) = session.minutes {
            request = request.with_minutes(minutes).context("invalid --minutes")?;
        }
        let source = ItemSource {
            key: item.key.clone(),
            url: item.url.clone(),
        };
        return Ok((request, Some(source)));
    }
    let mut all = Vec::with_capacity(items.len());
    for item in &items {
        all.push(
            item.session_item()
                .with_context(|| format!("{origin}: item {}", item.label()))?,
        );
    }
    if let Some(minutes) = session.minutes {
        // Checked before fitting, so an out-of-range length names --minutes.
        SessionRequest::new(refine_core::Topic::new("-")?)
            .with_minutes(minutes)
            .context("invalid --minutes")?;
    }
    let max = backlog.max_items.map(usize::from);
    Ok((session_on(guide, all, session.minutes, max)?, None))
}
