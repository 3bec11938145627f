//! A refinement session being run, with no user interface in it: the pack, an append-only
//! journal of what happened ([`journal`]), the session on a clock ([`clock`]), the notes the
//! guide's follow-up asks for ([`notes`], [`render`]) and what the next session carries over
//! ([`carry`]). `refine run`, `refine log`, `refine notes` and `refine serve` are views of it.

pub mod carry;
pub mod clock;
pub mod event;
pub mod journal;
pub mod notes;
pub mod render;

pub use clock::{Standing, Step, steps};
pub use event::{Entry, Event, JOURNAL_SCHEMA, Outcome};
pub use journal::{Header, Journal, JournalError};
pub use notes::{NOTES_SCHEMA, Notes};
