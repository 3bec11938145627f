//! Reports from a run's results: a terminal summary, `report.md`, `report.html` and `junit.xml`.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

use minijinja::value::{Serde, Value};
use minijinja::{Environment, HtmlEscape, context};
use quick_junit::{
    NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite, XmlString,
};
use serde::Serialize;

use crate::record::{CaseRecord, read_raw_lines};
use crate::summary::{Summary, mean_min, percentile};
use crate::two_places::TwoPlaces;

fn fmt_opt(value: Option<u64>) -> String {
    value.map_or_else(|| String::from("-"), |v| v.to_string())
}

/// One row per backend, for the terminal and `report.md`.
fn backend_rows(summary: &Summary) -> Vec<[String; 11]> {
    summary
        .backends
        .iter()
        .map(|(label, b)| {
            let score = |v: &[f64]| {
                mean_min(v).map_or_else(|| String::from("-"), |(m, n)| format!("{m:.3} / {n:.3}"))
            };
            let rate = if b.cases == 0 {
                0.0
            } else {
                b.passes as f64 / b.cases as f64
            };
            [
                label.clone(),
                b.cases.to_string(),
                format!("{:.1}%", rate * 100.0),
                b.errors.to_string(),
                score(&b.structure),
                score(&b.adherence),
                score(&b.overall),
                format!(
                    "{} / {}",
                    fmt_opt(percentile(&b.latencies, 0.5)),
                    fmt_opt(percentile(&b.latencies, 0.95))
                ),
                format!("{} / {}", fmt_opt(b.input_tokens), fmt_opt(b.output_tokens)),
                format!("{:.3}", summary.pass_all(label)),
                b.wording
                    .share()
                    .map_or_else(|| String::from("-"), |s| format!("{:.1}%", s * 100.0)),
            ]
        })
        .collect()
}

const HEADERS: [&str; 11] = [
    "backend",
    "cases",
    "pass",
    "errors",
    "structure mean/min",
    "adherence mean/min",
    "overall mean/min",
    "latency p50/p95 ms",
    "tokens in/out",
    "pass^k",
    "templated questions",
];

/// What the reports say about lines of the results that are not whole records, if any.
pub fn unreadable_note(lines: &[usize]) -> Option<String> {
    const SHOWN: usize = 10;
    if lines.is_empty() {
        return None;
    }
    let shown: Vec<String> = lines.iter().take(SHOWN).map(usize::to_string).collect();
    let more = lines.len().saturating_sub(SHOWN);
    let more = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    Some(if lines.len() == 1 {
        format!(
            "results.jsonl line {} is not a whole record and was left out",
            shown[0]
        )
    } else {
        format!(
            "results.jsonl lines {}{more} are not whole records and were left out",
            shown.join(", ")
        )
    })
}

/// The terminal summary.
pub fn terminal(summary: &Summary) -> String {
    let rows = backend_rows(summary);
    let mut widths: Vec<usize> = HEADERS.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let line = |cells: Vec<&str>| -> String {
        cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let _ = writeln!(out, "{}", line(HEADERS.to_vec()));
    for row in &rows {
        let _ = writeln!(out, "{}", line(row.iter().map(String::as_str).collect()));
    }
    for (label, b) in &summary.backends {
        if !b.findings.is_empty() {
            let codes: Vec<String> = b
                .findings
                .iter()
                .map(|(c, n)| format!("{} {n}", c.as_str()))
                .collect();
            let _ = writeln!(out, "{label} findings: {}", codes.join(", "));
        }
    }
    if let Some(note) = unreadable_note(&summary.unreadable_lines) {
        let _ = writeln!(out, "warning: {note}");
    }
    let flaky = summary.flaky();
    if !flaky.is_empty() {
        let names: Vec<String> = flaky
            .iter()
            .map(|((t, b), c)| format!("{t} on {b} ({}/{})", c.passes, c.runs))
            .collect();
        let _ = writeln!(out, "flaky: {}", names.join(", "));
    }
    if let Some(lines) = cost_lines(summary) {
        let _ = writeln!(out, "cost:\n{lines}");
    }
    out
}

/// `report.md`.
pub fn markdown(summary: &Summary) -> String {
    let mut out = String::new();
    let runs: Vec<&str> = summary.run_ids.iter().map(String::as_str).collect();
    let _ = writeln!(out, "# Evaluation report\n\nRuns: {}\n", runs.join(", "));
    if let Some(note) = unreadable_note(&summary.unreadable_lines) {
        let _ = writeln!(out, "> **Warning:** {note}.\n");
    }
    let _ = writeln!(out, "| {} |", HEADERS.join(" | "));
    let _ = writeln!(out, "|{}", " --- |".repeat(HEADERS.len()));
    for row in backend_rows(summary) {
        let _ = writeln!(out, "| {} |", row.join(" | "));
    }
    let _ = writeln!(out, "\n## Findings by code\n");
    let _ = writeln!(out, "| backend | code | count |\n| --- | --- | --- |");
    for (label, b) in &summary.backends {
        for (code, n) in &b.findings {
            let _ = writeln!(out, "| {label} | `{}` | {n} |", code.as_str());
        }
    }
    if let Some(lines) = cost_lines(summary) {
        let _ = writeln!(out, "\n## Cost\n\n{lines}");
    }
    if summary
        .backends
        .values()
        .any(|b| !b.judge.is_empty() || b.judge_errors > 0)
    {
        let _ = writeln!(
            out,
            "\n## Judge\n\nA grader's scores against the rubric (eval/assets/rubric.toml), mapped to [0, 1]; separate from the linter's.\n\n| backend | judged | judge mean | judge errors |\n| --- | --- | --- | --- |"
        );
        for (label, b) in &summary.backends {
            let mean = if b.judge.is_empty() {
                String::from("-")
            } else {
                format!("{:.3}", b.judge.iter().sum::<f64>() / b.judge.len() as f64)
            };
            let _ = writeln!(
                out,
                "| {label} | {} | {mean} | {} |",
                b.judge.len(),
                b.judge_errors
            );
        }
        for grader in &summary.graders {
            let _ = writeln!(out, "\nGrader: {grader}");
        }
        let _ = writeln!(out, "\nWhere judge and linter disagree most:\n");
        for (gap, case, overall, judge) in &summary.disagreements {
            let _ = writeln!(
                out,
                "- `{case}`: linter {overall:.2}, judge {judge:.2} (gap {gap:.2})"
            );
        }
    }
    let _ = writeln!(
        out,
        "\n## Distinctness\n\nTemplated questions: the share whose wording, with the topic's own words masked (…), recurs across {} or more topics; lower is better (eval/README.md).\n",
        refine_core::contract::SPECIFICITY.templated_topics
    );
    for (label, b) in &summary.backends {
        let common = b.wording.most_templated(5);
        if common.is_empty() {
            let _ = writeln!(out, "- `{label}`: no templated wording.");
        }
        for (wording, n) in common {
            let _ = writeln!(out, "- `{label}`: {n} × \"{wording}\"");
        }
    }
    let flaky = summary.flaky();
    let _ = writeln!(out, "\n## Flaky cases\n");
    if flaky.is_empty() {
        let _ = writeln!(out, "None.");
    }
    for ((topic, backend), cell) in flaky {
        let _ = writeln!(
            out,
            "- `{topic}` on `{backend}`: passed {}/{} repeats",
            cell.passes, cell.runs
        );
    }
    let _ = writeln!(out, "\n## Failing cases\n");
    let failing: Vec<_> = summary
        .cells
        .iter()
        .filter(|(_, c)| c.passes < c.runs)
        .collect();
    if failing.is_empty() {
        let _ = writeln!(out, "None.");
    }
    for ((topic, backend), cell) in failing {
        let _ = writeln!(
            out,
            "- `{topic}` on `{backend}`: {}",
            cell.reasons.join("; ")
        );
    }
    out
}

/// `junit.xml`: one test suite per backend (with its templated-questions share as the property
/// `templated_questions`), one test case per topic, failing on an error finding, a failed call,
/// or an overall score under the threshold in any repeat.
pub fn junit(summary: &Summary) -> Result<String, quick_junit::SerializeError> {
    let mut report = Report::new("refine-eval");
    for (label, backend) in &summary.backends {
        let mut suite = TestSuite::new(label.as_str());
        // Made once a backend: making an `XmlString` reads the text for terminal escapes.
        let classname = XmlString::new(format!("refine-eval.{label}"));
        // The run-level distinctness figure, for CI dashboards that read suite properties.
        if let Some(share) = backend.wording.share() {
            suite.add_property(Property::new("templated_questions", format!("{share:.4}")));
        }
        let cells = || summary.cells.iter().filter(|((_, b), _)| b == label);
        // Room for every case at once: grown one case at a time, 20,000 cases of a few hundred
        // bytes each were copied a dozen times over (0.3% of a 20,000-case run's CPU).
        suite.test_cases.reserve_exact(cells().count());
        for ((topic, _), cell) in cells() {
            let status = if cell.passes == cell.runs {
                TestCaseStatus::success()
            } else {
                let errored = cell.reasons.iter().any(|r| r.contains(": error: "));
                let kind = if errored {
                    NonSuccessKind::Error
                } else {
                    NonSuccessKind::Failure
                };
                let mut status = TestCaseStatus::non_success(kind);
                status.set_message(cell.reasons.first().cloned().unwrap_or_default());
                status.set_description(cell.reasons.join("\n"));
                status
            };
            let mut case = TestCase::new(topic.as_str(), status);
            case.set_classname(classname.clone());
            suite.add_test_case(case);
        }
        report.add_test_suite(suite);
    }
    report.to_string()
}

const HTML_TEMPLATE: &str = include_str!("../assets/report.html.j2");

#[derive(Serialize)]
struct Bar {
    label: String,
    value: usize,
    width: f64,
    y: usize,
}

#[derive(Serialize)]
struct Histogram {
    backend: String,
    bins: Vec<Bar>,
}

mod cases;
use cases::Glance;
pub use cases::{CASES_PART, CaseBlocks, HTML_FAILING_REPLIES, HTML_PASSING_REPLIES};

/// Writes `report.html`: charts and tables from `summary` (the summary of `results`, whose
/// unreadable lines it skips), then the cases of `results`, streamed
/// so that no reply is held in memory: the first [`HTML_FAILING_REPLIES`] failing and
/// [`HTML_PASSING_REPLIES`] passing cases with their findings and reply in a `<details>`, every
/// other case as one line (its replies are in `results.jsonl`, linked), so the page stays a few
/// megabytes at 20,000 cases.
pub fn html(
    summary: &Summary,
    results: &Path,
    written: Option<(&Path, CaseBlocks)>,
    out: &Path,
) -> std::io::Result<()> {
    let rows = backend_rows(summary);
    let histograms: Vec<Histogram> = summary
        .backends
        .iter()
        .map(|(label, b)| {
            let mut counts = [0usize; 10];
            for score in &b.overall {
                counts[((score * 10.0) as usize).min(9)] += 1;
            }
            let most = counts.iter().copied().max().unwrap_or(0).max(1);
            let bins = counts
                .iter()
                .enumerate()
                .map(|(i, &n)| Bar {
                    label: format!("{:.1}", i as f64 / 10.0),
                    value: n,
                    width: (n as f64 / most as f64 * 300.0).round(),
                    y: i * 18,
                })
                .collect();
            Histogram {
                backend: label.clone(),
                bins,
            }
        })
        .collect();
    let mut codes: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for b in summary.backends.values() {
        for (code, n) in &b.findings {
            *codes.entry(code.as_str()).or_default() += n;
        }
    }
    let most = codes.values().copied().max().unwrap_or(1).max(1);
    let code_bars: Vec<Bar> = codes
        .iter()
        .enumerate()
        .map(|(i, (code, &n))| Bar {
            label: (*code).to_string(),
            value: n,
            width: (n as f64 / most as f64 * 300.0).round(),
            y: i * 18,
        })
        .collect();
    let backends: Vec<&String> = summary.backends.keys().collect();
    let mut env = Environment::new();
    env.add_template("report.html", HTML_TEMPLATE)
        .map_err(std::io::Error::other)?;
    let template = env
        .get_template("report.html")
        .map_err(std::io::Error::other)?;
    let ctx = context! {
        runs => summary.run_ids.iter().cloned().collect::<Vec<_>>(),
        headers => HEADERS.to_vec(),
        rows => Value::from(Serde(rows)),
        histograms => Value::from(Serde(histograms)),
        code_bars => Value::from(Serde(code_bars)),
        backends => backends.iter().map(|b| b.to_string()).collect::<Vec<_>>(),
    };
    let page = template.render(ctx).map_err(std::io::Error::other)?;
    // The matrix (a row a topic) and the replies are written straight to the file where the
    // page marks them, so a run of 20,000 topics never holds them in memory.
    let (head, rest) = page
        .split_once("<!-- matrix -->")
        .unwrap_or((page.as_str(), ""));
    let (middle, tail) = rest.split_once("<!-- replies -->").unwrap_or((rest, ""));
    let mut file = std::io::BufWriter::new(std::fs::File::create(out)?);
    file.write_all(head.as_bytes())?;
    write_matrix(&mut file, summary, &backends)?;
    file.write_all(middle.as_bytes())?;
    let blocks = match written {
        // The run wrote the blocks as it wrote the records.
        Some((part, blocks)) => {
            std::io::copy(&mut std::fs::File::open(part)?, &mut file)?;
            blocks
        }
        None => blocks_read_back(summary, results, &mut file)?,
    };
    if let Some(note) = blocks.note() {
        file.write_all(note.as_bytes())?;
    }
    file.write_all(tail.as_bytes())?;
    file.flush()
}

/// The cases' blocks of `results`, read back line by line and written to `file`: each line is
/// read for what its one line needs, and read whole only when its reply is shown.
fn blocks_read_back(
    summary: &Summary,
    results: &Path,
    file: &mut impl std::io::Write,
) -> std::io::Result<CaseBlocks> {
    let mut failure: Option<std::io::Error> = None;
    let mut blocks = CaseBlocks::default();
    let mut block = String::new();
    // The summary knows which lines are no whole record.
    let unreadable: BTreeSet<usize> = summary.unreadable_lines.iter().copied().collect();
    read_raw_lines(results, |number, line| {
        if failure.is_some() || unreadable.contains(&number) {
            return;
        }
        let Ok(glance) = serde_json::from_str::<Glance>(line) else {
            return;
        };
        block.clear();
        if blocks.shows_whole(glance.pass) {
            let Ok(record) = serde_json::from_str::<CaseRecord>(line) else {
                return;
            };
            blocks.whole(&mut block, &record);
        } else {
            let codes = glance.findings.iter().map(|f| f.code.as_str());
            blocks.line(
                &mut block,
                &glance.case_id,
                glance.pass,
                glance.scores,
                codes,
            );
        }
        if let Err(e) = file.write_all(block.as_bytes()) {
            failure = Some(e);
        }
    })?;
    match failure {
        Some(e) => Err(e),
        None => Ok(blocks),
    }
}

/// The rows of the topics × backends table: each cell the mean overall score, coloured from red
/// (0.5 and under) through amber to green (1), the reasons for failures in its title.
fn write_matrix(
    out: &mut impl std::io::Write,
    summary: &Summary,
    backends: &[&String],
) -> std::io::Result<()> {
    let mut key = (String::new(), String::new());
    for topic in summary.topics() {
        write!(out, "\n    <tr><td>{}</td>", HtmlEscape(topic))?;
        for backend in backends {
            key.0.clear();
            key.0.push_str(topic);
            key.1.clear();
            key.1.push_str(backend);
            match summary.cells.get(&key) {
                Some(cell) => {
                    let score = cell.mean_overall();
                    let hue = ((score - 0.5).max(0.0) * 240.0).round();
                    write!(
                        out,
                        "<td class=\"cell\" style=\"background: {}\" title=\"{}\">{}</td>",
                        HtmlEscape(&format!("hsl({hue}, 65%, 45%)")),
                        HtmlEscape(&cell.reasons.join("; ")),
                        HtmlEscape(&TwoPlaces(score).to_string())
                    )?;
                }
                None => write!(
                    out,
                    "<td class=\"cell\" style=\"background: {}\" title=\"\">-</td>",
                    HtmlEscape("#ccc")
                )?,
            }
        }
        out.write_all(b"</tr>")?;
    }
    Ok(())
}

/// Writes `report.md`, `report.html` and `junit.xml` into `dir` from its `results.jsonl`, and
/// returns the summary.
pub fn write_all(dir: &Path) -> std::io::Result<Summary> {
    let summary = Summary::from_results(&dir.join(crate::run::RESULTS))?;
    write_all_of(dir, summary, None)
}

/// [`write_all`] with the summary of `dir`'s results already made, and with the cases'
/// blocks of `report.html` when they are in its [`CASES_PART`]: by the run that wrote them
/// ([`crate::run::RunStats::written`]), which then need not read them back.
pub fn write_all_of(
    dir: &Path,
    summary: Summary,
    cases: Option<CaseBlocks>,
) -> std::io::Result<Summary> {
    let results = dir.join(crate::run::RESULTS);
    std::fs::write(dir.join("report.md"), markdown(&summary))?;
    let part = dir.join(CASES_PART);
    html(
        &summary,
        &results,
        cases.map(|blocks| (part.as_path(), blocks)),
        &dir.join("report.html"),
    )?;
    if cases.is_some() {
        std::fs::remove_file(&part)?;
    }
    let xml = junit(&summary).map_err(std::io::Error::other)?;
    std::fs::write(dir.join("junit.xml"), xml)?;
    Ok(summary)
}

/// The run's cost per backend and in all, from the config's token prices; `None` when no case
/// had a priced model.
pub fn cost_lines(summary: &Summary) -> Option<String> {
    let priced: Vec<(&String, (f64, usize))> = summary
        .backends
        .iter()
        .filter_map(|(label, b)| b.cost.map(|c| (label, c)))
        .collect();
    if priced.is_empty() {
        return None;
    }
    let mut out = String::new();
    let mut total = 0.0;
    for (label, (sum, n)) in &priced {
        total += sum;
        let per_case = sum / (*n).max(1) as f64;
        let _ = writeln!(
            out,
            "- `{label}`: ${sum:.4} for {n} cases (${per_case:.5} a case)"
        );
    }
    let _ = write!(out, "- run: ${total:.4}");
    Some(out)
}

#[cfg(test)]
mod page_tests {
    use super::*;

    /// The matrix rows are written without the template; they are what the template's loop
    /// wrote, escaping included.
    #[test]
    fn the_matrix_rows_are_the_templates_rows() {
        let mut summary = Summary::default();
        let mut cell = |topic: &str, backend: &str, runs, passes, sum, reasons: &[&str]| {
            summary.backends.entry(backend.to_string()).or_default();
            summary.cells.insert(
                (topic.to_string(), backend.to_string()),
                crate::summary::CellSummary {
                    runs,
                    passes,
                    overall_sum: sum,
                    reasons: reasons.iter().map(|r| r.to_string()).collect(),
                },
            );
        };
        cell(
            "checkout<&>\"x'/",
            "offline",
            2,
            1,
            1.5,
            &["repeat 2: <agenda> \"missing\""],
        );
        cell("plain", "offline", 1, 1, 0.9, &[]);
        cell("plain", "local:model=a&b", 1, 0, 0.2, &["error: timed out"]);
        let backends: Vec<&String> = summary.backends.keys().collect();
        let mut written = Vec::new();
        write_matrix(&mut written, &summary, &backends).expect("written");

        let loop_template = r#"
  {%- for topic, cells in matrix %}
    <tr><td>{{ topic }}</td>{% for c in cells %}<td class="cell" style="background: {{ c.color }}" title="{{ c.title }}">{{ c.score }}</td>{% endfor %}</tr>
  {%- endfor %}"#;
        let matrix: Vec<(String, Vec<[String; 3]>)> = summary
            .topics()
            .into_iter()
            .map(|topic| {
                let cells = backends
                    .iter()
                    .map(
                        |b| match summary.cells.get(&(topic.to_string(), (*b).clone())) {
                            Some(c) => {
                                let score = c.mean_overall();
                                let hue = ((score - 0.5).max(0.0) * 240.0).round();
                                [
                                    TwoPlaces(score).to_string(),
                                    format!("hsl({hue}, 65%, 45%)"),
                                    c.reasons.join("; "),
                                ]
                            }
                            None => [String::from("-"), String::from("#ccc"), String::new()],
                        },
                    )
                    .collect();
                (topic.to_string(), cells)
            })
            .collect();
        let matrix: Vec<(String, Vec<std::collections::BTreeMap<&str, String>>)> = matrix
            .into_iter()
            .map(|(t, cells)| {
                let cells = cells
                    .into_iter()
                    .map(|[score, color, title]| {
                        [("score", score), ("color", color), ("title", title)]
                            .into_iter()
                            .collect()
                    })
                    .collect();
                (t, cells)
            })
            .collect();
        let mut env = Environment::new();
        env.add_template("rows.html", loop_template)
            .expect("template");
        let rendered = env
            .get_template("rows.html")
            .expect("template")
            .render(context! { matrix => Value::from(Serde(matrix)) })
            .expect("rendered");
        assert_eq!(String::from_utf8(written).expect("utf-8"), rendered);
        assert!(rendered.contains("checkout&lt;&amp;&gt;&quot;x&#x27;&#x2f;"));
    }

    #[test]
    fn a_large_run_embeds_a_bounded_number_of_replies_and_links_the_rest() {
        let dir = std::env::temp_dir().join(format!("refine-eval-page-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let results = dir.join("results.jsonl");
        let mut text = String::new();
        for i in 0..2_000 {
            let pass = i % 4 != 0;
            let line = serde_json::json!({
                "run_id": "r", "case_id": format!("t{i}:offline:1"), "topic_id": format!("t{i}"),
                "backend": "offline", "repeat": 1, "reply": format!("<agenda>reply {i}</agenda>"),
                "plan": null, "findings": [], "scores": {"structure": 1.0, "adherence": 1.0, "overall": 1.0},
                "pass": pass, "latency_ms": 1, "tokens": null, "cached": false, "error": null,
            });
            text.push_str(&line.to_string());
            text.push('\n');
        }
        // A line with all a one-line case needs that is still no record is left out, as
        // before the cases' lines were read by their parts.
        text.push_str(r#"{"case_id":"bad:offline:1","pass":true,"scores":null,"findings":[]}"#);
        text.push('\n');
        std::fs::write(&results, text).expect("write");
        let summary = Summary::from_results(&results).expect("summary");
        assert_eq!(summary.unreadable_lines, vec![2_001]);
        let out = dir.join("report.html");
        html(&summary, &results, None, &out).expect("page");
        let page = std::fs::read_to_string(&out).expect("read");
        assert_eq!(
            page.matches("<details class=").count(),
            HTML_FAILING_REPLIES + HTML_PASSING_REPLIES
        );
        assert_eq!(
            page.matches("<p class=\"case ").count(),
            2_000 - HTML_FAILING_REPLIES - HTML_PASSING_REPLIES
        );
        assert!(page.contains("<a href=\"results.jsonl\">results.jsonl</a>"));
        assert!(!page.contains("bad:offline:1"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
