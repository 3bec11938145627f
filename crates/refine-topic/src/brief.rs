//! What the team can know before the session and what it cannot yet: the pre-read's two lists,
//! from the facts in the item's notes.

use crate::notes::{FactKind, Notes};

/// The kinds of fact a team needs to understand a problem, in the order a pre-read asks about
/// them, with how the pre-read names each when the notes hold one and when they do not.
pub const NEEDED: [(FactKind, &str, &str); 5] = [
    (
        FactKind::Affected,
        "Who it affects",
        "who it affects, and how many",
    ),
    (
        FactKind::Measure,
        "How much or how often",
        "how often it happens or how much it costs: no numbers yet",
    ),
    (
        FactKind::Condition,
        "When it happens",
        "when or under which conditions it happens",
    ),
    (
        FactKind::Constraint,
        "Limits",
        "which limits (rules, deadlines, contracts) apply",
    ),
    (
        FactKind::Dependency,
        "What it depends on",
        "which teams, systems or vendors it depends on",
    ),
];

/// The other facts worth telling the team, with their labels.
const ALSO: [(FactKind, &str); 2] = [
    (
        FactKind::Proposal,
        "A proposal (a hypothesis to test, not a decision)",
    ),
    (FactKind::Disagreement, "Open disagreement"),
];

/// The pre-read's lists: what the notes tell (label and quote), and what they do not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Brief {
    /// `Label: “quote”`, in the order of [`NEEDED`], then proposals and disagreements.
    pub known: Vec<String>,
    /// What the notes leave open, in the order of [`NEEDED`].
    pub open: Vec<String>,
}

impl Brief {
    /// The brief of an item's notes; without notes, everything is open.
    pub fn of(notes: &Notes) -> Brief {
        let mut brief = Brief::default();
        let first = |kind: FactKind| notes.facts.iter().find(|f| f.kind == kind);
        for (kind, label, missing) in NEEDED {
            match first(kind) {
                Some(fact) => brief.known.push(format!("{label}: “{}”", fact.quote)),
                None => brief.open.push(missing.to_string()),
            }
        }
        for (kind, label) in ALSO {
            if let Some(fact) = first(kind) {
                brief.known.push(format!("{label}: “{}”", fact.quote));
            }
        }
        brief
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_brief_tells_what_the_notes_hold_and_names_what_they_leave_open() {
        let notes = Notes::read(
            "Our accounting team of 15 people exports every Monday. It takes them 10 minutes each time. We could add a BOM to the file.",
        );
        let brief = Brief::of(&notes);
        assert!(
            brief
                .known
                .iter()
                .any(|k| k.starts_with("Who it affects: “")),
            "{brief:?}"
        );
        assert!(
            brief.known.iter().any(|k| k.starts_with("A proposal")),
            "{brief:?}"
        );
        assert!(brief.open.iter().any(|o| o.contains("limits")), "{brief:?}");
        let empty = Brief::of(&Notes::default());
        assert!(empty.known.is_empty());
        assert_eq!(empty.open.len(), NEEDED.len());
    }
}
