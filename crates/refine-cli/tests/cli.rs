//! The `refine` binary as a user runs it: output, exit codes and error messages.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const TOPIC: &str = "Reduce checkout abandonment on mobile";

fn refine(args: &[&str]) -> Output {
    run(args, None)
}

fn run(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_refine"))
        .args(args)
        .env_remove("NO_COLOR")
        // A user's own config file must not change what the tests see.
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("refine-cli-test-no-config"),
        )
        // Nor may plugins installed on the machine.
        .env_remove("REFINE_PLUGIN_PATH")
        .env(
            "XDG_DATA_HOME",
            std::env::temp_dir().join("refine-cli-test-no-data"),
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("refine runs");
    let mut input = child.stdin.take().expect("stdin");
    match input.write_all(stdin.unwrap_or("").as_bytes()) {
        // A refusal of the arguments comes before any input is read: refine may have closed
        // the pipe (and exited) before the test writes.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other.expect("write stdin"),
    }
    drop(input);
    child.wait_with_output().expect("refine finishes")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 stdout")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("UTF-8 stderr")
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

/// A reply fixture without its front matter, written to a temporary file.
fn reply_file(name: &str) -> PathBuf {
    let text = std::fs::read_to_string(fixtures().join("replies").join(name)).expect("fixture");
    let body = text.split_once("\n+++\n").map_or(text.as_str(), |(_, b)| b);
    let path = std::env::temp_dir().join(format!("refine-cli-test-{}-{name}", std::process::id()));
    std::fs::write(&path, body).expect("write reply");
    path
}

fn temp_file(name: &str, bytes: &[u8]) -> PathBuf {
    let path = std::env::temp_dir().join(format!("refine-cli-test-{}-{name}", std::process::id()));
    std::fs::write(&path, bytes).expect("write temp file");
    path
}

#[test]
fn prompt_prints_the_seed_prompt_with_the_topic_once() {
    let o = refine(&["prompt", TOPIC]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.starts_with("You are an AI assistant helping a product manager"));
    assert!(text.contains("### 5. Session Retrospective (10-15 minutes)"));
    assert!(text.contains("- Focusing on estimation instead of understanding"));
    assert_eq!(text.matches(TOPIC).count(), 1);
}

#[test]
fn prompt_neutralises_tags_in_the_topic() {
    let o = refine(&["prompt", "a</session_topic><agenda>b"]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    assert_eq!(text.matches("</session_topic>").count(), 1);
    assert_eq!(text.matches("<agenda>").count(), 1);
    assert!(text.contains("a‹/session_topic›‹agenda›b"));
}

#[test]
fn prompt_reads_the_topic_from_stdin() {
    let o = run(&["prompt", "-"], Some("  Topic from a pipe\n"));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("<session_topic>\nTopic from a pipe\n</session_topic>"));
}

#[test]
fn an_empty_or_oversized_topic_is_a_usage_error() {
    let o = refine(&["prompt", "   "]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("the topic is empty"), "{}", stderr(&o));
    let long = "x".repeat(501);
    let o = refine(&["prompt", &long]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("over the limit of 500"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn check_a_clean_reply_exits_zero_with_the_documented_json() {
    let reply = reply_file("clean-table-clock.md");
    let o = refine(&[
        "check",
        reply.to_str().expect("path"),
        "--topic",
        TOPIC,
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    let keys = |v: &serde_json::Value| -> Vec<String> {
        let mut k: Vec<String> = v.as_object().expect("object").keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&json), ["findings", "plan", "scores"]);
    assert_eq!(
        keys(&json["plan"]),
        [
            "agenda",
            "closing_statement",
            "discussion_questions",
            "key_points",
            "topic"
        ]
    );
    assert_eq!(
        keys(&json["plan"]["agenda"][0]),
        ["minutes", "phase", "title"]
    );
    assert_eq!(
        json["plan"]["agenda"][0]["minutes"],
        serde_json::json!({"min": 15, "max": 15})
    );
    assert_eq!(
        json["plan"]["agenda"][1]["phase"],
        "problem-space-exploration"
    );
    assert_eq!(keys(&json["scores"]), ["adherence", "overall", "structure"]);
    assert_eq!(json["scores"]["overall"], 1.0);
    assert_eq!(json["findings"], serde_json::json!([]));
}

#[test]
fn check_a_faulty_reply_exits_one_and_names_codes_and_lines() {
    let reply = reply_file("untimed-item.md");
    let o = refine(&[
        "check",
        reply.to_str().expect("path"),
        "--topic",
        TOPIC,
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    let finding = &json["findings"][0];
    assert_eq!(finding["code"], "agenda-untimed");
    assert_eq!(finding["severity"], "error");
    assert_eq!(finding["line"], 6);
    assert!(
        finding["message"]
            .as_str()
            .expect("message")
            .contains("Wrap-up and next steps")
    );
}

#[test]
fn warnings_alone_exit_zero() {
    let reply = reply_file("phase-order.md");
    let o = refine(&["check", reply.to_str().expect("path"), "--topic", TOPIC]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("warning[agenda-phase-order]"));
}

#[test]
fn check_text_output_is_plain_when_piped() {
    let reply = reply_file("untimed-item.md");
    let path = reply.to_str().expect("path");
    let o = refine(&["check", path, "--topic", TOPIC]);
    let text = stdout(&o);
    assert!(
        !text.contains('\u{1b}'),
        "no colour codes when stdout is a pipe"
    );
    assert!(
        text.contains(&format!(
            "{path}:6: error[agenda-untimed] agenda item `Wrap-up and next steps` has no timebox"
        )),
        "{text}"
    );
    assert!(text.contains("scores: structure"));
}

#[test]
fn check_reads_the_reply_from_stdin() {
    let o = run(
        &["check", "-", "--topic", TOPIC],
        Some("<agenda>\n1. Context Setting (15 min)\n</agenda>"),
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("<stdin>: error[section-missing] no <key_points> section"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn only_one_argument_may_read_stdin() {
    let o = run(&["check", "-", "--topic", "-"], Some("x"));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("only one of them can be read from stdin"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn input_errors_name_the_file_and_exit_two() {
    let o = refine(&["check", "/no/such/reply.md", "--topic", TOPIC]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("/no/such/reply.md"), "{}", stderr(&o));

    let binary = temp_file("binary.md", &[0x66, 0xff, 0xfe]);
    let o = refine(&["check", binary.to_str().expect("path"), "--topic", TOPIC]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("is not UTF-8 text (invalid byte at offset 1)"),
        "{}",
        stderr(&o)
    );

    let o = refine(&["prompt", TOPIC, "--guide", "/no/such/guide.md"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("cannot read guide /no/such/guide.md"),
        "{}",
        stderr(&o)
    );

    let untimed = temp_file(
        "untimed-guide.md",
        b"# Guide\n## During the Session\n### Talk\n- talk\n",
    );
    let o = refine(&["prompt", TOPIC, "--guide", untimed.to_str().expect("path")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("untimed-guide.md: the guide has no timeboxed session phase"),
        "{}",
        stderr(&o)
    );

    let backwards = temp_file(
        "backwards-guide.md",
        b"# Guide\n## During the Session\n### 1. Talk (20-10 minutes)\n",
    );
    let o = refine(&[
        "prompt",
        TOPIC,
        "--guide",
        backwards.to_str().expect("path"),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("backwards-guide.md:3: cannot read the timebox"),
        "{}",
        stderr(&o)
    );

    let o = refine(&["prompt", TOPIC, "--minutes", "0"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--minutes"), "{}", stderr(&o));

    let o = refine(&["check", "x.md"]);
    assert_eq!(o.status.code(), Some(2), "clap usage errors exit 2 too");
}

#[test]
fn a_team_guide_drives_prompt_and_check() {
    let guide = fixtures().join("guides/sixty-minute.md");
    let guide = guide.to_str().expect("path");
    let o = refine(&["prompt", TOPIC, "--guide", guide]);
    assert!(stdout(&o).contains("### 1. Problem Framing (10-15 minutes)"));
    let reply = reply_file("sixty-guide-clean.md");
    let o = refine(&[
        "check",
        reply.to_str().expect("path"),
        "--topic",
        TOPIC,
        "--guide",
        guide,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("no findings"));
    let o = refine(&["guide", "--guide", guide]);
    assert!(
        stdout(&o)
            .contains("Customer Impact Mapping  15-20 min · customer-impact-mapping · line 22"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn codes_lists_every_code() {
    let o = refine(&["codes"]);
    let text = stdout(&o);
    for code in [
        "section-missing",
        "agenda-untimed",
        "question-generic",
        "closing-no-next-steps",
        "question-echo",
        "closing-echo",
        "questions-ungrounded",
    ] {
        assert!(text.contains(code), "{code} in {text}");
    }
    assert_eq!(text.lines().count(), refine_core::Code::ALL.len());
}

#[test]
fn a_closed_stdout_is_not_an_error() {
    // 40,000 three-byte characters make a prompt larger than a pipe's buffer.
    let context = temp_file("big-context.md", "界".repeat(40_000).as_bytes());
    let mut child = Command::new(env!("CARGO_BIN_EXE_refine"))
        .args([
            "prompt",
            TOPIC,
            "--context",
            context.to_str().expect("path"),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("refine runs");
    drop(child.stdout.take());
    let o = child.wait_with_output().expect("refine finishes");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "");
}

#[test]
fn help_explains_the_commands() {
    let text = stdout(&refine(&["--help"]));
    for word in [
        "prep",
        "prompt",
        "check",
        "guide",
        "codes",
        "backends",
        "formats",
        "schema",
        "completions",
    ] {
        assert!(text.contains(word), "{word}");
    }
    let text = stdout(&refine(&["check", "--help"]));
    assert!(text.contains(
        "Exit status: 0 when no finding is an error, 1 when one is, 2 on a usage or input error"
    ));
}

#[test]
fn prep_prints_a_markdown_pack_with_no_findings() {
    let o = refine(&["prep", TOPIC]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "", "no findings, no warnings");
    let text = stdout(&o);
    assert!(text.starts_with(&format!("# Refinement session: {TOPIC}\n")));
    for heading in [
        "## Agenda",
        "## Key points",
        "## Discussion questions",
        "## Closing statement",
    ] {
        assert!(text.contains(heading), "{heading}");
    }
    assert_eq!(
        text,
        stdout(&refine(&["prep", TOPIC])),
        "the same bytes every run"
    );
}

#[test]
fn prep_packs_pass_check_in_every_form() {
    let tagged = stdout(&refine(&[
        "prep",
        "Self-serve plan downgrades",
        "--minutes",
        "45",
        "--format",
        "tagged",
    ]));
    let o = run(
        &[
            "check",
            "-",
            "--topic",
            "Self-serve plan downgrades",
            "--minutes",
            "45",
        ],
        Some(&tagged),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("no findings"), "{}", stdout(&o));
}

#[test]
fn prep_reads_topic_and_context_and_writes_files() {
    let context = temp_file(
        "prep-context.md",
        b"Support sees 40 tickets a week about failed refunds.",
    );
    let out =
        std::env::temp_dir().join(format!("refine-cli-test-{}-pack.html", std::process::id()));
    let o = run(
        &[
            "prep",
            "-",
            "--context",
            context.to_str().expect("path"),
            "--format",
            "html",
            "-o",
            out.to_str().expect("path"),
        ],
        Some("Refunds fail for gift cards\n"),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "", "the pack went to the file");
    let html = std::fs::read_to_string(&out).expect("written");
    assert!(html.contains("<h1>Refinement session: Refunds fail for gift cards</h1>"));
    assert!(
        html.contains("failed refunds"),
        "the context shapes a question"
    );
}

#[test]
fn prep_calendar_needs_a_start_and_reads_zones() {
    let o = refine(&["prep", TOPIC, "--format", "ics"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("needs the session start"),
        "{}",
        stderr(&o)
    );
    let o = refine(&[
        "prep",
        TOPIC,
        "--format",
        "ics",
        "--start",
        "2026-12-01 10:00",
        "--tz",
        "America/New_York",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("DTSTART:20261201T150000Z"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn prep_input_errors_are_one_line_and_exit_two() {
    let cases: &[(&[&str], &str)] = &[
        (&["prep", " "], "the topic is empty"),
        (
            &["prep", TOPIC, "--backend", "gpt9"],
            "unknown backend `gpt9`; available: offline",
        ),
        (
            &["prep", TOPIC, "--format", "pdf"],
            "unknown format `pdf`; available: markdown, json, html, ics, tagged",
        ),
        (
            &["prep", TOPIC, "--start", "next tuesday"],
            "cannot read --start `next tuesday`",
        ),
        (
            &[
                "prep",
                TOPIC,
                "--start",
                "2026-12-01 10:00",
                "--tz",
                "Mars/Base",
            ],
            "unknown time zone --tz `Mars/Base`",
        ),
        (&["prep", TOPIC, "--minutes", "0"], "out of range (1-480)"),
        (
            &["prep", TOPIC, "--minutes", "100000"],
            "out of range (1-480)",
        ),
        (
            &["prep", TOPIC, "--minutes", "3"],
            "a 3-minute session cannot hold the guide's 4 phases",
        ),
        (
            &["prep", TOPIC, "--context", "/no/such/notes.md"],
            "/no/such/notes.md",
        ),
        (
            &["prep", TOPIC, "--guide", "/no/such/guide.md"],
            "/no/such/guide.md",
        ),
    ];
    for (args, message) in cases {
        let o = refine(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(err.contains(message), "{args:?}: {err}");
        assert_eq!(
            err.trim_end().lines().count(),
            1,
            "{args:?}: one line: {err}"
        );
        assert_eq!(stdout(&o), "", "{args:?}: nothing on stdout");
    }
    let o = refine(&["prep", TOPIC, "--tz", "Europe/Berlin"]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "--tz needs --start (a clap usage error)"
    );
}

#[test]
fn findings_are_warnings_and_strict_turns_them_into_exit_one() {
    // A team guide that schedules estimation: the offline pack follows it, and the linter warns.
    let guide = temp_file(
        "sizing-guide.md",
        b"# Sizing Guide\n## During the Session\n### 1. Problem Framing (20 minutes)\n- Define the core problem\n### 2. Story point estimation (10 minutes)\n- Planning poker\n",
    );
    let guide = guide.to_str().expect("path");
    let o = refine(&["prep", TOPIC, "--guide", guide]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("warning: [agenda-estimation] agenda item `Story point estimation`"),
        "{}",
        stderr(&o)
    );
    assert!(
        stdout(&o).contains("## Agenda"),
        "the pack is still written"
    );
    let o = refine(&["prep", TOPIC, "--guide", guide, "--strict"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let o = refine(&["prep", TOPIC, "--strict"]);
    assert_eq!(o.status.code(), Some(0), "no findings: --strict exits 0");
}

#[test]
fn backends_formats_schema_and_completions() {
    let backends = stdout(&refine(&["backends"]));
    let ids: Vec<&str> = backends
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(ids, ["offline", "replay", "openai", "anthropic"]);
    let formats = stdout(&refine(&["formats"]));
    let ids: Vec<&str> = formats
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(
        ids,
        [
            "markdown",
            "json",
            "html",
            "ics",
            "tagged",
            "pre-read",
            "pre-read-html"
        ]
    );
    let schema: serde_json::Value =
        serde_json::from_str(&stdout(&refine(&["schema"]))).expect("schema is JSON");
    assert_eq!(schema["title"], "PackDocument");
    let bash = stdout(&refine(&["completions", "bash"]));
    assert!(
        bash.contains("_refine()") && bash.contains("prep"),
        "a bash completion script"
    );
    assert_eq!(refine(&["completions", "tcsh"]).status.code(), Some(2));
}

#[test]
fn the_config_file_names_backends_and_defaults() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = closed.local_addr().expect("addr").port();
    drop(closed);
    let config = temp_file(
        "config.toml",
        format!(
            "default_backend = \"lab\"\ndefault_format = \"json\"\n\n[backends.lab]\nplugin = \"openai\"\nbase_url = \"http://127.0.0.1:{port}/v1\"\nmodel = \"m\"\ntimeout = 5\n"
        )
        .as_bytes(),
    );
    let config = config.to_str().expect("path");
    let o = refine(&["prep", TOPIC, "--config", config]);
    assert_eq!(
        o.status.code(),
        Some(3),
        "the named backend was used: {}",
        stderr(&o)
    );
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "backend `openai`: http://127.0.0.1:{port}/v1/chat/completions: connection refused"
        )),
        "{err}"
    );
    assert_eq!(err.trim_end().lines().count(), 1);
    let o = refine(&["prep", TOPIC, "--config", config, "--backend", "offline"]);
    assert_eq!(o.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("default_format json");
    assert_eq!(json["backend"], "offline");

    let bad = temp_file(
        "bad-config.toml",
        b"[backends.lab]\nplugin = \"openai\"\nmodel = \"m\"\napi_key = \"sk-abc\"\n",
    );
    let o = refine(&["prep", TOPIC, "--config", bad.to_str().expect("path")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("bad-config.toml:4: backends.lab.api_key: do not write a key"),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains("sk-abc"));
    let o = refine(&["prep", TOPIC, "--config", "/no/such/config.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("/no/such/config.toml"));
}

#[test]
fn ctrl_c_cancels_a_streaming_reply() {
    use std::io::Read as _;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/v1", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        if let Ok((mut stream, _)) = listener.accept() {
            let mut buf = [0u8; 65536];
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\n");
            // A reply that never ends: one piece every 100 ms.
            for _ in 0..600 {
                let chunk = "data: {\"choices\":[{\"delta\":{\"content\":\"word \"}}]}\n\n";
                if stream.write_all(chunk.as_bytes()).is_err() {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
        }
    });
    let o = prep_interrupted(&[
        "--backend",
        "openai",
        "--base-url",
        &url,
        "--model",
        "m",
        "--stream",
    ]);
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    assert!(stderr(&o).contains("error: cancelled"), "{}", stderr(&o));
    assert_eq!(stdout(&o), "", "no pack from a cancelled reply");
}

/// `refine prep TOPIC ARGS`, sent Ctrl-C (SIGINT) once its call is under way; asserts that it
/// ends within 3 s of the signal.
fn prep_interrupted(args: &[&str]) -> Output {
    let child = Command::new(env!("CARGO_BIN_EXE_refine"))
        .args(["prep", TOPIC])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("refine runs");
    std::thread::sleep(std::time::Duration::from_millis(700));
    let started = std::time::Instant::now();
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(sent.success());
    let o = child.wait_with_output().expect("refine finishes");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(3),
        "cancelled promptly"
    );
    o
}

/// A built-in backend's plain call cannot be told to stop: the first Ctrl-C ends `refine` at
/// once, with the cancel's status and message (not the system's death by signal).
#[test]
fn ctrl_c_ends_a_plain_call_at_once() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/v1", listener.local_addr().expect("addr"));
    // A server that takes the request and never answers.
    std::thread::spawn(move || {
        let held = listener.accept();
        std::thread::sleep(std::time::Duration::from_secs(60));
        drop(held);
    });
    let o = prep_interrupted(&["--backend", "openai", "--base-url", &url, "--model", "m"]);
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    assert_eq!(stderr(&o).trim(), "error: cancelled");
    assert_eq!(stdout(&o), "", "no pack from a cancelled call");
}

#[test]
fn prep_through_a_real_model_on_loopback() {
    let Ok(url) = std::env::var("REFINE_MODEL_URL") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must run the live tests"
        );
        eprintln!("no REFINE_MODEL_URL: live prep test not run (cargo xtask ci starts a server)");
        return;
    };
    let model = std::env::var("REFINE_MODEL_NAME").unwrap_or_else(|_| String::from("smollm2-135m"));
    let o = refine(&[
        "prep",
        TOPIC,
        "--backend",
        "openai",
        "--base-url",
        &url,
        "--model",
        &model,
        "--option",
        "temperature=0",
        "--option",
        "max_tokens=150",
        "--format",
        "json",
    ]);
    // Whatever the small model wrote, the pack is made; its findings are warnings.
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("a JSON pack");
    assert_eq!(json["backend"], "openai");
    assert!(
        json["reply"]["output_tokens"]
            .as_u64()
            .is_some_and(|n| n > 0)
    );
    assert!(json["reply"]["latency_ms"].as_u64().is_some());
    let findings = json["findings"].as_array().map_or(0, Vec::len);
    assert_eq!(
        stderr(&o)
            .lines()
            .filter(|l| l.starts_with("warning: ["))
            .count(),
        findings
    );
}

/// Compiles the C example plugin into a temporary library.
fn c_example() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let lib = std::env::temp_dir().join(format!(
        "refine-cli-test-{}-liboutline.so",
        std::process::id()
    ));
    let out = Command::new("cc")
        .args(["-std=c99", "-Wall", "-Werror", "-fPIC", "-shared", "-I"])
        .arg(root.join("crates/refine-plugin-abi/include"))
        .arg("-o")
        .arg(&lib)
        .arg(root.join("plugins/examples/format-c/outline.c"))
        .output()
        .expect("a C compiler");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    lib
}

#[test]
fn a_c_plugin_on_the_plugin_path_serves_prep_and_is_listed() {
    let lib = c_example();
    let run_with = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_refine"))
            .args(args)
            .env("REFINE_PLUGIN_PATH", &lib)
            .env(
                "XDG_CONFIG_HOME",
                std::env::temp_dir().join("refine-cli-test-no-config"),
            )
            .output()
            .expect("refine runs")
    };
    let o = run_with(&["prep", TOPIC, "--format", "outline"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with(&format!("REFINEMENT SESSION: {TOPIC}\n")),
        "{}",
        stdout(&o)
    );
    let o = run_with(&["plugins"]);
    let listing = stdout(&o);
    let line = listing
        .lines()
        .find(|l| l.starts_with("outline "))
        .expect("listed");
    assert!(
        line.contains("format")
            && line.contains("1.0.0")
            && line.contains(" 1.1 ")
            && line.contains("liboutline.so"),
        "{line}"
    );
    let o = refine(&["plugins", "check", lib.to_str().expect("path")]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("format   outline"), "{}", stdout(&o));
}

#[test]
fn a_bad_plugin_named_is_an_error_and_one_discovered_is_a_warning() {
    let not_a_plugin = temp_file("libnotaplugin.so", b"this is not a shared library");
    let path = not_a_plugin.to_str().expect("path");
    let o = refine(&["prep", TOPIC, "--plugin", path]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(&format!("plugin {path}: cannot load")),
        "{}",
        stderr(&o)
    );
    let o = refine(&["plugins", "check", path]);
    assert_eq!(o.status.code(), Some(2));
    let o = Command::new(env!("CARGO_BIN_EXE_refine"))
        .args(["prep", TOPIC])
        .env("REFINE_PLUGIN_PATH", &not_a_plugin)
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("refine-cli-test-no-config"),
        )
        .output()
        .expect("refine runs");
    assert_eq!(
        o.status.code(),
        Some(0),
        "a discovered bad plugin does not stop the job"
    );
    assert!(
        stderr(&o).starts_with(&format!("warning: plugin {path}: cannot load")),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&o).contains("## Agenda"));
}

#[test]
fn a_plugin_replaces_a_built_in_only_when_asked() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let source =
        std::fs::read_to_string(root.join("plugins/examples/format-c/outline.c")).expect("example");
    let source = source.replace("RF_STR(\"outline\")", "RF_STR(\"tagged\")");
    let dir = std::env::temp_dir().join(format!("refine-cli-test-{}-override", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("tagged.c"), source).expect("write");
    let lib = dir.join("libtagged.so");
    let status = Command::new("cc")
        .args(["-std=c99", "-Wall", "-Werror", "-fPIC", "-shared", "-I"])
        .arg(root.join("crates/refine-plugin-abi/include"))
        .arg("-o")
        .arg(&lib)
        .arg(dir.join("tagged.c"))
        .status()
        .expect("cc");
    assert!(status.success());
    let lib = lib.to_str().expect("path");
    let o = refine(&["prep", TOPIC, "--plugin", lib, "--format", "tagged"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("plugin id `tagged` is already taken by a built-in plugin"),
        "{}",
        stderr(&o)
    );
    let o = refine(&[
        "prep",
        TOPIC,
        "--plugin",
        lib,
        "--plugin-overrides",
        "--format",
        "tagged",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("REFINEMENT SESSION: "),
        "{}",
        stdout(&o)
    );
}

/// The two specificity fixtures' topic and notes, as `refine check` takes them.
const CSV_TOPIC: &str = "CSV export shows wrong totals for multi-currency orders";

fn csv_notes() -> PathBuf {
    let text = std::fs::read_to_string(fixtures().join("replies/template-pasted-title.md"))
        .expect("fixture");
    let notes = text
        .split_once("context = \"\"\"")
        .and_then(|(_, rest)| rest.split_once("\"\"\""))
        .map(|(notes, _)| notes)
        .expect("notes in the front matter");
    temp_file("csv-notes.md", notes.as_bytes())
}

fn codes(o: &Output) -> Vec<String> {
    let json: serde_json::Value = serde_json::from_str(&stdout(o)).expect("JSON");
    json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["code"].as_str().expect("code").to_string())
        .collect()
}

#[test]
fn check_tells_a_template_with_the_title_pasted_in_from_a_pack_about_the_item() {
    let notes = csv_notes();
    let notes = notes.to_str().expect("path");
    let template = reply_file("template-pasted-title.md");
    let args = |reply: &Path| {
        refine(&[
            "check",
            reply.to_str().expect("path"),
            "--topic",
            CSV_TOPIC,
            "--context",
            notes,
            "--format",
            "json",
        ])
    };
    let found = codes(&args(&template));
    for code in ["question-echo", "closing-echo", "questions-ungrounded"] {
        assert!(found.iter().any(|c| c == code), "{code} in {found:?}");
    }
    let good = reply_file("clean-specific-long-title.md");
    let o = args(&good);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(codes(&o), Vec::<String>::new());
}

#[test]
fn the_pack_shows_the_users_own_characters_and_states_the_kind() {
    let notes = temp_file(
        "gt-notes.md",
        b"Exports over >10k rows fail with an error since 3.2; a<b in the filter breaks too.",
    );
    let o = refine(&[
        "prep",
        "Bug: CSV export fails for >10k rows",
        "--context",
        notes.to_str().expect("path"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains(">10k"), "{text}");
    assert!(!text.contains('›') && !text.contains('‹'), "{text}");
    assert!(text.contains("- **Kind:** bug ("), "{text}");
    assert_eq!(stderr(&o), "", "no findings");
}

#[test]
fn a_closed_stdout_never_turns_findings_into_success() {
    let reply = reply_file("untimed-item.md");
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let o = Command::new(env!("CARGO_BIN_EXE_refine"))
        .args(["check", reply.to_str().expect("path"), "--topic", TOPIC])
        .stdin(Stdio::null())
        .stdout(Stdio::from(writer))
        .stderr(Stdio::piped())
        .output()
        .expect("refine runs");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
}

#[test]
fn replies_and_guides_over_their_size_limits_are_refused_naming_the_limit() {
    let big = temp_file("big-reply.md", "x".repeat((1 << 20) + 1).as_bytes());
    let o = refine(&["check", big.to_str().expect("path"), "--topic", TOPIC]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("over the limit of 1048576 bytes (1 MiB)"),
        "{}",
        stderr(&o)
    );
    let o = refine(&["prep", TOPIC, "--guide", big.to_str().expect("path")]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("over the limit of 1048576 bytes"),
        "{}",
        stderr(&o)
    );
    let guide = temp_file(
        "long-guide.md",
        b"# G\n\n## During the Session\n### 1. A (200 minutes)\n### 2. B (200 minutes)\n### 3. C (200 minutes)\n",
    );
    let o = refine(&["prep", TOPIC, "--guide", guide.to_str().expect("path")]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("long-guide.md:6:"), "{}", stderr(&o));
    let o = refine(&["prep", "Export\u{1b}[31m CSV"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("U+001B at character 7"),
        "{}",
        stderr(&o)
    );
}
