//! Running a session from the command line: `refine log` and `refine notes` as a script would
//! use them, and `refine run` in a real terminal (tmux): typed captures land in the journal, and
//! a `kill -9` mid-session loses nothing that was acknowledged.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn refine(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_refine"))
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("refine runs")
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn fails(o: &Output, want: &str) {
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(want), "{err}\nwanted: {want}");
}

/// A folder with a pack for a topic never seen, prepared offline.
fn session_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("refine-run-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(
        dir.join("body.md"),
        "Warehouse staff print pick lists every morning because the handheld scanners lose \
         the list when the Wi-Fi drops in aisle 9. Returns pile up on Mondays.",
    )
    .expect("body");
    ok(&refine(
        &dir,
        &[
            "prep",
            "Pick lists vanish from handheld scanners",
            "--context",
            "body.md",
            "--format",
            "json",
            "-o",
            "pack.json",
        ],
    ));
    dir
}

#[test]
fn a_session_logged_from_a_script_becomes_notes() {
    let dir = session_dir("log");
    let j = "pack.journal.jsonl";
    ok(&refine(&dir, &["log", j, "start", "--pack", "pack.json"]));
    ok(&refine(&dir, &["log", j, "attendee", "Priya"]));
    ok(&refine(&dir, &["log", j, "next"]));
    ok(&refine(
        &dir,
        &[
            "log",
            j,
            "decision",
            "Cache the list on the scanner",
            "--why",
            "the Wi-Fi in aisle 9 will not be fixed this quarter",
        ],
    ));
    ok(&refine(
        &dir,
        &["log", j, "question", "How long may a cached list be stale?"],
    ));
    ok(&refine(
        &dir,
        &["log", j, "parked", "Monday returns backlog"],
    ));
    ok(&refine(
        &dir,
        &[
            "log",
            j,
            "action",
            "Measure Wi-Fi drops per aisle",
            "--owner",
            "Omar",
            "--due",
            "2026-12-04",
        ],
    ));
    ok(&refine(
        &dir,
        &[
            "log",
            j,
            "outcome",
            "deep-dive",
            "--note",
            "offline sync needs a spike",
        ],
    ));
    ok(&refine(
        &dir,
        &[
            "log",
            j,
            "retro",
            "The problem space needed more time",
            "--heading",
            "Time management",
        ],
    ));
    // Bad input is refused, names what is wrong, and writes nothing.
    let before = std::fs::read_to_string(dir.join(j)).expect("journal");
    fails(
        &refine(&dir, &["log", j, "action", "Call the vendor"]),
        "an action item needs an owner",
    );
    fails(
        &refine(
            &dir,
            &[
                "log",
                j,
                "action",
                "Call",
                "--owner",
                "O",
                "--due",
                "next week",
            ],
        ),
        "`next week` is not a date YYYY-MM-DD",
    );
    fails(
        &refine(&dir, &["log", j, "outcome", "done"]),
        "unknown outcome `done` (known: ready, deep-dive, split, dropped)",
    );
    fails(
        &refine(&dir, &["log", j, "retro", "ok", "--heading", "Snacks"]),
        "no heading `Snacks`",
    );
    fails(
        &refine(&dir, &["log", j, "decision"]),
        "`decision` needs a TEXT",
    );
    fails(
        &refine(&dir, &["log", "missing.jsonl", "parked", "x"]),
        "journal missing.jsonl",
    );
    assert_eq!(
        std::fs::read_to_string(dir.join(j)).expect("journal"),
        before
    );

    let md = ok(&refine(&dir, &["notes", j]));
    for want in [
        "# Refinement notes: Pick lists vanish from handheld scanners",
        "Attendees: Priya.",
        "Outcome: Needs a deep-dive — offline sync needs a spike.",
        "- Cache the list on the scanner — because the Wi-Fi in aisle 9 will not be fixed this quarter",
        "- How long may a cached list be stale?",
        "- Monday returns backlog",
        "| Measure Wi-Fi drops per aisle | Omar | 2026-12-04 |",
        "**Time management**",
        "| Context Setting | 20 min |",
    ] {
        assert!(md.contains(want), "{want}\n{md}");
    }
    let json: serde_json::Value =
        serde_json::from_str(&ok(&refine(&dir, &["notes", j, "--format", "json"]))).expect("json");
    assert_eq!(json["schema"], "refine.session_notes/1");
    let schema: serde_json::Value =
        serde_json::from_str(&ok(&refine(&dir, &["schema", "notes"]))).expect("schema");
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    let errors: Vec<String> = validator
        .iter_errors(&json)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let schema: serde_json::Value =
        serde_json::from_str(&ok(&refine(&dir, &["schema", "journal-event"]))).expect("schema");
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    let journal = std::fs::read_to_string(dir.join(j)).expect("journal");
    for line in journal.lines().skip(1) {
        let event: serde_json::Value = serde_json::from_str(line).expect("json");
        assert!(validator.is_valid(&event), "{line}");
    }
    let bad = serde_json::json!({"at": "2026-11-25T10:00:00Z", "kind": "vote"});
    assert!(!validator.is_valid(&bad), "the schema can fail");
    assert_eq!(json["items"][0]["outcome"], "deep-dive");
    assert_eq!(json["items"][0]["actions"][0]["owner"], "Omar");
    let html = ok(&refine(&dir, &["notes", j, "--format", "html"]));
    assert!(html.contains("<td>Omar</td>"), "{html}");

    // A torn last line is an error with its line; --recover sets it aside and keeps the rest.
    let mut torn = std::fs::read_to_string(dir.join(j)).expect("journal");
    let lines = torn.lines().count();
    torn.push_str("{\"at\":\"2026-11-25T10:00:00Z\",\"kind\":\"pa");
    std::fs::write(dir.join(j), torn).expect("write");
    fails(
        &refine(&dir, &["notes", j]),
        &format!("line {}: the last line is torn", lines + 1),
    );
    let md = ok(&refine(&dir, &["notes", j, "--recover"]));
    assert!(md.contains("Monday returns backlog"));
    assert!(dir.join(format!("{j}.torn")).exists());
    // A pack that is not one.
    std::fs::write(
        dir.join("bad.json"),
        "{\"schema\": \"refine.session_pack/1\",\n \"topic\": 3}",
    )
    .expect("write");
    fails(
        &refine(&dir, &["run", "bad.json"]),
        "bad.json, line 2, column",
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A tmux session of the test's own, killed when dropped.
struct Tmux {
    name: String,
}

impl Tmux {
    fn start(dir: &Path, command: &str) -> Tmux {
        ensure_tmux();
        let name = format!("refine-test-{}-{}", std::process::id(), fastrand_name());
        let status = Command::new("tmux")
            .current_dir(dir)
            .args(["new-session", "-d", "-s", &name, "-x", "80", "-y", "24"])
            .arg(format!("NO_COLOR= TERM=xterm-256color {command}; sleep 30"))
            .status()
            .expect("tmux");
        assert!(status.success());
        Tmux { name }
    }

    fn keys(&self, keys: &[&str]) {
        for k in keys {
            let status = Command::new("tmux")
                .args(["send-keys", "-t", &self.name, k])
                .status()
                .expect("tmux");
            assert!(status.success());
            std::thread::sleep(Duration::from_millis(60));
        }
    }

    fn text(&self, text: &str) {
        let status = Command::new("tmux")
            .args(["send-keys", "-l", "-t", &self.name, text])
            .status()
            .expect("tmux");
        assert!(status.success());
        std::thread::sleep(Duration::from_millis(60));
    }

    fn screen(&self) -> String {
        let o = Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &self.name])
            .output()
            .expect("tmux");
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    fn wait_for(&self, what: &str) -> String {
        let until = Instant::now() + Duration::from_secs(20);
        loop {
            let screen = self.screen();
            if screen.contains(what) {
                return screen;
            }
            assert!(
                Instant::now() < until,
                "waited for `{what}`; the screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.name])
            .stderr(std::process::Stdio::null())
            .status();
    }
}

fn has_tmux() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// tmux, installed with apt-get when missing (as CI does on a fresh machine, as root).
fn ensure_tmux() {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        if !has_tmux() {
            let _ = Command::new("apt-get").arg("update").arg("-qq").status();
            let _ = Command::new("apt-get")
                .args(["install", "-y", "-qq", "tmux"])
                .env("DEBIAN_FRONTEND", "noninteractive")
                .status();
        }
    });
    assert!(
        has_tmux(),
        "this test runs refine in a real terminal and needs tmux, which could not be installed: apt-get install tmux"
    );
}

fn fastrand_name() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::from(d.subsec_nanos()))
}

fn journal_has(path: &Path, what: &str) -> bool {
    let until = Instant::now() + Duration::from_secs(10);
    while Instant::now() < until {
        if std::fs::read_to_string(path).is_ok_and(|t| t.contains(what)) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

#[test]
fn a_session_in_a_real_terminal_survives_kill_9() {
    let dir = session_dir("tmux");
    let bin = env!("CARGO_BIN_EXE_refine");
    let journal = dir.join("pack.journal.jsonl");
    let tmux = Tmux::start(&dir, &format!("exec {bin} run pack.json"));
    tmux.wait_for("Not started: n starts the first step.");
    tmux.keys(&["n"]);
    let screen = tmux.wait_for("left of 20 min");
    assert!(screen.contains("Context Setting"), "{screen}");
    tmux.keys(&["n"]);
    tmux.wait_for("Questions");
    tmux.keys(&["d"]);
    tmux.wait_for("New decision");
    tmux.text("Cache the list on the scanner");
    tmux.keys(&["Enter"]);
    tmux.text("aisle 9 Wi-Fi stays flaky");
    tmux.keys(&["Enter"]);
    tmux.wait_for("saved: decision");
    tmux.keys(&["a"]);
    tmux.text("Measure drops per aisle");
    tmux.keys(&["Enter"]);
    tmux.text("Omar");
    tmux.keys(&["Enter"]);
    tmux.text("2026-12-04");
    tmux.keys(&["Enter"]);
    tmux.wait_for("saved: action");
    assert!(journal_has(&journal, "Measure drops per aisle"));
    // Half a parked item typed, then the process is killed.
    tmux.keys(&["p"]);
    tmux.text("Monday ret");
    tmux.wait_for("Monday ret");
    let pid = Command::new("tmux")
        .args(["list-panes", "-t", &tmux.name, "-F", "#{pane_pid}"])
        .output()
        .expect("tmux");
    let pid = String::from_utf8_lossy(&pid.stdout).trim().to_string();
    let killed = Command::new("kill")
        .args(["-9", &pid])
        .status()
        .expect("kill");
    assert!(killed.success(), "kill -9 {pid}");
    drop(tmux);

    let md = ok(&refine(&dir, &["notes", "pack.journal.jsonl"]));
    assert!(
        md.contains("- Cache the list on the scanner — because aisle 9 Wi-Fi stays flaky"),
        "{md}"
    );
    assert!(
        md.contains("| Measure drops per aisle | Omar | 2026-12-04 |"),
        "{md}"
    );
    assert!(
        !md.contains("Monday ret"),
        "the form being typed was never acknowledged"
    );

    // Resume the same session, move on and quit with q.
    let tmux = Tmux::start(
        &dir,
        &format!("{bin} run pack.json --resume; echo EXITED $?"),
    );
    let screen = tmux.wait_for("left of 45 min");
    assert!(screen.contains("Problem Space Exploration"), "{screen}");
    tmux.keys(&["w"]);
    tmux.text("Priya");
    tmux.keys(&["Enter"]);
    tmux.wait_for("saved: attendee");
    // A retro note under the guide's third heading, chosen by its number.
    tmux.keys(&["r"]);
    tmux.text("3");
    tmux.keys(&["Enter"]);
    tmux.text("Problem space exploration felt rushed");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Retro, Time management: Problem space");
    tmux.keys(&["q"]);
    tmux.wait_for("EXITED 0");
    let md = ok(&refine(&dir, &["notes", "pack.journal.jsonl"]));
    assert!(md.contains("Attendees: Priya."), "{md}");
    // The next session: the open action in the review slot, the retro applied with its reason.
    let next = ok(&refine(
        &dir,
        &[
            "prep",
            "Pick lists vanish from handheld scanners",
            "--carry-over",
            "pack.journal.jsonl",
        ],
    ));
    assert!(
        next.contains("Action: Measure drops per aisle (Omar, due 2026-12-04)"),
        "{next}"
    );
    assert!(
        next.contains("Problem Space Exploration: 45 minutes instead of 40 (guide: 40-45), because the retrospective said: \"Problem space exploration felt rushed\""),
        "{next}"
    );
    // Starting afresh over an existing journal is refused.
    let o = refine(&dir, &["run", "pack.json"]);
    fails(&o, "already exists: resume it (--resume)");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_next_session_carries_over_open_items_and_the_retrospective() {
    let dir = session_dir("carry");
    ok(&refine(
        &dir,
        &["log", "first.jsonl", "start", "--pack", "pack.json"],
    ));
    // The same session as if it ran last week: the problem space ran 52 of its 45 minutes.
    let header = std::fs::read_to_string(dir.join("first.jsonl"))
        .expect("journal")
        .lines()
        .next()
        .expect("header")
        .to_string();
    let events = [
        r#"{"at":"2026-11-18T10:00:00Z","kind":"started","step":0}"#,
        r#"{"at":"2026-11-18T10:15:00Z","kind":"ended","step":0}"#,
        r#"{"at":"2026-11-18T10:15:00Z","kind":"started","step":1}"#, // planned 45 min
        r#"{"at":"2026-11-18T10:30:00Z","kind":"action","text":"Measure Wi-Fi drops per aisle","owner":"Omar","due":"2026-12-04"}"#,
        r#"{"at":"2026-11-18T10:31:00Z","kind":"parked","text":"Monday returns backlog"}"#,
        r#"{"at":"2026-11-18T11:07:00Z","kind":"ended","step":1}"#,
    ];
    std::fs::write(
        dir.join("last-week.jsonl"),
        format!("{header}\n{}\n", events.join("\n")),
    )
    .expect("journal");
    // The same, on time.
    let on_time = events.join("\n").replace("11:07:00", "10:55:00");
    std::fs::write(dir.join("on-time.jsonl"), format!("{header}\n{on_time}\n")).expect("journal");
    let prep = |journal: &str| -> serde_json::Value {
        serde_json::from_str(&ok(&refine(
            &dir,
            &[
                "prep",
                "Scanner battery dies mid-shift",
                "--minutes",
                "95",
                "--format",
                "json",
                "--carry-over",
                journal,
            ],
        )))
        .expect("json")
    };
    let carried = prep("last-week.jsonl");
    let plain = prep("on-time.jsonl");
    let minutes = |pack: &serde_json::Value, phase: &str| {
        pack["plan"]["agenda"]
            .as_array()
            .expect("agenda")
            .iter()
            .find(|a| a["phase"] == phase)
            .map(|a| a["minutes"]["max"].as_u64().expect("minutes"))
            .expect("the phase")
    };
    let problem = "problem-space-exploration";
    assert!(
        minutes(&carried, problem) > minutes(&plain, problem),
        "the overrun phase gets more: {} vs {}",
        minutes(&carried, problem),
        minutes(&plain, problem)
    );
    assert!(
        minutes(&carried, problem) <= 45,
        "never outside the guide's 40-45"
    );
    let agenda = carried["plan"]["agenda"].as_array().expect("agenda");
    let total: u64 = agenda
        .iter()
        .map(|a| a["minutes"]["max"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(
        total, 95,
        "the session keeps its length, review slot included"
    );
    assert_eq!(agenda[0]["minutes"]["max"], 5);
    let details = agenda[0]["details"].to_string();
    assert!(
        details.contains("Measure Wi-Fi drops per aisle (Omar, due 2026-12-04)"),
        "{details}"
    );
    assert!(
        details.contains("Parked: Monday returns backlog"),
        "{details}"
    );
    // The unfinished item comes back first, before the new one.
    let items: Vec<&str> = carried["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["title"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        items,
        [
            "Pick lists vanish from handheld scanners",
            "Scanner battery dies mid-shift"
        ]
    );
    let notes = carried["notes"].to_string();
    assert!(
        notes.contains("because it overran by 7 minutes last time"),
        "{notes}"
    );
    assert!(notes.contains("Back on the agenda: Pick lists vanish from handheld scanners (discussed without an outcome)"), "{notes}");
    // A journal that is not one stops the preparation with its line.
    std::fs::write(
        dir.join("broken.jsonl"),
        format!("{header}\n{{\"at\":\"x\"}}\n"),
    )
    .expect("write");
    fails(
        &refine(&dir, &["prep", "x", "--carry-over", "broken.jsonl"]),
        "broken.jsonl, line 2",
    );
    let _ = std::fs::remove_dir_all(&dir);
}
