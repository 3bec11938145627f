//! The words of an offline pack: the topic's subject, key points chosen from the guide,
//! problem-space questions and the closing statement.

use std::sync::LazyLock;

use refine_core::contract::{DISCUSSION_QUESTIONS, KEY_POINTS};
use refine_core::guide::{Guide, GuideItem, Phase};
use refine_core::prompt::neutralise;
use refine_core::text::{sentence_count, terms, words};
use regex::Regex;

use crate::kind::TopicKind;

/// Topics up to this many characters are quoted whole; longer ones by their key words.
const SHORT_TOPIC_CHARS: usize = 60;
/// How many words a long topic's subject keeps.
const SUBJECT_WORDS: usize = 8;

/// Words that open a long topic without naming its subject ("We need to figure out why ...").
const LEAD_IN: &[&str] = &[
    "we",
    "i",
    "need",
    "needs",
    "to",
    "want",
    "wants",
    "should",
    "must",
    "have",
    "figure",
    "find",
    "out",
    "why",
    "how",
    "what",
    "the",
    "our",
    "a",
    "an",
    "let's",
    "lets",
    "please",
    "can",
    "could",
    "would",
    "it",
    "is",
    "be",
    "make",
    "sure",
    "that",
    "there",
    "are",
    "so",
    "nice",
    "great",
    "good",
    "if",
    "really",
    "also",
    "somehow",
    "maybe",
    "perhaps",
    "currently",
];

/// Verbs that open a topic by saying which way to change its subject ("Reduce checkout
/// abandonment"): the subject is what follows.
const CHANGE_VERBS: &[&str] = &[
    "reduce",
    "improve",
    "increase",
    "decrease",
    "lower",
    "raise",
    "cut",
    "boost",
    "optimize",
    "optimise",
    "fix",
    "add",
    "support",
    "enable",
    "allow",
    "build",
    "create",
    "implement",
    "introduce",
    "make",
    "redesign",
    "streamline",
    "simplify",
    "prevent",
    "avoid",
    "stop",
    "handle",
    "speed",
    "shorten",
];

/// The topic's subject as questions quote it: the topic without a leading change verb ("Reduce
/// checkout abandonment on mobile" is about "checkout abandonment on mobile"); a long topic
/// keeps its words from the first that is not a lead-in, at most eight, ending where a word
/// carries a topic term.
pub(crate) fn subject(topic: &str) -> String {
    let topic = neutralise(topic);
    if topic.chars().count() <= SHORT_TOPIC_CHARS {
        return without_change_verb(&topic);
    }
    if topic.split_whitespace().nth(1).is_none() {
        // A script without spaces: keep the first characters.
        let cut: String = topic.chars().take(SHORT_TOPIC_CHARS / 2).collect();
        return format!("{cut}…");
    }
    // "As a store manager I want to see yesterday's sales so that ..." is about its want.
    let wanted = USER_STORY
        .captures(&topic)
        .and_then(|c| c.get(1))
        .map_or(topic.as_str(), |m| m.as_str());
    let all: Vec<&str> = wanted.split_whitespace().collect();
    let start = all
        .iter()
        .position(|w| {
            !LEAD_IN.contains(
                &w.to_lowercase()
                    .trim_matches(|c: char| !c.is_alphanumeric()),
            )
        })
        .unwrap_or(0);
    // The first clause: up to a comma or a "because"/"so that" once it has two words.
    let mut end = all.len();
    for (i, w) in all.iter().enumerate().skip(start + 1) {
        let lower = w.to_lowercase();
        if CLAUSE_WORDS.contains(&lower.as_str()) && i >= start + 2 {
            end = i;
            break;
        }
        if w.ends_with([',', ';', ':']) && i + 1 >= start + 2 {
            end = i + 1;
            break;
        }
    }
    let mut kept: Vec<&str> = all[start..end]
        .iter()
        .take(SUBJECT_WORDS)
        .copied()
        .collect();
    // Keep going until the subject carries one of the topic's own terms.
    let topic_terms = terms(&topic);
    let mut next = start + kept.len();
    while terms(&kept.join(" ")).is_disjoint(&topic_terms) && next < all.len() {
        kept.push(all[next]);
        next += 1;
    }
    let text = kept.join(" ");
    let text = text.trim_end_matches(|c: char| !c.is_alphanumeric());
    if next < all.len() || wanted.len() < topic.len() {
        format!("{text}…")
    } else {
        text.to_string()
    }
}

/// A user story's want: "As a <role>, I want to <want> so that <why>".
static USER_STORY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^as an? [^,]{1,60}?,? i (?:want|need|would like)(?: to)? (.+?)(?:,? so that .*)?$",
    )
    .expect("static regex")
});

/// Words that open a second clause.
const CLAUSE_WORDS: &[&str] = &[
    "because", "since", "so", "which", "while", "but", "although",
];

/// `topic` without its leading change verb (and "up" after "speed"), when what remains still
/// carries a topic term.
fn without_change_verb(topic: &str) -> String {
    let mut parts = topic.splitn(2, char::is_whitespace);
    let (Some(first), Some(rest)) = (parts.next(), parts.next()) else {
        return topic.to_string();
    };
    if !CHANGE_VERBS.contains(&first.to_lowercase().as_str()) {
        return topic.to_string();
    }
    let rest = rest.trim_start();
    let rest = rest.strip_prefix("up ").unwrap_or(rest).trim();
    if terms(rest).is_empty() {
        topic.to_string()
    } else {
        rest.to_string()
    }
}

/// The first sentence of the context notes, at most 100 characters, on one line.
pub(crate) fn context_excerpt(context: &str) -> String {
    let one_line = neutralise(&context.split_whitespace().collect::<Vec<_>>().join(" "));
    let first = one_line
        .split_inclusive(['.', '!', '?', '。', '！', '？'])
        .next()
        .unwrap_or(&one_line)
        .trim();
    if first.chars().count() <= 100 {
        first.to_string()
    } else {
        let cut: String = first.chars().take(99).collect();
        format!("{}…", cut.trim_end())
    }
}

/// What a guide statement or a question is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Theme {
    Understanding,
    Estimation,
    Stakeholders,
    Dependencies,
    Constraints,
    Assumptions,
    Success,
    Measurement,
    Timeboxing,
    Preparation,
    Priorities,
    Solutions,
}

/// Word beginnings that mark a theme in a guide statement.
const THEME_MARKERS: &[(Theme, &[&str])] = &[
    (Theme::Estimation, &["estimat", "effort", "sizing", "dates"]),
    (Theme::Solutions, &["solution", "designing"]),
    (
        Theme::Stakeholders,
        &["stakeholder", "who", "customer", "voice", "role"],
    ),
    (Theme::Dependencies, &["dependenc", "depend"]),
    (
        Theme::Constraints,
        &["constraint", "risk", "non-negotiable", "legal"],
    ),
    (
        Theme::Assumptions,
        &["assumption", "unknown", "learn", "clarif"],
    ),
    (Theme::Measurement, &["measure", "metric", "evidence"]),
    (
        Theme::Success,
        &["success", "outcome", "acceptance", "criteria"],
    ),
    (Theme::Timeboxing, &["timebox", "timer", "tangent", "park"]),
    (Theme::Preparation, &["prepar", "advance", "ahead", "brief"]),
    (
        Theme::Priorities,
        &["priorit", "strategic", "matter", "goal"],
    ),
    (Theme::Understanding, &["understand", "problem", "frame"]),
];

fn themes_of(text: &str) -> Vec<Theme> {
    let text_words = words(text);
    THEME_MARKERS
        .iter()
        .filter(|(_, markers)| {
            markers
                .iter()
                .any(|m| text_words.iter().any(|w| w.starts_with(m)))
        })
        .map(|(theme, _)| *theme)
        .collect()
}

/// The themes a kind of topic most needs, in order.
fn kind_themes(kind: TopicKind) -> &'static [Theme] {
    use Theme::*;
    match kind {
        TopicKind::Feature => &[Understanding, Success, Stakeholders, Assumptions],
        TopicKind::Bug => &[Understanding, Success, Constraints, Stakeholders],
        TopicKind::Performance => &[Measurement, Success, Constraints, Dependencies],
        TopicKind::Ux => &[Stakeholders, Understanding, Success, Assumptions],
        TopicKind::Compliance => &[Constraints, Success, Stakeholders, Dependencies],
        TopicKind::Migration => &[Dependencies, Assumptions, Constraints, Stakeholders],
        TopicKind::Integration => &[Stakeholders, Dependencies, Constraints, Success],
        TopicKind::TechDebt => &[Priorities, Understanding, Success, Dependencies],
        TopicKind::Research => &[Assumptions, Understanding, Success, Stakeholders],
    }
}

/// How a key point on `theme` applies the guide to this subject.
fn tailoring(theme: Theme, subject: &str) -> String {
    match theme {
        Theme::Understanding => format!(
            "spend the session on what really lies behind “{subject}” before anyone proposes a fix."
        ),
        Theme::Estimation => format!(
            "leave effort talk for later; the team first needs a shared picture of “{subject}”."
        ),
        Theme::Stakeholders => format!(
            "name everyone “{subject}” touches, inside and outside the team, and who should be in the room."
        ),
        Theme::Dependencies => format!(
            "list the systems, teams and vendors “{subject}” relies on before discussing options."
        ),
        Theme::Constraints => format!(
            "write down the limits “{subject}” must respect: rules, contracts, platforms and dates."
        ),
        Theme::Assumptions => {
            format!("say out loud what we believe about “{subject}” and how we could check it.")
        }
        Theme::Success => {
            format!("agree how we will know “{subject}” is solved before talking about solutions.")
        }
        Theme::Measurement => format!(
            "pick the numbers that show whether “{subject}” gets better, and where they come from."
        ),
        Theme::Timeboxing => format!(
            "keep each part of the conversation on “{subject}” to its timebox and park tangents."
        ),
        Theme::Preparation => format!(
            "share the material on “{subject}” ahead of time so people arrive with questions."
        ),
        Theme::Priorities => {
            format!("explain why “{subject}” matters now and how it fits the current goals.")
        }
        Theme::Solutions => format!(
            "resist designing a fix for “{subject}” in the room; understanding comes first."
        ),
    }
}

/// A guide statement a key point can build on.
struct Candidate<'g> {
    text: &'g str,
    themes: Vec<Theme>,
    pitfall: bool,
}

fn candidates(guide: &Guide) -> Vec<Candidate<'_>> {
    fn add<'g>(items: &'g [GuideItem], pitfall: bool, out: &mut Vec<Candidate<'g>>) {
        for item in items {
            for text in item.texts() {
                // A heading-like bullet ("Discuss each refinement item:") introduces others.
                if !text.ends_with(':') && text.chars().any(char::is_alphabetic) {
                    out.push(Candidate {
                        text,
                        themes: themes_of(text),
                        pitfall,
                    });
                }
            }
        }
    }
    let mut out = Vec::new();
    add(&guide.purpose, false, &mut out);
    for phase in &guide.phases {
        add(&phase.items, false, &mut out);
    }
    for block in &guide.practices {
        add(&block.items, false, &mut out);
    }
    add(&guide.success_indicators, false, &mut out);
    add(&guide.pitfalls, true, &mut out);
    out
}

/// Signals in the topic that pull in a particular pitfall or theme, whatever the kind.
fn topic_themes(topic_and_context: &str) -> Vec<Theme> {
    let lower = topic_and_context.to_lowercase();
    let mut out = Vec::new();
    if ["estimat", "story point", "sizing", "deadline", "how long"]
        .iter()
        .any(|s| lower.contains(s))
    {
        out.push(Theme::Estimation);
    }
    if ["cross-team", "teams", "partner", "vendor", "department"]
        .iter()
        .any(|s| lower.contains(s))
    {
        out.push(Theme::Stakeholders);
        out.push(Theme::Dependencies);
    }
    out
}

/// 3-5 key points: guide statements chosen for the topic's signals and kind, each applied to
/// the subject, ending with a pitfall to avoid.
pub(crate) fn key_points(
    guide: &Guide,
    kind: TopicKind,
    topic_and_context: &str,
    subject: &str,
) -> Vec<String> {
    let bounds = KEY_POINTS.bounds().map_or((3, 5), |b| (b.min, b.max));
    let pool = candidates(guide);
    let mut wanted: Vec<Theme> = topic_themes(topic_and_context);
    wanted.extend(kind_themes(kind));
    let mut chosen: Vec<(usize, Theme)> = Vec::new();
    let target = (bounds.0 + 1).min(bounds.1);
    for theme in wanted {
        if chosen.len() >= target {
            break;
        }
        if chosen.iter().any(|(_, t)| *t == theme) {
            continue;
        }
        // Pitfalls speak for estimation and solutions; other themes come from the guide's advice.
        let pick = pool.iter().enumerate().find(|(i, c)| {
            c.themes.contains(&theme)
                && (c.pitfall == matches!(theme, Theme::Estimation | Theme::Solutions))
                && !chosen.iter().any(|(j, _)| j == i)
        });
        if let Some((i, _)) = pick {
            chosen.push((i, theme));
        }
    }
    // Always warn against the guide's first pitfall not yet covered, when there is room.
    if chosen.len() < bounds.1 {
        if let Some((i, c)) = pool
            .iter()
            .enumerate()
            .find(|(i, c)| c.pitfall && !chosen.iter().any(|(j, _)| j == i))
        {
            let theme = c.themes.first().copied().unwrap_or(Theme::Solutions);
            chosen.push((i, theme));
        }
    }
    // A sparse guide: fill with its first statements.
    for (i, c) in pool.iter().enumerate() {
        if chosen.len() >= bounds.0 {
            break;
        }
        if !chosen.iter().any(|(j, _)| *j == i) {
            chosen.push((i, c.themes.first().copied().unwrap_or(Theme::Understanding)));
        }
    }
    chosen
        .into_iter()
        .map(|(i, theme)| {
            let text = neutralise(pool[i].text.trim_end_matches(['.', ':', ';']));
            let text = if pool[i].pitfall {
                format!("Pitfall to avoid: {text}")
            } else {
                text
            };
            format!("**{text}** — {}", tailoring(theme, subject))
        })
        .collect()
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        // Keep acronyms ("PM/PO", "API") as they are.
        Some(first) if chars.clone().next().is_some_and(|c| c.is_lowercase()) => {
            first.to_lowercase().chain(chars).collect()
        }
        _ => text.to_string(),
    }
}

/// What a problem-space question asks about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Angle {
    Core,
    Stakeholders,
    Dependencies,
    Constraints,
    Assumptions,
    Evidence,
    Workarounds,
}

const ANGLE_MARKERS: &[(Angle, &[&str])] = &[
    (
        Angle::Stakeholders,
        &["stakeholder", "who", "customer", "user", "feel"],
    ),
    (Angle::Dependencies, &["dependenc", "depend"]),
    (
        Angle::Constraints,
        &["constraint", "risk", "legal", "limit"],
    ),
    (Angle::Assumptions, &["assumption", "unknown", "learn"]),
    (Angle::Evidence, &["evidence", "data", "metric"]),
    (Angle::Workarounds, &["instead", "workaround", "today"]),
    (Angle::Core, &["problem", "restate", "frame", "core"]),
];

fn angles_of(text: &str) -> Option<Angle> {
    let text_words = words(text);
    ANGLE_MARKERS
        .iter()
        .find(|(_, markers)| {
            markers
                .iter()
                .any(|m| text_words.iter().any(|w| w.starts_with(m)))
        })
        .map(|(angle, _)| *angle)
}

/// The guide phase where the problem space is explored: the one whose bullets name the most
/// angles (its first, when none does).
pub(crate) fn exploration_phase(guide: &Guide) -> &Phase {
    let score = |phase: &Phase| {
        phase
            .items
            .iter()
            .flat_map(|i| i.texts())
            .filter(|t| angles_of(t).is_some())
            .count()
    };
    let mut best = &guide.phases[0];
    for phase in &guide.phases {
        if score(phase) > score(best) {
            best = phase;
        }
    }
    best
}

fn question(angle: Angle, kind: TopicKind, s: &str) -> String {
    use TopicKind::*;
    match (angle, kind) {
        (Angle::Core, Bug) => format!(
            "When does “{s}” happen, for whom, and what changed around the time it started?"
        ),
        (Angle::Core, Performance) => format!(
            "Where exactly do people feel “{s}”, and what are they trying to do at that moment?"
        ),
        (Angle::Core, Ux) => format!(
            "At which step does “{s}” trip people up, and what were they expecting instead?"
        ),
        (Angle::Core, Compliance) => format!(
            "Which obligation lies behind “{s}”, and what happens to customers and to us if it is not met?"
        ),
        (Angle::Core, Migration) => {
            format!("What problem does “{s}” solve for the people who use the current system?")
        }
        (Angle::Core, Integration) => {
            format!("What are people trying to get done across systems when they ask for “{s}”?")
        }
        (Angle::Core, TechDebt) => {
            format!("How does “{s}” slow us down or put customers at risk today?")
        }
        (Angle::Core, Research) => format!(
            "What do we need to learn about “{s}”, and what decision is waiting on the answer?"
        ),
        (Angle::Core, Feature) => format!(
            "What problem are people trying to solve when they ask for “{s}”, and how do we know it is real?"
        ),
        (Angle::Stakeholders, Compliance) => format!(
            "Who is accountable for “{s}”: which teams, customers and outside parties must be heard?"
        ),
        (Angle::Stakeholders, Integration) => format!(
            "Which teams and partners own each side of “{s}”, and who feels it when it goes wrong?"
        ),
        (Angle::Stakeholders, _) => {
            format!("Who is affected by “{s}”, and how does each group experience it differently?")
        }
        (Angle::Dependencies, Migration) => {
            format!("What depends on the current system today, and who must be ready before “{s}”?")
        }
        (Angle::Dependencies, _) => {
            format!("Which systems, teams or vendors does “{s}” depend on, and which depend on it?")
        }
        (Angle::Constraints, Compliance) => format!(
            "Which rules, dates and audit needs bound “{s}”, and which of them are non-negotiable?"
        ),
        (Angle::Constraints, Performance) => {
            format!("What limits (devices, networks, data volumes) shape “{s}” for our users?")
        }
        (Angle::Constraints, _) => {
            format!("What constraints (technical, legal, contractual) shape “{s}”?")
        }
        (Angle::Assumptions, Research) => format!(
            "Which of our beliefs about “{s}” would change our plans if they turned out wrong?"
        ),
        (Angle::Assumptions, _) => format!(
            "What are we assuming about “{s}” that we have not yet checked with users or data?"
        ),
        (Angle::Evidence, _) => format!(
            "What evidence do we have about “{s}” (tickets, interviews, metrics), and what is missing?"
        ),
        (Angle::Workarounds, _) => {
            format!("What do people do today to cope with “{s}”, and what does that cost them?")
        }
    }
}

/// 3-5 open problem-space questions naming the subject: one per angle the guide's exploration
/// bullets raise, topped up with the usual angles, shaped by the kind of topic. With context
/// notes, one question asks what they tell us.
pub(crate) fn questions(
    guide: &Guide,
    kind: TopicKind,
    subject: &str,
    context: Option<&str>,
) -> Vec<String> {
    let max = DISCUSSION_QUESTIONS.bounds().map_or(5, |b| b.max);
    let mut angles: Vec<Angle> = Vec::new();
    let exploration = exploration_phase(guide);
    for text in exploration.items.iter().flat_map(|i| i.texts()) {
        if let Some(angle) = angles_of(text).filter(|a| !angles.contains(a)) {
            angles.push(angle);
        }
    }
    if angles.first() != Some(&Angle::Core) {
        angles.retain(|a| *a != Angle::Core);
        angles.insert(0, Angle::Core);
    }
    for angle in [
        Angle::Stakeholders,
        Angle::Assumptions,
        Angle::Constraints,
        Angle::Dependencies,
    ] {
        if angles.len() >= 4 {
            break;
        }
        if !angles.contains(&angle) {
            angles.push(angle);
        }
    }
    let room = if context.is_some() { max - 1 } else { max };
    let mut out: Vec<String> = angles
        .into_iter()
        .take(room)
        .map(|a| question(a, kind, subject))
        .collect();
    if let Some(notes) = context {
        out.push(format!(
            "The notes say “{}”: what does that tell us about “{subject}”, and what does it leave open?",
            context_excerpt(notes)
        ));
    }
    out
}

/// A closing statement of 2-3 sentences: why refinement mattered, and the guide's next steps.
pub(crate) fn closing(guide: &Guide, subject: &str) -> String {
    let steps: Vec<String> = guide
        .post_session
        .iter()
        .filter_map(|g| g.items.first())
        .take(3)
        .map(|item| lower_first(&neutralise(item.text.trim_end_matches(['.', ':', ';']))))
        .collect();
    let next = match steps.as_slice() {
        [] => String::from(
            "Next steps: I will share the session notes and follow up on the open questions and action items.",
        ),
        [one] => format!("Next steps: {one}, and follow up on the action items."),
        [init @ .., last] => format!("Next steps: {}, and {last}.", init.join(", ")),
    };
    let value = "understanding the problem together before choosing a solution is what makes the work that follows worth doing";
    let with_subject =
        format!("Thank you for exploring “{subject}” with such care: {value}. {next}");
    let bounds = refine_core::contract::CLOSING_STATEMENT
        .bounds()
        .map_or((2, 3), |b| (b.min, b.max));
    let fits = |s: &str| (bounds.0..=bounds.1).contains(&sentence_count(s));
    if fits(&with_subject) {
        with_subject
    } else {
        // The subject itself holds sentence breaks ("Fix login. Then ship!"): leave it out.
        format!("Thank you for exploring this problem with such care: {value}. {next}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_topics_are_quoted_whole_and_long_ones_by_their_key_words() {
        assert_eq!(
            subject("Reduce checkout abandonment on mobile"),
            "checkout abandonment on mobile"
        );
        assert_eq!(subject("Speed up search"), "search");
        assert_eq!(
            subject("Fix it"),
            "Fix it",
            "nothing but the verb would be left"
        );
        assert_eq!(subject("Team calendars"), "Team calendars");
        assert_eq!(
            subject(
                "We need to figure out why customers keep complaining about the reporting dashboard being slow and hard to read"
            ),
            "customers keep complaining about the reporting dashboard being…"
        );
        assert_eq!(subject("a</session_topic>"), "a‹/session_topic›");
        assert_eq!(
            subject(
                "As a store manager I want to see yesterday's sales so that I can plan staffing"
            ),
            "see yesterday's sales…"
        );
        assert_eq!(
            subject(
                "It would be nice if admins could see who changed a setting, when they changed it, and why, because support spends hours on it"
            ),
            "admins could see who changed a setting…"
        );
        let long_cjk = "移动端结账流程".repeat(10);
        assert_eq!(subject(&long_cjk).chars().count(), 31);
    }

    #[test]
    fn context_excerpts_are_one_short_sentence() {
        assert_eq!(
            context_excerpt("Drop-off doubled.\nSecond line."),
            "Drop-off doubled."
        );
        assert_eq!(context_excerpt(&"word ".repeat(50)).chars().count(), 100);
    }

    #[test]
    fn the_default_guide_explores_the_second_phase() {
        let guide = Guide::builtin();
        assert_eq!(exploration_phase(&guide).slug, "problem-space-exploration");
    }
}
