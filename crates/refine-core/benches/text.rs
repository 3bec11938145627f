//! The text helpers every rule of the linter and the parser leans on, on one line of a reply:
//! word segmentation, content terms, phrase search. Run with `cargo bench -p refine-core --bench text`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use refine_core::text::{terms, unicode_words, words};
use unicode_segmentation::UnicodeSegmentation;

const LINE: &str = "Which constraints on “checkout abandonment on mobile” are real and which are habit, and how do we know the limits still hold?";

fn benches(c: &mut Criterion) {
    c.bench_function("text: words of a line (unicode-segmentation)", |b| {
        b.iter(|| black_box(LINE).unicode_words().count())
    });
    c.bench_function("text: words of a line", |b| {
        b.iter(|| unicode_words(black_box(LINE)).count())
    });
    c.bench_function("text: lower-cased words of a line", |b| {
        b.iter(|| words(black_box(LINE)))
    });
    c.bench_function("text: terms of a line", |b| {
        b.iter(|| terms(black_box(LINE)))
    });
}

criterion_group!(text, benches);
criterion_main!(text);
