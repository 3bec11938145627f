//! The main job without process start-up: offline generate + parse + lint + render, per format.
//! Run with `cargo xtask bench` or `cargo bench -p refine-host`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use refine_core::{Guide, SessionRequest, Topic};
use refine_host::{PrepInput, Registry, prepare};
use refine_plugin::{Options, SessionStart};

fn benches(c: &mut Criterion) {
    let guide = Guide::builtin();
    let request =
        SessionRequest::new(Topic::new("Reduce checkout abandonment on mobile").expect("topic"))
            .with_context("Drop-off doubled on iOS after the new address form shipped in March.")
            .expect("context");
    let registry = Registry::builtin();
    let backend = registry.backend("offline").expect("offline");
    let options = Options::new();
    let start = SessionStart::parse("2026-12-01 10:00", Some("Europe/Berlin")).expect("start");
    let input = PrepInput {
        request: &request,
        guide: &guide,
        options: &options,
        start: Some(&start),
        on_text: None,
        repair: 1,
        template: None,
    };
    c.bench_function("prep offline (generate + parse + lint)", |b| {
        b.iter(|| prepare(black_box(backend), black_box(input)))
    });
    // A tracker item as people write them: a Markdown body with headings, lists, a log block.
    let item = SessionRequest::new(
        Topic::new("Bug: search ignores diacritics in Vietnamese names").expect("topic"),
    )
    .with_context(ITEM_BODY)
    .expect("context");
    c.bench_function("prep offline, item with a Markdown body", |b| {
        b.iter(|| {
            prepare(
                black_box(backend),
                PrepInput {
                    request: &item,
                    ..input
                },
            )
        })
    });
    let pack = prepare(backend, input).expect("pack");
    for id in ["markdown", "json", "html", "ics", "tagged"] {
        let format = registry.format(id).expect("format");
        c.bench_function(&format!("render {id}"), |b| {
            b.iter(|| format.render(black_box(&pack)))
        });
    }
    let markdown = registry.format("markdown").expect("markdown");
    c.bench_function("prep offline + render markdown", |b| {
        b.iter(|| prepare(backend, black_box(input)).map(|pack| markdown.render(&pack)))
    });
}

const ITEM_BODY: &str = r#"Since 4.12, the people directory no longer matches names typed without accents: "Nguyen" does not find "Nguyễn".

Support logged 37 tickets from our Vietnamese customers in two weeks.

## Steps to reproduce
1. Create a contact named "Nguyễn Thị Minh"
2. Search the directory for "nguyen"
3. No result

## Logs
```
2026-03-02 10:14:07 WARN search: 0 hits for "nguyen" (index v4.12, analyzer=standard)
```

## Expected behavior
The contact is found, as it was in 4.11.

Legal says we must not store a second, normalised copy of names. We could add an "ignore accents" toggle, but design thinks it should just work.
"#;

criterion_group!(prep_benches, benches);
criterion_main!(prep_benches);
