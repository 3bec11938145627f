//! `refine-topic`: reads a backlog item the way a facilitator would before a session.
//!
//! - [`title`]: the title without tracker decorations (`[FEATURE]`, `Bug:`, emoji), its subject
//!   in a few words of the pack's own, and what a proposal-shaped title wants to achieve;
//! - [`kind`]: what kind of item it is (bug, feature, migration, ...) and the words that decided
//!   it, weighing the title above the notes so one word in the notes cannot override a clear
//!   title;
//! - [`notes`]: the context notes split into sentences (Markdown, lists, code and logs handled)
//!   and the facts in them: who is affected, numbers, constraints, conditions, proposed
//!   solutions and open disagreements.
//!
//! Everything is deterministic and does no I/O. The offline planner writes from a [`Reading`];
//! the host states the kind in every pack, whichever backend wrote it.

pub mod brief;
pub mod kind;
pub mod notes;
pub mod title;

#[cfg(test)]
mod pattern_engines;

pub use brief::Brief;
pub use kind::{KindReading, TopicKind};
pub use notes::{Fact, FactKind, Notes};
pub use title::Title;

/// Everything read from one item: its title, kind and notes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    /// The title, its subject and decorations.
    pub title: Title,
    /// The kind of item, with the words that decided it.
    pub kind: KindReading,
    /// What the context notes say; empty without notes.
    pub notes: Notes,
}

/// Reads an item from its title and optional context notes.
pub fn read(title: &str, context: Option<&str>) -> Reading {
    let title = Title::read(title);
    let notes = context.map(Notes::read).unwrap_or_default();
    let kind = kind::detect(&title, context);
    Reading { title, kind, notes }
}
