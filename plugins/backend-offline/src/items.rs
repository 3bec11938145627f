//! The offline planner for a session on several backlog items ([`refine_core::contract::ITEM`]):
//! the guide's phases with one slot per item in the item phase, the session's key points from
//! the guide, and per item a block whose key points, questions and success criteria are drawn
//! from that item's own title and description.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use refine_core::contract::{
    AGENDA, CLOSING_STATEMENT, DISCUSSION_QUESTIONS, ITEM, KEY_POINTS, SUCCESS_CRITERIA,
};
use refine_core::guide::shown_bullets;
use refine_core::parse::defuse_section_tags as defuse;
use refine_core::schedule::{allocate, item_slots};
use refine_core::text::terms;
use refine_core::{Guide, SessionRequest};
use refine_plugin::BackendError;

use crate::content::{self, Voice};
use crate::guide_lines::{GuideLines, lines_of};

/// Writes the tagged reply for a request with items.
pub(crate) fn plan_items_reply(
    request: &SessionRequest,
    guide: &Guide,
) -> Result<String, BackendError> {
    let total = request.minutes().unwrap_or_else(|| guide.natural_minutes());
    let minutes = allocate(guide, total).map_err(|e| BackendError::Input(e.to_string()))?;
    let slots = item_slots(guide, request)
        .ok_or_else(|| BackendError::Input(String::from("no item fits this session")))?;
    let readings: Vec<refine_topic::Reading> = request
        .items()
        .iter()
        .map(|i| refine_topic::read(i.title().as_str(), i.notes()))
        .collect();
    let voices: Vec<Voice<'_>> = readings
        .iter()
        .zip(request.items())
        .map(|(r, i)| Voice::new(r, i.notes()))
        .collect();

    let mut out = String::new();
    let _ = writeln!(out, "<{}>", AGENDA.tag);
    let _ = writeln!(
        out,
        "**Agenda: {total} minutes, {} backlog items**\n",
        request.items().len()
    );
    let lines = lines_of(guide);
    for (i, (phase, m)) in lines.phases.iter().zip(&minutes).enumerate() {
        out.push_str(&lines.practices[i]);
        let _ = writeln!(out, "{}. **{}** ({m} min)", i + 1, phase.name);
        if i == 0 {
            let _ = writeln!(
                out,
                "   - Why these items together: {}",
                together(request, &readings)
            );
        }
        for text in &phase.bullets {
            let _ = writeln!(out, "   - {text}");
        }
        if phase.slug == slots.phase {
            for (n, (item, m)) in request.items().iter().zip(&slots.minutes).enumerate() {
                let _ = writeln!(
                    out,
                    "   - Item {}: {} ({m} min)",
                    n + 1,
                    defuse(&item.label())
                );
            }
        }
        if Some(&phase.slug) == lines.success.as_ref() {
            let _ = writeln!(
                out,
                "   - For each item, agree on the success criteria written in its block below"
            );
        }
    }
    out.push_str(&lines.practices[lines.phases.len()]);
    let _ = writeln!(out, "</{}>\n", AGENDA.tag);

    let _ = writeln!(out, "<{}>", KEY_POINTS.tag);
    for point in session_key_points(guide, request, slots.minutes[0]) {
        let _ = writeln!(out, "- {point}");
    }
    let _ = writeln!(out, "</{}>\n", KEY_POINTS.tag);

    for (n, ((item, voice), m)) in request
        .items()
        .iter()
        .zip(&voices)
        .zip(&slots.minutes)
        .enumerate()
    {
        let _ = writeln!(out, "<{} number=\"{}\">", ITEM.tag, n + 1);
        let _ = writeln!(out, "### {} ({m} min)", defuse(&item.label()));
        let _ = writeln!(out, "<{}>", KEY_POINTS.tag);
        for point in item_key_points(voice, &lines) {
            let _ = writeln!(out, "- {point}");
        }
        let _ = writeln!(out, "</{}>", KEY_POINTS.tag);
        let _ = writeln!(out, "<{}>", DISCUSSION_QUESTIONS.tag);
        for (i, q) in content::questions(voice, &lines).iter().enumerate() {
            let _ = writeln!(out, "{}. {q}", i + 1);
        }
        let _ = writeln!(out, "</{}>", DISCUSSION_QUESTIONS.tag);
        let _ = writeln!(out, "<{}>", SUCCESS_CRITERIA.tag);
        for criterion in content::success_prompts(voice) {
            let _ = writeln!(out, "- {criterion}");
        }
        let _ = writeln!(out, "</{}>", SUCCESS_CRITERIA.tag);
        let _ = writeln!(out, "</{}>\n", ITEM.tag);
    }

    let _ = writeln!(out, "<{}>", CLOSING_STATEMENT.tag);
    let _ = writeln!(out, "{}", closing(request, &lines, &voices));
    let _ = writeln!(out, "</{}>", CLOSING_STATEMENT.tag);
    Ok(out)
}

/// Why these items share a session: what the product manager said, else the kinds they are
/// and the words two or more of them share.
fn together(request: &SessionRequest, readings: &[refine_topic::Reading]) -> String {
    if let Some(first) = request.context().and_then(|c| {
        refine_topic::read("-", Some(c))
            .notes
            .sentences
            .into_iter()
            .next()
    }) {
        return defuse(&first);
    }
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for r in readings {
        *kinds.entry(r.kind.kind.as_str()).or_default() += 1;
    }
    let mut kinds: Vec<(&str, usize)> = kinds.into_iter().collect();
    kinds.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let kinds: Vec<String> = kinds
        .iter()
        .map(|(k, n)| format!("{n} {k}{}", if *n == 1 { "" } else { "s" }))
        .collect();
    // Words two or more items' titles share, most shared first.
    let mut shared: BTreeMap<String, usize> = BTreeMap::new();
    for item in request.items() {
        for t in terms(item.title().as_str()) {
            if t.chars().all(char::is_alphabetic) && t.chars().count() > 2 {
                *shared.entry(t.to_string()).or_default() += 1;
            }
        }
    }
    let mut shared: Vec<(String, usize)> = shared.into_iter().filter(|(_, n)| *n >= 2).collect();
    shared.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let words: Vec<String> = shared
        .iter()
        .take(3)
        .map(|(w, _)| format!("“{w}”"))
        .collect();
    let mut why = format!("{} in this batch", kinds.join(", "));
    if !words.is_empty() {
        let _ = write!(why, "; several touch {}", words.join(", "));
    }
    if !request.deferred().is_empty() {
        let _ = write!(
            why,
            "; {} more wait for the next session",
            request.deferred().len()
        );
    }
    defuse(&why)
}

/// The session's key points: the guide's purpose, timeboxing and pitfalls applied to a batch
/// of items, in the guide's own words.
fn session_key_points(guide: &Guide, request: &SessionRequest, slot: u32) -> Vec<String> {
    let n = request.items().len();
    let purpose: Vec<String> = shown_bullets(&guide.purpose);
    let practices: Vec<String> = guide
        .practices
        .iter()
        .flat_map(|b| shown_bullets(&b.items))
        .collect();
    let pitfalls: Vec<String> = shown_bullets(&guide.pitfalls);
    let find = |list: &[String], word: &str| {
        list.iter()
            .find(|t| t.to_lowercase().contains(word))
            .cloned()
    };
    let mut points = Vec::new();
    if let Some(first) = purpose.first() {
        points.push(format!(
            "{first} — each of the {n} items gets its own slot to explore its problem before anyone proposes a fix."
        ));
    }
    // In the guide's own words, or not at all: a key point must trace back to the guide.
    if let Some(timebox) = find(&practices, "timebox").or_else(|| find(&pitfalls, "timebox")) {
        points.push(format!(
            "{timebox} — keep each item to its slot (about {slot} minutes) and park what runs over, so the last item is not squeezed."
        ));
    }
    if let Some(criteria) = find(&purpose, "success").or_else(|| find(&purpose, "criteria")) {
        points.push(format!(
            "{criteria} — every item leaves with outcomes the team agrees on and a way to measure them."
        ));
    }
    if let Some(estimation) = find(&pitfalls, "estimat") {
        points.push(format!(
            "Pitfall to avoid: {estimation} — no item is sized in this session."
        ));
    }
    for phase in &guide.phases {
        if points.len() >= 3 {
            break;
        }
        points.push(format!(
            "{} — the guide gives it {}, for the batch as a whole.",
            phase.name, phase.minutes
        ));
    }
    points
        .into_iter()
        .take(KEY_POINTS.bounds().map_or(5, |b| b.max))
        .map(|p| defuse(&p))
        .collect()
}

/// An item's key points: what its description tells, then the guide applied to it.
fn item_key_points(voice: &Voice<'_>, guide: &GuideLines) -> Vec<String> {
    let max = KEY_POINTS.bounds().map_or(5, |b| b.max);
    let brief = refine_topic::Brief::of(&voice.reading.notes);
    let mut points: Vec<String> = brief
        .known
        .iter()
        .take(2)
        .map(|k| format!("From the description — {}", defuse(k)))
        .collect();
    for point in content::key_points(voice, guide) {
        if points.len() >= max.min(4) {
            break;
        }
        points.push(point);
    }
    points
}

/// The closing: thanks for the batch, what carries over, and the guide's next steps.
fn closing(request: &SessionRequest, guide: &GuideLines, voices: &[Voice<'_>]) -> String {
    let next = voices
        .first()
        .map(|v| content::closing(v, guide))
        .and_then(|c| c.find("Next steps:").map(|at| c[at..].to_string()))
        .unwrap_or_else(|| {
            String::from("Next steps: share the session notes and follow up on the action items.")
        });
    let carried = match request.deferred().len() {
        0 => String::from(
            "Each item leaves with its open questions and success criteria written down.",
        ),
        1 => String::from("The deferred item opens the next session, with what we learned today."),
        d => format!("The {d} deferred items open the next session, with what we learned today."),
    };
    format!(
        "Thank you for exploring the problems behind these {} items rather than their fixes. {carried} {next}",
        request.items().len()
    )
}
