//! Asking a case's backend: through the response cache (one case per prompt asks, the others
//! wait for its answer), saving live answers as replay recordings when asked.

use std::path::Path;
use std::time::Instant;

use backend_replay::{RecordingMeta, recording};
use refine_core::{Guide, SessionRequest};
use refine_plugin::{Backend, BackendInput};

use super::{Case, RunOptions};
use crate::cache::Cache;

/// What asking a backend gives: its reply, whether it came from the cache, and the call's
/// latency in milliseconds.
pub(super) type Asked =
    Result<(refine_plugin::BackendReply, bool, u64), refine_plugin::BackendError>;

/// Calls the backend, through the cache when it is on and the backend is not local; records
/// live replies when asked. Returns the reply, whether it was cached, and the call's latency.
pub(super) fn ask(
    backend: &dyn Backend,
    case: &Case<'_>,
    request: &SessionRequest,
    guide: &Guide,
    prompt: &str,
    options: &RunOptions,
) -> Asked {
    let cache = options.cache.as_ref().filter(|_| !backend.is_local());
    let key = cache.map(|_| Cache::key(&case.spec.id, &case.spec.options, prompt));
    if let (Some(cache), Some(key)) = (cache, &key)
        && let Some(hit) = cache.get(key)
    {
        return Ok((hit, true, 0));
    }
    // A miss: one case per prompt asks, the others with the same prompt wait for its answer.
    let flight = cache
        .zip(key.as_deref())
        .map(|(cache, key)| cache.fetching(key));
    let _asking = flight
        .as_ref()
        .map(|lock| lock.lock().unwrap_or_else(|p| p.into_inner()));
    if let (Some(cache), Some(key)) = (cache, &key)
        && let Some(hit) = cache.get(key)
    {
        return Ok((hit, true, 0));
    }
    let started = Instant::now();
    let reply = backend.generate(&BackendInput {
        prompt,
        request,
        guide,
        options: &case.spec.options,
        on_text: None,
    })?;
    let latency = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    if let (Some(cache), Some(key)) = (cache, &key) {
        // A cache that cannot be written costs speed, not results.
        let _ = cache.put(key, &reply);
        cache.fetched(key);
    }
    if let Some(dir) = options.record.as_ref().filter(|_| !backend.is_local()) {
        let meta = RecordingMeta {
            topic: request.topic().to_string(),
            backend: Some(case.spec.label.clone()),
            model: reply.meta.model.clone(),
        };
        save_recording(dir, &case.topic.id, &case.spec.id, &meta, &reply.text);
    }
    Ok((reply, false, latency))
}

/// Saves a live answer as `DIR/<topic_id>.<backend>.md`, a replay recording. A recording that
/// cannot be written costs the recording, not the result.
pub(super) fn save_recording(
    dir: &Path,
    topic_id: &str,
    backend: &str,
    meta: &RecordingMeta,
    text: &str,
) {
    let file = dir.join(format!("{topic_id}.{backend}.md"));
    let _ = std::fs::create_dir_all(dir).and_then(|()| std::fs::write(file, recording(meta, text)));
}
