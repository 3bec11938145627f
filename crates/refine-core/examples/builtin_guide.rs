//! Writes `src/guide/builtin/parsed.rs`, the Rust source that builds the built-in guide as
//! `Guide::builtin` returns it. Run after changing the guide's Markdown, its parser or the
//! stemmer:
//!
//! ```text
//! cargo run -q -p refine-core --example builtin_guide > crates/refine-core/src/guide/builtin/parsed.rs
//! ```

fn main() {
    print!("{}", refine_core::Guide::builtin_source());
}
