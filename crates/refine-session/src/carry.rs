//! What the next session carries over from earlier ones: a short review of their open action
//! items, open questions and parked items; the items they did not finish; and the
//! retrospective applied — a phase that overran (or that the retro says ran short) gets more of
//! the guide's range, never outside it, and the pack says what changed and why.

use std::path::PathBuf;

use chrono::NaiveDate;
use refine_core::schedule::{SessionError, allocate, session_on};
use refine_core::{AgendaItem, Guide, Minutes, SessionItem, SessionRequest};
use refine_plugin::{ItemSource, Pack};

use crate::journal::JournalError;
use crate::notes::Notes;

/// Minutes of the review slot, when there is anything to review.
pub const REVIEW_MINUTES: u32 = 5;

/// Minutes over its timebox from which a phase counts as having overrun.
pub const OVERRUN_MINUTES: f64 = 2.0;

/// Words in a retrospective note that say a phase ran short (with the phase named in it).
pub const RAN_SHORT: [&str; 9] = [
    "more time",
    "ran short",
    "too short",
    "rushed",
    "not enough time",
    "ran out of time",
    "cut short",
    "needed longer",
    "too little time",
];

/// One earlier session, read from its journal.
#[derive(Debug, Clone)]
pub struct Earlier {
    /// Its notes.
    pub notes: Notes,
    /// Its pack.
    pub pack: Pack,
}

/// An action item carried over.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenAction {
    /// What.
    pub text: String,
    /// Who.
    pub owner: String,
    /// By when.
    pub due: Option<NaiveDate>,
}

/// An item an earlier session did not finish.
#[derive(Debug, Clone, PartialEq)]
pub struct Unfinished {
    /// Its title.
    pub title: String,
    /// The tracker's key.
    pub key: Option<String>,
    /// Its link.
    pub url: Option<String>,
    /// What is known of it (the pack's excerpt of its body).
    pub notes: Option<String>,
    /// Why it comes back.
    pub why: &'static str,
}

/// A phase's signal from an earlier session.
#[derive(Debug, Clone, PartialEq)]
struct Signal {
    slug: String,
    /// Minutes it overran by (0 when it did not).
    over: f64,
    /// A retro note saying it ran short, when one did.
    retro: Option<String>,
}

/// A phase whose timebox the carry-over changed.
#[derive(Debug, Clone, PartialEq)]
pub struct PhaseChange {
    /// The phase's name.
    pub name: String,
    /// Minutes it would have had.
    pub before: u32,
    /// Minutes it has.
    pub after: u32,
    /// The guide's range for it.
    pub range: Minutes,
    /// Why.
    pub why: String,
}

/// What the next session carries over.
#[derive(Debug, Clone, Default)]
pub struct CarryOver {
    /// The earlier sessions' topics and days.
    pub sessions: Vec<(String, NaiveDate)>,
    /// Their action items.
    pub actions: Vec<OpenAction>,
    /// Their open questions.
    pub questions: Vec<String>,
    /// Their parked items.
    pub parked: Vec<String>,
    /// Their items without an outcome, and those they deferred.
    pub unfinished: Vec<Unfinished>,
    signals: Vec<Signal>,
}

impl CarryOver {
    /// What `earlier` sessions leave to the next one. Later sessions' signals win for a phase.
    pub fn from_sessions(earlier: &[Earlier]) -> CarryOver {
        let mut out = CarryOver::default();
        for session in earlier {
            let notes = &session.notes;
            let day = notes.started.unwrap_or(notes.created).date_naive();
            out.sessions.push((notes.topic.clone(), day));
            let all = notes
                .items
                .iter()
                .map(|i| &i.captured)
                .chain(std::iter::once(&notes.general));
            for captured in all {
                out.actions
                    .extend(captured.actions.iter().map(|a| OpenAction {
                        text: a.text.clone(),
                        owner: a.owner.clone(),
                        due: a.due,
                    }));
                out.questions.extend(captured.questions.iter().cloned());
                out.parked.extend(captured.parked.iter().cloned());
            }
            let excerpts = session.pack.items();
            for item in notes.items.iter().filter(|i| i.outcome.is_none()) {
                let excerpt = excerpts
                    .iter()
                    .find(|x| x.number == item.number)
                    .and_then(|x| x.excerpt.clone())
                    .or_else(|| {
                        session
                            .pack
                            .meta
                            .context
                            .clone()
                            .filter(|_| excerpts.is_empty())
                    });
                out.unfinished.push(Unfinished {
                    title: item.title.clone(),
                    key: item.key.clone(),
                    url: item.url.clone(),
                    notes: excerpt,
                    why: if item.discussed {
                        "discussed without an outcome"
                    } else {
                        "not reached"
                    },
                });
            }
            for d in &session.pack.plan.deferred {
                out.unfinished.push(Unfinished {
                    title: d.title.clone(),
                    key: d.key.clone(),
                    url: d.url.clone(),
                    notes: None,
                    why: "deferred",
                });
            }
            for t in notes.time.iter().filter(|t| t.ran) {
                let Some(slug) = &t.phase else { continue };
                let retro = notes
                    .retro
                    .iter()
                    .flat_map(|r| &r.notes)
                    .find(|n| says_short(n, &t.title))
                    .cloned();
                let signal = Signal {
                    slug: slug.clone(),
                    over: t.over().max(0.0),
                    retro,
                };
                out.signals.retain(|s| s.slug != *slug);
                out.signals.push(signal);
            }
        }
        // An item that came back twice comes back once.
        let mut seen = std::collections::BTreeSet::new();
        out.unfinished
            .retain(|u| seen.insert(u.key.clone().unwrap_or_else(|| u.title.to_lowercase())));
        out
    }

    /// Whether there is anything for the review slot.
    pub fn has_review(&self) -> bool {
        !(self.actions.is_empty() && self.questions.is_empty() && self.parked.is_empty())
    }

    /// The review slot's minutes: [`REVIEW_MINUTES`] when there is anything to review.
    pub fn review_minutes(&self) -> u32 {
        if self.has_review() { REVIEW_MINUTES } else { 0 }
    }

    /// The guide for the next session of `total` minutes (the review slot left out): phases
    /// that overran or ran short get more of their range, taken from phases with room, never
    /// outside any range. Returns the guide and what changed.
    pub fn adjust(&self, guide: &Guide, total: u32) -> (Guide, Vec<PhaseChange>) {
        let natural = guide.total();
        // A session outside the guide's own range already has every phase scaled: no room.
        if total < natural.min || total > natural.max {
            return (guide.clone(), Vec::new());
        }
        let Ok(before) = allocate(guide, total) else {
            return (guide.clone(), Vec::new());
        };
        let mut adjusted = guide.clone();
        let mut reasons: Vec<(usize, String)> = Vec::new();
        for (i, phase) in guide.phases.iter().enumerate() {
            let Some(signal) = self.signals.iter().find(|s| s.slug == phase.slug) else {
                continue;
            };
            let range = phase.minutes;
            // The other phases keep at least their minimum, so no range is ever scaled.
            let others: u32 = adjusted
                .phases
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, p)| p.minutes.min)
                .sum();
            let (more, why) = if signal.over >= OVERRUN_MINUTES {
                (
                    signal.over.ceil() as u32,
                    format!("because it overran by {:.0} minutes last time", signal.over),
                )
            } else if let Some(note) = &signal.retro {
                (
                    REVIEW_MINUTES,
                    format!("because the retrospective said: \"{note}\""),
                )
            } else {
                continue;
            };
            // Round up to 5 minutes, kept within the phase's range.
            let wanted = (before[i] + more).div_ceil(5) * 5;
            if wanted.min(range.max) <= before[i] {
                reasons.push((i, format!("{why}, but it already has the guide's most")));
                continue;
            }
            let floor = wanted.min(range.max).min(total.saturating_sub(others));
            if floor <= before[i] {
                reasons.push((
                    i,
                    format!("{why}, but the other phases have no more to give"),
                ));
                continue;
            }
            adjusted.phases[i].minutes.min = floor.max(phase.minutes.min);
            reasons.push((i, why));
        }
        // Other phases give what they can; when they cannot give it all, ask for less.
        let mut after = allocate(&adjusted, total);
        while after.is_err() {
            let mut eased = false;
            for (i, _) in &reasons {
                let p = &mut adjusted.phases[*i];
                if p.minutes.min > guide.phases[*i].minutes.min {
                    p.minutes.min -= 1;
                    eased = true;
                }
            }
            if !eased {
                return (guide.clone(), Vec::new());
            }
            after = allocate(&adjusted, total);
        }
        let after = after.unwrap_or_else(|_| before.clone());
        // The guide's own text states the new range, so a model reads what the planner uses.
        let mut lines: Vec<String> = adjusted.markdown.lines().map(String::from).collect();
        for (i, _) in &reasons {
            let phase = &adjusted.phases[*i];
            if phase.minutes.min == guide.phases[*i].minutes.min {
                continue;
            }
            if let Some(line) = lines.get_mut(phase.line.saturating_sub(1)) {
                let old = &guide.phases[*i].minutes;
                for dash in ["-", "–", " - ", " – "] {
                    let from = format!("{}{dash}{}", old.min, old.max);
                    if line.contains(&from) {
                        *line = line.replacen(
                            &from,
                            &format!("{}{dash}{}", phase.minutes.min, old.max),
                            1,
                        );
                        break;
                    }
                }
            }
        }
        adjusted.markdown = lines.join("\n")
            + if guide.markdown.ends_with('\n') {
                "\n"
            } else {
                ""
            };
        let mut changes = Vec::new();
        for (i, phase) in guide.phases.iter().enumerate() {
            let why = reasons
                .iter()
                .find(|(j, _)| *j == i)
                .map(|(_, w)| w.clone());
            if before[i] == after[i] && why.is_none() {
                continue;
            }
            changes.push(PhaseChange {
                name: phase.name.clone(),
                before: before[i],
                after: after[i],
                range: guide.fitted_range(phase.minutes, Some(total)),
                why: why
                    .unwrap_or_else(|| String::from("giving time to the phases that need more")),
            });
        }
        (adjusted, changes)
    }

    /// The review slot and the pack's notes on what was carried over and changed. `pack` was
    /// planned for its session length less the review slot, which goes first.
    pub fn apply(&self, pack: &mut Pack, changes: &[PhaseChange]) {
        let review = self.review_minutes();
        if review > 0 {
            let mut details: Vec<String> = Vec::new();
            details.extend(self.actions.iter().map(|a| match a.due {
                Some(d) => format!("Action: {} ({}, due {d})", a.text, a.owner),
                None => format!("Action: {} ({})", a.text, a.owner),
            }));
            details.extend(self.questions.iter().map(|q| format!("Open question: {q}")));
            details.extend(self.parked.iter().map(|p| format!("Parked: {p}")));
            pack.plan.agenda.insert(
                0,
                AgendaItem {
                    title: String::from(
                        "Review of the last session: open actions, questions and parked items",
                    ),
                    minutes: Some(Minutes::exactly(review)),
                    phase: None,
                    detail: None,
                    details,
                },
            );
            pack.meta.session_minutes += review;
        }
        let days: Vec<String> = self
            .sessions
            .iter()
            .map(|(topic, day)| format!("\"{topic}\" ({day})"))
            .collect();
        if days.is_empty() {
            return;
        }
        let mut said = format!("Carried over from {}:", days.join(", "));
        if review > 0 {
            let parts: Vec<String> = [
                (self.actions.len(), "action item"),
                (self.questions.len(), "open question"),
                (self.parked.len(), "parked item"),
            ]
            .into_iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, what)| format!("{n} {what}{}", plural(n)))
            .collect();
            said.push_str(&format!(
                " a {review}-minute review of {}.",
                parts.join(", ")
            ));
        } else {
            said.push_str(" nothing open to review.");
        }
        if !self.unfinished.is_empty() {
            let names: Vec<String> = self
                .unfinished
                .iter()
                .map(|u| format!("{} ({})", u.title, u.why))
                .collect();
            said.push_str(&format!(" Back on the agenda: {}.", names.join("; ")));
        }
        pack.meta.notes.push(said);
        for c in changes {
            pack.meta.notes.push(if c.after == c.before {
                format!(
                    "{}: still {} minutes (guide: {}-{}) {}.",
                    c.name, c.after, c.range.min, c.range.max, c.why
                )
            } else {
                format!(
                    "{}: {} minutes instead of {} (guide: {}-{}), {}.",
                    c.name, c.after, c.before, c.range.min, c.range.max, c.why
                )
            });
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Whether `note` says the phase called `name` ran short: it names the phase (its whole name,
/// or its first two words) and says so in one of [`RAN_SHORT`]'s phrasings.
fn says_short(note: &str, name: &str) -> bool {
    let note = note.to_lowercase();
    let name = name.to_lowercase();
    let words: Vec<&str> = name.split_whitespace().collect();
    let named = note.contains(&name) || (words.len() >= 2 && note.contains(&words[..2].join(" ")));
    named && RAN_SHORT.iter().any(|w| note.contains(w))
}

/// Reads the earlier sessions' journals.
pub fn from_journals(paths: &[PathBuf]) -> Result<CarryOver, JournalError> {
    let mut earlier = Vec::with_capacity(paths.len());
    for path in paths {
        let (header, entries) = crate::journal::read(path)?;
        let pack = Pack::from(header.pack.clone());
        let steps = crate::clock::steps(&pack);
        let notes = Notes::new(&header, &pack, &steps, &entries);
        earlier.push(Earlier { notes, pack });
    }
    Ok(CarryOver::from_sessions(&earlier))
}

/// The request and guide of the next session: unfinished items first (then the ones asked
/// for, fitted again), planned for the session length less the review slot, with the guide's
/// phases adjusted by the retrospective.
pub fn shape(
    carry: &CarryOver,
    request: SessionRequest,
    source: Option<&ItemSource>,
    guide: &Guide,
    max_items: Option<usize>,
) -> Result<(SessionRequest, Guide, Vec<PhaseChange>), SessionError> {
    let total = request.minutes().unwrap_or_else(|| guide.natural_minutes());
    let planned = total.saturating_sub(carry.review_minutes()).max(1);
    let request = if carry.unfinished.is_empty() || only_again(carry, &request) {
        request
    } else {
        let mut all: Vec<SessionItem> = Vec::new();
        for u in &carry.unfinished {
            let mut item = SessionItem::new(&u.title)?
                .with_key(u.key.as_deref())
                .with_url(u.url.as_deref());
            if let Some(notes) = &u.notes {
                item = item.with_notes(notes)?;
            }
            all.push(item);
        }
        let asked: Vec<SessionItem> = if request.items().is_empty() {
            let mut one = SessionItem::new(request.topic().as_str())?
                .with_key(source.and_then(|s| s.key.as_deref()))
                .with_url(source.and_then(|s| s.url.as_deref()));
            if let Some(notes) = request.context() {
                one = one.with_notes(notes)?;
            }
            vec![one]
        } else {
            request
                .items()
                .iter()
                .chain(request.deferred())
                .cloned()
                .collect()
        };
        for item in asked {
            let same = |x: &SessionItem| match (x.key(), item.key()) {
                (Some(a), Some(b)) => a == b,
                _ => x
                    .title()
                    .as_str()
                    .eq_ignore_ascii_case(item.title().as_str()),
            };
            if !all.iter().any(same) {
                all.push(item);
            }
        }
        session_on(guide, all, Some(planned), max_items)?
    };
    let request = request.with_minutes(planned)?;
    let (guide, changes) = carry.adjust(guide, planned);
    Ok((request, guide, changes))
}

/// Whether the unfinished items are just the single topic asked for again: then the session
/// stays on that one topic, with its own notes.
fn only_again(carry: &CarryOver, request: &SessionRequest) -> bool {
    request.items().is_empty()
        && carry
            .unfinished
            .iter()
            .all(|u| u.title.eq_ignore_ascii_case(request.topic().as_str()))
}
