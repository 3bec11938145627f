//! The response cache and recordings, with a backend of the test's own that is not local and
//! counts its calls: a second identical run is answered from the cache without calling it, and
//! its recorded replies are answered again by the replay backend.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use refine_core::Guide;
use refine_eval::cache::Cache;
use refine_eval::record::latest_records;
use refine_eval::run::{Quiet, RunOptions, RunSettings, run};
use refine_eval::topics::TopicFixture;
use refine_host::Registry;
use refine_plugin::{Backend, BackendError, BackendInput, BackendReply, PluginInfo, ReplyMeta};

/// Answers with the offline planner's reply, counting calls, and says it is remote.
struct Counting {
    calls: Arc<AtomicUsize>,
}

impl Backend for Counting {
    fn info(&self) -> PluginInfo {
        test_plugin("counting")
    }

    fn generate(&self, input: &BackendInput<'_>) -> Result<BackendReply, BackendError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        // Long enough that the two repeats of a prompt are in flight together.
        std::thread::sleep(std::time::Duration::from_millis(50));
        let text = backend_offline::plan_reply(input.request, input.guide)?;
        Ok(BackendReply {
            text,
            meta: ReplyMeta {
                model: Some("counting-1".into()),
                input_tokens: Some(1200),
                output_tokens: Some(400),
                ..ReplyMeta::default()
            },
        })
    }
}

/// What a test backend of this file says of itself.
fn test_plugin(id: &str) -> PluginInfo {
    PluginInfo {
        id: id.into(),
        version: "0".into(),
        description: "test".into(),
    }
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("refine-eval-cache-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn settings(run_id: &str, backends: &[&str]) -> RunSettings {
    let topic = |id: &str, title: &str| TopicFixture {
        id: id.into(),
        title: title.into(),
        kind: "feature".into(),
        context: None,
    };
    RunSettings {
        run_id: run_id.into(),
        topics: vec![
            topic("a", "Team calendars"),
            topic("b", "Fix crash on login"),
        ],
        backends: backends.iter().map(|s| s.to_string()).collect(),
        repeat: 2,
        threshold: 0.8,
        minutes: None,
        guide: None,
        partition: None,
        plugins: Vec::new(),
        repair: 0,
        judge: None,
        prompts: Vec::new(),
        guides: Vec::new(),
    }
}

#[test]
fn a_second_identical_run_is_answered_by_the_cache_and_recordings_replay() {
    let root = temp("cache");
    let calls = Arc::new(AtomicUsize::new(0));
    let registry = Registry::builtin()
        .with_backend(Box::new(Counting {
            calls: Arc::clone(&calls),
        }))
        .expect("registry");
    let recordings = root.join("recorded");
    let options = RunOptions {
        // A worker per case, so the two repeats of a prompt run side by side.
        jobs: 4,
        cache: Some(Cache::new(&root.join("cache"))),
        record: Some(recordings.clone()),
        ..RunOptions::default()
    };
    let guide = Guide::builtin();

    let first = run(
        &root.join("one"),
        &settings("one", &["counting"]),
        &options,
        &registry,
        &guide,
        &Quiet,
    )
    .expect("run");
    assert_eq!(first.ran, 4);
    // Two repeats of each prompt, run side by side: each prompt is asked once.
    let after_first = calls.load(Ordering::SeqCst);
    assert_eq!(after_first, 2, "identical prompts in flight are asked once");

    let second = run(
        &root.join("two"),
        &settings("two", &["counting"]),
        &options,
        &registry,
        &guide,
        &Quiet,
    )
    .expect("run");
    assert_eq!(second.ran, 4);
    assert_eq!(
        calls.load(Ordering::SeqCst),
        after_first,
        "the cache answered every case"
    );
    let records = latest_records(&root.join("two/results.jsonl")).expect("records");
    assert!(
        records
            .values()
            .all(|r| r.cached && r.latency_ms == Some(0) && r.pass)
    );
    let first_records = latest_records(&root.join("one/results.jsonl")).expect("records");
    assert!(first_records.values().all(|r| {
        r.tokens
            .is_some_and(|t| t.input == Some(1200) && t.output == Some(400))
    }));

    let no_cache = RunOptions {
        named: Default::default(),
        cache: None,
        ..options.clone()
    };
    run(
        &root.join("three"),
        &settings("three", &["counting"]),
        &no_cache,
        &registry,
        &guide,
        &Quiet,
    )
    .expect("run");
    assert_eq!(
        calls.load(Ordering::SeqCst),
        after_first + 4,
        "--no-cache calls every time"
    );

    // The recordings answer through the replay backend with the same plans.
    assert_eq!(
        std::fs::read_dir(&recordings).expect("recordings").count(),
        2
    );
    let replay = format!("replay:dir={}", recordings.display());
    run(
        &root.join("four"),
        &settings("four", &[replay.as_str()]),
        &options,
        &registry,
        &guide,
        &Quiet,
    )
    .expect("run");
    let replayed = latest_records(&root.join("four/results.jsonl")).expect("records");
    assert_eq!(replayed.len(), 4);
    for record in replayed.values() {
        assert_eq!(record.error, None);
        let original = &first_records[&format!("{}:counting:{}", record.topic_id, record.repeat)];
        assert_eq!(record.plan, original.plan);
    }
    let _ = std::fs::remove_dir_all(root);
}

#[test]
fn a_failing_backend_is_recorded_and_retried() {
    struct Failing;
    impl Backend for Failing {
        fn info(&self) -> PluginInfo {
            test_plugin("failing")
        }
        fn generate(&self, _: &BackendInput<'_>) -> Result<BackendReply, BackendError> {
            Err(BackendError::Unavailable(
                "connection refused (http://127.0.0.1:9/v1)".into(),
            ))
        }
    }
    let root = temp("failing");
    let registry = Registry::builtin()
        .with_backend(Box::new(Failing))
        .expect("registry");
    let options = RunOptions {
        jobs: 1,
        ..RunOptions::default()
    };
    let guide = Guide::builtin();
    let s = settings("f", &["failing", "offline"]);
    let stats = run(&root.join("f"), &s, &options, &registry, &guide, &Quiet).expect("run goes on");
    assert_eq!((stats.ran, stats.errors), (8, 4));
    let records = latest_records(&root.join("f/results.jsonl")).expect("records");
    let failed = &records["a:failing:1"];
    assert_eq!(
        failed.error.as_deref(),
        Some("backend `failing`: connection refused (http://127.0.0.1:9/v1)")
    );
    assert!(!failed.pass && failed.reply.is_none() && failed.scores.is_none());
    assert!(records["a:offline:1"].pass, "other backends go on");

    let again = run(&root.join("f"), &s, &options, &registry, &guide, &Quiet).expect("resume");
    assert_eq!(
        (again.ran, again.kept),
        (0, 8),
        "a plain resume keeps failed cases"
    );
    let retry = RunOptions {
        named: Default::default(),
        retry_errors: true,
        ..options
    };
    let retried = run(&root.join("f"), &s, &retry, &registry, &guide, &Quiet).expect("retry");
    assert_eq!((retried.ran, retried.kept, retried.errors), (4, 4, 4));
    // A run told to stop starts no case and says how many it left.
    let stopped = RunOptions {
        named: Default::default(),
        stop: Some(std::sync::Arc::new(std::sync::atomic::AtomicBool::new(
            true,
        ))),
        ..retry
    };
    let s2 = settings("g", &["offline"]);
    let none = run(&root.join("g"), &s2, &stopped, &registry, &guide, &Quiet).expect("stopped");
    assert_eq!((none.ran, none.skipped), (0, 4));
    let _ = std::fs::remove_dir_all(root);
}

/// Drops the closing statement unless the prompt asks for a corrected reply.
struct Forgetful {
    calls: Arc<AtomicUsize>,
}

impl Backend for Forgetful {
    fn info(&self) -> PluginInfo {
        test_plugin("forgetful")
    }

    fn generate(&self, input: &BackendInput<'_>) -> Result<BackendReply, BackendError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let text = backend_offline::plan_reply(input.request, input.guide)?;
        let text = if input.prompt.contains("<previous_reply>") {
            assert!(
                input
                    .prompt
                    .contains("[section-missing] no ‹closing_statement› section")
            );
            text
        } else {
            text[..text.find("<closing_statement>").expect("closing")].to_string()
        };
        Ok(BackendReply {
            text,
            meta: ReplyMeta::default(),
        })
    }
}

#[test]
fn a_reply_that_breaks_the_contract_is_repaired_once_and_both_attempts_are_recorded() {
    let root = temp("repair");
    let calls = Arc::new(AtomicUsize::new(0));
    let registry = Registry::builtin()
        .with_backend(Box::new(Forgetful {
            calls: Arc::clone(&calls),
        }))
        .expect("registry");
    let options = RunOptions {
        jobs: 2,
        ..RunOptions::default()
    };
    let mut with_repair = settings("fix", &["forgetful"]);
    with_repair.repeat = 1;
    with_repair.repair = 1;
    run(
        &root.join("fix"),
        &with_repair,
        &options,
        &registry,
        &Guide::builtin(),
        &Quiet,
    )
    .expect("run");
    assert_eq!(calls.load(Ordering::SeqCst), 4, "two topics, two asks each");
    let records = latest_records(&root.join("fix/results.jsonl")).expect("records");
    for record in records.values() {
        assert!(
            record.pass,
            "the repaired reply is kept: {:?}",
            record.findings
        );
        assert_eq!(record.attempts.len(), 2);
        assert_eq!(
            record.attempts[0].errors,
            vec![refine_core::Code::SectionMissing]
        );
        assert!(record.attempts[1].errors.is_empty());
    }
    // Without repair, one ask each and the broken reply stands.
    let mut without = settings("keep", &["forgetful"]);
    without.repeat = 1;
    run(
        &root.join("keep"),
        &without,
        &options,
        &registry,
        &Guide::builtin(),
        &Quiet,
    )
    .expect("run");
    assert_eq!(calls.load(Ordering::SeqCst), 6);
    let records = latest_records(&root.join("keep/results.jsonl")).expect("records");
    assert!(records.values().all(|r| !r.pass && r.attempts.is_empty()));
}

#[test]
fn cost_comes_from_the_price_table_and_max_cost_stops_new_cases() {
    let root = temp("cost");
    let calls = Arc::new(AtomicUsize::new(0));
    let registry = Registry::builtin()
        .with_backend(Box::new(Counting {
            calls: Arc::clone(&calls),
        }))
        .expect("registry");
    let mut prices = std::collections::BTreeMap::new();
    prices.insert(
        String::from("counting-1"),
        refine_host::config::Price {
            input: 10.0,
            output: 30.0,
        },
    );
    let options = RunOptions {
        // One worker, so the budget is checked between cases in order.
        jobs: 1,
        prices,
        max_cost: Some(0.05),
        ..RunOptions::default()
    };
    let guide = Guide::builtin();
    let settings = settings("cost", &["counting"]);
    let stats = run(
        &root.join("cost"),
        &settings,
        &options,
        &registry,
        &guide,
        &Quiet,
    )
    .expect("run");
    // Each call: 1,200 tokens in at $10/M and 400 out at $30/M = $0.024; the third crosses $0.05.
    assert_eq!((stats.ran, stats.skipped), (3, 1));
    let records = latest_records(&root.join("cost/results.jsonl")).expect("records");
    assert!(
        records
            .values()
            .all(|r| r.cost.is_some_and(|c| (c - 0.024).abs() < 1e-9))
    );
    let summary = refine_eval::report::write_all(&root.join("cost")).expect("reports");
    let lines = refine_eval::report::cost_lines(&summary).expect("cost");
    assert!(
        lines.contains("$0.0720 for 3 cases") && lines.contains("- run: $0.0720"),
        "{lines}"
    );
    // Resuming without the cap runs the case left.
    let options = RunOptions {
        max_cost: None,
        ..options
    };
    let stats = run(
        &root.join("cost"),
        &settings,
        &options,
        &registry,
        &guide,
        &Quiet,
    )
    .expect("resume");
    assert_eq!((stats.ran, stats.kept), (1, 3));
    let _ = std::fs::remove_dir_all(root);
}

/// Says 429 to its first call, then answers; fails if it sees a limit option.
struct RateLimited {
    calls: Arc<AtomicUsize>,
}

impl Backend for RateLimited {
    fn info(&self) -> PluginInfo {
        test_plugin("limited")
    }

    fn generate(&self, input: &BackendInput<'_>) -> Result<BackendReply, BackendError> {
        assert!(
            input.options.is_empty(),
            "limits never reach the backend: {:?}",
            input.options
        );
        if self.calls.fetch_add(1, Ordering::SeqCst) == 0 {
            return Err(BackendError::Unavailable(String::from(
                "http://x/v1/chat/completions: HTTP 429 after 4 attempts (no retries left): slow down",
            )));
        }
        Ok(BackendReply {
            text: backend_offline::plan_reply(input.request, input.guide)?,
            meta: ReplyMeta::default(),
        })
    }
}

#[test]
fn limits_are_the_runs_and_a_rate_limit_costs_time_not_the_case() {
    let root = temp("limits");
    let calls = Arc::new(AtomicUsize::new(0));
    let registry = Registry::builtin()
        .with_backend(Box::new(RateLimited {
            calls: Arc::clone(&calls),
        }))
        .expect("registry");
    let options = RunOptions {
        jobs: 2,
        ..RunOptions::default()
    };
    let mut settings = settings("limits", &["limited:max_concurrency=1,rpm=600"]);
    settings.repeat = 1;
    let stats = run(
        &root.join("l"),
        &settings,
        &options,
        &registry,
        &Guide::builtin(),
        &Quiet,
    )
    .expect("run");
    assert_eq!((stats.ran, stats.errors), (2, 0), "the 429 was waited out");
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    let records = latest_records(&root.join("l/results.jsonl")).expect("records");
    assert!(records.values().all(|r| r.pass));
    let mut bad = settings.clone();
    bad.backends = vec![String::from("limited:rpm=0")];
    assert!(
        run(
            &root.join("bad"),
            &bad,
            &options,
            &registry,
            &Guide::builtin(),
            &Quiet
        )
        .is_err()
    );
    let _ = std::fs::remove_dir_all(root);
}

/// A remote backend that finds, at each call, how many records the run's results hold.
struct Watching {
    results: PathBuf,
    seen: Arc<std::sync::Mutex<Vec<usize>>>,
}

impl Backend for Watching {
    fn info(&self) -> PluginInfo {
        test_plugin("watching")
    }

    fn generate(&self, input: &BackendInput<'_>) -> Result<BackendReply, BackendError> {
        let lines = std::fs::read_to_string(&self.results).map_or(0, |text| text.lines().count());
        self.seen.lock().expect("seen").push(lines);
        Ok(BackendReply {
            text: backend_offline::plan_reply(input.request, input.guide)?,
            meta: ReplyMeta::default(),
        })
    }
}

#[test]
fn a_paid_calls_record_is_written_before_the_next_call() {
    let root = temp("watching");
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let registry = Registry::builtin()
        .with_backend(Box::new(Watching {
            results: root.join("w/results.jsonl"),
            seen: Arc::clone(&seen),
        }))
        .expect("registry");
    let options = RunOptions {
        jobs: 1,
        ..RunOptions::default()
    };
    // Enough cases that offline ones would share batches.
    let many = RunSettings {
        repeat: 20,
        ..settings("w", &["watching"])
    };
    let stats = run(
        &root.join("w"),
        &many,
        &options,
        &registry,
        &Guide::builtin(),
        &Quiet,
    )
    .expect("run");
    assert_eq!(stats.ran, 40);
    // Records of offline cases are written a batch at a time; a call that may have cost money
    // is on disk before the next one is made, so a run killed then keeps it.
    assert_eq!(*seen.lock().expect("seen"), (0..40).collect::<Vec<usize>>());
    let _ = std::fs::remove_dir_all(root);
}
