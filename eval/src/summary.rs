//! Aggregates of a run, built by streaming its results: per backend, per topic × backend, and
//! the failing cases. Only numbers, ids and the questions' masked wording are kept, never
//! replies, so memory stays small.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use refine_core::distinct::{MaskedQuestions, WordingTally};
use refine_core::{Code, Severity};

use crate::record::{CaseRecord, read_lines_as, read_records};
use crate::two_places::TwoPlaces;

/// Numbers for one backend.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BackendSummary {
    /// Cases.
    pub cases: usize,
    /// Cases whose backend call failed.
    pub errors: usize,
    /// Passing cases.
    pub passes: usize,
    /// Overall score of each scored case (for distribution, mean and min).
    pub overall: Vec<f64>,
    /// Structure score of each scored case.
    pub structure: Vec<f64>,
    /// Adherence score of each scored case.
    pub adherence: Vec<f64>,
    /// Findings by code.
    pub findings: BTreeMap<Code, usize>,
    /// Latency of each uncached call, in milliseconds.
    pub latencies: Vec<u64>,
    /// Prompt tokens, summed over cases that report them.
    pub input_tokens: Option<u64>,
    /// Reply tokens, summed over cases that report them.
    pub output_tokens: Option<u64>,
    /// The questions' wording with each topic's words masked, for the distinctness figure.
    pub wording: WordingTally,
    /// The judge's mean (in [0, 1]) of each judged case.
    pub judge: Vec<f64>,
    /// Cases whose judge call or answer failed.
    pub judge_errors: usize,
    /// The cost of the cases with a known cost, in US dollars, and how many had one.
    pub cost: Option<(f64, usize)>,
}

/// Numbers for one topic on one backend, over its repeats.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CellSummary {
    /// Repeats run.
    pub runs: u32,
    /// Repeats that passed.
    pub passes: u32,
    /// Sum of overall scores (0 for failed calls).
    pub overall_sum: f64,
    /// Why repeats failed, one line each.
    pub reasons: Vec<String>,
}

impl CellSummary {
    /// Mean overall score over the repeats.
    pub fn mean_overall(&self) -> f64 {
        if self.runs == 0 {
            0.0
        } else {
            self.overall_sum / f64::from(self.runs)
        }
    }

    /// Share of repeats that passed.
    pub fn pass_rate(&self) -> f64 {
        if self.runs == 0 {
            0.0
        } else {
            f64::from(self.passes) / f64::from(self.runs)
        }
    }

    /// Some repeats passed and some did not.
    pub fn is_flaky(&self) -> bool {
        self.passes > 0 && self.passes < self.runs
    }
}

/// Everything the reports need.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// Run ids seen.
    pub run_ids: BTreeSet<String>,
    /// By backend label.
    pub backends: BTreeMap<String, BackendSummary>,
    /// By (topic id, backend label).
    pub cells: BTreeMap<(String, String), CellSummary>,
    /// Numbers of the lines in the results that are not whole records (a write cut short, an
    /// edit), which every report leaves out and says so.
    pub unreadable_lines: Vec<usize>,
    /// The judged cases where judge and linter disagree most: (|judge - overall|, case id,
    /// overall, judge), largest first, at most [`DISAGREEMENTS`].
    pub disagreements: Vec<(f64, String, f64, f64)>,
    /// The graders that judged, as `grader (model), rubric VERSION`.
    pub graders: BTreeSet<String>,
}

/// How many disagreements between judge and linter a summary keeps.
pub const DISAGREEMENTS: usize = 10;

/// Why a case did not pass, in one line.
pub fn failure_reason(record: &CaseRecord) -> Option<String> {
    if let Some(error) = &record.error {
        return Some(format!("error: {error}"));
    }
    if record.pass {
        return None;
    }
    let errors: Vec<&str> = record
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| f.code.as_str())
        .collect();
    let overall = record.scores.map_or(0.0, |s| s.overall);
    Some(if errors.is_empty() {
        format!("overall {} under the threshold", TwoPlaces(overall))
    } else {
        format!(
            "error findings: {} (overall {})",
            errors.join(", "),
            TwoPlaces(overall)
        )
    })
}

impl Summary {
    /// Adds one record.
    pub fn add(&mut self, record: &CaseRecord) {
        self.add_masked(record, Summary::masked_questions(record));
    }

    /// The record's questions with its topic's words masked: the costly part of
    /// [`Summary::add`], which a run's workers prepare before they take the summary's lock.
    pub fn masked_questions(record: &CaseRecord) -> Option<MaskedQuestions> {
        let plan = record.plan.as_ref()?;
        Some(MaskedQuestions::of(&plan.topic, &plan.discussion_questions))
    }

    /// [`Summary::add`], the record's questions already masked
    /// ([`Summary::masked_questions`]).
    pub fn add_masked(&mut self, record: &CaseRecord, questions: Option<MaskedQuestions>) {
        // Looked up before they are copied: every record but a run's first names a run and a
        // backend already here.
        if !self.run_ids.contains(&record.run_id) {
            self.run_ids.insert(record.run_id.clone());
        }
        if !self.backends.contains_key(&record.backend) {
            self.backends
                .insert(record.backend.clone(), BackendSummary::default());
        }
        let backend = self
            .backends
            .get_mut(&record.backend)
            .expect("inserted above when missing");
        backend.cases += 1;
        if record.error.is_some() {
            backend.errors += 1;
        }
        if record.pass {
            backend.passes += 1;
        }
        if let Some(scores) = record.scores {
            backend.overall.push(scores.overall);
            backend.structure.push(scores.structure);
            backend.adherence.push(scores.adherence);
        }
        if let Some(questions) = questions {
            backend.wording.add_masked(&record.topic_id, questions);
        }
        for finding in &record.findings {
            *backend.findings.entry(finding.code).or_default() += 1;
        }
        if let Some(verdict) = &record.judge {
            self.graders.insert(format!(
                "{} ({}), rubric {}",
                verdict.grader,
                verdict.model.as_deref().unwrap_or("model unknown"),
                verdict.rubric
            ));
            backend.judge.push(verdict.mean);
            if let Some(scores) = record.scores {
                self.disagreements.push((
                    (verdict.mean - scores.overall).abs(),
                    record.case_id.clone(),
                    scores.overall,
                    verdict.mean,
                ));
                self.disagreements
                    .sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
                self.disagreements.truncate(DISAGREEMENTS);
            }
        }
        if record.judge_error.is_some() {
            backend.judge_errors += 1;
        }
        if let Some(cost) = record.cost {
            let (sum, n) = backend.cost.get_or_insert((0.0, 0));
            *sum += cost;
            *n += 1;
        }
        if let (Some(ms), false) = (record.latency_ms, record.cached) {
            backend.latencies.push(ms);
        }
        if let Some(tokens) = record.tokens {
            if let Some(n) = tokens.input {
                *backend.input_tokens.get_or_insert(0) += n;
            }
            if let Some(n) = tokens.output {
                *backend.output_tokens.get_or_insert(0) += n;
            }
        }
        let cell = self
            .cells
            .entry((record.topic_id.clone(), record.backend.clone()))
            .or_default();
        cell.runs += 1;
        if record.pass {
            cell.passes += 1;
        }
        cell.overall_sum += record.scores.map_or(0.0, |s| s.overall);
        if let Some(reason) = failure_reason(record) {
            cell.reasons
                .push(format!("repeat {}: {reason}", record.repeat));
        }
    }

    /// Summarises the latest record of each case in `results` (a rerun supersedes the earlier
    /// line), reading the file twice so no reply is held in memory.
    pub fn from_results(results: &Path) -> std::io::Result<Summary> {
        // The first pass reads only each line's case id, which costs a fraction of reading the
        // record whole. A line can have a case id and still not be a record (a hand-edited
        // file); when such a line is the last of its case, the latest *record* of that case is
        // an earlier one, and the summary is read again record by record.
        #[derive(serde::Deserialize)]
        struct CaseId {
            case_id: String,
        }
        let mut latest: BTreeMap<String, usize> = BTreeMap::new();
        read_lines_as::<CaseId>(
            results,
            |line, r| {
                latest.insert(r.case_id, line);
            },
            |_| {},
        )?;
        let mut summary = Summary::default();
        let mut unreadable = Vec::new();
        read_lines_as::<CaseRecord>(
            results,
            |line, r| {
                if latest.get(&r.case_id) == Some(&line) {
                    summary.add(&r);
                }
            },
            |line| unreadable.push(line),
        )?;
        if !unreadable.is_empty() {
            let last_lines: BTreeSet<usize> = latest.values().copied().collect();
            if unreadable.iter().any(|line| last_lines.contains(line)) {
                return Self::from_records(results);
            }
        }
        summary.unreadable_lines = unreadable;
        Ok(summary)
    }

    /// [`Summary::from_results`], every line read as a whole record in both passes.
    fn from_records(results: &Path) -> std::io::Result<Summary> {
        let mut latest: BTreeMap<String, usize> = BTreeMap::new();
        let mut index = 0usize;
        read_records(
            results,
            |r| {
                latest.insert(r.case_id, index);
                index += 1;
            },
            |_| {},
        )?;
        let mut summary = Summary::default();
        let mut index = 0usize;
        let mut unreadable = Vec::new();
        read_records(
            results,
            |r| {
                if latest.get(&r.case_id) == Some(&index) {
                    summary.add(&r);
                }
                index += 1;
            },
            |line| unreadable.push(line),
        )?;
        summary.unreadable_lines = unreadable;
        Ok(summary)
    }

    /// Topic ids, sorted.
    pub fn topics(&self) -> BTreeSet<&str> {
        self.cells.keys().map(|(t, _)| t.as_str()).collect()
    }

    /// Cells with mixed results over their repeats.
    pub fn flaky(&self) -> Vec<(&(String, String), &CellSummary)> {
        self.cells.iter().filter(|(_, c)| c.is_flaky()).collect()
    }

    /// pass^k for a backend: the share of its topics where every repeat passed.
    pub fn pass_all(&self, backend: &str) -> f64 {
        let cells: Vec<&CellSummary> = self
            .cells
            .iter()
            .filter(|((_, b), _)| b == backend)
            .map(|(_, c)| c)
            .collect();
        if cells.is_empty() {
            return 0.0;
        }
        cells.iter().filter(|c| c.passes == c.runs).count() as f64 / cells.len() as f64
    }
}

/// The value at quantile `q` (0..=1) of `values`, by nearest rank.
pub fn percentile(values: &[u64], q: f64) -> Option<u64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    Some(sorted[rank - 1])
}

/// Mean and minimum of `values`.
pub fn mean_min(values: &[f64]) -> Option<(f64, f64)> {
    if values.is_empty() {
        return None;
    }
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    Some((mean, min))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record_line(case_id: &str, pass: bool, overall: f64) -> String {
        let record = CaseRecord {
            run_id: String::from("r"),
            case_id: String::from(case_id),
            topic_id: case_id.split(':').next().unwrap_or_default().to_string(),
            backend: String::from("offline"),
            prompt: String::from(crate::run::DEFAULT_VARIANT),
            guide: String::from(crate::run::DEFAULT_VARIANT),
            repeat: 1,
            reply: Some(String::from("<agenda>\n</agenda>")),
            plan: None,
            findings: Vec::new(),
            scores: Some(refine_core::Scores {
                structure: overall,
                adherence: overall,
                overall,
            }),
            pass,
            latency_ms: Some(3),
            first_token_ms: None,
            tokens: None,
            cached: false,
            error: (!pass).then(|| String::from("failed")),
            attempts: Vec::new(),
            judge: None,
            judge_error: None,
            cost: None,
        };
        serde_json::to_string(&record).expect("a record serialises")
    }

    proptest::proptest! {
        /// Reading case ids first gives the summary that reading whole records twice gives,
        /// whatever mix of records, reruns, blank lines and lines that are not records.
        #[test]
        fn the_light_first_pass_summarises_as_whole_records_do(
            picks in proptest::collection::vec(0usize..7, 0..8)
        ) {
            let pool = [
                record_line("t1:offline:1", true, 0.9),
                record_line("t1:offline:1", false, 0.4),
                record_line("t2:offline:1", true, 0.8),
                String::from(r#"{"case_id":"t1:offline:1"}"#),
                String::from(r#"{"case_id":"t2:offline:1","pass":"yes"}"#),
                String::from("not json"),
                String::new(),
            ];
            let text: String = picks.iter().map(|&i| format!("{}\n", pool[i])).collect();
            let dir = std::env::temp_dir().join(format!(
                "refine-summary-{}-{:?}",
                std::process::id(),
                std::thread::current().id()
            ));
            std::fs::create_dir_all(&dir).expect("temp dir");
            let path = dir.join("results.jsonl");
            std::fs::write(&path, text).expect("written");
            let light = Summary::from_results(&path).expect("read");
            let whole = Summary::from_records(&path).expect("read");
            let _ = std::fs::remove_dir_all(&dir);
            proptest::prop_assert_eq!(light, whole);
        }
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let v: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&v, 0.5), Some(50));
        assert_eq!(percentile(&v, 0.95), Some(95));
        assert_eq!(percentile(&[7], 0.95), Some(7));
        assert_eq!(percentile(&[], 0.5), None);
    }
}
