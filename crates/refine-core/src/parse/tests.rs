//! Unit tests of the parser.
use super::*;

fn phase(title: &str) -> Option<String> {
    match_phase(title, &Guide::builtin())
}

#[test]
fn phases_match_by_name_tolerantly() {
    assert_eq!(
        phase("Problem Exploration").as_deref(),
        Some("problem-space-exploration")
    );
    assert_eq!(
        phase("Explore the problem space").as_deref(),
        Some("problem-space-exploration")
    );
    assert_eq!(
        phase("Context & Priorities").as_deref(),
        Some("context-setting")
    );
    assert_eq!(
        phase("Define Success").as_deref(),
        Some("success-criteria-definition")
    );
    assert_eq!(
        phase("Success metrics").as_deref(),
        Some("success-criteria-definition")
    );
    assert_eq!(phase("Retro").as_deref(), Some("session-retrospective"));
    assert_eq!(
        phase("Wrap-up & Retrospective").as_deref(),
        Some("session-retrospective")
    );
    assert_eq!(
        phase("Stakeholder mapping").as_deref(),
        Some("problem-space-exploration")
    );
    assert_eq!(
        phase("Feedback round").as_deref(),
        Some("session-retrospective")
    );
    assert_eq!(phase("Welcome and introductions"), None);
    assert_eq!(phase("Break"), None);
    assert_eq!(phase("Wrap-up"), None);
    assert_eq!(phase("Session kickoff"), None);
}

#[test]
fn titles_lose_numbering_timeboxes_and_descriptions() {
    let t = |s: &str| clean_title(&split_timebox(&strip_markup(s)).0);
    assert_eq!(
        t("1. **Context Setting** (15-20 minutes)"),
        "Context Setting"
    );
    assert_eq!(t("0:00–0:15 | Context Setting"), "Context Setting");
    assert_eq!(
        t("Phase 2: Problem Space Exploration — 45 min"),
        "Problem Space Exploration"
    );
    assert_eq!(
        t("Context Setting (15 min): PM shares priorities"),
        "Context Setting"
    );
    assert_eq!(t("⏱️ 15 min — Context Setting"), "Context Setting");
    assert_eq!(t("Wrap-up (5 min)"), "Wrap-up");
}

#[test]
fn framing_lines_are_not_items() {
    assert!(is_framing("Agenda (90 minutes)"));
    assert!(is_framing("Total: 90 minutes"));
    assert!(is_framing("Refinement Session Agenda"));
    assert!(is_framing("Agenda for checkout (90 min)"));
    assert!(!is_framing("Context Setting (15 min)"));
    assert!(!is_framing("Review the agenda and goals (5 min)"));
}

#[test]
fn tags_are_read_in_any_case_and_spacing_but_not_in_prose() {
    let reply = "Put it in `<agenda>` tags, as in <agenda> tags.\n< Agenda >\n1. A (5 min)\n</ AGENDA>\n<key-points></key points>";
    let hits = scan_tags(reply);
    let kinds: Vec<_> = hits.iter().map(|h| (h.kind, h.closing)).collect();
    assert_eq!(
        kinds,
        vec![
            (SectionKind::Agenda, false),
            (SectionKind::Agenda, true),
            (SectionKind::KeyPoints, false),
            (SectionKind::KeyPoints, true),
        ]
    );
}

#[test]
fn line_numbers_are_one_based() {
    let index = LineIndex::new("a\nb\nc");
    assert_eq!(index.line_of(0), 1);
    assert_eq!(index.line_of(2), 2);
    assert_eq!(index.line_of(4), 3);
}

#[test]
fn agendas_titled_the_ways_models_title_them_read_as_their_phases() {
    let expected = [
        ("Context Setting", 15, "context-setting"),
        ("Problem Space Exploration", 40, "problem-space-exploration"),
        (
            "Success Criteria Definition",
            25,
            "success-criteria-definition",
        ),
        ("Session Retrospective", 10, "session-retrospective"),
    ];
    let styles = [
        // A heading naming the session and its total over a table with clock ranges and a
        // duration column, and a bold total row.
        "## Refinement Session: Faster invoice search — 90 minutes total\n\n| Time | Activity | Duration |\n|------|----------|----------|\n| 10:00–10:15 | Context Setting | 15 min |\n| 10:15–10:55 | Problem Space Exploration | 40 min |\n| 10:55–11:20 | Success Criteria Definition | 25 min |\n| 11:20–11:30 | Session Retrospective | 10 min |\n| **Total** | | **90 min** |",
        // A bold title with the total, numbered items with a dash and minutes, a total line.
        "**Faster invoice search — Refinement (Total: 90 min)**\n\n1. Context Setting — 15 min\n   - Why search speed matters this quarter\n2. Problem Space Exploration — 40 min\n3. Success Criteria Definition — 25 min\n4. Session Retrospective — 10 min\n\nTotal: 90 min",
        // Title and duration lines, then elapsed-time ranges in table cells.
        "Session title: Faster invoice search\nDuration: 90 minutes\n\n| Segment | Time |\n| --- | --- |\n| Context Setting | 0:00 - 0:15 |\n| Problem Space Exploration | 0:15 - 0:55 |\n| Success Criteria Definition | 0:55 - 1:20 |\n| Session Retrospective | 1:20 - 1:30 |",
    ];
    for style in styles {
        let reply = format!("<agenda>\n{style}\n</agenda>");
        let plan = parse_reply(&reply, "Faster invoice search", &Guide::builtin()).plan;
        let got: Vec<(String, Option<Minutes>, Option<String>)> = plan
            .agenda
            .into_iter()
            .map(|i| (i.title, i.minutes, i.phase))
            .collect();
        let want: Vec<(String, Option<Minutes>, Option<String>)> = expected
            .iter()
            .map(|(t, m, p)| {
                (
                    (*t).to_string(),
                    Some(Minutes::exactly(*m)),
                    Some((*p).to_string()),
                )
            })
            .collect();
        assert_eq!(got, want, "{style}");
    }
}

proptest::proptest! {
    /// The guards in front of the line regexes never turn a line away that they would match.
    #[test]
    fn line_guards_never_skip_a_match(line in "[ \t]{0,4}[-*+•▪◦(#`~1٣aZ.) ]{0,3}[a-z .)#`~]{0,8}") {
        let trimmed = line.trim();
        if HEADING.is_match(&line) {
            proptest::prop_assert!(trimmed.starts_with('#'), "{line:?}");
        }
        if FENCE.is_match(&line) {
            proptest::prop_assert!(trimmed.starts_with(['`', '~']), "{line:?}");
        }
    }
}

proptest::proptest! {
    // Markers with exactly four digits are rare in the strategy: enough cases to meet them.
    #![proptest_config(proptest::test_runner::Config::with_cases(4096))]
    /// The direct reading of list items gives what the regex captures, on any line.
    #[test]
    fn list_items_read_as_the_regex_reads_them(
        line in "[ \t\u{a0}]{0,3}(\\(?[0-9٣]{0,4}[.)]?|[-*+•▪◦#]|[a-zA-Z][.)]?)[ \t\u{a0}]{0,2}[a-z .)٣]{0,6}"
    ) {
        let by_regex = LIST_ITEM
            .captures(&line)
            .map(|c| (c.get(1).map_or("", |m| m.as_str()), c.get(2).map_or("", |m| m.as_str())));
        proptest::prop_assert_eq!(list_item(&line), by_regex);
    }
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config::with_cases(4096))]
    /// The cheap test in front of the item tag regex passes every text the regex matches.
    #[test]
    fn item_tag_test_never_turns_a_tag_away(text in "[a <>/\t]{0,4}(<|< /|</ )?[ \t]{0,2}(item|ITEM|Item|iTem|ite)?[ =\"1a>/]{0,6}") {
        if items::ITEM_TAG.is_match(&text) {
            proptest::prop_assert!(items::may_hold_item_tag(&text), "{text:?}");
        }
    }
}

/// `title_and_detail` as it was first written, copying at every step: the reference the one
/// that works in place is held to.
fn title_and_detail_by_copies(raw: &str) -> (String, Option<String>) {
    let collapsed = raw
        .replace("()", " ")
        .replace("[]", " ")
        .replace("( )", " ");
    let mut title: String = collapsed.split_whitespace().collect::<Vec<_>>().join(" ");
    title = title
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .trim_matches(agenda::TITLE_TRIM)
        .to_string();
    title.drain(..agenda::ordinal_prefix_len(&title));
    let mut detail: Vec<String> = Vec::new();
    for separator in [": ", " — ", " – ", " - ", " | "] {
        if let Some(at) = title.find(separator)
            && title[..at].chars().any(char::is_alphabetic)
        {
            let rest = title[at + separator.len()..].trim_matches(agenda::TITLE_TRIM);
            if rest.chars().any(char::is_alphanumeric) {
                detail.insert(0, rest.to_string());
            }
            title.truncate(at);
        }
    }
    let detail = (!detail.is_empty()).then(|| detail.join(" — "));
    (title.trim_matches(agenda::TITLE_TRIM).to_string(), detail)
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config::with_cases(4096))]
    /// Titles and details are read in place as they were read by copying.
    #[test]
    fn title_and_detail_in_place_is_exact(
        tokens in proptest::collection::vec(proptest::sample::select(&[
            "Context", "setting", "Phase 2", "step 10", ":", ": ", " — ", " – ", " - ", " | ", "(",
            ")", "()", "[", "]", "( )", " ", "  ", "\t", "*", "é", "Ω", "—", "|", "-", "15", ".", "~",
        ][..]), 0..10)
    ) {
        let text = tokens.concat();
        proptest::prop_assert_eq!(
            agenda::title_and_detail(&text),
            title_and_detail_by_copies(&text),
            "{:?}",
            text
        );
    }

    /// The framing words found in one pass are those found word by word, on lines shorter
    /// and longer than the packed searcher's vector width.
    #[test]
    fn framing_words_are_found_alike_together_and_each(
        tokens in proptest::collection::vec(proptest::sample::select(&[
            "agenda", "agend", "total", "tota", "overall", "session length", "session", "length",
            "duration", "dur", " ", "x", "15 min", "—", "é",
        ][..]), 0..12)
    ) {
        let text = tokens.concat();
        proptest::prop_assert_eq!(
            agenda::holds_framing_word(text.as_bytes()),
            agenda::holds_framing_word_each(text.as_bytes()),
            "{:?}",
            text
        );
    }

    /// The shortcuts for texts without a framing word, and for titles holding "agenda:",
    /// change nothing.
    #[test]
    fn framing_shortcut_is_exact(
        tokens in proptest::collection::vec(proptest::sample::select(&[
            "Agenda", "agenda", "TOTAL", "Overall", "duration", "session", "length", "for", ":",
            " ", "15 min", "(90 minutes)", "Context", "Kelvin \u{212a}", "é", "-", "**", "“", "—",
        ][..]), 0..8)
    ) {
        let text = tokens.concat();
        let expected = is_framing_by_words(&text);
        proptest::prop_assert_eq!(is_framing(&text), expected, "{:?}", text);
        proptest::prop_assert_eq!(agenda::is_framing_read_whole(&text), expected, "{:?}", text);
    }
}

/// Whether a line frames the agenda, as first written: every reading made of the title's words.
fn is_framing_by_words(text: &str) -> bool {
    let (title, _) = agenda::split_timebox(text);
    let w = crate::text::lower_words(&title);
    match (w.first(), w.last()) {
        (Some(first), Some(last)) => {
            VOCABULARY.agenda_framing.contains(&first.as_ref())
                || last == "agenda"
                || w.windows(2)
                    .any(|pair| pair[0] == "agenda" && pair[1] == "for")
                || title.to_lowercase().contains("agenda:")
        }
        _ => false,
    }
}

/// The regexes the hand-written readings below replace, read by the full engine.
fn full_engine(source: &str) -> regex::Regex {
    regex::Regex::new(source).expect("valid")
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config::with_cases(4096))]

    /// `mention_follows` is `^\s*(?i:tags?)\b`: spaces of any script, `ſ` for `s`, word
    /// characters of any script ending the word.
    #[test]
    fn a_mention_is_read_as_its_regex(
        tokens in proptest::collection::vec(proptest::sample::select(&[
            " ", "\t", "\u{a0}", "\u{3000}", "tag", "TAG", "Tags", "tagſ", "s", "S", "x", "é",
            "_", "1", ".", ">", "\n", "ta", "g",
        ][..]), 0..6)
    ) {
        let rest = tokens.concat();
        let regex = full_engine(r"^\s*(?i:tags?)\b");
        proptest::prop_assert_eq!(mention_follows(&rest), regex.is_match(&rest), "{:?}", rest);
    }

    /// `ordinal_prefix_len` is where
    /// `(?i)^(?:phase|part|step|section|block|segment|stage)\s*\d+\s*[:.)\-–—]?\s*` ends.
    #[test]
    fn an_ordinal_prefix_is_read_as_its_regex(
        tokens in proptest::collection::vec(proptest::sample::select(&[
            "Phase", "part", "STEP", "section", "bloc\u{212A}", "segment", "ſtage", "stages",
            "phas", " ", "\u{a0}", "2", "12", "٣", ":", ".", ")", "-", "–", "—", ";", "x", "é",
            "Context",
        ][..]), 0..7)
    ) {
        let title = tokens.concat();
        let regex = full_engine(
            r"(?i)^(?:phase|part|step|section|block|segment|stage)\s*\d+\s*[:.)\-–—]?\s*",
        );
        let expected = regex.find(&title).map_or(0, |m| m.end());
        proptest::prop_assert_eq!(agenda::ordinal_prefix_len(&title), expected, "{:?}", title);
    }
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config::with_cases(4096))]

    /// `tag_named` compares as the tag's normal form, built in full, compares.
    #[test]
    fn a_tag_name_is_compared_as_its_normal_form(
        tokens in proptest::collection::vec(proptest::sample::select(&[
            " ", "-", "_", "Key", "key", "POINTS", "points", "agenda", "A", "closing",
        ][..]), 0..6),
        want in proptest::sample::select(&["key_points", "agenda", "a", "closing", "", "key__points"][..]),
    ) {
        let name: String = tokens.concat();
        let normal = name
            .to_lowercase()
            .split([' ', '-', '_'])
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join("_");
        proptest::prop_assert_eq!(tag_named(&name, want), normal == want, "{:?}", name);
    }
}

proptest::proptest! {
    /// A section's lines, cut at the breaks `memchr` finds, are what splitting at `\n` gives,
    /// numbered from the first line; the line index starts a line after every break.
    #[test]
    fn content_lines_are_the_split_lines(body in "[a\n\r|é ]{0,24}", first in 1usize..5) {
        let expected: Vec<(usize, &str)> = body
            .split('\n')
            .enumerate()
            .map(|(i, l)| (first + i, l.trim_end_matches('\r')))
            .collect();
        proptest::prop_assert_eq!(content_lines(&body, first), expected);
        let starts: Vec<usize> = std::iter::once(0)
            .chain(body.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        proptest::prop_assert_eq!(LineIndex::new(&body).0, starts);
    }
}

/// The memo of phase names' stems gives what reading each name afresh gives, for guides read
/// one after another and again.
#[test]
fn phase_name_stems_are_each_names_own() {
    let builtin = Guide::builtin();
    let other = Guide::parse(
        include_str!("../../../../fixtures/guides/sixty-minute.md"),
        crate::guide::GuideOrigin::BuiltIn,
    )
    .expect("fixture guide");
    for guide in [&builtin, &other, &builtin, &other] {
        let fresh: Vec<Vec<String>> = guide
            .phases
            .iter()
            .map(|phase| {
                name_stems(&phase.name)
                    .iter()
                    .map(|s| s.to_string())
                    .collect()
            })
            .collect();
        let remembered: Vec<Vec<String>> = phase_name_stems(guide)
            .iter()
            .map(|stems| stems.iter().map(|s| s.to_string()).collect())
            .collect();
        assert_eq!(remembered, fresh);
    }
}

#[test]
fn an_item_line_read_again_is_answered_from_memory() {
    let text = "Context Setting (15 min): why quoting matters now";
    let first = agenda::item_line(text);
    assert_eq!(first, agenda::read_item_line(text));
    assert_eq!(first.title, "Context Setting");
    assert_eq!(first.detail.as_deref(), Some("why quoting matters now"));
    let again = crate::recent::remembered(&agenda::ITEM_LINES_LATELY, text, || {
        panic!("the line was read again")
    });
    assert_eq!(again, first);
}

#[test]
fn an_agenda_title_and_line_read_again_are_answered_from_memory() {
    let guide = Guide::builtin();
    let title = "Context Setting and priorities";
    let first = match_phase(title, &guide);
    assert_eq!(first.as_deref(), Some("context-setting"));
    let stems = crate::recent::remembered(&TITLES_STEMMED_LATELY, title, || {
        panic!("the title was stemmed again")
    });
    assert_eq!(stems.len(), 4);
    assert_eq!(match_phase(title, &guide), first);

    let line = Line::classify("   - **Current** business priorities");
    assert_eq!(agenda::item_text(&line), "Current business priorities");
    let again = crate::recent::remembered_lately(&agenda::PLAIN_LATELY, line.text(), || {
        panic!("the line was read again")
    });
    assert_eq!(again, "Current business priorities");
}

#[test]
fn a_long_agenda_line_is_read_afresh_and_not_kept() {
    let text = format!("Context Setting (15 min): {}", "why it matters ".repeat(40));
    assert!(text.len() > crate::recent::LONGEST_KEPT);
    let first = agenda::item_line(&text);
    assert_eq!(first.title, "Context Setting");
    let again = crate::recent::remembered(&agenda::ITEM_LINES_LATELY, text.as_str(), || {
        agenda::read_item_line("kept? no")
    });
    assert_eq!(again.title, "kept? no", "the long line was not kept");
}

#[test]
fn section_and_item_tags_are_defused_and_nothing_else() {
    assert_eq!(
        defuse_section_tags("a <agenda> b </Key-Points > c <item number=\"1\"> x"),
        "a ‹agenda› b ‹/Key-Points › c ‹item number=\"1\"› x"
    );
    // A text without `<` is returned as it is, `>` and all.
    assert_eq!(defuse_section_tags("p95 > 4s, a<b"), "p95 > 4s, a<b");
    assert_eq!(
        defuse_section_tags("revenue >10k <b>bold</b>"),
        "revenue >10k <b>bold</b>"
    );
}
