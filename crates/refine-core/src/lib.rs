//! `refine-core`: the contract of a refinement session, defined once.
//!
//! The [`guide`] model, the section [`contract`]s, the [`prompt`] renderer, the reply [`parse`]r
//! and the [`lint`]er. It does no I/O beyond reading a guide file the caller names, and knows no
//! backend: everything downstream (backends, formats, the eval harness) judges replies with
//! [`analyze`].

pub mod contract;
pub mod distinct;
pub mod finding;
pub mod guide;
pub mod lint;
pub mod parse;
pub mod plan;
pub mod prompt;
mod recent;
pub mod request;
pub mod schedule;
pub mod structured;
pub mod template;
pub mod text;
pub mod timebox;
pub mod work;

#[cfg(test)]
mod pattern_engines;

use serde::{Deserialize, Serialize};

pub use finding::{Code, Finding, Severity};
pub use guide::{Guide, GuideError, GuideOrigin};
pub use lint::Scores;
pub use plan::{AgendaItem, DeferredItem, ItemPlan, SessionPlan};
pub use request::{RequestError, SessionItem, SessionRequest, Topic};
pub use timebox::Minutes;

/// What `refine check` reports on a reply: the plan, the findings and the scores. Its JSON shape
/// is the documented, stable output of `refine check --format json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The plan read from the reply.
    pub plan: SessionPlan,
    /// Everything found wrong, sorted by line.
    pub findings: Vec<Finding>,
    /// The scores.
    pub scores: Scores,
}

impl Report {
    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }
}

/// Parses and lints `reply` for `request` against `guide`. Never fails: a malformed reply yields
/// findings.
///
/// ```
/// use refine_core::{Code, Guide, SessionRequest, Topic, analyze};
///
/// let request = SessionRequest::new(Topic::new("Reduce checkout abandonment on mobile")?);
/// let report = analyze("<agenda>\n1. Context Setting (15 min)\n</agenda>", &Guide::builtin(), &request);
/// assert_eq!(report.plan.agenda[0].phase.as_deref(), Some("context-setting"));
/// assert!(report.findings.iter().any(|f| f.code == Code::SectionMissing));
/// assert!(report.has_errors());
/// # Ok::<(), refine_core::RequestError>(())
/// ```
pub fn analyze(reply: &str, guide: &Guide, request: &SessionRequest) -> Report {
    let parsed = parse::parse_reply(reply, request.topic().as_str(), guide);
    let (findings, scores) = lint::lint(&parsed, guide, request);
    let mut plan = parsed.plan;
    name_items(&mut plan, request);
    Report {
        plan,
        findings,
        scores,
    }
}

/// Gives the plan's item blocks their key, title and link from the request (the reply's own
/// line naming the item is kept when the request has no such item), in the request's order,
/// and lists the deferred items.
fn name_items(plan: &mut SessionPlan, request: &SessionRequest) {
    for item in &mut plan.items {
        if let Some(wanted) = request.items().get(item.number.wrapping_sub(1)) {
            item.key = wanted.key().map(str::to_string);
            item.title = wanted.title().to_string();
            item.url = wanted.url().map(str::to_string);
        }
    }
    plan.items.sort_by_key(|i| i.number);
    let taken = request.items().len();
    plan.deferred = request
        .deferred()
        .iter()
        .enumerate()
        .map(|(i, d)| plan::DeferredItem {
            number: taken + i + 1,
            key: d.key().map(str::to_string),
            title: d.title().to_string(),
            url: d.url().map(str::to_string),
        })
        .collect();
}
