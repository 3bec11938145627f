//! The harness end to end, through its binary run from the workspace root: snapshots of the
//! offline and replay backends over every fixture topic, an interrupted run resumed, partitions
//! merged, JUnit read by a JUnit parser, and baseline regressions.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use refine_eval::record::{CaseRecord, read_records};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("refine-eval-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn eval(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_refine-eval"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::null())
        .output()
        .expect("refine-eval runs")
}

fn ok(output: &Output) -> String {
    let out = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{out}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    out
}

fn records(dir: &Path) -> Vec<CaseRecord> {
    let mut out = Vec::new();
    read_records(
        &dir.join("results.jsonl"),
        |r| out.push(r),
        |line| panic!("bad line {line}"),
    )
    .expect("results");
    out
}

/// What a case's outcome is, without timings or run ids.
fn outcome(r: &CaseRecord) -> serde_json::Value {
    serde_json::json!({
        "pass": r.pass,
        "error": r.error,
        "codes": r.findings.iter().map(|f| f.code.as_str()).collect::<Vec<_>>(),
        "scores": r.scores,
        "agenda": r.plan.as_ref().map(|p| p.agenda.iter().map(|a| (a.title.clone(), a.phase.clone())).collect::<Vec<_>>()),
        "counts": r.plan.as_ref().map(|p| [p.key_points.len(), p.discussion_questions.len()]),
    })
}

fn outcomes(dir: &Path) -> BTreeMap<String, serde_json::Value> {
    records(dir)
        .iter()
        .map(|r| (r.case_id.clone(), outcome(r)))
        .collect()
}

#[test]
fn offline_and_replay_over_every_fixture_topic() {
    let out = temp("snapshot");
    let out_s = out.to_str().expect("path");
    let stdout = ok(&eval(&[
        "run",
        "--backend",
        "offline",
        "--backend",
        "replay",
        "-j",
        "2",
        "--out",
        out_s,
        "--run-id",
        "snap",
        "--plain",
    ]));
    assert!(stdout.contains("0 errors"), "{stdout}");
    let dir = out.join("snap");
    for file in [
        "results.jsonl",
        "report.md",
        "report.html",
        "junit.xml",
        "run.json",
    ] {
        assert!(dir.join(file).is_file(), "{file}");
    }
    let all = outcomes(&dir);
    let topics = std::fs::read_dir(root().join("fixtures/topics"))
        .expect("topics")
        .count();
    assert_eq!(all.len(), topics * 2, "every topic on both backends, once");
    insta::assert_json_snapshot!(all);
    let _ = std::fs::remove_dir_all(out);
}

#[test]
fn junit_reads_back_with_a_junit_parser() {
    let out = temp("junit");
    ok(&eval(&[
        "run",
        "--backend",
        "offline",
        "--backend",
        "replay",
        "--out",
        out.to_str().expect("path"),
        "--run-id",
        "j",
        "--plain",
    ]));
    let file = std::fs::File::open(out.join("j/junit.xml")).expect("junit.xml");
    let suites = junit_parser::from_reader(std::io::BufReader::new(file)).expect("valid JUnit");
    assert_eq!(suites.suites.len(), 2);
    let offline = suites
        .suites
        .iter()
        .find(|s| s.name == "offline")
        .expect("offline suite");
    let replay = suites
        .suites
        .iter()
        .find(|s| s.name == "replay")
        .expect("replay suite");
    assert_eq!(offline.cases.len(), replay.cases.len());
    for suite in [offline, replay] {
        let classname = format!("refine-eval.{}", suite.name);
        for case in &suite.cases {
            assert_eq!(
                case.classname.as_deref(),
                Some(classname.as_str()),
                "{}",
                case.name
            );
        }
    }
    assert_eq!(offline.failures + offline.errors, 0);
    let failing = records(&out.join("j"))
        .iter()
        .filter(|r| r.backend == "replay" && !r.pass)
        .count() as u64;
    assert!(failing > 0, "some recorded replies break the contract");
    assert_eq!(replay.failures + replay.errors, failing);
    // Each suite carries the run's distinctness figure; the replay recordings written in the
    // old planner's style share wording across topics, the offline planner's do not.
    let templated = |suite: &junit_parser::TestSuite| -> f64 {
        suite.properties.hashmap["templated_questions"]
            .parse()
            .expect("a number")
    };
    assert!(templated(offline) < 0.25, "{}", templated(offline));
    assert!(templated(replay) > templated(offline));
    let _ = std::fs::remove_dir_all(out);
}

/// Starts a run of `n` generated topics in `out` with run id `id`, and returns once its results
/// hold `bytes` bytes: a run caught in the middle, for interruption tests.
fn start_big_run(out: &Path, n: usize, id: &str, jobs: &str, bytes: u64) -> std::process::Child {
    let topics = out.join("topics");
    std::fs::create_dir_all(&topics).expect("topics dir");
    for i in 0..n {
        std::fs::write(
            topics.join(format!("t{i:04}.toml")),
            format!("id = \"t{i:04}\"\ntitle = \"Topic number {i} about invoices\"\nkind = \"feature\"\n"),
        )
        .expect("topic");
    }
    let child = Command::new(env!("CARGO_BIN_EXE_refine-eval"))
        .args([
            "run",
            "--topics",
            topics.to_str().expect("path"),
            "-j",
            jobs,
        ])
        .args([
            "--out",
            out.to_str().expect("path"),
            "--run-id",
            id,
            "--plain",
        ])
        .current_dir(root())
        .stdout(Stdio::null())
        // A file, not a pipe: thousands of progress lines would fill a pipe nobody reads.
        .stderr(Stdio::from(
            std::fs::File::create(out.join("stderr.txt")).expect("stderr file"),
        ))
        .spawn()
        .expect("spawn");
    let results = out.join(id).join("results.jsonl");
    let started = std::time::Instant::now();
    while std::fs::metadata(&results).map_or(0, |m| m.len()) < bytes
        && started.elapsed().as_secs() < 60
    {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child
}

/// Asserts that every one of the run's `n` cases appears exactly once in its results.
fn each_case_once(dir: &Path, n: usize) {
    let ids: Vec<String> = records(dir).into_iter().map(|r| r.case_id).collect();
    let unique: std::collections::BTreeSet<&String> = ids.iter().collect();
    assert_eq!((ids.len(), unique.len()), (n, n), "every case exactly once");
}

#[test]
fn an_interrupted_run_resumes_with_every_case_exactly_once() {
    let out = temp("resume");
    let out_s = out.to_str().expect("path");
    let results = out.join("r/results.jsonl");
    let mut child = start_big_run(&out, 3000, "r", "1", 200_000);
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let exit = child.wait().expect("wait");
    let stderr = std::fs::read_to_string(out.join("stderr.txt")).expect("stderr");
    assert_eq!(exit.code(), Some(130), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "continue with: refine-eval run --out {out_s} --resume r"
        )),
        "{stderr}"
    );
    assert!(
        out.join("r/report.md").is_file(),
        "reports of what finished"
    );
    let before = records(&out.join("r")).len();
    assert!(
        before > 0 && before < 3000,
        "interrupted mid-run: {before} cases"
    );
    // A write cut short by a kill leaves half a line; resume must cope with that too.
    std::fs::OpenOptions::new()
        .append(true)
        .open(&results)
        .and_then(|mut f| std::io::Write::write_all(&mut f, b"{\"run_id\":\"r\",\"case_"))
        .expect("append half a line");
    let stdout = ok(&eval(&["run", "--resume", "r", "--out", out_s, "--plain"]));
    assert!(
        stdout.contains(&format!("{} kept from before", before)),
        "{stdout}"
    );
    each_case_once(&out.join("r"), 3000);
    let _ = std::fs::remove_dir_all(out);
}

#[test]
fn two_partitions_merged_equal_one_run() {
    let out = temp("partitions");
    let out_s = out.to_str().expect("path");
    std::fs::create_dir_all(&out).expect("dir");
    let short = out.join("short.j2");
    std::fs::write(
        &short,
        "Plan {{ topic }}: <{{ agenda.tag }}> <{{ key_points.tag }}> <{{ discussion_questions.tag }}> <{{ closing_statement.tag }}>",
    )
    .expect("template");
    let prompt = format!("short={}", short.display());
    let guide = format!(
        "team={}",
        root().join("fixtures/guides/sixty-minute.md").display()
    );
    // Variants included: every partition runs every prompt and guide of its topics.
    let base = [
        "--backend",
        "offline",
        "--backend",
        "replay",
        "--prompt",
        &prompt,
        "--guide",
        &guide,
        "--out",
        out_s,
        "--plain",
    ];
    ok(&eval(&[&["run", "--run-id", "full"][..], &base].concat()));
    ok(&eval(
        &[&["run", "--run-id", "p1", "--partition", "1/2"][..], &base].concat(),
    ));
    ok(&eval(
        &[&["run", "--run-id", "p2", "--partition", "2/2"][..], &base].concat(),
    ));
    let (p1, p2) = (outcomes(&out.join("p1")), outcomes(&out.join("p2")));
    assert!(!p1.is_empty() && !p2.is_empty());
    assert!(
        p1.keys().all(|k| !p2.contains_key(k)),
        "partitions do not overlap"
    );
    let merged = out.join("merged");
    ok(&eval(&[
        "merge",
        out.join("p1").to_str().expect("p"),
        out.join("p2").to_str().expect("p"),
        "--into",
        merged.to_str().expect("p"),
    ]));
    assert_eq!(outcomes(&merged), outcomes(&out.join("full")));
    assert!(
        outcomes(&merged)
            .keys()
            .any(|k| k.contains("|prompt=short|guide=team")),
        "the variants are in the merged run"
    );
    assert!(merged.join("report.html").is_file() && merged.join("junit.xml").is_file());
    let _ = std::fs::remove_dir_all(out);
}

#[test]
fn a_regression_against_the_baseline_exits_one() {
    let out = temp("baseline");
    let out_s = out.to_str().expect("path");
    // The committed baseline matches the fixtures: no regression.
    let stdout = ok(&eval(&[
        "run",
        "--backend",
        "offline",
        "--backend",
        "replay",
        "--baseline",
        "eval/baseline.json",
        "--out",
        out_s,
        "--run-id",
        "b1",
        "--plain",
    ]));
    assert!(
        stdout.contains("no regressions against eval/baseline.json"),
        "{stdout}"
    );
    // A baseline in which every replay case passed at 1.0 makes today's failures regressions.
    let mut baseline: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("eval/baseline.json")).expect("baseline"),
    )
    .expect("JSON");
    for (_, case) in baseline["cases"].as_object_mut().expect("cases").iter_mut() {
        case["pass_rate"] = 1.0.into();
        case["overall"] = 1.0.into();
    }
    let rosy = out.join("rosy.json");
    std::fs::write(&rosy, baseline.to_string()).expect("write");
    let output = eval(&[
        "run",
        "--backend",
        "offline",
        "--backend",
        "replay",
        "--baseline",
        rosy.to_str().expect("p"),
        "--out",
        out_s,
        "--run-id",
        "b2",
        "--plain",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("regression: ") && stdout.contains(":replay went from pass to fail"),
        "{stdout}"
    );
    assert!(
        !stdout.contains(":offline went from pass"),
        "offline still passes: {stdout}"
    );
    let _ = std::fs::remove_dir_all(out);
}

#[test]
fn repeats_give_pass_rates_and_an_existing_run_is_not_overwritten() {
    let out = temp("repeat");
    let out_s = out.to_str().expect("path");
    ok(&eval(&[
        "run",
        "--repeat",
        "3",
        "--topics",
        "fixtures/topics/dark-mode.toml",
        "--out",
        out_s,
        "--run-id",
        "x",
        "--plain",
    ]));
    let ids: Vec<String> = records(&out.join("x"))
        .into_iter()
        .map(|r| r.case_id)
        .collect();
    assert_eq!(ids.len(), 3);
    assert!(ids.contains(&String::from("dark-mode:offline:3")));
    let report = std::fs::read_to_string(out.join("x/report.md")).expect("report.md");
    assert!(report.contains("## Flaky cases\n\nNone."), "{report}");
    let again = eval(&[
        "run",
        "--topics",
        "fixtures/topics/dark-mode.toml",
        "--out",
        out_s,
        "--run-id",
        "x",
    ]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--resume x"));
    let bad = eval(&["run", "--partition", "3/2"]);
    assert_eq!(bad.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(out);
}

/// A new run (each case once) summarises its results and writes the cases' part of
/// `report.html` as it writes them, records taken by two workers: its reports are the reports
/// `refine-eval report` reads back from them, also
/// when two backends share a label and so a case id (then the run reads its results back, and
/// the later line of a case counts).
#[test]
fn a_runs_reports_are_the_reports_read_back_from_its_results() {
    let out = temp("gathered");
    let out_s = out.to_str().expect("path");
    for (id, backends) in [
        ("mixed", ["offline", "replay"]),
        ("same-label", ["offline", "offline"]),
    ] {
        ok(&eval(&[
            "run",
            "--backend",
            backends[0],
            "--backend",
            backends[1],
            "--repeat",
            "2",
            "-j",
            "2",
            "--out",
            out_s,
            "--run-id",
            id,
            "--plain",
        ]));
        let dir = out.join(id);
        assert!(
            !dir.join(refine_eval::report::CASES_PART).exists(),
            "{id}: the run's part of report.html is left behind"
        );
        let read = |name: &str| std::fs::read(dir.join(name)).expect(name);
        let written: Vec<Vec<u8>> = ["report.md", "report.html", "junit.xml"].map(read).into();
        ok(&eval(&["report", dir.to_str().expect("path")]));
        let read_back: Vec<Vec<u8>> = ["report.md", "report.html", "junit.xml"].map(read).into();
        assert!(
            written == read_back,
            "{id}: the run's reports differ from the results' reports"
        );
    }
    let _ = std::fs::remove_dir_all(out);
}

#[test]
fn titles_only_leaves_the_notes_out_of_every_case() {
    let out = temp("titles-only");
    let run = |id: &str, extra: &[&str]| {
        let mut args = vec![
            "run",
            "--topics",
            "fixtures/topics/item-node-eol.toml",
            "--out",
            out.to_str().expect("path"),
            "--run-id",
            id,
            "--plain",
        ];
        args.extend_from_slice(extra);
        ok(&eval(&args));
        records(&out.join(id))
            .pop()
            .and_then(|r| r.plan)
            .expect("a plan")
            .discussion_questions
            .join("\n")
    };
    let with_notes = run("notes", &[]);
    let titles = run("titles", &["--titles-only"]);
    assert!(with_notes.contains("The notes"), "{with_notes}");
    assert!(!titles.contains("notes"), "{titles}");
    let settings = std::fs::read_to_string(out.join("titles/run.json")).expect("run.json");
    assert!(settings.contains("\"context\": null"), "{settings}");
    let _ = std::fs::remove_dir_all(out);
}

/// Runs `refine-eval` with its stdout going to `stdout`.
fn eval_into(args: &[&str], stdout: Stdio) -> Output {
    Command::new(env!("CARGO_BIN_EXE_refine-eval"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(Stdio::piped())
        .output()
        .expect("refine-eval runs")
}

#[test]
fn a_closed_stdout_is_not_an_error_and_a_full_disk_is_one_line() {
    let out = temp("pipes");
    let run = |id: &str, stdout: Stdio, baseline: Option<&Path>| {
        let mut args = vec![
            "run",
            "--topics",
            "fixtures/topics/dark-mode.toml",
            "--out",
            out.to_str().expect("path"),
            "--run-id",
            id,
            "--plain",
        ];
        if let Some(b) = baseline {
            args.extend(["--baseline", b.to_str().expect("path")]);
        }
        eval_into(&args, stdout)
    };
    // The reader has gone before anything is written, as in `refine-eval run | head -0`.
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let o = run("closed", Stdio::from(writer), None);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    // A closed stdout never turns a regression into success.
    let baseline = out.join("strict-baseline.json");
    std::fs::write(
        &baseline,
        r#"{"cases": {"dark-mode:offline": {"pass_rate": 1.0, "overall": 1.5}}}"#,
    )
    .expect("write baseline");
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let o = run("closed-regression", Stdio::from(writer), Some(&baseline));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    // A full disk is an error, said in one line.
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let o = run("full", Stdio::from(full), None);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let last = stderr.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("error: writing to standard output") && last.contains("No space left"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(out);
}

#[test]
fn a_run_missing_baseline_cases_fails_unless_it_is_a_partition() {
    let out = temp("missing");
    let o = eval(&[
        "run",
        "--topics",
        "fixtures/topics/dark-mode.toml",
        "--baseline",
        "eval/baseline.json",
        "--out",
        out.to_str().expect("path"),
        "--run-id",
        "one",
        "--plain",
    ]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert!(
        text.contains("regression: api-rate-limits:offline is in the baseline but missing"),
        "{text}"
    );
    let o = eval(&[
        "run",
        "--backend",
        "offline",
        "--backend",
        "replay",
        "--partition",
        "1/2",
        "--baseline",
        "eval/baseline.json",
        "--out",
        out.to_str().expect("path"),
        "--run-id",
        "half",
        "--plain",
    ]);
    let text = ok(&o);
    assert!(
        text.contains("partition 1/2: ")
            && text.contains("baseline cases belong to other partitions"),
        "{text}"
    );
    assert!(text.contains("no regressions"), "{text}");
    // A resumed partition is still that partition: run.json keeps it.
    let resume = |extra: &[&str]| {
        let base = [
            "run",
            "--resume",
            "half",
            "--baseline",
            "eval/baseline.json",
            "--out",
            out.to_str().expect("path"),
            "--plain",
        ];
        eval(&[&base[..], extra].concat())
    };
    let text = ok(&resume(&[]));
    assert!(text.contains("partition 1/2: "), "{text}");
    assert!(text.contains("no regressions"), "{text}");
    // The options that define a run are the run's: giving them again is refused, not ignored.
    for extra in [
        &["--partition", "2/2"][..],
        &["--backend", "offline"],
        &["--topics", "fixtures/topics/dark-mode.toml"],
        &["--minutes", "30"],
    ] {
        let o = resume(extra);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{extra:?}: {err}");
        assert!(err.contains("cannot be used with"), "{extra:?}: {err}");
    }
    let _ = std::fs::remove_dir_all(out);
}

#[test]
fn runs_started_together_never_share_a_folder() {
    let out = temp("together");
    let start = || {
        Command::new(env!("CARGO_BIN_EXE_refine-eval"))
            .args(["run", "--out", out.to_str().expect("path"), "--plain"])
            .current_dir(root())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("refine-eval starts")
    };
    let children: Vec<_> = (0..3).map(|_| start()).collect();
    for child in children {
        let o = child.wait_with_output().expect("refine-eval ends");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let topics = std::fs::read_dir(root().join("fixtures/topics"))
        .expect("topics")
        .count();
    let mut runs = 0;
    for entry in std::fs::read_dir(&out).expect("out") {
        let dir = entry.expect("entry").path();
        if dir.join("results.jsonl").is_file() {
            runs += 1;
            let records = records(&dir);
            assert_eq!(records.len(), topics, "{}", dir.display());
        }
    }
    assert_eq!(runs, 3, "three runs, three folders");
    let _ = std::fs::remove_dir_all(out);
}

#[test]
fn a_run_being_written_cannot_be_resumed_or_taken_and_bad_options_stop_before_any_work() {
    let out = temp("locked");
    let run_dir = out.join("live");
    ok(&eval(&[
        "run",
        "--topics",
        "fixtures/topics/dark-mode.toml",
        "--out",
        out.to_str().expect("path"),
        "--run-id",
        "live",
        "--plain",
    ]));
    // Another process holds the run's lock, as a run still going would.
    let lock = std::fs::OpenOptions::new()
        .write(true)
        .open(run_dir.join(".lock"))
        .expect("the run's lock file");
    lock.try_lock()
        .expect("the lock is free once the run ended");
    let o = eval(&[
        "run",
        "--out",
        out.to_str().expect("path"),
        "--resume",
        "live",
        "--plain",
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("being written by another refine-eval process"),
        "{stderr}"
    );
    drop(lock);
    let o = eval(&[
        "run",
        "--out",
        out.to_str().expect("path"),
        "--run-id",
        "live",
        "--plain",
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("add to it with --resume live"), "{stderr}");
    for (args, says) in [
        (vec!["--run-id", "../escape"], "must be a name"),
        (vec!["--minutes", "0"], "--minutes 0 must lie in 1-480"),
        (vec!["--guide", "/no/such/guide.md"], "/no/such/guide.md"),
    ] {
        let mut all = vec!["run", "--out", out.to_str().expect("path"), "--plain"];
        all.extend(args);
        let o = eval(&all);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(says), "{says}: {stderr}");
    }
    assert!(!out.join("../escape").exists());
    let folders = std::fs::read_dir(&out).expect("out").count();
    assert_eq!(folders, 1, "no run folder was made for a refused run");
    let _ = std::fs::remove_dir_all(out);
}

#[test]
fn a_corrupt_results_line_is_named_by_its_number_on_resume_and_in_reports() {
    let out = temp("corrupt");
    let out_s = out.to_str().expect("path");
    let args = [
        "run",
        "--topics",
        "fixtures/topics/dark-mode.toml",
        "--out",
        out_s,
        "--run-id",
        "c",
        "--plain",
    ];
    ok(&eval(&args));
    let results = out.join("c/results.jsonl");
    let good = std::fs::read_to_string(&results).expect("results");
    std::fs::write(&results, format!("{{\"an edit\": gone wrong\n{good}")).expect("corrupt it");
    let o = eval(&["run", "--resume", "c", "--out", out_s, "--plain"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(
        stderr.contains("results.jsonl line 1 is not a whole record and was left out"),
        "{stderr}"
    );
    let report = std::fs::read_to_string(out.join("c/report.md")).expect("report.md");
    assert!(report.contains("line 1 is not a whole record"), "{report}");
    let stdout = ok(&eval(&["report", out.join("c").to_str().expect("path")]));
    assert!(stdout.contains("warning: results.jsonl line 1"), "{stdout}");
    let (cases, bad) =
        refine_eval::record::case_states(&out.join("c/results.jsonl")).expect("results");
    assert_eq!(
        (cases.len(), bad),
        (1, vec![1]),
        "the case is not run again"
    );
    let _ = std::fs::remove_dir_all(out);
}

#[test]
fn a_run_killed_hard_resumes_with_every_case_exactly_once() {
    let out = temp("killed");
    let out_s = out.to_str().expect("path");
    let mut child = start_big_run(&out, 2000, "k", "2", 100_000);
    child.kill().expect("kill -9");
    let _ = child.wait();
    // The lock died with the process: the resume may start at once.
    let stdout = ok(&eval(&["run", "--resume", "k", "--out", out_s, "--plain"]));
    assert!(stdout.contains("kept from before"), "{stdout}");
    each_case_once(&out.join("k"), 2000);
    let _ = std::fs::remove_dir_all(out);
}
