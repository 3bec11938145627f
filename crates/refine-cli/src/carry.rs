//! `refine prep --carry-over JOURNAL…`: the next session from earlier ones — their unfinished
//! items back first, a review slot for their open actions, questions and parked items, and
//! their retrospective applied to the phases' timeboxes.

use std::path::PathBuf;

use anyhow::Result;
use refine_core::schedule::session_on;
use refine_core::{Guide, SessionItem, SessionRequest};
use refine_plugin::{ItemSource, Pack};
use refine_session::Notes;
use refine_session::carry::{CarryOver, Earlier, PhaseChange};

/// Reads the earlier sessions' journals.
pub(crate) fn load(paths: &[PathBuf]) -> Result<CarryOver> {
    let mut earlier = Vec::with_capacity(paths.len());
    for path in paths {
        let (header, entries) = refine_session::journal::read(path)?;
        let pack = Pack::from(header.pack.clone());
        let steps = refine_session::steps(&pack);
        let notes = Notes::new(&header, &pack, &steps, &entries);
        earlier.push(Earlier { notes, pack });
    }
    Ok(CarryOver::from_sessions(&earlier))
}

/// The request and guide of the next session: unfinished items first (then the ones asked
/// for, fitted again), planned for the session length less the review slot, with the guide's
/// phases adjusted by the retrospective.
pub(crate) fn shape(
    carry: &CarryOver,
    request: SessionRequest,
    source: Option<&ItemSource>,
    guide: &Guide,
    max_items: Option<usize>,
) -> Result<(SessionRequest, Guide, Vec<PhaseChange>)> {
    let total = request.minutes().unwrap_or_else(|| guide.natural_minutes());
    let planned = total.saturating_sub(carry.review_minutes()).max(1);
    let request = if carry.unfinished.is_empty() || only_again(carry, &request) {
        request
    } else {
        let mut all: Vec<SessionItem> = Vec::new();
        for u in &carry.unfinished {
            let mut item = SessionItem::new(&u.title)?
                .with_key(u.key.as_deref())
                .with_url(u.url.as_deref());
            if let Some(notes) = &u.notes {
                item = item.with_notes(notes)?;
            }
            all.push(item);
        }
        let asked: Vec<SessionItem> = if request.items().is_empty() {
            let mut one = SessionItem::new(request.topic().as_str())?
                .with_key(source.and_then(|s| s.key.as_deref()))
                .with_url(source.and_then(|s| s.url.as_deref()));
            if let Some(notes) = request.context() {
                one = one.with_notes(notes)?;
            }
            vec![one]
        } else {
            request
                .items()
                .iter()
                .chain(request.deferred())
                .cloned()
                .collect()
        };
        for item in asked {
            let same = |x: &SessionItem| match (x.key(), item.key()) {
                (Some(a), Some(b)) => a == b,
                _ => x
                    .title()
                    .as_str()
                    .eq_ignore_ascii_case(item.title().as_str()),
            };
            if !all.iter().any(same) {
                all.push(item);
            }
        }
        session_on(guide, all, Some(planned), max_items)?
    };
    let request = request.with_minutes(planned)?;
    let (guide, changes) = carry.adjust(guide, planned);
    Ok((request, guide, changes))
}

/// Whether the unfinished items are just the single topic asked for again: then the session
/// stays on that one topic, with its own notes.
fn only_again(carry: &CarryOver, request: &SessionRequest) -> bool {
    request.items().is_empty()
        && carry
            .unfinished
            .iter()
            .all(|u| u.title.eq_ignore_ascii_case(request.topic().as_str()))
}
