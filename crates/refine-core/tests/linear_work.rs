//! The reply parser and the guide reader do work linear in their input, checked by counting
//! their steps (`refine_core::work`), not by timing: an input made of a random adversarial unit
//! repeated r times and 16r times must cost at most 24x the steps, where a reader that rescans
//! (as the parser once did for each unclosed section) costs up to 256x.

use proptest::prelude::*;
use refine_core::work::counted;
use refine_core::{Guide, GuideOrigin, parse::parse_reply};

/// Pieces of replies that stress the parser: tags in every form (unclosed, stray, in prose, in
/// code), timeboxes, tables, headings, bold lines, lists at odd indents, fences, CJK, CR LF.
const REPLY_PIECES: &[&str] = &[
    "<agenda>\n",
    "</agenda>\n",
    "<key_points>\n",
    "</key_points>",
    "<discussion_questions>",
    "</discussion_questions>\n",
    "<closing_statement>",
    "</closing_statement>\n",
    "< Agenda >",
    "<KEY-POINTS>",
    "`<agenda>`",
    "in <agenda> tags ",
    "<agenda/>",
    "- item (10 min)\n",
    "1. **Context Setting** (15-20 minutes)\n",
    "   - detail under it\n",
    "| Phase | Time |\n",
    "|---|---|\n",
    "| Item | Minutes |\n| --- | --- |\n",
    "| Problem exploration | 5 min |\n",
    "## Success criteria (5 min)\n",
    "**Bold label**\n",
    "```\n",
    "\n",
    "plain words about the item ",
    "(5 min)",
    "0-15 min ",
    "Total: 90 minutes\n",
    "Agenda for x (90 min)\n",
    "问题是什么 ",
    "a<b and >10k ",
    "\r\n",
    "\t- tab item\n",
    "Time: 15 minutes\n",
    "     deeply indented line\n",
    "What problem does this solve for whom?\n",
];

/// Pieces of guides: phase headings (numbered per copy so they stay distinct), practice and
/// part headings, bullets at every depth, prose, code.
const GUIDE_PIECES: &[&str] = &[
    "### Phase {i} (1-2 minutes)\n\n",
    "## During the Session\n\n",
    "## Pitfalls to avoid\n\n",
    "### Discussion management\n\n",
    "- a bullet about the problem\n",
    "  - a nested bullet\n",
    "    - deeper\n",
    "- - - nested on one line\n",
    "Some prose between the lists.\n\n",
    "```\ncode\n```\n",
    "# Title {i}\n",
    "> quoted - not a list\n",
];

fn unit(pieces: &'static [&'static str]) -> impl Strategy<Value = Vec<&'static str>> {
    prop::collection::vec(prop::sample::select(pieces), 1..24)
}

fn repeated(unit: &[&str], times: usize) -> String {
    (0..times)
        .map(|i| unit.concat().replace("{i}", &i.to_string()))
        .collect()
}

/// How many times larger the large input is than the small one.
const GROWTH: usize = 16;
/// The most the steps may grow when the input grows 16x: linear work gives 16x (less with fixed
/// costs); quadratic work gives up to 256x.
const MOST_GROWTH: f64 = 24.0;

fn reply_steps(reply: &str) -> u64 {
    let guide = Guide::builtin();
    counted(|| parse_reply(reply, "topic", &guide)).1
}

fn guide_steps(markdown: &str) -> u64 {
    counted(|| Guide::parse(markdown, GuideOrigin::BuiltIn).map(|g| g.phases.len())).1
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn parsing_a_reply_takes_steps_linear_in_its_size(
        unit in unit(REPLY_PIECES),
        section in prop::sample::select(&["agenda", "key_points", "discussion_questions", "closing_statement", ""][..]),
    ) {
        // The repeated content inside one section (or none), so that its lines are read as
        // agenda items, points, questions or a closing, not only scanned for tags.
        let reply = |times| match section {
            "" => repeated(&unit, times),
            tag => format!("<{tag}>\n{}</{tag}>\n", repeated(&unit, times)),
        };
        let small = reply_steps(&reply(20));
        let large = reply_steps(&reply(20 * GROWTH));
        prop_assert!(
            (large as f64) <= MOST_GROWTH * small as f64,
            "16x the input took {:.1}x the steps ({small} -> {large})",
            large as f64 / small as f64
        );
    }

    #[test]
    fn reading_a_guide_takes_steps_linear_in_its_size(unit in unit(GUIDE_PIECES)) {
        let small = guide_steps(&repeated(&unit, 10));
        let large = guide_steps(&repeated(&unit, 10 * GROWTH));
        prop_assert!(
            (large as f64) <= MOST_GROWTH * small as f64,
            "16x the guide took {:.1}x the steps ({small} -> {large})",
            large as f64 / small as f64
        );
    }
}
