//! Repair: when a reply breaks the contract (error findings), ask once more with a follow-up
//! prompt that quotes the findings, at most `repair` times, and keep the best reply. Shared by
//! `refine prep` and `refine-eval`, so both count and record attempts alike.

use refine_core::{Guide, Report, SessionRequest, analyze, prompt};
use refine_plugin::{Attempt, BackendReply};

/// What a preparation with repair ended with.
pub struct Repaired {
    /// The kept reply.
    pub reply: BackendReply,
    /// Its report.
    pub report: Report,
    /// Every reply's attempt, in order, when a repair was asked for; empty otherwise.
    pub attempts: Vec<Attempt>,
}

fn errors(report: &Report) -> usize {
    report
        .findings
        .iter()
        .filter(|f| f.severity == refine_core::Severity::Error)
        .count()
}

/// Asks `ask` for a reply to `prompt`; while the reply has error findings and fewer than
/// `repair` follow-ups were sent, asks again with [`prompt::repair`]. Keeps the reply with the
/// fewest error findings (the later on a tie). A follow-up that fails keeps what there is, with
/// a warning in the kept reply's metadata.
///
/// A reply is planned (by a local backend), parsed and linted within one
/// [`refine_core::text::sharing_terms`]: the texts the planner weighed are read again by the
/// linter.
pub fn with_repair<E: std::fmt::Display>(
    prompt_text: &str,
    repair: u32,
    guide: &Guide,
    request: &SessionRequest,
    ask: impl FnMut(&str) -> Result<BackendReply, E>,
) -> Result<Repaired, E> {
    refine_core::text::sharing_terms(|| repair_loop(prompt_text, repair, guide, request, ask))
}

/// [`with_repair`], within [`refine_core::text::sharing_terms`].
fn repair_loop<E: std::fmt::Display>(
    prompt_text: &str,
    repair: u32,
    guide: &Guide,
    request: &SessionRequest,
    mut ask: impl FnMut(&str) -> Result<BackendReply, E>,
) -> Result<Repaired, E> {
    let reply = ask(prompt_text)?;
    let report = analyze(&reply.text, guide, request);
    let mut best = Repaired {
        reply,
        report,
        attempts: Vec::new(),
    };
    // The reply the next follow-up quotes: always the latest, so the model sees its own
    // last attempt.
    let mut last = (best.reply.text.clone(), best.report.findings.clone());
    for _ in 0..repair {
        if last
            .1
            .iter()
            .all(|f| f.severity != refine_core::Severity::Error)
        {
            break;
        }
        if best.attempts.is_empty() {
            best.attempts.push(Attempt::of(&best.report));
        }
        let follow_up = prompt::repair(prompt_text, &last.0, &last.1);
        let reply = match ask(&follow_up) {
            Ok(reply) => reply,
            Err(e) => {
                best.reply.meta.warnings.push(format!(
                    "asking for a corrected reply failed ({e}); the reply with the fewest errors is kept"
                ));
                break;
            }
        };
        let report = analyze(&reply.text, guide, request);
        best.attempts.push(Attempt::of(&report));
        last = (reply.text.clone(), report.findings.clone());
        if errors(&report) <= errors(&best.report) {
            best.reply = reply;
            best.report = report;
        }
    }
    Ok(best)
}
