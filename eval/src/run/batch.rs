//! Cases in batches: a worker asks the local backend of every case of a batch for its reply
//! first, then reads the replies (parse, lint, record) one after the other.
//!
//! Planning a reply and reading one use different tables: the planner's patterns, vocabularies
//! and guide lines, then the linter's. Case by case, each phase found the other's tables in the
//! core's caches and its own evicted; batch by batch, each keeps its own for a whole batch.
//! 20,000 offline cases took 8-11% less CPU with batches of 16 (medians of five runs each,
//! with and without batches alternating, measured twice). The replies, records and their order
//! are the same.
//!
//! A batch's records are appended to the results in one write when it ends: a write a case was
//! 8% of an offline run's CPU (ext4's buffered write path), and writing a batch at a time took
//! 7% less CPU a case at 20,000 cases. A remote backend's record is on disk before its worker
//! asks for the next case.
//!
//! Only cases of local backends ([`refine_plugin::Backend::is_local`]) share a batch, and only
//! consecutive ones: a remote backend's case is a batch alone, asked when it is run as before,
//! and a run on one worker (`-j 1`) keeps its order. A batch is at most [`MOST_IN_BATCH`] cases,
//! and small enough that every worker gets [`BATCHES_PER_WORKER`] batches: a short run is not
//! left to one worker.

use std::ops::Range;

use refine_core::{SessionRequest, Topic, prompt};
use refine_host::Registry;
use refine_plugin::Backend;

use super::{Case, RunSettings};
use crate::topics::TopicFixture;

/// The most cases a batch holds: enough for each phase's tables to stay warm; a batch's replies
/// are held until it is read (a few kilobytes each).
pub(super) const MOST_IN_BATCH: usize = 16;

/// How many batches of local cases each worker gets at least, when there are that many cases:
/// batches that are too few would leave workers idle at the end of a run.
pub(super) const BATCHES_PER_WORKER: usize = 8;

/// The batches of a run's cases, in order, given which cases' backends are local: every case in
/// exactly one batch; consecutive local cases together, up to the batch size; any other case
/// alone.
pub(super) fn batches(local: &[bool], workers: usize) -> Vec<Range<usize>> {
    let local_cases = local.iter().filter(|&&l| l).count();
    let size = (local_cases / (workers.max(1) * BATCHES_PER_WORKER)).clamp(1, MOST_IN_BATCH);
    let mut out = Vec::new();
    let mut start = 0;
    while start < local.len() {
        let mut end = start + 1;
        if local[start] {
            while end < local.len() && end - start < size && local[end] {
                end += 1;
            }
        }
        out.push(start..end);
        start = end;
    }
    out
}

/// What a case asks its backend: built before the batch asks, kept for reading the reply.
pub(super) struct CaseInput<'r> {
    /// The session request of the case's topic.
    pub(super) request: SessionRequest,
    /// The case's backend.
    pub(super) backend: &'r dyn Backend,
    /// The rendered prompt (empty for a backend that does not read the built-in one).
    pub(super) prompt: String,
}

/// The input of `case`, or why it has none (as its record's error says it).
pub(super) fn case_input<'r>(
    case: &Case<'_>,
    settings: &RunSettings,
    registry: &'r Registry,
) -> Result<CaseInput<'r>, String> {
    let request = build_request(case.topic, settings.minutes)
        .map_err(|e| format!("topic {}: {e}", case.topic.id))?;
    let backend = registry.backend(&case.spec.id).map_err(|e| e.to_string())?;
    let guide = &case.guide.1;
    let rendered = match &case.prompt.1 {
        Some(template) => template.render(guide, &request),
        // The built-in prompt is only rendered for a backend that reads it.
        None if !backend.reads_prompt() => Ok(String::new()),
        None => prompt::render(guide, &request),
    };
    let prompt = rendered.map_err(|e| e.to_string())?;
    Ok(CaseInput {
        request,
        backend,
        prompt,
    })
}

/// The session request of a topic fixture.
pub(super) fn build_request(
    topic: &TopicFixture,
    minutes: Option<u32>,
) -> Result<SessionRequest, refine_core::RequestError> {
    let mut request = SessionRequest::new(Topic::new(&topic.title)?);
    if let Some(context) = &topic.context {
        request = request.with_context(context)?;
    }
    if let Some(m) = minutes {
        request = request.with_minutes(m)?;
    }
    Ok(request)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_long_local_run_is_read_in_full_batches() {
        let ranges = batches(&[true; 20_000], 2);
        assert_eq!(ranges.len(), 20_000 / MOST_IN_BATCH);
        assert!(ranges.iter().all(|r| r.len() == MOST_IN_BATCH));
    }

    #[test]
    fn a_short_run_gives_every_worker_batches() {
        // 40 cases on 4 workers: batches of one, as before batches.
        assert!(batches(&[true; 40], 4).iter().all(|r| r.len() == 1));
        // 320 cases on 4 workers: ten batches each.
        let ranges = batches(&[true; 320], 4);
        assert!(
            ranges
                .iter()
                .all(|r| r.len() == 320 / (4 * BATCHES_PER_WORKER))
        );
    }

    #[test]
    fn a_remote_case_is_a_batch_alone() {
        let mut local = vec![true; 1000];
        local[3] = false;
        local[4] = false;
        let ranges = batches(&local, 1);
        assert!(ranges.contains(&(3..4)));
        assert!(ranges.contains(&(4..5)));
        assert!(ranges.contains(&(0..3)));
        assert!(ranges.contains(&(5..5 + MOST_IN_BATCH)));
    }

    proptest! {
        /// Every case is in one batch, in order; a batch is local cases only, or one case.
        #[test]
        fn batches_cover_the_cases_in_order(
            local in proptest::collection::vec(any::<bool>(), 0..600),
            workers in 1usize..6,
        ) {
            let ranges = batches(&local, workers);
            let mut next = 0;
            for range in &ranges {
                prop_assert_eq!(range.start, next);
                prop_assert!(!range.is_empty() && range.len() <= MOST_IN_BATCH);
                prop_assert!(range.len() == 1 || local[range.clone()].iter().all(|&l| l));
                next = range.end;
            }
            prop_assert_eq!(next, local.len());
        }
    }
}
