//! One line of `results.jsonl`: everything about one case. Documented in `eval/README.md`.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;

use refine_core::{Finding, Scores, SessionPlan};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// Token counts, when the backend reports them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tokens {
    /// Prompt tokens.
    pub input: Option<u64>,
    /// Reply tokens.
    pub output: Option<u64>,
}

/// The result of one case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseRecord {
    /// The run it belongs to.
    pub run_id: String,
    /// `topic_id:backend:repeat`, stable across runs.
    pub case_id: String,
    /// The topic fixture's id.
    pub topic_id: String,
    /// The backend as named on the command line (`offline`, `openai:model=...`), with the
    /// prompt and guide when they are not the defaults (`offline|prompt=terse`).
    pub backend: String,
    /// The prompt variant (`default`: the built-in prompt).
    #[serde(default = "default_variant", skip_serializing_if = "is_default")]
    pub prompt: String,
    /// The guide variant (`default`: the built-in guide or `--guide FILE`).
    #[serde(default = "default_variant", skip_serializing_if = "is_default")]
    pub guide: String,
    /// Which repeat, from 1.
    pub repeat: u32,
    /// The reply text, or null when the call failed.
    pub reply: Option<String>,
    /// The plan, as `refine check --format json` prints it, or null when the call failed.
    pub plan: Option<SessionPlan>,
    /// The findings, as `refine check --format json` prints them.
    pub findings: Vec<Finding>,
    /// The scores, or null when the call failed.
    pub scores: Option<Scores>,
    /// No error finding, no error, and overall at or above the run's threshold.
    pub pass: bool,
    /// Wall time of the backend call in milliseconds (0 when answered from the cache).
    pub latency_ms: Option<u64>,
    /// Milliseconds to the first streamed reply text, or null when not streamed or cached.
    #[serde(default)]
    pub first_token_ms: Option<u64>,
    /// Token counts, or null when unknown.
    pub tokens: Option<Tokens>,
    /// Whether the reply came from the response cache.
    pub cached: bool,
    /// Why the call failed, or null.
    pub error: Option<String>,
    /// When the first reply broke the contract and a corrected one was asked for: every
    /// reply's error codes and scores, in order (the kept one is the one recorded above).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attempts: Vec<refine_plugin::Attempt>,
    /// The judge's verdict (`--judge`): kept apart from the linter's `scores`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub judge: Option<crate::judge::Verdict>,
    /// Why the judge gave no verdict (its call failed, or its answer was not the asked JSON).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub judge_error: Option<String>,
    /// What the case's live calls cost in US dollars, from the config's token prices; absent
    /// when its model has no price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<f64>,
}

impl CaseRecord {
    /// Appends the record's JSON, on one line and without its line break, to `line`: the text
    /// `serde_json::to_writer` writes. False when it does not serialise, with `line` cut back
    /// to where it was.
    ///
    /// `sonic-rs` writes it. Its serialiser is `serde_json`'s (the same escapes, numbers through
    /// the same `zmij`; the tests hold the two to the same bytes), but it looks for bytes to
    /// escape 32 at a time where `serde_json` reads them one by one. A record carries a reply
    /// and its plan, about 6 KB of text: escaping them took 61 K instructions a case, 6% of an
    /// offline eval's; it takes 15 K here.
    pub fn write_json(&self, line: &mut Vec<u8>) -> bool {
        let start = line.len();
        let whole = sonic_rs::to_writer(&mut *line, self).is_ok();
        if !whole {
            line.truncate(start);
        }
        whole
    }
}

fn default_variant() -> String {
    String::from(crate::run::DEFAULT_VARIANT)
}

fn is_default(name: &String) -> bool {
    name == crate::run::DEFAULT_VARIANT
}

/// The stable id of a case.
pub fn case_id(topic_id: &str, backend: &str, repeat: u32) -> String {
    format!("{topic_id}:{backend}:{repeat}")
}

/// Reads every complete record of a results file, in file order. A line that does not parse
/// (a write cut short by a kill) is skipped; `on_bad` is told its line number.
pub fn read_records(
    path: &Path,
    mut each: impl FnMut(CaseRecord),
    on_bad: impl FnMut(usize),
) -> std::io::Result<()> {
    read_lines_as(path, |_, record| each(record), on_bad)
}

/// Every line of a results file that is not blank, in file order, with its line number.
pub fn read_raw_lines(path: &Path, mut each: impl FnMut(usize, &str)) -> std::io::Result<()> {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    let mut reader = BufReader::new(file);
    let mut line = String::new();
    let mut number = 0;
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        number += 1;
        // As `BufRead::lines` cuts a line: its `\n`, or its `\r\n`.
        let text = match line.strip_suffix('\n') {
            Some(cut) => cut.strip_suffix('\r').unwrap_or(cut),
            None => &line,
        };
        if !text.trim().is_empty() {
            each(number, text);
        }
    }
}

/// Every line of a results file that parses as `T` (a whole [`CaseRecord`], or only some of
/// its fields), in file order, with its line number; `on_bad` is told the numbers of the lines
/// that do not. Blank lines are neither.
pub fn read_lines_as<T: DeserializeOwned>(
    path: &Path,
    mut each: impl FnMut(usize, T),
    mut on_bad: impl FnMut(usize),
) -> std::io::Result<()> {
    read_raw_lines(path, |number, line| match serde_json::from_str::<T>(line) {
        Ok(read) => each(number, read),
        Err(_) => on_bad(number),
    })
}

/// The latest record of each case, by case id (a rerun's line supersedes the earlier one).
/// What a resume needs to know of the results so far, without holding any reply: whether each
/// case's latest line records a failed call, and the numbers of lines that are not whole
/// records.
pub fn case_states(path: &Path) -> std::io::Result<(BTreeMap<String, bool>, Vec<usize>)> {
    let mut failed = BTreeMap::new();
    let mut bad = Vec::new();
    read_records(
        path,
        |r| {
            failed.insert(r.case_id, r.error.is_some());
        },
        |line| bad.push(line),
    )?;
    Ok((failed, bad))
}

/// Every case's latest record, replies included (for tests and small runs; a resume uses
/// [`case_states`]).
pub fn latest_records(path: &Path) -> std::io::Result<BTreeMap<String, CaseRecord>> {
    let mut out = BTreeMap::new();
    read_records(
        path,
        |r| {
            out.insert(r.case_id.clone(), r);
        },
        |_| {},
    )?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use refine_core::{Guide, SessionRequest, Topic};

    use super::*;

    /// A record of each fixture reply, analysed against the built-in guide: plans, findings
    /// and scores as a run writes them.
    fn fixture_records() -> Vec<CaseRecord> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/replies");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("fixture replies")
            .map(|e| e.expect("entry").path())
            .collect();
        files.sort();
        let guide = Guide::builtin();
        let request = SessionRequest::new(Topic::new("Checkout fails on mobile").expect("topic"));
        files
            .iter()
            .map(|file| {
                let reply = std::fs::read_to_string(file).expect("fixture reply");
                let report = refine_core::analyze(&reply, &guide, &request);
                CaseRecord {
                    run_id: String::from("run"),
                    case_id: case_id("checkout", "offline", 1),
                    topic_id: String::from("checkout"),
                    backend: String::from("offline"),
                    prompt: String::from("terse"),
                    guide: String::from(crate::run::DEFAULT_VARIANT),
                    repeat: 1,
                    reply: Some(reply),
                    plan: Some(report.plan),
                    findings: report.findings,
                    scores: Some(report.scores),
                    pass: true,
                    latency_ms: Some(12),
                    first_token_ms: None,
                    tokens: Some(Tokens {
                        input: Some(1800),
                        output: None,
                    }),
                    cached: false,
                    error: None,
                    attempts: Vec::new(),
                    judge: None,
                    judge_error: None,
                    cost: Some(0.000_125),
                }
            })
            .collect()
    }

    /// Text with every kind of character, and many of those JSON escapes: controls, quotes,
    /// backslashes, DEL, line and paragraph separators.
    fn any_text() -> impl Strategy<Value = String> {
        let character = prop_oneof![
            any::<char>(),
            (0u8..0x20).prop_map(char::from),
            prop::sample::select(vec!['"', '\\', '/', '\u{7f}', '\u{2028}', '\u{2029}', 'é']),
            Just('a'),
        ];
        prop::collection::vec(character, 0..80).prop_map(|c| c.into_iter().collect())
    }

    #[test]
    fn fixture_records_are_written_as_serde_json_writes_them() {
        let records = fixture_records();
        assert!(records.len() > 10, "the fixture replies are read");
        for record in records {
            let mut line = b"kept".to_vec();
            assert!(record.write_json(&mut line));
            let expected = serde_json::to_vec(&record).expect("serialises");
            assert_eq!(
                std::str::from_utf8(&line[4..]).expect("UTF-8"),
                std::str::from_utf8(&expected).expect("UTF-8")
            );
            assert_eq!(&line[..4], b"kept");
        }
    }

    proptest::proptest! {
        /// Any text and any number is written as `serde_json` writes it, wherever it stands.
        #[test]
        fn records_are_written_as_serde_json_writes_them(
            index in 0usize..64,
            text in any_text(),
            number in any::<f64>(),
            count in any::<u64>(),
        ) {
            let mut records = fixture_records();
            let len = records.len();
            let record = &mut records[index % len];
            record.reply = Some(text.clone());
            record.error = Some(text.chars().rev().collect());
            record.cost = Some(number);
            record.latency_ms = Some(count);
            if let Some(scores) = record.scores.as_mut() {
                scores.overall = number;
                scores.structure = number / 3.0;
            }
            if let Some(plan) = record.plan.as_mut() {
                plan.topic = text.clone();
                if let Some(first) = plan.key_points.first_mut() {
                    first.push_str(&text);
                }
            }
            if let Some(finding) = record.findings.first_mut() {
                finding.message = text.clone();
            }
            let mut line = Vec::new();
            prop_assert!(record.write_json(&mut line));
            let expected = serde_json::to_vec(&*record).expect("serialises");
            prop_assert_eq!(
                std::str::from_utf8(&line).expect("UTF-8"),
                std::str::from_utf8(&expected).expect("UTF-8")
            );
        }
    }

    proptest::proptest! {
        /// Lines are cut, numbered and skipped when blank as `BufRead::lines` cuts them.
        #[test]
        fn raw_lines_are_the_lines_of_bufread(text in "[a \r\n\t{}]{0,24}") {
            let dir = std::env::temp_dir().join(format!(
                "refine-raw-lines-{}-{:?}",
                std::process::id(),
                std::thread::current().id()
            ));
            std::fs::create_dir_all(&dir).expect("temp dir");
            let path = dir.join("results.jsonl");
            std::fs::write(&path, &text).expect("written");
            let mut read = Vec::new();
            read_raw_lines(&path, |n, line| read.push((n, line.to_string()))).expect("read");
            let _ = std::fs::remove_dir_all(&dir);
            let expected: Vec<(usize, String)> = text
                .as_bytes()
                .lines()
                .enumerate()
                .map(|(i, l)| (i + 1, l.expect("UTF-8")))
                .filter(|(_, l)| !l.trim().is_empty())
                .collect();
            proptest::prop_assert_eq!(read, expected);
        }
    }
}
