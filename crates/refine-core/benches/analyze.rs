//! Parse + lint of a typical reply, and prompt rendering. Run with `cargo xtask bench` or
//! `cargo bench -p refine-core`.

use std::hint::black_box;

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
