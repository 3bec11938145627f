//! The judge against a grader of the test's own on loopback (the OpenAI protocol): it receives
//! the rubric and the reply, its scores land in the results with the grader and rubric named,
//! apart from the linter's, and an answer in another shape is an error for that case's verdict.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use refine_core::Guide;
use refine_eval::record::latest_records;
use refine_eval::run::{Quiet, RunOptions, RunSettings, run};
use refine_eval::topics::TopicFixture;
use refine_host::Registry;

/// A grader on loopback: answers every prompt with `answer`, keeps the requests it was sent.
fn grader(answer: String) -> (String, Arc<Mutex<Vec<String>>>) {
    grader_by(move |_| answer.clone())
}

/// A grader on loopback whose answer depends on the prompt it is sent.
fn grader_by(
    answer: impl Fn(&str) -> String + Send + 'static,
) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/v1", listener.local_addr().expect("addr"));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let kept = Arc::clone(&seen);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0u8; length];
            let _ = reader.read_exact(&mut body);
            let request: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
            kept.lock().expect("lock").push(request.to_string());
            let prompt = request["messages"][0]["content"]
                .as_str()
                .unwrap_or_default();
            let reply = serde_json::json!({
                "model": "grader-1",
                "choices": [{"message": {"role": "assistant", "content": answer(prompt)}}],
            })
            .to_string();
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{reply}",
                reply.len()
            );
        }
    });
    (url, seen)
}

fn settings(judge: String) -> RunSettings {
    let topic = |id: &str, title: &str| TopicFixture {
        id: id.into(),
        title: title.into(),
        kind: "feature".into(),
        context: None,
    };
    RunSettings {
        run_id: "j".into(),
        topics: vec![
            topic("a", "Team calendars"),
            topic("b", "Fix crash on login"),
        ],
        backends: vec!["offline".into()],
        repeat: 1,
        threshold: 0.8,
        minutes: None,
        guide: None,
        partition: None,
        plugins: Vec::new(),
        repair: 0,
        judge: Some(judge),
        prompts: Vec::new(),
        guides: Vec::new(),
    }
}

fn options() -> RunOptions {
    RunOptions {
        jobs: 2,
        ..RunOptions::default()
    }
}

#[test]
fn a_grader_on_loopback_scores_every_reply_apart_from_the_linter() {
    let ids = [
        "specific",
        "problem-not-solution",
        "no-estimation",
        "guide-phases",
        "next-steps",
    ];
    let scores: Vec<serde_json::Value> = ids
        .iter()
        .map(|id| serde_json::json!({"id": id, "score": 3, "reason": "Halfway there."}))
        .collect();
    let (url, seen) = grader(serde_json::json!({ "scores": scores }).to_string());
    let dir = std::env::temp_dir().join(format!("refine-eval-judge-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let spec = format!("openai:base_url={url},model=grader-1");
    run(
        &dir.join("good"),
        &settings(spec.clone()),
        &options(),
        &Registry::builtin(),
        &Guide::builtin(),
        &Quiet,
    )
    .expect("run");
    let records = latest_records(&dir.join("good/results.jsonl")).expect("records");
    assert_eq!(records.len(), 2);
    for r in records.values() {
        let verdict = r.judge.as_ref().expect("a verdict");
        assert_eq!(verdict.grader, spec);
        assert_eq!(verdict.model.as_deref(), Some("grader-1"));
        assert_eq!(
            verdict.rubric,
            refine_eval::judge::Rubric::builtin().version
        );
        assert_eq!(verdict.scores.len(), 5);
        assert!((verdict.mean - 0.5).abs() < 1e-9);
        assert_eq!(
            r.scores.map(|s| s.overall),
            Some(1.0),
            "the linter's score is its own"
        );
    }
    let requests: Vec<serde_json::Value> = seen
        .lock()
        .expect("lock")
        .iter()
        .map(|r| serde_json::from_str(r).expect("JSON"))
        .collect();
    assert_eq!(requests.len(), 2);
    // The grader's answer is shaped by the rubric's own schema, not the pack's.
    let format = &requests[0]["response_format"];
    assert_eq!(format["json_schema"]["name"], "answer");
    assert_eq!(
        format["json_schema"]["schema"]["properties"]["scores"]["minItems"],
        5
    );
    let prompts: Vec<String> = requests
        .iter()
        .map(|r| {
            r["messages"][0]["content"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    assert!(
        prompts
            .iter()
            .all(|p| p.contains("guide-phases: Does the agenda follow the guide's phases"))
    );
    assert!(
        prompts
            .iter()
            .any(|p| p.contains("Topic: Team calendars") && p.contains("‹agenda›"))
    );
    let summary = refine_eval::report::write_all(&dir.join("good")).expect("reports");
    assert_eq!(summary.disagreements.len(), 2);
    let md = std::fs::read_to_string(dir.join("good/report.md")).expect("report");
    assert!(
        md.contains("## Judge") && md.contains("| offline | 2 | 0.500 | 0 |"),
        "{md}"
    );
    assert!(
        md.contains(&format!("Grader: {spec} (grader-1), rubric ")),
        "{md}"
    );

    // An answer in another shape is an error for the verdict, not a score.
    let (url, _) = grader(String::from("I'd give it a 4 overall."));
    run(
        &dir.join("bad"),
        &settings(format!("openai:base_url={url},model=grader-1")),
        &options(),
        &Registry::builtin(),
        &Guide::builtin(),
        &Quiet,
    )
    .expect("run");
    let records = latest_records(&dir.join("bad/results.jsonl")).expect("records");
    for r in records.values() {
        assert!(r.judge.is_none());
        assert!(
            r.judge_error
                .as_deref()
                .is_some_and(|e| e.contains("not the asked JSON")),
            "{:?}",
            r.judge_error
        );
        assert!(r.pass, "the case itself stands");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// An answer giving every criterion `score`.
fn scored(score: u8) -> String {
    let ids = [
        "specific",
        "problem-not-solution",
        "no-estimation",
        "guide-phases",
        "next-steps",
    ];
    let scores: Vec<serde_json::Value> = ids
        .iter()
        .map(|id| serde_json::json!({"id": id, "score": score, "reason": "As seen."}))
        .collect();
    serde_json::json!({ "scores": scores }).to_string()
}

#[test]
fn judge_replies_are_recorded_and_replayed_with_the_same_verdicts() {
    // Each topic gets its own grade, so a replay that mixed them up would show.
    let (url, seen) = grader_by(|prompt| {
        if prompt.contains("Topic: Team calendars") {
            scored(5)
        } else {
            scored(2)
        }
    });
    let dir = std::env::temp_dir().join(format!("refine-eval-judge-rec-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let recordings = dir.join("recorded");
    let live = RunOptions {
        record: Some(recordings.clone()),
        ..options()
    };
    run(
        &dir.join("live"),
        &settings(format!("openai:base_url={url},model=grader-1")),
        &live,
        &Registry::builtin(),
        &Guide::builtin(),
        &Quiet,
    )
    .expect("live run");
    assert_eq!(seen.lock().expect("lock").len(), 2);
    let saved = std::fs::read_to_string(recordings.join("judge/a.openai.md")).expect("recorded");
    assert!(saved.starts_with("+++\n"), "{saved}");
    assert!(saved.contains("model = \"grader-1\""), "{saved}");
    assert!(
        !recordings.join("a.offline.md").exists(),
        "a local backend's replies are not recorded"
    );

    let replay = format!("replay:dir={}", recordings.join("judge").display());
    run(
        &dir.join("replayed"),
        &settings(replay),
        &options(),
        &Registry::builtin(),
        &Guide::builtin(),
        &Quiet,
    )
    .expect("replayed run");
    assert_eq!(seen.lock().expect("lock").len(), 2, "no grader was asked");
    let before = latest_records(&dir.join("live/results.jsonl")).expect("records");
    let after = latest_records(&dir.join("replayed/results.jsonl")).expect("records");
    for (id, r) in &after {
        let verdict = r.judge.as_ref().expect("a replayed verdict");
        let original = before[id].judge.as_ref().expect("a live verdict");
        assert_eq!(verdict.scores, original.scores, "{id}");
        assert!((verdict.mean - original.mean).abs() < 1e-12);
    }
    let means: Vec<f64> = after
        .values()
        .map(|r| r.judge.as_ref().map_or(0.0, |v| v.mean))
        .collect();
    assert!(means.contains(&1.0) && means.contains(&0.25), "{means:?}");
    let _ = std::fs::remove_dir_all(&dir);
}
