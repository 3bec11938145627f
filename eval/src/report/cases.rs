//! The cases part of `report.html`: a block a case, in the results' order. The first
//! [`HTML_FAILING_REPLIES`] failing and [`HTML_PASSING_REPLIES`] passing cases are shown whole,
//! with their findings and reply in a `<details>`; every other case gets one line.
//!
//! A new run writes the blocks as it writes its records ([`CaseBlocks::add`], under the same
//! lock, to [`CASES_PART`]), so its report need not read the results back; a report made from
//! results read them back, line by line ([`super::html`]). Both go through [`CaseBlocks`], so
//! both write the same page.

use std::fmt::Write as _;

use crate::record::CaseRecord;

/// How many failing cases `report.html` shows with their reply; the rest get a line each.
pub const HTML_FAILING_REPLIES: usize = 500;
/// How many passing cases `report.html` shows with their reply.
pub const HTML_PASSING_REPLIES: usize = 100;

/// The file in a run's folder where the run writes the cases' blocks as it goes; the report
/// takes them from it, then removes it.
pub const CASES_PART: &str = ".report-cases.part";

/// What a case's one line in `report.html` shows, read without the rest of its record.
#[derive(serde::Deserialize)]
pub(super) struct Glance {
    pub(super) case_id: String,
    pub(super) pass: bool,
    pub(super) scores: Option<refine_core::Scores>,
    pub(super) findings: Vec<GlanceFinding>,
}

#[derive(serde::Deserialize)]
pub(super) struct GlanceFinding {
    pub(super) code: refine_core::Code,
}

/// How many cases of each kind the blocks so far show whole, and how many got a line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CaseBlocks {
    shown_fail: usize,
    shown_pass: usize,
    lines: usize,
}

fn verdict(pass: bool) -> &'static str {
    if pass { "pass" } else { "fail" }
}

fn score(scores: Option<refine_core::Scores>) -> String {
    scores.map_or_else(
        || String::from("-"),
        |s| crate::two_places::TwoPlaces(s.overall).to_string(),
    )
}

fn esc(text: &str) -> std::borrow::Cow<'_, str> {
    html_escape::encode_text(text)
}

impl CaseBlocks {
    /// Whether the next case that passed (or failed) is shown whole: its kind is under its cap.
    pub(super) fn shows_whole(&self, pass: bool) -> bool {
        if pass {
            self.shown_pass < HTML_PASSING_REPLIES
        } else {
            self.shown_fail < HTML_FAILING_REPLIES
        }
    }

    /// Appends a case's one line to `out`: its id, verdict, score and first four finding codes.
    pub(super) fn line<'c>(
        &mut self,
        out: &mut String,
        case_id: &str,
        pass: bool,
        scores: Option<refine_core::Scores>,
        codes: impl Iterator<Item = &'c str>,
    ) {
        self.lines += 1;
        let verdict = verdict(pass);
        let codes: Vec<&str> = codes.take(4).collect();
        let _ = writeln!(
            out,
            "<p class=\"case {verdict}\"><code>{}</code> {verdict} · overall {} {}</p>",
            esc(case_id),
            score(scores),
            esc(&codes.join(" "))
        );
    }

    /// Appends a case whole to `out`: its error, findings and reply.
    pub(super) fn whole(&mut self, out: &mut String, r: &CaseRecord) {
        if r.pass {
            self.shown_pass += 1;
        } else {
            self.shown_fail += 1;
        }
        let verdict = verdict(r.pass);
        let _ = write!(
            out,
            "<details class=\"{verdict}\"><summary><code>{}</code> {verdict} · overall {}</summary>",
            esc(&r.case_id),
            score(r.scores)
        );
        if let Some(error) = &r.error {
            let _ = write!(out, "<p class=\"error\">{}</p>", esc(error));
        }
        if !r.findings.is_empty() {
            out.push_str("<ul>");
            for f in &r.findings {
                let line = f.line.map_or(String::new(), |l| format!(" (line {l})"));
                let _ = write!(
                    out,
                    "<li><code>{}</code> {}{}</li>",
                    f.code.as_str(),
                    esc(&f.message),
                    line
                );
            }
            out.push_str("</ul>");
        }
        if let Some(reply) = &r.reply {
            let _ = write!(out, "<pre>{}</pre>", esc(reply));
        }
        out.push_str("</details>\n");
    }

    /// Appends the next case's block to `out`, whole or one line.
    pub fn add(&mut self, out: &mut String, r: &CaseRecord) {
        if self.shows_whole(r.pass) {
            self.whole(out, r);
        } else {
            let codes = r.findings.iter().map(|f| f.code.as_str());
            self.line(out, &r.case_id, r.pass, r.scores, codes);
        }
    }

    /// The note after the blocks, when some cases got a line only.
    pub(super) fn note(&self) -> Option<String> {
        (self.lines > 0).then(|| format!(
            "<p class=\"note\">{} cases are shown as one line each, past the first {HTML_FAILING_REPLIES} failing and {HTML_PASSING_REPLIES} passing with their replies: every reply is in <a href=\"results.jsonl\">results.jsonl</a>, one line per case, found by its case id.</p>\n",
            self.lines
        ))
    }
}
