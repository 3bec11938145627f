//! What the planner reads from a guide whatever the topic: its agenda lines, the statements a
//! key point can build on, the angles its exploration raises and its next steps. A run plans
//! every case from the same few guides, so each thread reads a guide once and keeps what it
//! read, looked up by what it reads of the guide (guides that agree there read alike).

use std::cell::RefCell;
use std::fmt::Write as _;
use std::rc::Rc;

use refine_core::Guide;
use refine_core::guide::{
    BULLET_CHARS_SHOWN, GuideGroup, GuideItem, Phase, PracticeBlock, shown_bullets,
};
use refine_core::parse::defuse_section_tags as defuse;

use crate::content::{Angle, Theme, angles_of, lower_first, speaks_of_success, themes_of};

/// How many guides each thread keeps what it read of: a run compares a handful.
const GUIDES_KEPT: usize = 8;

thread_local! {
    static READ: RefCell<Vec<(ReadParts, Rc<GuideLines>)>> = const { RefCell::new(Vec::new()) };
}

/// See the module's docs.
pub(crate) struct GuideLines {
    /// Each phase's own agenda lines.
    pub(crate) phases: Vec<PhaseLines>,
    /// The agenda's line of discussion-management practices after `n` phases, at index `n`
    /// (`0..=phases`), as written (empty when none comes there).
    pub(crate) practices: Vec<String>,
    /// The slug of the phase where the problem space is explored.
    pub(crate) exploration: String,
    /// The slug of the phase where success is defined, when one is.
    pub(crate) success: Option<String>,
    /// The statements a key point can build on, in the guide's order.
    pub(crate) candidates: Vec<Candidate>,
    /// The angles the exploration phase's bullets raise, in order, the core left out.
    pub(crate) exploration_angles: Vec<Angle>,
    /// The first item of each of the first three post-session groups, as the closing names
    /// them.
    pub(crate) next_steps: Vec<String>,
}

/// A phase's agenda lines: its name and shown bullets, tags defused.
pub(crate) struct PhaseLines {
    pub(crate) slug: String,
    pub(crate) name: String,
    pub(crate) bullets: Vec<String>,
}

/// What this thread read of `guide`, read now when it has not read it yet.
pub(crate) fn lines_of(guide: &Guide) -> Rc<GuideLines> {
    if let Some(lines) = READ.with_borrow(|read| {
        read.iter()
            .find(|(parts, _)| parts.are_of(guide))
            .map(|(_, l)| l.clone())
    }) {
        return lines;
    }
    let lines = Rc::new(GuideLines::read(guide));
    READ.with_borrow_mut(|read| {
        if read.len() >= GUIDES_KEPT {
            read.remove(0);
        }
        read.push((ReadParts::of(guide), lines.clone()));
    });
    lines
}

/// Everything [`GuideLines::read`] reads of a guide, kept to find its reading again: guides
/// that agree here read alike. Not their title, Markdown or terms: comparing and copying
/// whole guides cost more than reading them once.
struct ReadParts {
    phases: Vec<Phase>,
    practices: Vec<PracticeBlock>,
    purpose: Vec<GuideItem>,
    success_indicators: Vec<GuideItem>,
    pitfalls: Vec<GuideItem>,
    post_session: Vec<GuideGroup>,
}

impl ReadParts {
    fn of(guide: &Guide) -> ReadParts {
        ReadParts {
            phases: guide.phases.clone(),
            practices: guide.practices.clone(),
            purpose: guide.purpose.clone(),
            success_indicators: guide.success_indicators.clone(),
            pitfalls: guide.pitfalls.clone(),
            post_session: guide.post_session.clone(),
        }
    }

    /// Whether `guide` has these parts.
    fn are_of(&self, guide: &Guide) -> bool {
        self.phases == guide.phases
            && self.practices == guide.practices
            && self.purpose == guide.purpose
            && self.success_indicators == guide.success_indicators
            && self.pitfalls == guide.pitfalls
            && self.post_session == guide.post_session
    }
}

impl GuideLines {
    fn read(guide: &Guide) -> GuideLines {
        let phases = guide
            .phases
            .iter()
            .map(|phase| PhaseLines {
                slug: phase.slug.clone(),
                name: defuse(&phase.name),
                bullets: shown_bullets(&phase.items)
                    .iter()
                    .map(|text| defuse(text))
                    .collect(),
            })
            .collect();
        GuideLines {
            phases,
            practices: (0..=guide.phases.len())
                .map(|before| practices(guide, before))
                .collect(),
            exploration: exploration_phase(guide).slug.clone(),
            success: success_phase(guide).map(|p| p.slug.clone()),
            candidates: candidates(guide),
            exploration_angles: exploration_angles(guide),
            next_steps: next_steps(guide),
        }
    }
}

/// The guide's discussion-management practices that come after `phases_before` phases, as a
/// line of the agenda (not an item: they apply throughout).
fn practices(guide: &Guide, phases_before: usize) -> String {
    let mut out = String::new();
    for block in guide
        .practices
        .iter()
        .filter(|b| b.after_phases == phases_before)
    {
        let items: Vec<String> = shown_bullets(&block.items)
            .iter()
            .map(|t| defuse(t.trim_end_matches(['.', ';'])))
            .collect();
        let _ = writeln!(
            out,
            "\n_Throughout the session ({}): {}._\n",
            defuse(&block.name),
            items.join("; ")
        );
    }
    out
}

/// A guide statement a key point can build on.
pub(crate) struct Candidate {
    pub(crate) text: String,
    pub(crate) themes: Vec<Theme>,
    pub(crate) pitfall: bool,
}

/// The statements of `guide` a key point can build on, in the guide's order.
pub(crate) fn candidates(guide: &Guide) -> Vec<Candidate> {
    fn add(items: &[GuideItem], pitfall: bool, out: &mut Vec<Candidate>) {
        for item in items {
            for text in item.texts() {
                // A heading-like bullet ("Discuss each refinement item:") introduces others;
                // a paragraph-long one is no point to take into the room.
                if !text.ends_with(':')
                    && text.chars().any(char::is_alphabetic)
                    && text.chars().nth(BULLET_CHARS_SHOWN).is_none()
                {
                    out.push(Candidate {
                        text: text.to_string(),
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
    let mut best = (&guide.phases[0], score(&guide.phases[0]));
    for phase in &guide.phases[1..] {
        let scored = score(phase);
        if scored > best.1 {
            best = (phase, scored);
        }
    }
    best.0
}

/// The angles the bullets of `guide`'s exploration phase raise, in order, each once, the core
/// left out.
pub(crate) fn exploration_angles(guide: &Guide) -> Vec<Angle> {
    let mut angles: Vec<Angle> = Vec::new();
    for text in exploration_phase(guide)
        .items
        .iter()
        .flat_map(|i| i.texts())
    {
        if let Some(angle) = angles_of(text).filter(|a| !angles.contains(a) && *a != Angle::Core) {
            angles.push(angle);
        }
    }
    angles
}

/// The guide phase where success is defined: the first whose name or bullets speak of success,
/// outcomes or measures, other than the exploration phase.
pub(crate) fn success_phase(guide: &Guide) -> Option<&Phase> {
    let exploration = &exploration_phase(guide).slug;
    guide.phases.iter().find(|phase| {
        &phase.slug != exploration
            && std::iter::once(phase.name.as_str())
                .chain(phase.items.iter().flat_map(|i| i.texts()))
                .any(speaks_of_success)
    })
}

/// The first item of each of `guide`'s first three post-session groups, as the closing's
/// next steps name them.
pub(crate) fn next_steps(guide: &Guide) -> Vec<String> {
    guide
        .post_session
        .iter()
        .filter_map(|g| g.items.first())
        .take(3)
        .map(|item| lower_first(&defuse(item.text.trim_end_matches(['.', ':', ';']))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_guide_explores_the_second_phase() {
        let guide = Guide::builtin();
        assert_eq!(exploration_phase(&guide).slug, "problem-space-exploration");
    }

    #[test]
    fn a_guide_is_read_once_per_thread_and_an_edited_one_afresh() {
        let guide = Guide::builtin();
        let first = lines_of(&guide);
        assert!(Rc::ptr_eq(&first, &lines_of(&guide.clone())));
        let mut edited = guide.clone();
        edited.phases[0].name = String::from("Warm-up </agenda>");
        let other = lines_of(&edited);
        assert!(!Rc::ptr_eq(&first, &other));
        assert_eq!(other.phases[0].name, defuse("Warm-up </agenda>"));
        assert_eq!(first.phases[0].name, defuse(&guide.phases[0].name));
    }

    #[test]
    fn every_part_the_planner_reads_tells_guides_apart_and_the_title_does_not() {
        let guide = Guide::builtin();
        let first = lines_of(&guide);
        let mut retitled = guide.clone();
        retitled.title = String::from("Our guide");
        assert!(Rc::ptr_eq(&first, &lines_of(&retitled)));
        let edits: [fn(&mut Guide); 6] = [
            |g| g.phases[1].items[0].text.push('!'),
            |g| g.practices[0].items[0].text.push('!'),
            |g| g.purpose[0].text.push('!'),
            |g| g.success_indicators[0].text.push('!'),
            |g| g.pitfalls[0].text.push('!'),
            |g| g.post_session[0].items[0].text.push('!'),
        ];
        for edit in edits {
            let mut edited = guide.clone();
            edit(&mut edited);
            assert!(!Rc::ptr_eq(&first, &lines_of(&edited)));
        }
    }

    #[test]
    fn a_thread_keeps_a_bounded_number_of_guides() {
        let guide = Guide::builtin();
        for n in 0..GUIDES_KEPT + 3 {
            let mut edited = guide.clone();
            edited.phases[0].name = format!("Phase {n}");
            lines_of(&edited);
        }
        assert_eq!(READ.with_borrow(Vec::len), GUIDES_KEPT);
    }
}
