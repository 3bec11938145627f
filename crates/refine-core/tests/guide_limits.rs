//! Guides at the edges: nesting deeper than any stack, more phases than minutes, and more
//! bullets than a pack can show. Each either reads within bounds or is refused naming the line.

use refine_core::guide::{BULLET_CHARS_SHOWN, BULLETS_SHOWN, GuideItem, shown_bullets};
use refine_core::request::{GUIDE_MAX_DEPTH, SESSION_MAX_MINUTES};
use refine_core::{Guide, GuideError, GuideOrigin};

fn depth(items: &[GuideItem]) -> usize {
    items
        .iter()
        .map(|i| 1 + depth(&i.children))
        .max()
        .unwrap_or(0)
}

#[test]
fn lists_nested_two_hundred_thousand_deep_read_as_a_bounded_tree() {
    // `- - - … x` is one list inside the next on a single line: before the depth was capped,
    // building the bullet tree recursed once per level and overflowed the stack.
    let markdown = format!(
        "# G\n\n## Session\n\n### Intro (5 minutes)\n\n{}deepest\n",
        "- ".repeat(200_000)
    );
    let guide = Guide::parse(&markdown, GuideOrigin::BuiltIn).expect("reads");
    let items = &guide.phases[0].items;
    assert!(depth(items) <= GUIDE_MAX_DEPTH + 1, "{}", depth(items));
    // Bullets with no words of their own are dropped; the words are kept.
    assert!(
        items
            .iter()
            .flat_map(GuideItem::texts)
            .any(|t| t == "deepest")
    );
    assert!(
        items
            .iter()
            .flat_map(GuideItem::texts)
            .all(|t| !t.trim().is_empty())
    );
}

#[test]
fn bullets_nested_past_the_deepest_level_kept_read_as_that_level() {
    let nested: String = (0..30)
        .map(|level| format!("{}- level {level}\n", "  ".repeat(level)))
        .collect();
    let markdown = format!("# G\n\n## Session\n\n### Intro (5 minutes)\n\n{nested}");
    let guide = Guide::parse(&markdown, GuideOrigin::BuiltIn).expect("reads");
    let items = &guide.phases[0].items;
    assert_eq!(depth(items), GUIDE_MAX_DEPTH, "{items:?}");
    assert_eq!(items.iter().flat_map(GuideItem::texts).count(), 30);
}

#[test]
fn more_phases_than_a_session_has_minutes_are_refused_at_the_first_too_many() {
    let limit = SESSION_MAX_MINUTES as usize;
    let phases: String = (1..=limit + 5)
        .map(|i| format!("### P{i} (0-1 minutes)\n"))
        .collect();
    let err = Guide::parse(
        &format!("# G\n\n## Session\n\n{phases}"),
        GuideOrigin::BuiltIn,
    )
    .expect_err("too many phases");
    // Phase n sits on line 4 + n.
    assert!(
        matches!(err, GuideError::TooManyPhases { line, count, .. } if count == limit + 1 && line == 5 + limit),
        "{err}"
    );
    assert!(
        err.to_string().contains(&format!(":{}:", 5 + limit)),
        "{err}"
    );
    let ok: String = (1..=limit)
        .map(|i| format!("### P{i} (0-1 minutes)\n"))
        .collect();
    assert!(Guide::parse(&format!("# G\n\n## Session\n\n{ok}"), GuideOrigin::BuiltIn).is_ok());
}

#[test]
fn a_pack_shows_a_dozen_bullets_of_readable_length_and_counts_the_rest() {
    let long = "word ".repeat(1000);
    let markdown = format!(
        "# G\n\n## Session\n\n### Intro (5 minutes)\n\n- {long}\n{}",
        "- a bullet\n".repeat(100)
    );
    let guide = Guide::parse(&markdown, GuideOrigin::BuiltIn).expect("reads");
    let shown = shown_bullets(&guide.phases[0].items);
    assert_eq!(shown.len(), BULLETS_SHOWN + 1, "{shown:?}");
    assert!(shown[0].ends_with('…') && shown[0].chars().count() <= BULLET_CHARS_SHOWN + 1);
    assert_eq!(
        shown.last().map(String::as_str),
        Some("and 89 more in the guide")
    );
    // A guide within the bounds is shown whole.
    let small = Guide::builtin();
    for phase in &small.phases {
        let all: Vec<&str> = phase.items.iter().flat_map(GuideItem::texts).collect();
        assert_eq!(shown_bullets(&phase.items), all);
    }
}
