//! `refine-eval`: the evaluation harness. A run is fixture topics × backends × repeats, executed
//! in parallel; each case renders the prompt, calls the backend (through a response cache), and
//! parses and lints the reply with `refine-core`. Results stream to `results.jsonl`; reports
//! (terminal, Markdown, HTML, JUnit) and baseline comparisons are built from that file.

pub mod baseline;
pub mod cache;
pub mod compare;
pub mod judge;
pub mod limits;
pub mod progress;
pub mod record;
pub mod report;
pub mod run;
pub mod spec;
pub mod summary;
pub mod topics;
pub mod two_places;
