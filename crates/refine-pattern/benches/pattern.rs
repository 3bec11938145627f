//! A pattern's first search (compile included) and a warm search, with each engine.
//! `cargo bench -p refine-pattern`

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use refine_pattern::Pattern;

const MINUTES: &str =
    r"(?i)\b(\d{1,3})(?:\s*(?:-|–|—|to|until)\s*(\d{1,3}))?\s*-?\s*(?:minutes?|mins?|m)\b";
const LINE: &str = "1. **Problem Space Exploration** (40-45 minutes): dig into the problem";

fn first_search(c: &mut Criterion) {
    let mut group = c.benchmark_group("first search, compile included");
    group.bench_function("Pattern (regex-lite)", |b| {
        b.iter_batched(
            || Pattern::new(MINUTES),
            |p| p.captures(LINE).map(|c| c.len()),
            BatchSize::SmallInput,
        )
    });
    group.bench_function("regex", |b| {
        b.iter(|| {
            regex::Regex::new(MINUTES)
                .expect("valid")
                .captures(LINE)
                .map(|c| c.len())
        })
    });
    group.finish();
}

fn warm_search(c: &mut Criterion) {
    let mut group = c.benchmark_group("warm search");
    let light = regex_lite::Regex::new(MINUTES).expect("valid");
    group.bench_function("regex-lite", |b| {
        b.iter(|| light.captures(LINE).map(|c| c.len()))
    });
    let warm = Pattern::new(MINUTES);
    // Past its price, a pattern searches with the full engine.
    for _ in 0..100_000 {
        warm.is_match(LINE);
    }
    group.bench_function("Pattern past its budget (regex)", |b| {
        b.iter(|| warm.captures(LINE).map(|c| c.len()))
    });
    group.finish();
}

criterion_group!(benches, first_search, warm_search);
criterion_main!(benches);
