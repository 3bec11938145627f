//! Prompt and guide variants: cases are topics × prompts × guides × backends × repeats, each
//! told apart in case ids and summaries; a variant that changes what the backend is asked
//! changes its scores; a broken variant stops the run before any case.

use std::path::PathBuf;

use refine_core::Guide;
use refine_eval::record::latest_records;
use refine_eval::run::{Quiet, RunError, RunOptions, RunSettings, Variant, run};
use refine_eval::summary::Summary;
use refine_eval::topics::TopicFixture;
use refine_host::Registry;
use refine_plugin::{Backend, BackendError, BackendInput, BackendReply, PluginInfo, ReplyMeta};

/// The offline planner's reply, without its closing when the prompt says TERSE.
struct Obedient;

impl Backend for Obedient {
    fn info(&self) -> PluginInfo {
        PluginInfo {
            id: "obedient".into(),
            version: "0".into(),
            description: "test".into(),
        }
    }

    fn generate(&self, input: &BackendInput<'_>) -> Result<BackendReply, BackendError> {
        let text = backend_offline::plan_reply(input.request, input.guide)?;
        let text = if input.prompt.contains("TERSE") {
            text[..text.find("<closing_statement>").expect("closing")].to_string()
        } else {
            text
        };
        Ok(BackendReply {
            text,
            meta: ReplyMeta::default(),
        })
    }
}

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

fn settings(dir: &std::path::Path, prompt: &str) -> RunSettings {
    let template = dir.join("terse.j2");
    std::fs::create_dir_all(dir).expect("dir");
    std::fs::write(&template, prompt).expect("write");
    let topic = |id: &str, title: &str| TopicFixture {
        id: id.into(),
        title: title.into(),
        kind: "feature".into(),
        context: None,
    };
    RunSettings {
        run_id: "v".into(),
        topics: vec![
            topic("a", "Team calendars"),
            topic("b", "Fix crash on login"),
        ],
        backends: vec!["obedient".into()],
        repeat: 1,
        threshold: 0.8,
        minutes: None,
        guide: None,
        partition: None,
        plugins: Vec::new(),
        repair: 0,
        judge: None,
        prompts: vec![Variant {
            name: "terse".into(),
            file: template,
        }],
        guides: vec![Variant {
            name: "team".into(),
            file: fixtures().join("guides/sixty-minute.md"),
        }],
    }
}

fn options() -> RunOptions {
    RunOptions {
        jobs: 2,
        ..RunOptions::default()
    }
}

#[test]
fn every_prompt_and_guide_is_an_axis_of_its_own() {
    let dir = std::env::temp_dir().join(format!("refine-eval-variants-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let registry = Registry::builtin()
        .with_backend(Box::new(Obedient))
        .expect("registry");
    let terse = "TERSE. {{ topic }} <{{ agenda.tag }}> <{{ key_points.tag }}> <{{ discussion_questions.tag }}> <{{ closing_statement.tag }}>";
    let stats = run(
        &dir.join("run"),
        &settings(&dir, terse),
        &options(),
        &registry,
        &Guide::builtin(),
        &Quiet,
    )
    .expect("run");
    assert_eq!(stats.ran, 8, "2 topics x 2 prompts x 2 guides x 1 backend");
    let records = latest_records(&dir.join("run/results.jsonl")).expect("records");
    let mut labels: Vec<&str> = records.values().map(|r| r.backend.as_str()).collect();
    labels.sort_unstable();
    labels.dedup();
    assert_eq!(
        labels,
        vec![
            "obedient",
            "obedient|guide=team",
            "obedient|prompt=terse",
            "obedient|prompt=terse|guide=team"
        ]
    );
    assert!(records.contains_key("a:obedient|prompt=terse|guide=team:1"));
    for r in records.values() {
        // The terse prompt loses the closing; the team guide's phases are the agenda.
        assert_eq!(
            r.pass,
            r.prompt == "default",
            "{}: {:?}",
            r.case_id,
            r.findings
        );
        if r.guide == "team" {
            let plan = r.plan.as_ref().expect("plan");
            assert_eq!(
                plan.agenda[0].phase.as_deref(),
                Some("problem-framing"),
                "{plan:?}"
            );
        }
    }
    let summary = Summary::from_results(&dir.join("run/results.jsonl")).expect("summary");
    assert_eq!(summary.backends.len(), 4, "one row per combination");

    // The terse prompt against the built-in one, paired by topic: B is worse, and says so.
    let run_folder = dir.join("run");
    let side = |label| refine_eval::compare::Side {
        dir: &run_folder,
        label: Some(label),
    };
    let c = refine_eval::compare::compare(&side("obedient"), &side("obedient|prompt=terse"))
        .expect("compare");
    assert_eq!(
        (c.pairs, c.losses, c.pass_a_only, c.pass_b_only),
        (2, 2, 2, 0)
    );
    assert!(c.mean_delta < 0.0 && c.interval.1 < 0.0, "{c:?}");
    assert!(c.worse && !c.better);
    assert_eq!(c.flips.len(), 2);
    let page = refine_eval::compare::html(&c, "A", "B").expect("html");
    assert!(page.contains("&lt;agenda&gt;"), "replies are escaped");
    // And the other way round it is better; against itself, no difference.
    let c = refine_eval::compare::compare(&side("obedient|prompt=terse"), &side("obedient"))
        .expect("compare");
    assert!(c.better && !c.worse);
    let same =
        refine_eval::compare::compare(&side("obedient"), &side("obedient")).expect("compare");
    assert!(!same.worse && !same.better && same.ties == 2);
    // The binary exits 1 with --fail-if-worse.
    let run_dir = dir.join("run");
    let run_dir = run_dir.to_str().expect("path");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_refine-eval"))
        .args([
            "compare",
            run_dir,
            run_dir,
            "--label-a",
            "obedient",
            "--label-b",
            "obedient|prompt=terse",
            "--fail-if-worse",
        ])
        .output()
        .expect("refine-eval runs");
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("B is significantly worse"));

    // A variant that does not load stops the run before any case.
    let err = run(
        &dir.join("broken"),
        &settings(&dir, "TERSE {{ topik }}"),
        &options(),
        &registry,
        &Guide::builtin(),
        &Quiet,
    )
    .expect_err("a broken prompt");
    assert!(matches!(err, RunError::Variant(_)), "{err}");
    assert!(err.to_string().contains("prompt `terse`"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
