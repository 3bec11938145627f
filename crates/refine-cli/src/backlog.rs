//! The request from a topic or from a tracker's export (`--items`): one item, the one named by
//! `--item`, or a session on several items with those that do not fit deferred.

use anyhow::{Context, Result, anyhow};
use refine_core::schedule::fit_items;
use refine_core::{Guide, SessionItem, SessionRequest};
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
                .with_context(|| format!("item {}: its title", label(item)))?,
        );
        if let Some(notes) = item.notes() {
            request = request
                .with_context(&notes)
                .with_context(|| format!("item {}: its body", label(item)))?;
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
        let mut one = SessionItem::new(&item.title)
            .with_context(|| format!("{origin}: item {}: its title", label(item)))?
            .with_key(item.key.as_deref())
            .with_url(item.url.as_deref());
        if let Some(notes) = item.notes() {
            one = one
                .with_notes(&notes)
                .with_context(|| format!("{origin}: item {}: its body", label(item)))?;
        }
        all.push(one);
    }
    if let Some(minutes) = session.minutes {
        // Checked before fitting, so an out-of-range length names --minutes.
        SessionRequest::new(refine_core::Topic::new("-")?)
            .with_minutes(minutes)
            .context("invalid --minutes")?;
    }
    let max = backlog.max_items.map(usize::from);
    let fit = fit_items(guide, session.minutes, all.len(), max)?;
    let deferred = all.split_off(fit.taken);
    let mut request = SessionRequest::for_items(all, deferred)?;
    if let Some(minutes) = session.minutes {
        request = request.with_minutes(minutes)?;
    }
    Ok((request, None))
}

/// How an item is named in messages: its key, else its place in the file.
fn label(item: &refine_items::Item) -> String {
    item.key
        .clone()
        .unwrap_or_else(|| format!("#{} in the file", item.record))
}
