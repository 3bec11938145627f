//! The view through ratatui's test backend: what an 80×24 terminal shows, and what keys write.

use chrono::{DateTime, Duration, FixedOffset};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::Color;
use refine_session::{Event, Journal};

use super::{App, Flow};

fn at(minute: i64) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-11-25T10:00:00+01:00").expect("time")
        + Duration::minutes(minute)
}

/// A view of `pack` in a journal of its own (`name` keeps tests that run at once apart).
fn app(name: &str, pack: &str, plain: bool) -> (App, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!(
        "refine-run-view-{name}-{plain}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let pack_path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/packs")
        .join(pack);
    let pack = crate::session::load_pack(&pack_path).expect("pack");
    let journal = Journal::create(&dir.join("j.jsonl"), &pack, at(0)).expect("journal");
    (App::new(journal, true, plain), dir)
}

/// The screen as text, one line per row.
fn screen(app: &App, now: DateTime<FixedOffset>) -> (String, Terminal<TestBackend>) {
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    terminal.draw(|f| app.draw(f, now)).expect("draw");
    let buffer = terminal.backend().buffer().clone();
    let mut text = String::new();
    for y in 0..buffer.area.height {
        for x in 0..buffer.area.width {
            text.push_str(buffer[(x, y)].symbol());
        }
        text.push('\n');
    }
    (text, terminal)
}

fn press(app: &mut App, code: KeyCode, now: DateTime<FixedOffset>) -> Flow {
    app.key(KeyEvent::new(code, KeyModifiers::NONE), now)
}

fn typed(app: &mut App, text: &str, now: DateTime<FixedOffset>) {
    for c in text.chars() {
        press(app, KeyCode::Char(c), now);
    }
}

#[test]
fn the_countdown_runs_and_an_overrun_shows_plainly() {
    let (mut app, dir) = app("countdown", "team-calendars.json", false);
    let (text, _) = screen(&app, at(0));
    assert!(
        text.contains("Not started: n starts the first step."),
        "{text}"
    );
    assert!(text.contains("Team calendars"), "{text}");
    press(&mut app, KeyCode::Char('n'), at(0));
    let (text, _) = screen(&app, at(5));
    assert!(text.contains("15:00 left of 20 min"), "{text}");
    assert!(text.contains("session 5:00 / 95:00"), "{text}");
    assert!(text.contains("▶ Context Setting"), "{text}");
    // Twenty-one minutes into a twenty-minute step.
    app.tick(at(21));
    assert!(app.ring, "the bell rings once for the overrun");
    app.ring = false;
    app.tick(at(22));
    assert!(!app.ring, "and only once");
    let (text, terminal) = screen(&app, at(21));
    assert!(text.contains("OVER by 1:00"), "{text}");
    let red = terminal
        .backend()
        .buffer()
        .content
        .iter()
        .any(|c| c.fg == Color::Red);
    assert!(red, "an overrun is red on a colour terminal");
    // The next step: the problem space, with the pack's questions.
    press(&mut app, KeyCode::Char('n'), at(22));
    let (text, _) = screen(&app, at(22));
    assert!(text.contains("Problem Space Exploration"), "{text}");
    assert!(text.contains("Questions"), "{text}");
    let first = &app.journal().pack.plan.discussion_questions[0];
    let start: String = first.chars().take(30).collect();
    assert!(text.contains(&start), "{start}\n{text}");
    // Pause stops the clock.
    press(&mut app, KeyCode::Char(' '), at(23));
    let (text, _) = screen(&app, at(40));
    assert!(text.contains("PAUSED"), "{text}");
    assert!(text.contains("44:00 left of 45 min"), "{text}");
    assert_eq!(press(&mut app, KeyCode::Char('q'), at(40)), Flow::Quit);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn no_color_means_no_colour() {
    let (mut app, dir) = app("no-color", "team-calendars.json", true);
    press(&mut app, KeyCode::Char('n'), at(0));
    let (text, terminal) = screen(&app, at(30));
    assert!(
        text.contains("OVER by 10:00"),
        "the overrun still shows, in words: {text}"
    );
    assert!(
        terminal
            .backend()
            .buffer()
            .content
            .iter()
            .all(|c| c.fg == Color::Reset && c.bg == Color::Reset),
        "no colour with NO_COLOR"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn keys_capture_events_into_the_journal() {
    let (mut app, dir) = app("keys", "five-items.json", false);
    press(&mut app, KeyCode::Char('n'), at(0));
    press(&mut app, KeyCode::Char('n'), at(10));
    // The first item's slot: its own questions show.
    let (text, _) = screen(&app, at(11));
    assert!(text.contains("1. #412 Exported CSV opens"), "{text}");
    // A decision with its rationale, for the item whose slot runs.
    press(&mut app, KeyCode::Char('d'), at(11));
    typed(&mut app, "Fix the BOM first", at(11));
    let (text, _) = screen(&app, at(11));
    assert!(
        text.contains("What was decided: Fix the BOM first█"),
        "{text}"
    );
    press(&mut app, KeyCode::Enter, at(11));
    typed(&mut app, "Excel needs it", at(11));
    press(&mut app, KeyCode::Enter, at(11));
    // An action without an owner is refused and the form kept, so nothing typed is lost.
    press(&mut app, KeyCode::Char('a'), at(12));
    typed(&mut app, "Test with Excel 2019", at(12));
    press(&mut app, KeyCode::Enter, at(12));
    press(&mut app, KeyCode::Enter, at(12));
    press(&mut app, KeyCode::Enter, at(12));
    let (text, _) = screen(&app, at(12));
    assert!(
        text.contains("not saved: an action item needs an owner"),
        "{text}"
    );
    assert!(text.contains("What: Test with Excel 2019"), "{text}");
    press(&mut app, KeyCode::Up, at(12));
    typed(&mut app, "Sam", at(12));
    press(&mut app, KeyCode::Down, at(12));
    typed(&mut app, "2026-12-01", at(12));
    press(&mut app, KeyCode::Enter, at(12));
    // Its outcome.
    press(&mut app, KeyCode::Char('c'), at(13));
    typed(&mut app, "ready", at(13));
    press(&mut app, KeyCode::Enter, at(13));
    press(&mut app, KeyCode::Enter, at(13));
    // Esc drops a form without writing.
    press(&mut app, KeyCode::Char('p'), at(14));
    typed(&mut app, "never mind", at(14));
    press(&mut app, KeyCode::Esc, at(14));
    let kinds: Vec<&str> = app
        .journal()
        .entries
        .iter()
        .map(|e| e.event.kind())
        .collect();
    assert_eq!(
        kinds,
        [
            "started", "ended", "started", "decision", "action", "outcome"
        ]
    );
    let reread = Journal::open(app.journal().path()).expect("open");
    assert_eq!(
        reread.entries,
        app.journal().entries,
        "everything is on disk"
    );
    assert!(reread.entries.iter().any(|e| e.event
        == Event::Decision {
            text: "Fix the BOM first".into(),
            why: Some("Excel needs it".into()),
            item: Some(1)
        }));
    assert!(reread.entries.iter().any(|e| matches!(&e.event,
        Event::Action { owner, due: Some(d), item: Some(1), .. } if owner == "Sam" && d.to_string() == "2026-12-01")));
    let (text, _) = screen(&app, at(14));
    assert!(text.contains("Outcome of item 1: Ready"), "{text}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn any_terminal_size_draws_without_a_panic() {
    let (mut app, dir) = app("sizes", "five-items.json", false);
    press(&mut app, KeyCode::Char('n'), at(0));
    press(&mut app, KeyCode::Char('a'), at(1));
    typed(
        &mut app,
        "A long action item text that will not fit a narrow terminal at all",
        at(1),
    );
    for (w, h) in [(80, 24), (40, 12), (20, 6), (1, 1), (200, 60)] {
        let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        terminal.draw(|f| app.draw(f, at(90))).expect("draw");
    }
    let _ = std::fs::remove_dir_all(dir);
}
