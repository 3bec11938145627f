//! The parser and linter must never panic, whatever a model (or an attacker) writes.

use proptest::prelude::*;
use refine_core::{Guide, SessionRequest, Topic, analyze};

/// Fragments real replies are made of, so generated text reaches deep into the parser.
const FRAGMENTS: &[&str] = &[
    "<agenda>",
    "</agenda>",
    "<key_points>",
    "</key_points>",
    "<discussion_questions>",
    "</discussion_questions>",
    "<closing_statement>",
    "</closing_statement>",
    "< Agenda >",
    "</ KEY POINTS>",
    "\n",
    "\n\n",
    "  ",
    "\t",
    "1. ",
    "- ",
    "* ",
    "   - ",
    "### ",
    "**",
    "__",
    "`",
    "```",
    "```xml\n",
    "|",
    "|---|---|",
    "| 0:00-0:15 | Context |",
    "Context Setting",
    "Problem Space Exploration",
    "Retro",
    "(15 min)",
    "15-20 minutes",
    "(20m)",
    "1h 15m",
    "10:00–10:20",
    "23:59-0:01",
    "99:99-0:00",
    "0 min",
    "999999999 minutes",
    "1.5 hours",
    "24.5 hours",
    "What is the problem?",
    "story points",
    "Should we use",
    "Thanks.",
    "結帳",
    "é",
    "\u{200b}",
    "\r\n",
    "<",
    ">",
    "</",
    "Total: 90 min",
    "Agenda:",
    ":",
    "—",
    "–",
];

fn request() -> SessionRequest {
    SessionRequest::new(Topic::new("Reduce checkout abandonment on mobile").expect("topic"))
        .with_minutes(90)
        .expect("minutes")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_text_never_panics(reply in any::<String>()) {
        let report = analyze(&reply, &Guide::builtin(), &request());
        for score in [report.scores.structure, report.scores.adherence, report.scores.overall] {
            prop_assert!((0.0..=1.0).contains(&score));
        }
    }

    #[test]
    fn reply_shaped_text_never_panics(parts in prop::collection::vec(prop::sample::select(FRAGMENTS), 0..80)) {
        let reply: String = parts.concat();
        let report = analyze(&reply, &Guide::builtin(), &request());
        for finding in &report.findings {
            if let Some(line) = finding.line {
                prop_assert!(line >= 1 && line <= reply.split('\n').count());
            }
        }
    }

    #[test]
    fn arbitrary_guides_never_panic(parts in prop::collection::vec(prop::sample::select(FRAGMENTS), 0..60)) {
        let markdown = format!("# G\n## During the Session\n{}", parts.concat());
        let _ = Guide::parse(&markdown, refine_core::GuideOrigin::BuiltIn);
    }
}
