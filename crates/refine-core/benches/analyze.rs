//! Parse + lint of a typical reply, and prompt rendering. Run with `cargo xtask bench` or
//! `cargo bench -p refine-core`.

use std::hint::black_box;

use std::path::Path;
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use refine_core::{Guide, SessionRequest, Topic, analyze, prompt};

/// A typical reply: preamble, a bold-numbered agenda with nested bullets, four key points, four
/// questions and a three-sentence closing.
const REPLY: &str = include_str!("../../../fixtures/replies/clean-numbered-bold.md");

fn benches(c: &mut Criterion) {
    let guide = Guide::builtin();
    let request =
        SessionRequest::new(Topic::new("Reduce checkout abandonment on mobile").expect("topic"));
    let reply = REPLY.split_once("\n+++\n").map_or(REPLY, |(_, body)| body);
    c.bench_function("analyze typical reply", |b| {
        b.iter(|| analyze(black_box(reply), black_box(&guide), black_box(&request)))
    });
    // The same reply read again and again finds the parser's memos of repeated lines full;
    // an eval's replies differ. The clean fixture replies (each written its own way, for
    // its own topic) are read in turn, and the time is given per reply.
    let replies = clean_replies();
    c.bench_function("analyze clean replies in turn", |b| {
        b.iter_custom(|iters| {
            let started = Instant::now();
            for _ in 0..iters {
                for (reply, guide, request) in &replies {
                    black_box(analyze(black_box(reply), guide, request));
                }
            }
            started.elapsed() / replies.len() as u32
        })
    });
    c.bench_function("parse built-in guide", |b| {
        b.iter(|| {
            Guide::parse(
                black_box(refine_core::guide::DEFAULT_GUIDE_MARKDOWN),
                refine_core::GuideOrigin::BuiltIn,
            )
        })
    });
    c.bench_function("render prompt", |b| {
        b.iter(|| prompt::render(black_box(&guide), black_box(&request)))
    });
    // Adversarial replies at 1x, 10x and 100x: time should grow tenfold per step, not a
    // hundredfold (unclosed tags once re-scanned every tag).
    let mut group = c.benchmark_group("analyze unclosed tags");
    group.sample_size(10);
    for n in [400usize, 4_000, 40_000] {
        let reply = "<agenda>\n<key_points>\n".repeat(n / 2);
        group.bench_with_input(criterion::BenchmarkId::from_parameter(n), &reply, |b, r| {
            b.iter(|| analyze(black_box(r), black_box(&guide), black_box(&request)))
        });
    }
    group.finish();
    // A guide of many headings at 1x, 10x and 100x.
    let mut group = c.benchmark_group("parse guide of headings");
    group.sample_size(10);
    for n in [300usize, 3_000, 30_000] {
        let mut markdown =
            String::from("# G\n\n## During the Session\n### 1. Context (15 minutes)\n- a\n");
        for i in 0..n {
            markdown.push_str(&format!("## Heading {i}\n"));
        }
        group.bench_with_input(
            criterion::BenchmarkId::from_parameter(n),
            &markdown,
            |b, m| b.iter(|| Guide::parse(black_box(m), refine_core::GuideOrigin::BuiltIn)),
        );
    }
    group.finish();
}

criterion_group!(analyze_benches, benches);
criterion_main!(analyze_benches);

/// The clean replies on one topic of `fixtures/replies/` (`clean-*.md` without items), each
/// with its guide and request, as the reply tests read their front matter.
fn clean_replies() -> Vec<(String, Guide, SessionRequest)> {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
    let mut paths: Vec<_> = std::fs::read_dir(fixtures.join("replies"))
        .expect("fixtures/replies")
        .filter_map(|entry| Some(entry.ok()?.path()))
        .filter(|path| {
            path.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("clean-") && n.ends_with(".md"))
        })
        .collect();
    paths.sort();
    let mut replies = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).expect("fixture");
        let (front, reply) = text
            .strip_prefix("+++\n")
            .and_then(|rest| rest.split_once("\n+++\n"))
            .expect("front matter between +++ lines");
        let meta: toml::Table = toml::from_str(front).expect("front matter is TOML");
        if meta.contains_key("items") {
            continue;
        }
        let text_of = |key: &str| meta.get(key).and_then(|v| v.as_str());
        let mut request =
            SessionRequest::new(Topic::new(text_of("topic").expect("topic")).expect("topic"));
        if let Some(context) = text_of("context") {
            request = request.with_context(context).expect("context");
        }
        if let Some(minutes) = meta.get("minutes").and_then(|v| v.as_integer()) {
            request = request
                .with_minutes(u32::try_from(minutes).expect("minutes"))
                .expect("minutes");
        }
        let guide = match text_of("guide") {
            Some(name) => Guide::from_file(&fixtures.join("guides").join(name)).expect("guide"),
            None => Guide::builtin(),
        };
        replies.push((reply.to_string(), guide, request));
    }
    assert!(replies.len() >= 10, "{} clean replies", replies.len());
    replies
}
