//! One eval case, stage by stage, so the cost per case can be read where it goes: prompt
//! render, the offline and replay backends, parse, lint, the record's JSON line, the cache key.
//! Run with `cargo xtask bench` or `cargo bench -p refine-eval --bench stages`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use refine_core::{Guide, SessionRequest, Topic, lint, parse, prompt};
use refine_eval::cache::Cache;
use refine_eval::record::CaseRecord;
use refine_plugin::{Backend, BackendInput, Options};

fn benches(c: &mut Criterion) {
    let guide = Guide::builtin();
    let request = SessionRequest::new(Topic::new("Reduce checkout abandonment on mobile").expect("topic"))
        .with_context("Mobile checkout converts at 1.9% against 3.4% on desktop since the March redesign; support hears about the card form.")
        .expect("context");
    c.bench_function("stage: render prompt", |b| {
        b.iter(|| prompt::render(black_box(&guide), black_box(&request)))
    });
    let text = prompt::render(&guide, &request).expect("prompt");
    c.bench_function("stage: offline backend", |b| {
        b.iter(|| backend_offline::plan_reply(black_box(&request), black_box(&guide)))
    });
    let reply = backend_offline::plan_reply(&request, &guide).expect("reply");
    let replay = backend_replay::ReplayBackend::default();
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/recorded");
    let recorded =
        SessionRequest::new(Topic::new("Reduce checkout abandonment on mobile").expect("topic"));
    let mut options = Options::new();
    options.insert("dir".into(), dir.display().to_string().into());
    c.bench_function("stage: replay backend", |b| {
        b.iter(|| {
            replay.generate(&BackendInput {
                prompt: &text,
                request: black_box(&recorded),
                guide: &guide,
                options: &options,
                on_text: None,
            })
        })
    });
    c.bench_function("stage: parse", |b| {
        b.iter(|| parse::parse_reply(black_box(&reply), request.topic().as_str(), &guide))
    });
    let parsed = parse::parse_reply(&reply, request.topic().as_str(), &guide);
    c.bench_function("stage: lint", |b| {
        b.iter(|| lint::lint(black_box(&parsed), &guide, &request))
    });
    let report = refine_core::analyze(&reply, &guide, &request);
    let record = CaseRecord {
        run_id: "bench".into(),
        case_id: "checkout:offline:1".into(),
        topic_id: "checkout".into(),
        backend: "offline".into(),
        prompt: "default".into(),
        guide: "default".into(),
        repeat: 1,
        reply: Some(reply.clone()),
        plan: Some(report.plan),
        findings: report.findings,
        scores: Some(report.scores),
        pass: true,
        latency_ms: Some(0),
        first_token_ms: None,
        tokens: None,
        cached: false,
        error: None,
        attempts: Vec::new(),
        judge: None,
        judge_error: None,
        cost: None,
    };
    c.bench_function("stage: record as a JSON line", |b| {
        let mut line = Vec::with_capacity(8 * 1024);
        b.iter(|| {
            line.clear();
            black_box(&record).write_json(&mut line)
        })
    });
    let no_options = Options::new();
    c.bench_function("stage: cache key", |b| {
        b.iter(|| Cache::key("openai", black_box(&no_options), black_box(&text)))
    });
}

criterion_group!(stages, benches);
criterion_main!(stages);
