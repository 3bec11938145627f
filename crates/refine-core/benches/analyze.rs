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
}

criterion_group!(analyze_benches, benches);
criterion_main!(analyze_benches);
