//! A session's journal: appending one event (written, synced to disk), opening a journal of a
//! long session, and its notes. Run with `cargo xtask bench` or `cargo bench -p refine-session`.

use std::hint::black_box;
use std::path::PathBuf;

use chrono::{DateTime, Duration, FixedOffset};
use criterion::{Criterion, criterion_group, criterion_main};
use refine_plugin::{Pack, PackDocument};
use refine_session::{Event, Journal, Notes, render};

fn pack() -> Pack {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/packs/five-items.json");
    let doc: PackDocument =
        serde_json::from_str(&std::fs::read_to_string(path).expect("pack")).expect("a pack");
    Pack::from(doc)
}

fn at(second: i64) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-11-25T10:00:00+01:00").expect("time")
        + Duration::seconds(second)
}

fn benches(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("refine-session-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let pack = pack();
    let mut journal = Journal::create(&dir.join("append.jsonl"), &pack, at(0)).expect("journal");
    let mut n = 0;
    c.bench_function("journal append one event (synced)", |b| {
        b.iter(|| {
            n += 1;
            journal
                .append(
                    black_box(Event::Decision {
                        text: String::from("Cache the list on the scanner"),
                        why: Some(String::from("aisle 9 Wi-Fi stays flaky")),
                        item: Some(1),
                    }),
                    at(n),
                )
                .expect("append");
        })
    });
    // A long session: 500 events across the steps.
    let long = dir.join("long.jsonl");
    let mut j = Journal::create(&long, &pack, at(0)).expect("journal");
    for i in 0..500i64 {
        let event = match i % 50 {
            0 => Event::Started {
                step: ((i / 50) as usize) % j.steps.len(),
            },
            1 => Event::Attendee {
                name: format!("P{i}"),
            },
            _ => Event::Parked {
                text: format!("Tangent {i}"),
                item: None,
            },
        };
        j.append(event, at(i * 10)).expect("append");
    }
    c.bench_function("journal open 500 events", |b| {
        b.iter(|| Journal::open(black_box(&long)).expect("open"))
    });
    let j = Journal::open(&long).expect("open");
    c.bench_function("notes of 500 events as markdown", |b| {
        b.iter(|| {
            let notes = Notes::new(&j.header, &j.pack, &j.steps, black_box(&j.entries));
            render::markdown(&notes)
        })
    });
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(journal, benches);
criterion_main!(journal);
